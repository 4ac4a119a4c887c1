// remove_uniform_subset and uniform_below (core/sampling/subset_sampling.hpp): exact
// laws by chi-square at fixed seeds, and the edges.
#include "core/sampling/subset_sampling.hpp"

#include "statistics_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <vector>

namespace chainsim::core {
namespace {

using chainsim::testing::chi_square_critical;  // Wilson-Hilferty: ample for a test threshold
using chainsim::testing::log_choose;

// All outcomes (counts taken per group) of taking k from the groups, with their
// multivariate hypergeometric probabilities.
void outcomes(const std::vector<std::int64_t>& sizes, std::int64_t k, std::size_t g, std::vector<std::int64_t>& c,
              std::map<std::vector<std::int64_t>, double>& out) {
  if (g == sizes.size()) {
    if (k != 0) return;
    const std::int64_t N = std::accumulate(sizes.begin(), sizes.end(), std::int64_t{0});
    const std::int64_t K = std::accumulate(c.begin(), c.end(), std::int64_t{0});
    double lp = -log_choose(N, K);
    for (std::size_t i = 0; i < sizes.size(); ++i) lp += log_choose(sizes[i], c[i]);
    out[c] = std::exp(lp);
    return;
  }
  for (std::int64_t x = 0; x <= std::min(k, sizes[g]); ++x) {
    c[g] = x;
    outcomes(sizes, k - x, g + 1, c, out);
  }
  c[g] = 0;
}

// Counts taken per group follow the multivariate hypergeometric law: chi-square
// over every outcome, 200,000 draws, alpha = 0.001 (z = 3.0902) per case at
// these fixed seeds. Groups of unequal sizes and an empty group exercise the
// walk from the proportional guess to the right group.
TEST(RemoveUniformSubset, CountsAreMultivariateHypergeometric) {
  struct Case {
    std::vector<std::int64_t> sizes;
    std::int64_t k;
  };
  for (const Case& c : {Case{{3, 0, 5, 2}, 4}, Case{{1, 9, 1, 9, 0, 4}, 6}, Case{{40}, 7}}) {
    std::map<std::vector<std::int64_t>, double> law;
    std::vector<std::int64_t> tmp(c.sizes.size(), 0);
    outcomes(c.sizes, c.k, 0, tmp, law);
    std::map<std::vector<std::int64_t>, double> seen;
    SubsetScratch scratch;
    const int draws = 200000;
    for (int i = 0; i < draws; ++i) {
      RandomStream rs(77, static_cast<std::uint64_t>(i), 5, Flow::DublinLeaverCohorts);
      std::vector<std::int64_t> g = c.sizes;
      remove_uniform_subset(rs, g, c.k, scratch);
      std::vector<std::int64_t> taken(g.size());
      for (std::size_t j = 0; j < g.size(); ++j) {
        ASSERT_GE(g[j], 0);
        taken[j] = c.sizes[j] - g[j];
      }
      ASSERT_TRUE(law.count(taken)) << "impossible outcome";
      seen[taken] += 1;
    }
    double chi2 = 0;
    int cells = 0;
    for (const auto& [outcome, p] : law) {
      const double e = p * draws;
      const double o = seen.count(outcome) ? seen[outcome] : 0.0;
      chi2 += (o - e) * (o - e) / e;
      ++cells;
    }
    if (cells > 1) {
      EXPECT_LT(chi2, chi_square_critical(cells - 1, 3.0902)) << "cells " << cells;
    }
    for (const std::uint64_t w : scratch.taken) ASSERT_EQ(w, 0u) << "the bitset must be left all zero";
  }
}

TEST(RemoveUniformSubset, EdgesTakeNothingOrEverything) {
  SubsetScratch scratch;
  std::vector<std::int64_t> g{4, 0, 3};
  RandomStream rs(1, 2, 3, Flow::DublinLeaverCohorts);
  const RandomStream before = rs;
  remove_uniform_subset(rs, g, 0, scratch);
  EXPECT_EQ(g, (std::vector<std::int64_t>{4, 0, 3}));
  EXPECT_EQ(rs.blocks_used(), before.blocks_used()) << "k = 0 draws nothing";
  remove_uniform_subset(rs, g, 7, scratch);
  EXPECT_EQ(g, (std::vector<std::int64_t>{0, 0, 0}));
  // A large population: exactly k leave, none below zero.
  std::vector<std::int64_t> big(26, 150);
  big[3] = 0;
  remove_uniform_subset(rs, big, 64, scratch);
  EXPECT_EQ(std::accumulate(big.begin(), big.end(), std::int64_t{0}), 25 * 150 - 64);
  for (const std::uint64_t w : scratch.taken) ASSERT_EQ(w, 0u);
}

// uniform_below is uniform on [0, m): chi-square over 16 equal-probability bins
// of results for a small m and for m = 3 * 2^30 (where a third of the words
// would bias the result without the rejection step), 320,000 draws each,
// alpha = 0.001 per case at these fixed seeds.
TEST(UniformBelow, IsUniform) {
  for (const std::uint32_t m : {std::uint32_t{16}, std::uint32_t{3} << 30}) {
    std::vector<double> bins(16, 0.0);
    const int draws = 320000;
    RandomStream rs(5, 6, 7, Flow::DublinLeaverCohorts);
    for (int i = 0; i < draws; ++i) {
      const std::uint32_t x = uniform_below(rs, m);
      ASSERT_LT(x, m);
      bins[static_cast<std::size_t>(static_cast<std::uint64_t>(x) * 16 / m)] += 1;
    }
    double chi2 = 0;
    for (double o : bins) chi2 += (o - draws / 16.0) * (o - draws / 16.0) / (draws / 16.0);
    EXPECT_LT(chi2, chi_square_critical(15, 3.0902)) << "m = " << m;
  }
}

}  // namespace
}  // namespace chainsim::core
