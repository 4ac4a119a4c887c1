#pragma once
// Counter-based random streams: every draw is a pure function of
// (seed, path, week, flow, sub, index). Nothing here depends on which thread
// runs the work, so results are identical for any thread count, batch size or
// back end, and scenarios that share (seed, path, week, flow) draw the same
// numbers (common random numbers).
//
// Layout of the Philox4x32-10 counter (4 x 32 bits) and key (2 x 32 bits):
//   key = { seed low 32 bits, seed high 32 bits }
//   ctr = { block index within the stream, (flow << 16) | sub, week, path }
// Each block yields four 32-bit words; one double uses two words.
#include <Random123/philox.h>

#include <cstddef>
#include <cstdint>

namespace chainsim::core {

// One id per random flow of MODEL.md §4. Changing these numbers changes every
// random stream: treat them as part of the output format.
enum class Flow : std::uint32_t {
  // drawn once per path at setup (week = kSetupWeek)
  PriorGrantRate = 1,
  PriorDublinShare,
  PriorTransferShare,
  PriorRealisation,
  PriorNareisPerGrant,
  PriorInflowLevelTrend,
  PriorRegionalRealisation,
  // Mechanisms added after the first model (docs/model.md, "Changes from the
  // first specification"); drawn only when their mechanism is on.
  PriorInflowStart,   // x at week 0
  PriorInitialState,  // sub = 0 Dublin, 1 procedure, 2 rejected, 3 permit holders
  PriorDecisionProductivity,
  PriorProgrammeDelivery,  // sub = programme
  PriorProgrammeDelay,     // sub = programme
  PriorSobolScramble,      // sub = coordinate, path 0: the run's Sobol' scramble (core/sampling/prior_points.hpp)
  // drawn every week
  InflowNoise = 32,
  InflowShockOccurs,
  InflowShockSize,
  FirstApplications,
  RepeatApplications,
  Nareis,
  NareisIntoReception,
  DublinClaims,
  // Dublin step (MODEL.md §4 step 3), drawn as leavers per cohort and then one
  // split of all leavers into transferred / absconded (exact in law; see the
  // kernel). These two ids were DublinTransfers and DublinAbsconded (both with
  // sub = cohort age) until the draws were aggregated; the numbers are reused
  // so that no other flow's stream changes.
  DublinLeavers,        // sub = cohort age
  DublinTransferSplit,  // sub = 0
  DecisionCapacity,
  Grants,
  Minors,  // drawn no more: minors and their guardian placements are one draw (kernel, step 4)
  GuardianPlacements,
  PermitHolderRegions,
  // Rejected step (MODEL.md §4 step 5): all leavers by monotone inversion, then
  // one split into returns / left unverified (exact in law; see the kernel).
  // These ids were Returns and LeftUnverified until the draws were combined.
  RejectedLeaving,
  RejectedReturnSplit,
  HousingSupply,  // sub = region
  // Dublin step when its leavers are few (see the kernel): the week's total of
  // leavers, then which cohorts they come from.
  DublinLeaversTotal,
  DublinLeaverCohorts,
  // Weekly flows of the mechanisms added after the first model.
  Withdrawn,
  GrantDrift,
  HousingHalfYear,          // sub = region, in the first week of a half-year
  HousingQuotaShare,        // sub = region
  InflowLevelWalk,          // the inflow's local level (C11)
  HousingHalfYearNational,  // in the first week of a half-year: the factor all regions share (C6)
};
static_assert(static_cast<std::uint32_t>(Flow::PriorInflowStart) == 8);
static_assert(static_cast<std::uint32_t>(Flow::Withdrawn) == 52);
static_assert(static_cast<std::uint32_t>(Flow::InflowLevelWalk) == 56);
static_assert(static_cast<std::uint32_t>(Flow::HousingHalfYearNational) == 57);
// The flow with the highest id: a flow added after it becomes the new last one here.
inline constexpr Flow kLastFlow = Flow::HousingHalfYearNational;

// The numbers are part of the output format: pin the ones around the Dublin
// and rejected steps, whose ids were renamed when their draws were combined.
static_assert(static_cast<std::uint32_t>(Flow::DublinClaims) == 39);
static_assert(static_cast<std::uint32_t>(Flow::DublinLeavers) == 40);
static_assert(static_cast<std::uint32_t>(Flow::DublinTransferSplit) == 41);
static_assert(static_cast<std::uint32_t>(Flow::DecisionCapacity) == 42);
static_assert(static_cast<std::uint32_t>(Flow::RejectedLeaving) == 47);
static_assert(static_cast<std::uint32_t>(Flow::RejectedReturnSplit) == 48);
static_assert(static_cast<std::uint32_t>(Flow::HousingSupply) == 49);
static_assert(static_cast<std::uint32_t>(Flow::DublinLeaversTotal) == 50);
static_assert(static_cast<std::uint32_t>(Flow::DublinLeaverCohorts) == 51);

inline constexpr std::uint32_t kSetupWeek = 0xFFFFFFFFu;

class RandomStream {
 public:
  using Philox = r123::Philox4x32;

  // A placeholder to assign a stream to (arrays of streams); it draws as the
  // stream of seed 0, path 0, week 0, flow 0.
  RandomStream() noexcept = default;

  RandomStream(std::uint64_t seed, std::uint64_t path, std::uint32_t week, Flow flow, std::uint32_t sub = 0) noexcept {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{0u, (static_cast<std::uint32_t>(flow) << 16) | (sub & 0xFFFFu), week, static_cast<std::uint32_t>(path)}};
  }

  // The same stream, whose first `count` blocks were computed beforehand (in
  // SIMD lanes, core/random/philox_lanes.hpp): word k of block b is
  // precomputed[k * stride + b]. They must be exactly the blocks of this
  // stream; the stream then draws exactly as above, computing blocks from
  // `count` on itself.
  RandomStream(std::uint64_t seed, std::uint64_t path, std::uint32_t week, Flow flow, std::uint32_t sub,
               const std::uint32_t* precomputed, std::size_t stride, std::uint32_t count) noexcept
      : RandomStream(seed, path, week, flow, sub) {
    pre_ = precomputed;
    pre_stride_ = stride;
    pre_count_ = count;
  }

  // Next raw 32-bit word.
  std::uint32_t next_u32() noexcept {
    if (pos_ == 4) refill();
    return block_.v[pos_++];
  }

  // Next 64-bit word (two 32-bit words).
  std::uint64_t next_u64() noexcept {
    const std::uint64_t hi = next_u32();
    const std::uint64_t lo = next_u32();
    return (hi << 32) | lo;
  }

  // Uniform on the open interval (0, 1): the midpoints (k + 1/2) 2^-52 of a
  // 52-bit grid, each exactly representable, so never 0 or 1 (log(u) and
  // log(1 - u) are always finite) and 1 - u is exact.
  double uniform() noexcept { return (static_cast<double>(next_u64() >> 12) + 0.5) * 0x1.0p-52; }

  // Steps back over the last `words` (at most 4) 32-bit words drawn, so that
  // they are drawn again: for code that reads ahead and then finds it needed
  // fewer (core/sampling/multinomial_lanes.cpp). Exactly the state before those draws,
  // up to when a block is (re)computed.
  void rewind(std::uint32_t words) noexcept {
    if (words <= pos_) {
      pos_ -= words;
      return;
    }
    // Back into the previous block (the current one is block ctr - 1).
    --ctr_.v[0];
    load_block(ctr_.v[0] - 1);
    pos_ = 4 - (words - pos_);
  }

  // The same stream state, computing every further block itself: a copy that
  // does not refer to precomputed blocks, so it can outlive them (the draw
  // trace keeps such copies to replay draws).
  RandomStream detached() const noexcept {
    RandomStream s = *this;
    s.pre_ = nullptr;
    s.pre_stride_ = 0;
    s.pre_count_ = 0;
    return s;
  }

  // The Philox counter of the next block (word 0 counts blocks; see the layout above).
  const Philox::ctr_type& counter() const noexcept { return ctr_; }

  // Number of Philox blocks consumed so far (for instrumentation and tests).
  std::uint32_t blocks_used() const noexcept { return ctr_.v[0]; }

 private:
  void refill() noexcept {
    load_block(ctr_.v[0]);
    ++ctr_.v[0];
    pos_ = 0;
  }

  // Block b of the stream into block_.
  void load_block(std::uint32_t b) noexcept {
    if (b < pre_count_) {
      for (std::size_t k = 0; k < 4; ++k) block_.v[k] = pre_[k * pre_stride_ + b];
    } else {
      Philox::ctr_type c = ctr_;
      c.v[0] = b;
      block_ = Philox{}(c, key_);
    }
  }

  Philox::ctr_type ctr_{};
  Philox::key_type key_{};
  Philox::ctr_type block_{};
  std::uint32_t pos_ = 4;
  std::uint32_t pre_count_ = 0;  // (declared here, not below: no padding in the object)
  const std::uint32_t* pre_ = nullptr;
  std::size_t pre_stride_ = 0;
};

}  // namespace chainsim::core
