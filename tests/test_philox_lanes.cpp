// Philox blocks computed in SIMD lanes (core/random/philox_lanes.hpp) are the blocks
// Random123 computes one at a time, for every instruction set this CPU has;
// and a week's streams opened from them (core/random/week_streams.hpp) draw exactly
// what streams computing their own blocks draw.
#include "core/random/philox_lanes.hpp"
#include "core/random/random_stream.hpp"
#include "core/random/week_streams.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace chainsim::core {
namespace {

std::vector<PhiloxIsa> supported_isas() {
  std::vector<PhiloxIsa> isas{PhiloxIsa::Scalar};
  if (philox_best_isa() != PhiloxIsa::Scalar) isas.push_back(PhiloxIsa::Avx2);
  if (philox_best_isa() == PhiloxIsa::Avx512) isas.push_back(PhiloxIsa::Avx512);
  return isas;
}

TEST(PhiloxLanes, EqualRandom123ForEveryInstructionSetAndLength) {
  std::mt19937_64 gen(20261129);
  for (PhiloxIsa isa : supported_isas())
    for (std::size_t n : {0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 100}) {
      std::vector<std::uint32_t> w0(n), w1(n);
      for (std::size_t i = 0; i < n; ++i) {
        w0[i] = static_cast<std::uint32_t>(gen());
        w1[i] = static_cast<std::uint32_t>(gen());
      }
      PhiloxLaneCounters c;
      c.seed = gen();
      c.word2 = static_cast<std::uint32_t>(gen());
      c.word3 = static_cast<std::uint32_t>(gen());
      c.word0 = w0.data();
      c.word1 = w1.data();
      c.n = n;
      const std::size_t stride = n + 3;  // rows need not be packed
      std::vector<std::uint32_t> out(4 * stride, 0xDEADBEEFu);
      philox_blocks(isa, c, out.data(), stride);
      const r123::Philox4x32::key_type key = {
          {static_cast<std::uint32_t>(c.seed), static_cast<std::uint32_t>(c.seed >> 32)}};
      for (std::size_t i = 0; i < n; ++i) {
        const auto want = r123::Philox4x32{}({{w0[i], w1[i], c.word2, c.word3}}, key);
        for (std::size_t k = 0; k < 4; ++k)
          ASSERT_EQ(out[k * stride + i], want.v[k])
              << philox_isa_name(isa) << " n " << n << " lane " << i << " word " << k;
      }
      for (std::size_t k = 0; k < 4; ++k)  // nothing written past n in a row
        for (std::size_t i = n; i < stride; ++i) ASSERT_EQ(out[k * stride + i], 0xDEADBEEFu);
    }
}

// The known answer of Random123's kat_vectors (counter = key = all ones),
// through the lanes.
TEST(PhiloxLanes, KnownAnswerInEveryLane) {
  const std::vector<std::uint32_t> ones(21, 0xffffffffu);
  for (PhiloxIsa isa : supported_isas()) {
    PhiloxLaneCounters c;
    c.seed = ~std::uint64_t{0};
    c.word2 = c.word3 = 0xffffffffu;
    c.word0 = c.word1 = ones.data();
    c.n = ones.size();
    std::vector<std::uint32_t> out(4 * c.n);
    philox_blocks(isa, c, out.data(), c.n);
    const std::uint32_t want[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
    for (std::size_t i = 0; i < c.n; ++i)
      for (std::size_t k = 0; k < 4; ++k) ASSERT_EQ(out[k * c.n + i], want[k]) << philox_isa_name(isa);
  }
}

// Every weekly flow and sub, drawn far past the precomputed blocks, with and
// without the per-cohort Dublin streams, for every instruction set.
TEST(WeekStreams, DrawExactlyWhatFreshStreamsDraw) {
  const int cohorts = 26, regions = 25;
  const std::uint32_t split_blocks = 32;
  const std::uint64_t seed = 0x0123456789abcdefULL;
  for (PhiloxIsa isa : supported_isas())
    for (bool with_cohorts : {true, false}) {
      WeekStreams ws(cohorts, regions, split_blocks, isa);
      for (std::uint64_t path : {0ULL, 99999ULL, 0xFFFFFFFFULL})
        for (std::uint32_t week : {0u, 7u, 519u}) {
          ws.prepare(seed, path, week, with_cohorts);
          for (auto id = static_cast<std::uint32_t>(Flow::InflowNoise);
               id <= static_cast<std::uint32_t>(Flow::DublinLeaverCohorts) + 1; ++id) {
            const auto flow = static_cast<Flow>(id);
            const std::uint32_t subs = flow == Flow::DublinLeavers   ? cohorts + 1
                                       : flow == Flow::HousingSupply ? regions + 1
                                                                     : 2;
            for (std::uint32_t sub = 0; sub < subs; ++sub) {
              RandomStream got = ws.open(flow, sub);
              RandomStream want(seed, path, week, flow, sub);
              const int words = flow == Flow::PermitHolderRegions ? 4 * static_cast<int>(split_blocks) + 9 : 13;
              for (int w = 0; w < words; ++w) {
                if (w == 5) {  // a detached copy goes on the same way
                  RandomStream copy = got.detached();
                  RandomStream want_copy = want;
                  for (int v = 0; v < 2 * words; ++v) ASSERT_EQ(copy.next_u32(), want_copy.next_u32());
                }
                ASSERT_EQ(got.next_u32(), want.next_u32())
                    << philox_isa_name(isa) << " flow " << id << " sub " << sub << " path " << path << " week " << week
                    << " word " << w << (with_cohorts ? "" : " (without cohorts)");
              }
              ASSERT_EQ(got.blocks_used(), want.blocks_used());
            }
          }
        }
    }
}

}  // namespace
}  // namespace chainsim::core
