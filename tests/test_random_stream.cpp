// Tests of RandomStream (core/random/random_stream.hpp): the Philox4x32-10 known
// answers, the counter/key layout, determinism, distinctness across every
// coordinate, the open interval of uniform(), and uniformity.
#include "core/random/random_stream.hpp"

#include "statistics_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

namespace chainsim::core {
namespace {

using Philox = r123::Philox4x32;

// Known-answer vectors of Philox4x32-10 from Random123's kat_vectors file
// (format: counter[4] key[2] -> output[4]).
struct Kat {
  std::array<std::uint32_t, 4> ctr;
  std::array<std::uint32_t, 2> key;
  std::array<std::uint32_t, 4> out;
};
constexpr Kat kKats[] = {
    {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
     {0x00000000, 0x00000000},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

TEST(Philox, KnownAnswerVectors) {
  for (const Kat& k : kKats) {
    const Philox::ctr_type ctr = {{k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]}};
    const Philox::key_type key = {{k.key[0], k.key[1]}};
    const Philox::ctr_type out = Philox{}(ctr, key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out.v[i], k.out[static_cast<std::size_t>(i)]) << "word " << i;
  }
}

// The all-zero vector through RandomStream itself: seed 0, path 0, week 0,
// flow 0, sub 0 puts counter = key = 0 on the first block.
TEST(RandomStream, KnownAnswerThroughStream) {
  RandomStream rs(0, 0, 0, static_cast<Flow>(0), 0);
  for (const std::uint32_t w : kKats[0].out) EXPECT_EQ(rs.next_u32(), w);
}

// The documented layout: key = {seed lo, seed hi}, ctr = {block, flow<<16 | sub,
// week, path}, blocks consumed in order, four words per block.
TEST(RandomStream, CounterAndKeyLayout) {
  const std::uint64_t seed = 0x0123456789abcdefULL;
  const std::uint64_t path = 4242;
  const std::uint32_t week = 17;
  const Flow flow = Flow::DublinLeavers;
  const std::uint32_t sub = 5;
  RandomStream rs(seed, path, week, flow, sub);
  const Philox::key_type key = {{0x89abcdefu, 0x01234567u}};
  for (std::uint32_t block = 0; block < 3; ++block) {
    const Philox::ctr_type ctr = {
        {block, (static_cast<std::uint32_t>(flow) << 16) | sub, week, static_cast<std::uint32_t>(path)}};
    const Philox::ctr_type out = Philox{}(ctr, key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(rs.next_u32(), out.v[i]) << "block " << block << " word " << i;
  }
}

TEST(RandomStream, BlocksUsedAndU64Composition) {
  RandomStream a(1, 2, 3, Flow::Grants), b(1, 2, 3, Flow::Grants);
  EXPECT_EQ(a.blocks_used(), 0u);
  a.next_u32();
  EXPECT_EQ(a.blocks_used(), 1u);
  a.next_u32();
  a.next_u32();
  a.next_u32();
  EXPECT_EQ(a.blocks_used(), 1u);
  a.next_u32();
  EXPECT_EQ(a.blocks_used(), 2u);
  // next_u64 = (first word << 32) | second word
  RandomStream c(1, 2, 3, Flow::Grants);
  const std::uint64_t hi = b.next_u32(), lo = b.next_u32();
  EXPECT_EQ(c.next_u64(), (hi << 32) | lo);
  // uniform() uses the top 53 bits of next_u64
  RandomStream d(1, 2, 3, Flow::Grants), e(1, 2, 3, Flow::Grants);
  EXPECT_EQ(d.uniform(), (static_cast<double>(e.next_u64() >> 12) + 0.5) * 0x1.0p-52);
}

TEST(RandomStream, SameCoordinatesSameSequence) {
  RandomStream a(123456789, 99, 52, Flow::HousingSupply, 12);
  RandomStream b(123456789, 99, 52, Flow::HousingSupply, 12);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(a.next_u32(), b.next_u32()) << i;
}

// Changing any single coordinate (including each half of the seed) gives a
// different sequence. 16 words agreeing by chance has probability 2^-512.
TEST(RandomStream, DistinctAcrossEveryCoordinate) {
  auto words = [](RandomStream rs) {
    std::array<std::uint32_t, 16> w{};
    for (auto& x : w) x = rs.next_u32();
    return w;
  };
  const std::uint64_t seed = 0x1111222233334444ULL;
  const auto base = words(RandomStream(seed, 10, 20, Flow::Grants, 3));
  const std::vector<std::array<std::uint32_t, 16>> variants = {
      words(RandomStream(seed ^ 1, 10, 20, Flow::Grants, 3)),             // seed low word
      words(RandomStream(seed ^ (1ULL << 40), 10, 20, Flow::Grants, 3)),  // seed high word
      words(RandomStream(seed, 11, 20, Flow::Grants, 3)),                 // path
      words(RandomStream(seed, 10, 21, Flow::Grants, 3)),                 // week
      words(RandomStream(seed, 10, kSetupWeek, Flow::Grants, 3)),         // setup week
      words(RandomStream(seed, 10, 20, Flow::Minors, 3)),                 // flow
      words(RandomStream(seed, 10, 20, Flow::Grants, 4)),                 // sub
  };
  std::set<std::array<std::uint32_t, 16>> all{base};
  for (const auto& v : variants) {
    EXPECT_NE(v, base);
    all.insert(v);
  }
  EXPECT_EQ(all.size(), variants.size() + 1);  // pairwise distinct as well
}

// The extremes of uniform(), k = 0 and k = 2^52 - 1 in (k + 1/2) 2^-52: both
// exactly representable, strictly inside (0, 1), with finite logs. (An earlier
// formula, (k + 1/2) 2^-53 with 53 bits, rounded its top value to exactly 1.0.)
// rewind(w) steps back over the last w <= 4 words: the words drawn after it
// are those drawn after the same number of words from a fresh stream, from
// every position within and across blocks, with and without precomputed
// blocks (which the stream recomputes when it steps back into one).
TEST(RandomStream, RewindDrawsTheSameWordsAgain) {
  std::vector<std::uint32_t> pre(4 * 3);
  {
    RandomStream fresh(77, 5, 9, Flow::PermitHolderRegions);
    for (std::uint32_t b = 0; b < 3; ++b)
      for (std::uint32_t k = 0; k < 4; ++k) pre[k * 3 + b] = fresh.next_u32();
  }
  for (bool precomputed : {false, true}) {
    for (std::uint32_t drawn = 1; drawn <= 20; ++drawn) {
      for (std::uint32_t back = 1; back <= std::min<std::uint32_t>(4, drawn); ++back) {
        RandomStream rs = precomputed ? RandomStream(77, 5, 9, Flow::PermitHolderRegions, 0, pre.data(), 3, 3)
                                      : RandomStream(77, 5, 9, Flow::PermitHolderRegions);
        RandomStream ref(77, 5, 9, Flow::PermitHolderRegions);
        for (std::uint32_t i = 0; i < drawn; ++i) rs.next_u32();
        for (std::uint32_t i = 0; i < drawn - back; ++i) ref.next_u32();
        rs.rewind(back);
        for (int i = 0; i < 9; ++i)
          ASSERT_EQ(rs.next_u32(), ref.next_u32())
              << "drawn " << drawn << ", back " << back << ", word " << i << (precomputed ? ", precomputed" : "");
        EXPECT_EQ(rs.blocks_used(), ref.blocks_used());
      }
    }
  }
}

TEST(RandomStream, UniformExtremesInsideOpenInterval) {
  const double lo = (0.0 + 0.5) * 0x1.0p-52;
  const double hi = (static_cast<double>((1ULL << 52) - 1) + 0.5) * 0x1.0p-52;
  EXPECT_GT(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  EXPECT_EQ(1.0 - hi, 0x1.0p-53);  // exact: no rounding at the top
  EXPECT_TRUE(std::isfinite(std::log(lo)) && std::isfinite(std::log1p(-hi)));
}

// Empirically, 2^21 draws of uniform() lie strictly inside (0, 1) and reach
// close to both ends.
TEST(RandomStream, UniformInOpenUnitInterval) {
  RandomStream rs(7, 0, 0, Flow::InflowNoise);
  double mn = 1, mx = 0;
  for (int i = 0; i < (1 << 21); ++i) {
    const double u = rs.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    mn = std::min(mn, u);
    mx = std::max(mx, u);
  }
  EXPECT_LT(mn, 1e-5);  // P(min > 1e-5) = (1 - 1e-5)^(2^21) ~ 8e-10
  EXPECT_GT(mx, 1 - 1e-5);
}

// Chi-square critical values by Wilson-Hilferty (tests/statistics_helpers.hpp):
// relative error < 1e-3 for the df >= 255 used here.
using chainsim::testing::chi_square_critical;
using chainsim::testing::kZ999;

// Uniformity of uniform(): 2^22 draws into 1024 equal bins, chi-square with
// 1023 df at false-alarm rate 0.001.
TEST(RandomStream, UniformChiSquare) {
  constexpr int kBins = 1024;
  constexpr int kDraws = 1 << 22;
  std::vector<double> count(kBins, 0.0);
  RandomStream rs(2024, 1, 1, Flow::InflowNoise);
  for (int i = 0; i < kDraws; ++i) count[static_cast<std::size_t>(rs.uniform() * kBins)] += 1;
  const double e = static_cast<double>(kDraws) / kBins;
  double stat = 0;
  for (const double o : count) stat += (o - e) * (o - e) / e;
  EXPECT_LT(stat, chi_square_critical(kBins - 1, kZ999)) << stat;
}

// Uniformity of every byte lane of the raw words, and of the first word of
// fresh streams over consecutive paths (the production pattern: one stream per
// (path, week, flow), a few draws each). 256 bins, 255 df, each at false-alarm
// rate 0.001 (5 tests).
TEST(RandomStream, RawWordBytesAndFreshStreamsChiSquare) {
  auto check = [](const std::vector<double>& count, double draws, const char* what) {
    const double e = draws / 256.0;
    double stat = 0;
    for (const double o : count) stat += (o - e) * (o - e) / e;
    EXPECT_LT(stat, chi_square_critical(255, kZ999)) << what << " " << stat;
  };
  {
    std::array<std::vector<double>, 4> lanes;
    for (auto& l : lanes) l.assign(256, 0.0);
    RandomStream rs(9, 9, 9, Flow::RejectedLeaving);
    const int n = 1 << 20;
    for (int i = 0; i < n; ++i) {
      const std::uint32_t w = rs.next_u32();
      for (int b = 0; b < 4; ++b) lanes[static_cast<std::size_t>(b)][(w >> (8 * b)) & 0xFFu] += 1;
    }
    for (const auto& l : lanes) check(l, n, "byte lane");
  }
  {
    std::vector<double> count(256, 0.0);
    const int n = 1 << 20;
    for (int p = 0; p < n; ++p) {
      RandomStream rs(9, static_cast<std::uint64_t>(p), 9, Flow::RejectedLeaving);
      count[rs.next_u32() >> 24] += 1;
    }
    check(count, n, "fresh streams");
  }
}

}  // namespace
}  // namespace chainsim::core
