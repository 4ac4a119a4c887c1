#pragma once
// Which path's random streams each flow draws. Normally path p draws every
// flow from its own streams, (seed, p, week, flow, sub). A FlowPaths lets one
// simulated path draw some flows from one path's streams and the others from
// another's: that is how the pick-freeze designs of variance-based
// sensitivity analysis (forecast/sensitivity.hpp) give a group of random
// inputs the values of one independent draw and the rest those of another,
// without touching any parameter of the model. Every draw stays a pure
// function of (seed, path, week, flow, sub, index); only `path` is looked up
// per flow.
#include "core/random/random_stream.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace chainsim::core {

class FlowPaths {
 public:
  // Flow ids are below this (core/random/random_stream.hpp numbers them up to kLastFlow, checked below).
  static constexpr std::size_t kSlots = 64;

  // Every flow drawn from path `path`'s streams.
  explicit FlowPaths(std::uint64_t path = 0) noexcept { paths_.fill(path); }

  // Flow f drawn from path `path`'s streams.
  void set(Flow f, std::uint64_t path) noexcept { paths_[static_cast<std::size_t>(f)] = path; }

  std::uint64_t of(Flow f) const noexcept { return paths_[static_cast<std::size_t>(f)]; }
  std::uint64_t of(std::uint32_t flow_id) const noexcept { return paths_[flow_id]; }

  bool operator==(const FlowPaths&) const = default;

 private:
  std::array<std::uint64_t, kSlots> paths_;
};

// The last flow (a flow added after it must be checked here too).
static_assert(static_cast<std::size_t>(kLastFlow) < FlowPaths::kSlots,
              "a flow id beyond FlowPaths::kSlots: enlarge it");

}  // namespace chainsim::core
