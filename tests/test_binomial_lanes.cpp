// The inversion binomial sampler in SIMD lanes (core/sampling/binomial_lanes.hpp)
// gives exactly sample_binomial's results: every lane it settles holds the
// scalar sampler's value for that stream, over the regimes the Dublin cohorts
// meet (n p from 0 to 10, p above and below 1/2, n from 0 to 10^6), and it
// settles every inversion draw but the ~1e-15 that would restart.
#include "core/sampling/binomial_lanes.hpp"
#include "core/random/philox_lanes.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace chainsim::core {
namespace {

// The first blocks of (DublinLeavers, sub = 0 .. count - 1) of one path-week,
// padded to whole groups of 8 lanes, as WeekStreams lays them out.
std::vector<std::uint32_t> cohort_blocks(std::uint64_t seed, std::uint32_t path, std::uint32_t week, std::size_t count,
                                         std::size_t& stride) {
  stride = (count + 7) / 8 * 8;
  std::vector<std::uint32_t> w0(stride, 0), w1(stride), blocks(4 * stride);
  for (std::size_t j = 0; j < stride; ++j)
    w1[j] = (static_cast<std::uint32_t>(Flow::DublinLeavers) << 16) | static_cast<std::uint32_t>(j);
  PhiloxLaneCounters c;
  c.seed = seed;
  c.word2 = week;
  c.word3 = path;
  c.word0 = w0.data();
  c.word1 = w1.data();
  c.n = stride;
  philox_blocks(c, blocks.data(), stride);
  return blocks;
}

// For each p: 3,000 path-weeks of 26 cohorts (and of 37, to cover a partial
// last group), the cohort sizes random from 0 to past the inversion regime.
// Deterministic (fixed seeds): no false alarms.
TEST(BinomialLanes, SettledLanesEqualTheScalarSampler) {
  const std::uint64_t seed = 20220620;
  std::mt19937_64 gen(11);
  for (double p : {1e-6, 0.0123, 0.05, 0.2, 0.4999, 0.5, 0.5001, 0.8, 0.97}) {
    const BinomialRate rate = prepare_binomial(p);
    std::uint64_t inversion = 0, settled_count = 0;
    for (std::size_t count : {std::size_t{26}, std::size_t{37}}) {
      // n up to where n min(p, 1 - p) reaches ~14: both regimes.
      const double rare = rate.rare;
      std::uniform_int_distribution<std::int64_t> size(
          0, std::min<std::int64_t>(1'000'000, static_cast<std::int64_t>(14.0 / rare)));
      for (std::uint32_t path = 0; path < 1500; ++path) {
        const std::uint32_t week = 7 + path % 50;
        std::size_t stride = 0;
        const auto blocks = cohort_blocks(seed, path, week, count, stride);
        std::vector<std::int64_t> n(count), out(count, -1);
        for (auto& v : n) v = size(gen);
        n[0] = 0;  // an empty cohort: never settled (the kernel draws nothing)
        std::vector<std::uint8_t> settled(count, 2);
        binomial_inversion_lanes(rate, n.data(), count, blocks.data(), stride, out.data(), settled.data());
        for (std::size_t j = 0; j < count; ++j) {
          ASSERT_LE(settled[j], 1u);
          const bool by_inversion = n[j] > 0 && static_cast<double>(n[j]) * rate.rare < 10.0;
          inversion += by_inversion;
          if (!settled[j]) continue;
          ASSERT_TRUE(by_inversion) << "n " << n[j] << " p " << p << ": not the inversion regime";
          ++settled_count;
          RandomStream rs(seed, path, week, Flow::DublinLeavers, static_cast<std::uint32_t>(j));
          ASSERT_EQ(out[j], sample_binomial(rs, n[j], rate))
              << "n " << n[j] << " p " << p << " path " << path << " cohort " << j;
        }
      }
    }
    RecordProperty("settled_share_p_" + std::to_string(p),
                   std::to_string(static_cast<double>(settled_count) / static_cast<double>(inversion)));
    if (binomial_lanes_available()) {
      // Only a walk that rounding carries past the total mass (~1e-15) is left over.
      EXPECT_EQ(settled_count, inversion) << "p " << p;
      EXPECT_GT(inversion, 10'000u) << "p " << p;
    } else {
      EXPECT_EQ(settled_count, 0u);
    }
  }
}

// p = 0 and p = 1 are drawn without randomness by the scalar sampler; the
// lanes leave them to it.
TEST(BinomialLanes, CertainOutcomesAreLeftToTheScalarSampler) {
  std::size_t stride = 0;
  const auto blocks = cohort_blocks(1, 2, 3, 8, stride);
  const std::int64_t n[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  for (double p : {0.0, 1.0}) {
    std::int64_t out[8];
    std::uint8_t settled[8];
    binomial_inversion_lanes(prepare_binomial(p), n, 8, blocks.data(), stride, out, settled);
    for (int j = 0; j < 8; ++j) EXPECT_EQ(settled[j], 0u) << "p " << p;
  }
}

// sample_binomial_lanes: each lane on its own stream and with its own n, over
// the inversion and BTRD regimes (n p up to ~400), equals sample_binomial on
// that stream, and leaves the stream where sample_binomial leaves it -- also
// for the lanes it hands to sample_binomial part way. 9 rates x 20,000
// lanes, some groups with lanes left out or with n = 0. Deterministic.
TEST(BinomialLanes, DrawsEqualTheScalarSampler) {
  std::mt19937_64 gen(5);
  for (double p : {1e-4, 0.01, 0.037, 0.1, 0.25, 0.4999, 0.5, 0.7, 0.99}) {
    const BinomialRate rate = prepare_binomial(p);
    std::uniform_int_distribution<std::int64_t> size(
        0, std::min<std::int64_t>(2'000'000, static_cast<std::int64_t>(400.0 / rate.rare)));
    for (std::uint32_t group = 0; group < 2500; ++group) {
      std::int64_t n[8], out[8];
      RandomStream lane_rs[8];
      RandomStream* streams[8];
      for (std::uint32_t l = 0; l < 8; ++l) {
        n[l] = size(gen);
        lane_rs[l] = RandomStream(31, group, l, Flow::PermitHolderRegions);
        lane_rs[l].next_u32();  // start anywhere in a block
        if (l % 3 == 0) lane_rs[l].next_u32();
        streams[l] = &lane_rs[l];
        out[l] = -1;
      }
      const unsigned lanes = group % 7 == 0 ? 0x5Bu : 0xFFu;  // some groups with lanes left out
      sample_binomial_lanes(rate, n, streams, lanes, out);
      for (std::uint32_t l = 0; l < 8; ++l) {
        if (!((lanes >> l) & 1u)) {
          ASSERT_EQ(out[l], -1);
          continue;
        }
        RandomStream scalar(31, group, l, Flow::PermitHolderRegions);
        scalar.next_u32();
        if (l % 3 == 0) scalar.next_u32();
        ASSERT_EQ(out[l], sample_binomial(scalar, n[l], rate)) << "p " << p << " n " << n[l];
        ASSERT_EQ(scalar.next_u64(), lane_rs[l].next_u64()) << "p " << p << " n " << n[l] << ": stream left elsewhere";
      }
    }
  }
}

}  // namespace
}  // namespace chainsim::core
