// Poisson draws in SIMD lanes (core/sampling/poisson_lanes.hpp) equal the scalar
// sampler's: every draw holds sample_poisson's result for its stream, over
// means from 0 to 1e8 and many streams; and the lanes' vector log is as
// accurate as the margin they rely on assumes.
#include "core/random/philox_lanes.hpp"
#include "core/sampling/poisson_lanes.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"
#include "core/random/week_streams.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace chainsim::core {
namespace {

TEST(PoissonLanes, VectorLogWithin1e15RelativeOfStdLog) {
  std::mt19937_64 gen(7);
  std::vector<double> x;
  std::uniform_real_distribution<double> exponent(-300.0, 300.0), near_one(0.5, 2.0), tiny(-1e-6, 1e-6);
  for (int i = 0; i < 200000; ++i) x.push_back(std::pow(10.0, exponent(gen)));
  for (int i = 0; i < 200000; ++i) x.push_back(near_one(gen));
  for (int i = 0; i < 20000; ++i) x.push_back(1.0 + tiny(gen));
  for (double v : {1.0, 2.0, 0.5, 1.41421356237309504880, 1.4142135623730951, 1e-300, 1e300, 6.283185307179586})
    x.push_back(v);
  std::vector<double> got(x.size());
  log_lanes_for_test(x.data(), got.data(), x.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double want = std::log(x[i]);
    const double err = want == 0.0 ? std::fabs(got[i]) : std::fabs(got[i] - want) / std::fabs(want);
    worst = std::max(worst, err);
    ASSERT_LE(err, 1e-15) << "log(" << x[i] << "): " << got[i] << " vs " << want;
  }
  RecordProperty("worst_relative_error", std::to_string(worst));
}

// The housing flow of 25 regions of 3,000 path-weeks, their first blocks
// computed in lanes as the kernel does (WeekStreams): every draw equals
// sample_poisson on a fresh stream, for means from 0 to 1e8 -- the inversion
// regime, PTRS with its squeeze, final test, rejections and further attempts
// -- and every instruction set the CPU has. Deterministic (fixed seeds).
TEST(PoissonLanes, DrawsEqualTheScalarSampler) {
  const std::uint64_t seed = 20220620;
  constexpr int kRegions = 25;  // 3 lane groups and a last region drawn alone
  const double means[] = {0.0, 0.7, 5.0, 9.999, 10.0, 12.5, 21.0, 57.3, 300.0, 4321.0, 1e6, 1e8};
  std::vector<PhiloxIsa> sets{PhiloxIsa::Scalar};
  if (philox_best_isa() != PhiloxIsa::Scalar) sets.push_back(PhiloxIsa::Avx2);
  if (philox_best_isa() == PhiloxIsa::Avx512) sets.push_back(PhiloxIsa::Avx512);
  std::mt19937_64 gen(17);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(means) - 1);
  std::uint64_t draws = 0;
  for (PhiloxIsa isa : sets) {
    limit_simd(isa);
    WeekStreams ws(26, kRegions, 32, isa);
    for (std::uint32_t path = 0; path < 3000; ++path) {
      const std::uint32_t week = 11 + path % 40;
      ws.prepare(seed, path, week, path % 2 == 0);
      double lambda[kRegions];
      // Mostly one mean per path-week (a lane group of one regime), some mixed.
      const double common = means[path % std::size(means)];
      for (int r = 0; r < kRegions; ++r) lambda[r] = path % 5 == 0 ? means[pick(gen)] : common;
      std::int64_t out[kRegions];
      sample_poisson_lanes(lambda, kRegions, ws, Flow::HousingSupply, out);
      for (int r = 0; r < kRegions; ++r) {
        RandomStream rs(seed, path, week, Flow::HousingSupply, static_cast<std::uint32_t>(r));
        ASSERT_EQ(out[r], sample_poisson(rs, lambda[r]))
            << "lambda " << lambda[r] << " path " << path << " region " << r << " lanes " << philox_isa_name(isa);
        ++draws;
      }
    }
  }
  limit_simd(PhiloxIsa::Avx512);
  RecordProperty("draws_checked", std::to_string(draws));
}

}  // namespace
}  // namespace chainsim::core
