#pragma once
// Thinning groups by a uniformly random subset of their members (multivariate
// hypergeometric): for a week's Dublin cohorts, whose leavers are few, this
// replaces one binomial draw per cohort by one word per leaver.
#include "core/random/random_stream.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace chainsim::core {

// Uniform integer in [0, m), 0 < m <= 2^32 - 1, exact: Lemire's multiply-and-
// reject (ACM TOMACS 2019), one 32-bit word unless a rare rejection occurs.
std::uint32_t uniform_below(RandomStream& rs, std::uint32_t m) noexcept;

// Reusable buffers for remove_uniform_subset (no allocation once large enough).
struct SubsetScratch {
  std::vector<std::int64_t> cumulative;  // cumulative group sizes, size groups + 1
  std::vector<std::uint64_t> taken;      // bitset over the N members
  std::vector<std::uint32_t> chosen;     // the k members taken
};

// Takes k members, a uniformly random k-subset of all N = sum(groups) members,
// out of the groups: on return groups[g] is its size less the members taken
// from it, so the counts taken are multivariate hypergeometric. Exact:
// R. W. Floyd's algorithm picks k distinct members in [0, N) with one bounded
// integer each; a member is mapped to its group through the cumulative sizes.
// Requires 0 <= k <= N < 2^32 (callers check). The cost grows with k, not with
// the number of groups.
void remove_uniform_subset(RandomStream& rs, std::span<std::int64_t> groups, std::int64_t k, SubsetScratch& scratch);

}  // namespace chainsim::core
