// The regional split for several paths side by side (core/sampling/multinomial_lanes.hpp)
// equals sample_multinomial path by path: the counts, and where each path's
// stream is left, for every group size, totals from 0 to 10^6 and share
// vectors with zero, tiny and dominant categories. Deterministic (fixed seeds).
#include "core/sampling/multinomial_lanes.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace chainsim::core {
namespace {

std::vector<std::vector<double>> share_vectors() {
  std::vector<std::vector<double>> v;
  std::vector<double> power(25), flat(25, 1.0 / 25), zeros(25), two = {0.3, 0.7}, one = {1.0};
  double s = 0;
  for (std::size_t i = 0; i < 25; ++i) s += power[i] = std::pow(static_cast<double>(i + 1), -1.3);
  for (auto& x : power) x /= s;
  for (std::size_t i = 0; i < 25; ++i) zeros[i] = i % 4 == 1 ? 0.0 : (i == 24 ? 0.0 : 1.0);
  zeros[3] = 1e-9;  // tiny
  zeros[5] = 40.0;  // dominant (unnormalised on purpose: the samplers take the tail sums)
  v.push_back(power);
  v.push_back(flat);
  v.push_back(zeros);
  v.push_back(two);
  v.push_back(one);
  return v;
}

TEST(MultinomialLanes, EqualsSampleMultinomialPathByPath) {
  std::mt19937_64 gen(3);
  std::uniform_int_distribution<int> magnitude(0, 6);
  std::uint64_t checked = 0;
  for (const auto& probs : share_vectors()) {
    const MultinomialRates rates(probs);
    const std::size_t K = probs.size();
    for (std::size_t count = 1; count <= kMultinomialLanes; ++count) {
      for (std::uint32_t week = 0; week < 300; ++week) {
        std::vector<RandomStream> lanes_rs, scalar_rs;
        std::vector<std::int64_t> n(count);
        std::vector<std::vector<std::int64_t>> got(count, std::vector<std::int64_t>(K, -1)), want = got;
        RandomStream* streams[kMultinomialLanes];
        std::int64_t* out[kMultinomialLanes];
        for (std::size_t l = 0; l < count; ++l) {
          const int m = magnitude(gen);
          n[l] = m == 0 ? 0
                        : std::uniform_int_distribution<std::int64_t>(
                              0, static_cast<std::int64_t>(std::pow(10.0, m)))(gen);
          lanes_rs.emplace_back(99, l, week, Flow::PermitHolderRegions);
          scalar_rs.emplace_back(99, l, week, Flow::PermitHolderRegions);
        }
        for (std::size_t l = 0; l < count; ++l) {
          streams[l] = &lanes_rs[l];
          out[l] = got[l].data();
        }
        sample_multinomial_lanes(streams, n.data(), count, rates, out);
        for (std::size_t l = 0; l < count; ++l) {
          sample_multinomial(scalar_rs[l], n[l], rates, want[l]);
          ASSERT_EQ(got[l], want[l]) << "K " << K << ", n " << n[l] << ", lane " << l << " of " << count;
          ASSERT_EQ(lanes_rs[l].next_u64(), scalar_rs[l].next_u64()) << "stream left elsewhere, n " << n[l];
          ++checked;
        }
      }
    }
  }
  RecordProperty("splits_checked", std::to_string(checked));
}

}  // namespace
}  // namespace chainsim::core
