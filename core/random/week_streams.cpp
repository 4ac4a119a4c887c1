#include "core/random/week_streams.hpp"

#include <algorithm>

namespace chainsim::core {
namespace {

// Lanes are computed in groups of this many (the AVX-512 width); the arrays
// are padded to it so that every group is whole.
constexpr std::size_t kLaneGroup = 16;

std::size_t round_up(std::size_t n) { return (n + kLaneGroup - 1) / kLaneGroup * kLaneGroup; }

}  // namespace

WeekStreams::WeekStreams(int dublin_cohorts, int regions, std::uint32_t region_split_blocks, PhiloxIsa isa)
    : isa_(isa) {
  std::size_t lane = 0;
  auto add = [&](Flow f, std::uint32_t subs, std::uint32_t blocks) {
    Range& range = ranges_[static_cast<std::uint32_t>(f) - kFirstWeekly];
    range = {static_cast<std::uint32_t>(lane), subs, blocks};
    for (std::uint32_t s = 0; s < subs; ++s)
      for (std::uint32_t b = 0; b < blocks; ++b) {
        word0_.push_back(b);
        word1_.push_back((static_cast<std::uint32_t>(f) << 16) | (s & 0xFFFFu));
        ++lane;
      }
    // A flow with several subs is padded to a whole group of kSubGroup lanes,
    // so that code reading its first blocks that many lanes at a time stays
    // inside the arrays (and inside the lanes a week computes).
    if (subs > 1)
      for (; lane % kSubGroup != 0; ++lane) {
        word0_.push_back(0);
        word1_.push_back(0);
      }
  };
  // Every weekly flow but the per-cohort Dublin streams, which go last so that
  // a week without them computes a prefix.
  for (std::uint32_t id = kFirstWeekly; id <= kLastWeekly; ++id) {
    const auto f = static_cast<Flow>(id);
    if (f == Flow::DublinLeavers) continue;
    if (f == Flow::HousingSupply) add(f, static_cast<std::uint32_t>(regions), 1);
    else if (f == Flow::PermitHolderRegions) add(f, regions > 1 ? 1u : 0u, regions > 1 ? region_split_blocks : 0u);
    else add(f, 1, 1);
  }
  lanes_without_cohorts_ = round_up(lane);
  add(Flow::DublinLeavers, static_cast<std::uint32_t>(dublin_cohorts), 1);
  all_lanes_ = round_up(lane);
  word0_.resize(all_lanes_, 0);
  word1_.resize(all_lanes_, 0);  // padding lanes: computed, never read
  stride_ = all_lanes_;
  blocks_.assign(4 * stride_, 0);
}

void WeekStreams::prepare(std::uint64_t seed, std::uint64_t path, std::uint32_t week, bool with_cohorts,
                          const FlowPaths* flow_paths) noexcept {
  seed_ = seed;
  path_ = path;
  week_ = week;
  flow_paths_ = flow_paths;
  if (isa_ == PhiloxIsa::Scalar) {
    ready_ = 0;  // every stream computes its own blocks
    return;
  }
  ready_ = lanes(with_cohorts);
  PhiloxLaneCounters counters;
  counters.seed = seed;
  counters.word2 = week;
  counters.word3 = static_cast<std::uint32_t>(path);
  counters.word0 = word0_.data();
  counters.word1 = word1_.data();
  counters.n = ready_;
  philox_blocks(isa_, counters, blocks_.data(), stride_);
  if (flow_paths) recompute_mapped_lanes(seed, path, week);
}

void WeekStreams::recompute_mapped_lanes(std::uint64_t seed, std::uint64_t path, std::uint32_t week) noexcept {
  const RandomStream::Philox::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  for (std::uint32_t id = kFirstWeekly; id <= kLastWeekly; ++id) {
    const std::uint64_t other = flow_paths_->of(id);
    if (other == path) continue;
    const Range& range = ranges_[id - kFirstWeekly];
    const std::size_t end = std::min<std::size_t>(range.first + std::size_t{range.subs} * range.blocks, ready_);
    for (std::size_t lane = range.first; lane < end; ++lane) {
      // The counter layout of RandomStream (core/random/random_stream.hpp).
      const RandomStream::Philox::ctr_type ctr = {
          {word0_[lane], word1_[lane], week, static_cast<std::uint32_t>(other)}};
      const RandomStream::Philox::ctr_type block = RandomStream::Philox{}(ctr, key);
      for (std::size_t k = 0; k < 4; ++k) blocks_[k * stride_ + lane] = block.v[k];
    }
  }
}

}  // namespace chainsim::core
