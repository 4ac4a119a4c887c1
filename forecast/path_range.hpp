#pragma once
// A range of a run's paths, [first, last) in the run's global path numbering.
// A part of a run (the whole run; with MPI one rank) simulates one
// range. Every random number of a path is keyed by its global index (and the
// week and flow), never by its position inside a range, so any split of
// [0, P) into ranges simulates the same paths bit for bit.
#include <cstdint>

namespace chainsim::forecast {

struct PathRange {
  std::int64_t first = 0;
  std::int64_t last = 0;  // exclusive

  std::int64_t size() const noexcept { return last - first; }
  bool operator==(const PathRange&) const = default;
};

// All P paths of a run.
inline PathRange whole_range(std::int64_t paths) noexcept { return {0, paths}; }

// Part `part` of `parts` near-equal contiguous ranges of [0, paths): the first
// paths % parts ranges hold one path more.
inline PathRange split_paths(std::int64_t paths, int parts, int part) noexcept {
  const std::int64_t base = paths / parts, extra = paths % parts;
  const std::int64_t first = part * base + (part < extra ? part : extra);
  return {first, first + base + (part < extra ? 1 : 0)};
}

}  // namespace chainsim::forecast
