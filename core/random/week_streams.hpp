#pragma once
// The random streams one path opens in one week, with their first blocks
// computed together in SIMD lanes (core/random/philox_lanes.hpp) when the week
// starts. A stream opened here draws exactly the numbers of
// RandomStream(seed, path, week, flow, sub): only where its first blocks are
// computed changes, so no output changes.
#include "core/random/flow_paths.hpp"
#include "core/random/philox_lanes.hpp"
#include "core/random/random_stream.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace chainsim::core {

class WeekStreams {
 public:
  // `dublin_cohorts` streams DublinLeavers (sub = age), `regions` streams
  // HousingSupply (sub = region) and, when regions > 1, the first
  // `region_split_blocks` blocks of PermitHolderRegions; one block of every
  // other weekly flow.
  // The blocks are computed with `isa`; with PhiloxIsa::Scalar none are
  // computed up front (one at a time they cost the same either way, and
  // computing those of streams the week does not open would be waste).
  WeekStreams(int dublin_cohorts, int regions, std::uint32_t region_split_blocks, PhiloxIsa isa = philox_best_isa());

  // Computes the blocks of (seed, path, week). Without `with_cohorts` the
  // per-cohort Dublin streams are left out (the week will not open them:
  // it draws its Dublin leavers as a subset); opening one anyway still gives
  // the right stream, computed when it is drawn from.
  //
  // With `flow_paths`, flow f draws the streams of path flow_paths->of(f)
  // instead (core/random/flow_paths.hpp); it must stay alive until the next
  // prepare(). The blocks are computed for `path` in lanes, and those of the
  // flows mapped elsewhere are then recomputed one by one: cheapest when
  // `path` is the path most flows draw from.
  void prepare(std::uint64_t seed, std::uint64_t path, std::uint32_t week, bool with_cohorts,
               const FlowPaths* flow_paths = nullptr) noexcept;

  // The stream (flow, sub) of the prepared path-week. (Inline: it is called
  // for every draw of the kernel.)
  RandomStream open(Flow flow, std::uint32_t sub = 0) const noexcept {
    const auto id = static_cast<std::uint32_t>(flow);
    const std::uint64_t path = flow_paths_ ? flow_paths_->of(id) : path_;
    if (id >= kFirstWeekly && id <= kLastWeekly) {
      const Range& range = ranges_[id - kFirstWeekly];
      const std::size_t first = range.first + static_cast<std::size_t>(sub) * range.blocks;
      if (sub < range.subs && first + range.blocks <= ready_)
        return RandomStream(seed_, path, week_, flow, sub, blocks_.data() + first, stride_, range.blocks);
    }
    return RandomStream(seed_, path, week_, flow, sub);
  }

  // The first blocks of a flow's subs, for code that reads them in lanes:
  // word k of sub s's first block is at first_blocks(flow)[k * stride() + s],
  // readable for s up to the flow's subs rounded up to kSubGroup. Null when
  // they were not computed for this path-week.
  static constexpr std::size_t kSubGroup = 8;
  const std::uint32_t* first_blocks(Flow flow) const noexcept {
    const auto id = static_cast<std::uint32_t>(flow);
    if (id < kFirstWeekly || id > kLastWeekly) return nullptr;
    const Range& range = ranges_[id - kFirstWeekly];
    if (range.subs == 0 || range.blocks != 1 || range.first + range.subs > ready_) return nullptr;
    return blocks_.data() + range.first;
  }
  std::size_t stride() const noexcept { return stride_; }

 private:
  // After the lanes of `path`: the lanes of the flows flow_paths_ maps to another path.
  void recompute_mapped_lanes(std::uint64_t seed, std::uint64_t path, std::uint32_t week) noexcept;
  // Lanes a prepare() computes.
  std::size_t lanes(bool with_cohorts) const noexcept { return with_cohorts ? all_lanes_ : lanes_without_cohorts_; }

  static constexpr std::uint32_t kFirstWeekly = static_cast<std::uint32_t>(Flow::InflowNoise);
  static constexpr std::uint32_t kLastWeekly = static_cast<std::uint32_t>(Flow::DublinLeaverCohorts);
  struct Range {
    std::uint32_t first = 0;   // lane of (sub 0, block 0)
    std::uint32_t subs = 0;    // subs 0 .. subs - 1 are precomputed
    std::uint32_t blocks = 0;  // blocks per sub, at consecutive lanes
  };
  std::array<Range, kLastWeekly - kFirstWeekly + 1> ranges_{};
  std::vector<std::uint32_t> word0_, word1_;  // counter words 0 and 1 of each lane
  std::vector<std::uint32_t> blocks_;         // word k of lane i at k * stride_ + i
  std::size_t stride_ = 0;
  std::size_t all_lanes_ = 0, lanes_without_cohorts_ = 0;
  PhiloxIsa isa_;
  std::size_t ready_ = 0;  // lanes [0, ready_) hold this path-week's blocks
  std::uint64_t seed_ = 0, path_ = 0;
  const FlowPaths* flow_paths_ = nullptr;  // null: every flow draws path_'s streams
  std::uint32_t week_ = 0;
};

}  // namespace chainsim::core
