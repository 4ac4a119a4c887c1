// Throughput of the samplers and of the raw Philox stream, in draws per second
// (the items_per_second counter). Each benchmark draws from one long stream;
// BM_FreshStream* add the per-flow cost of constructing a stream, which is how
// the model uses them (one stream per (path, week, flow, sub)).
#include "core/sampling/multinomial_lanes.hpp"
#include "core/random/philox_lanes.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"
#include "core/sampling/subset_sampling.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using chainsim::core::Flow;
using chainsim::core::RandomStream;

RandomStream bench_stream() { return RandomStream(20240611, 1, 1, Flow::Grants); }

void BM_PhiloxWords(benchmark::State& state) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(rs.next_u32());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxWords);

// Philox blocks computed side by side (core/random/philox_lanes.hpp), as the kernel
// computes the first blocks of a path-week's streams: 96 lanes per call (the
// regional week's count), blocks per second; Arg = PhiloxIsa (a set the CPU
// lacks is skipped).
void BM_PhiloxLanes(benchmark::State& state) {
  using chainsim::core::PhiloxIsa;
  const auto isa = static_cast<PhiloxIsa>(state.range(0));
  const PhiloxIsa best = chainsim::core::philox_best_isa();
  if ((isa == PhiloxIsa::Avx512 && best != PhiloxIsa::Avx512) ||
      (isa == PhiloxIsa::Avx2 && best == PhiloxIsa::Scalar)) {
    state.SkipWithError("instruction set not supported by this CPU");
    return;
  }
  constexpr std::size_t kLanes = 96;
  std::vector<std::uint32_t> w0(kLanes, 0), w1(kLanes), out(4 * kLanes);
  for (std::size_t i = 0; i < kLanes; ++i)
    w1[i] = (32u + static_cast<std::uint32_t>(i) % 20u) << 16 | static_cast<std::uint32_t>(i);
  chainsim::core::PhiloxLaneCounters c;
  c.seed = 20240611;
  c.word2 = 17;
  c.word0 = w0.data();
  c.word1 = w1.data();
  c.n = kLanes;
  for (auto _ : state) {
    ++c.word3;  // the next path
    chainsim::core::philox_blocks(isa, c, out.data(), kLanes);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kLanes));
  state.SetLabel(chainsim::core::philox_isa_name(isa));
}
BENCHMARK(BM_PhiloxLanes)->DenseRange(0, 2);

// One Philox block at a time through Random123, for comparison with the above.
void BM_PhiloxBlocks(benchmark::State& state) {
  r123::Philox4x32::ctr_type ctr = {{0, 32u << 16, 17, 0}};
  const r123::Philox4x32::key_type key = {{20240611, 0}};
  for (auto _ : state) {
    ++ctr.v[3];
    benchmark::DoNotOptimize(r123::Philox4x32{}(ctr, key));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxBlocks);

void BM_Uniform(benchmark::State& state) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(rs.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Uniform);

void BM_Binomial(benchmark::State& state, std::int64_t n, double p) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(chainsim::core::sample_binomial(rs, n, p));
  state.SetItemsProcessed(state.iterations());
}
// inversion regime (n p' < 10)
BENCHMARK_CAPTURE(BM_Binomial, n20_p0 .3_inv, 20, 0.3);
BENCHMARK_CAPTURE(BM_Binomial, n1000_p0 .009_inv, 1000, 0.009);
BENCHMARK_CAPTURE(BM_Binomial, n1e7_p1e - 7_inv_tiny_p, 10'000'000, 1e-7);
BENCHMARK_CAPTURE(BM_Binomial, n100_p0 .97_inv, 100, 0.97);
// BTRD regime
BENCHMARK_CAPTURE(BM_Binomial, n1000_p0 .011_btrd, 1000, 0.011);
BENCHMARK_CAPTURE(BM_Binomial, n200_p0 .3_btrd, 200, 0.3);
BENCHMARK_CAPTURE(BM_Binomial, n5e4_p0 .5_btrd, 50'000, 0.5);
BENCHMARK_CAPTURE(BM_Binomial, n1e6_p0 .3_btrd, 1'000'000, 0.3);
BENCHMARK_CAPTURE(BM_Binomial, n1e9_p0 .4_btrd, 1'000'000'000, 0.4);

void BM_Poisson(benchmark::State& state, double lambda) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(chainsim::core::sample_poisson(rs, lambda));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Poisson, lam0 .3_inv, 0.3);
BENCHMARK_CAPTURE(BM_Poisson, lam3_inv, 3.0);
BENCHMARK_CAPTURE(BM_Poisson, lam9 .9_inv, 9.9);
BENCHMARK_CAPTURE(BM_Poisson, lam10_ptrs, 10.0);
BENCHMARK_CAPTURE(BM_Poisson, lam1e3_ptrs, 1e3);
BENCHMARK_CAPTURE(BM_Poisson, lam1e6_ptrs, 1e6);
BENCHMARK_CAPTURE(BM_Poisson, lam1e9_ptrs, 1e9);

// Multinomial over 25 categories with unequal probabilities (p_i ~ (i+1)^-1.3);
// one item = one full 25-category vector.
void BM_Multinomial25(benchmark::State& state, std::int64_t n) {
  std::array<double, 25> probs{};
  double s = 0;
  for (std::size_t i = 0; i < probs.size(); ++i) s += probs[i] = std::pow(static_cast<double>(i + 1), -1.3);
  for (auto& p : probs) p /= s;
  std::array<std::int64_t, 25> counts{};
  RandomStream rs = bench_stream();
  for (auto _ : state) {
    chainsim::core::sample_multinomial(rs, n, probs, counts);
    benchmark::DoNotOptimize(counts.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Multinomial25, n100, 100);
BENCHMARK_CAPTURE(BM_Multinomial25, n1e4, 10'000);
BENCHMARK_CAPTURE(BM_Multinomial25, n1e6, 1'000'000);

// The regional split of 8 paths' new permit holders (n each), one fresh stream
// per path and week as in the kernel: path by path (sample_multinomial), or
// side by side (core/sampling/multinomial_lanes.hpp, as core::advance_paths draws
// them). Shares p_i ~ (i+1)^-1.3 as above; one item = one path's split.
void multinomial_paths(benchmark::State& state, std::int64_t n, bool lanes) {
  std::array<double, 25> probs{};
  double s = 0;
  for (std::size_t i = 0; i < probs.size(); ++i) s += probs[i] = std::pow(static_cast<double>(i + 1), -1.3);
  for (auto& p : probs) p /= s;
  const chainsim::core::MultinomialRates rates(probs);
  std::array<std::array<std::int64_t, 25>, 8> counts{};
  std::uint32_t week = 0;
  for (auto _ : state) {
    std::array<RandomStream, 8> rs;
    for (std::uint32_t l = 0; l < 8; ++l) rs[l] = RandomStream(20240611, l, week, Flow::PermitHolderRegions);
    ++week;
    if (lanes) {
      RandomStream* streams[8];
      std::int64_t ns[8];
      std::int64_t* out[8];
      for (std::size_t l = 0; l < 8; ++l) {
        streams[l] = &rs[l];
        ns[l] = n;
        out[l] = counts[l].data();
      }
      chainsim::core::sample_multinomial_lanes(streams, ns, 8, rates, out);
    } else {
      for (std::size_t l = 0; l < 8; ++l) chainsim::core::sample_multinomial(rs[l], n, rates, counts[l]);
    }
    benchmark::DoNotOptimize(counts.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 8);
}
void BM_MultinomialPaths25(benchmark::State& state, std::int64_t n) { multinomial_paths(state, n, false); }
void BM_MultinomialLanes25(benchmark::State& state, std::int64_t n) { multinomial_paths(state, n, true); }
BENCHMARK_CAPTURE(BM_MultinomialPaths25, n320, 320);
BENCHMARK_CAPTURE(BM_MultinomialLanes25, n320, 320);
BENCHMARK_CAPTURE(BM_MultinomialPaths25, n1e4, 10'000);
BENCHMARK_CAPTURE(BM_MultinomialLanes25, n1e4, 10'000);

// The Dublin step's two ways for one week of 26 cohorts of 100 persons (the
// seed's size) with k leavers: a uniformly random k-subset (one item = the
// whole week), against one binomial per cohort with the same expected total.
void BM_DublinWeekSubset(benchmark::State& state, std::int64_t k) {
  chainsim::core::SubsetScratch scratch;
  std::vector<std::int64_t> groups(26);
  RandomStream rs = bench_stream();
  for (auto _ : state) {
    std::fill(groups.begin(), groups.end(), 100);
    chainsim::core::remove_uniform_subset(rs, groups, k, scratch);
    benchmark::DoNotOptimize(groups.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_DublinWeekSubset, k16, 16);
BENCHMARK_CAPTURE(BM_DublinWeekSubset, k40, 40);
BENCHMARK_CAPTURE(BM_DublinWeekSubset, k64, 64);
BENCHMARK_CAPTURE(BM_DublinWeekSubset, k128, 128);

void BM_DublinWeekPerCohort(benchmark::State& state, std::int64_t k) {
  const auto rate = chainsim::core::prepare_binomial(static_cast<double>(k) / 2600.0);
  std::uint32_t week = 0;
  for (auto _ : state) {
    std::int64_t total = 0;
    for (std::uint32_t a = 0; a < 26; ++a) {  // a fresh stream per cohort, as in the kernel
      RandomStream rs(20240611, 1, week, Flow::DublinLeavers, a);
      total += chainsim::core::sample_binomial(rs, 100, rate);
    }
    ++week;
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_DublinWeekPerCohort, k16, 16);
BENCHMARK_CAPTURE(BM_DublinWeekPerCohort, k40, 40);
BENCHMARK_CAPTURE(BM_DublinWeekPerCohort, k64, 64);
BENCHMARK_CAPTURE(BM_DublinWeekPerCohort, k128, 128);

void BM_Normal(benchmark::State& state) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(chainsim::core::sample_normal(rs));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Normal);

void BM_Exponential(benchmark::State& state) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(chainsim::core::sample_exponential(rs, 2.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Exponential);

void BM_Gamma(benchmark::State& state, double shape) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(chainsim::core::sample_gamma(rs, shape, 1.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Gamma, shape0 .3, 0.3);
BENCHMARK_CAPTURE(BM_Gamma, shape1, 1.0);
BENCHMARK_CAPTURE(BM_Gamma, shape2 .5, 2.5);
BENCHMARK_CAPTURE(BM_Gamma, shape50, 50.0);

void BM_Beta(benchmark::State& state, double a, double b) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(chainsim::core::sample_beta(rs, a, b));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Beta, a2_b5, 2.0, 5.0);
BENCHMARK_CAPTURE(BM_Beta, a0 .5_b0.5, 0.5, 0.5);

void BM_Bernoulli(benchmark::State& state) {
  RandomStream rs = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(chainsim::core::sample_bernoulli(rs, 0.3));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Bernoulli);

// Construct a fresh stream per draw, as the model does per flow.
void BM_FreshStreamBinomial(benchmark::State& state) {
  std::uint64_t path = 0;
  for (auto _ : state) {
    RandomStream rs(20240611, path++, 5, Flow::Grants);
    benchmark::DoNotOptimize(chainsim::core::sample_binomial(rs, 5000, 0.2));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FreshStreamBinomial);

}  // namespace
