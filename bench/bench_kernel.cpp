// Throughput of the model on the embedded seed scenario:
//   BM_PathWeek_*   one whole path per iteration through core::simulate_path with a
//                   reused PathWorkspace, into a row buffer; items = path-weeks;
//   BM_Block        one work item of the ensemble driver (64 paths, 1 thread);
//   BM_Scenario     simulate_ensemble, 1000 paths x 260 weeks, 1 and 2 threads
//                   (wall-clock time); items = path-weeks;
//   BM_Summaries    summarize() of a 2000-path x 260-week ensemble (built once);
//   BM_Comparison   compare_to_baseline() of two such ensembles' period metrics;
//   BM_InversionBinomial  sample_binomial_inversion draws per second.
// The context block at the top of the output records commit, build type,
// compiler and the compile flags this file can see.
//
// Quick run: bench_kernel --benchmark_min_time=0.05
#include "bench/bench_context.hpp"
#include "bench/kernel_runs.hpp"
#include "core/sampling/binomial_inversion.hpp"
#include "core/model/model_spec.hpp"
#include "core/model/path_kernel.hpp"
#include "core/sampling/prior_points.hpp"
#include "core/random/random_stream.hpp"
#include "core/model/variables.hpp"
#include "forecast/config.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/parallel.hpp"
#include "forecast/provenance.hpp"
#include "forecast/resolve.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace chainsim;

// ---------------------------------------------------------------------------
// Build context. CMake passes no flags string to the sources, so it is
// reconstructed from the predefined macros that the flags set.
std::string build_type() {
#if defined(NDEBUG) && defined(__OPTIMIZE__)
  return "optimized, NDEBUG (Release or RelWithDebInfo)";
#elif defined(__OPTIMIZE__)
  return "optimized, assertions on";
#else
  return "unoptimized (Debug?)";
#endif
}

std::string compile_flags() {
  std::string f;
  auto add = [&](const char* s) {
    if (!f.empty()) f += ' ';
    f += s;
  };
#ifdef __OPTIMIZE__
  add("__OPTIMIZE__");
#endif
#ifdef __OPTIMIZE_SIZE__
  add("-Os");
#endif
#ifdef NDEBUG
  add("-DNDEBUG");
#endif
#ifdef __FAST_MATH__
  add("-ffast-math");
#endif
#ifdef __FP_FAST_FMA
  add("fma-hardware");
#endif
#ifdef __AVX512F__
  add("-mavx512f");
#elif defined(__AVX2__)
  add("-mavx2");
#elif defined(__SSE4_2__)
  add("-msse4.2");
#endif
#ifdef __NO_INLINE__
  add("-fno-inline");
#endif
#ifdef _OPENMP
  add("-fopenmp");
#endif
  add(("-std=c++" + std::to_string(__cplusplus / 100 % 100)).c_str());
  return f;
}

[[maybe_unused]] const bool kContextRecorded = [] {
  benchmark::AddCustomContext("chainsim_git_commit", forecast::chainsim_git_commit());
  benchmark::AddCustomContext("chainsim_build_type", build_type());
  benchmark::AddCustomContext("chainsim_compiler", bench::compiler());
  benchmark::AddCustomContext("chainsim_flags_seen", compile_flags());
  return true;
}();

// ---------------------------------------------------------------------------
// The seed scenario.

forecast::Config seed_baseline(forecast::RegionMode mode) {
  forecast::Config c = io::load_seed().scenarios.at(0);
  c.run.regions = mode;
  c.run.weeks = 260;  // the seed's horizon, fixed here so the item counts are explicit
  return c;
}

const core::ModelSpec& seed_spec(forecast::RegionMode mode) {
  static const core::ModelSpec national = forecast::resolve(seed_baseline(forecast::RegionMode::National));
  static const core::ModelSpec regional = resolve(seed_baseline(forecast::RegionMode::SafetyRegions));
  return mode == forecast::RegionMode::National ? national : regional;
}

std::uint64_t seed_of(forecast::RegionMode mode) { return seed_baseline(mode).run.seed; }

void path_weeks(benchmark::State& state, forecast::RegionMode mode) {
  const core::ModelSpec& spec = seed_spec(mode);
  const std::uint64_t seed = seed_of(mode);
  core::PathWorkspace ws(spec);
  bench::RowBuffer buf(spec);
  std::uint64_t path = 0;
  for (auto _ : state) {
    core::simulate_path(spec, seed, path++, ws, buf.sink);
    benchmark::DoNotOptimize(buf.national.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * spec.weeks);
  state.counters["regions"] = spec.regions;
  state.counters["weeks"] = spec.weeks;
}

void BM_PathWeek_National(benchmark::State& state) { path_weeks(state, forecast::RegionMode::National); }
BENCHMARK(BM_PathWeek_National)->Unit(benchmark::kMicrosecond);

void BM_PathWeek_Regional(benchmark::State& state) { path_weeks(state, forecast::RegionMode::SafetyRegions); }
BENCHMARK(BM_PathWeek_Regional)->Unit(benchmark::kMicrosecond);

// The per-path parameters of the regional seed scenario (31 priors with the
// 25 regions) drawn from their streams (state.range(0) == 0) or from a Sobol'
// point through the inverse CDFs (1, run.sobol_parameters): the setup cost a
// path pays once, against the ~260 path-weeks above.
void BM_PathParameters(benchmark::State& state) {
  core::ModelSpec spec = seed_spec(forecast::RegionMode::SafetyRegions);
  spec.sobol_parameters = state.range(0) == 1;
  if (spec.sobol_parameters && !core::sobol_points_available()) {
    state.SkipWithError("built without Boost");
    return;
  }
  std::uint64_t path = 0;
  for (auto _ : state) benchmark::DoNotOptimize(core::draw_path_parameters(spec, 7, path++));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(spec.sobol_parameters ? "sobol" : "streams");
}
BENCHMARK(BM_PathParameters)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The same, kPathGroup paths side by side (core::advance_paths), as the
// ensemble runs them; one item = one path-week, time per group.
void path_group_weeks(benchmark::State& state, forecast::RegionMode mode) {
  const core::ModelSpec& spec = seed_spec(mode);
  const std::uint64_t seed = seed_of(mode);
  constexpr std::size_t G = core::kPathGroup;
  bench::PathGroup group(spec);
  std::uint64_t path = 0;
  for (auto _ : state) {
    group.run(seed, path, G);
    path += G;
    benchmark::DoNotOptimize(group.first_national());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(G) * spec.weeks);
  state.counters["regions"] = spec.regions;
  state.counters["weeks"] = spec.weeks;
  state.counters["paths"] = static_cast<double>(G);
}

void BM_PathGroupWeek_National(benchmark::State& state) { path_group_weeks(state, forecast::RegionMode::National); }
BENCHMARK(BM_PathGroupWeek_National)->Unit(benchmark::kMicrosecond);

void BM_PathGroupWeek_Regional(benchmark::State& state) {
  path_group_weeks(state, forecast::RegionMode::SafetyRegions);
}
BENCHMARK(BM_PathGroupWeek_Regional)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------
// Ensemble driver.

forecast::EnsembleOptions ensemble_options(std::int64_t paths, int threads) {
  forecast::EnsembleOptions o;
  o.paths = paths;
  o.seed = seed_of(forecast::RegionMode::SafetyRegions);
  o.block_paths = 64;
  o.parallelism.backend = forecast::Backend::OpenMP;
  o.parallelism.threads = threads;
  return o;
}

// One block of 64 paths (the ensemble's unit of work) on one thread, including
// the allocation of its 64-path ensemble.
void BM_Block(benchmark::State& state) {
  const core::ModelSpec& spec = seed_spec(forecast::RegionMode::SafetyRegions);
  const forecast::EnsembleOptions opt = ensemble_options(64, 1);
  for (auto _ : state) {
    forecast::Ensemble e = simulate_ensemble(spec, opt);
    benchmark::DoNotOptimize(&e);
  }
  state.SetItemsProcessed(state.iterations() * 64 * spec.weeks);
}
BENCHMARK(BM_Block)->Unit(benchmark::kMillisecond);

// The seed baseline at 1000 paths x 260 weeks; Arg = threads.
void BM_Scenario(benchmark::State& state) {
  const core::ModelSpec& spec = seed_spec(forecast::RegionMode::SafetyRegions);
  const int threads = static_cast<int>(state.range(0));
  const std::int64_t paths = bench::quick() ? 100 : 1000;
  const forecast::EnsembleOptions opt = ensemble_options(paths, threads);
  for (auto _ : state) {
    forecast::Ensemble e = simulate_ensemble(spec, opt);
    benchmark::DoNotOptimize(&e);
  }
  state.SetItemsProcessed(state.iterations() * paths * spec.weeks);
  state.counters["threads"] = forecast::effective_threads(opt.parallelism);
}
BENCHMARK(BM_Scenario)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---------------------------------------------------------------------------
// Summaries of a 2000-path ensemble (built once, outside the timing).
void BM_Summaries(benchmark::State& state) {
  const forecast::Config cfg = seed_baseline(forecast::RegionMode::SafetyRegions);
  const core::ModelSpec& spec = seed_spec(forecast::RegionMode::SafetyRegions);
  static const forecast::Ensemble ens = simulate_ensemble(spec, ensemble_options(bench::quick() ? 200 : 2000, 0));
  const std::vector<forecast::PeriodInfo> periods =
      forecast::run_periods(cfg.run.start, spec.weeks, cfg.output.periods);
  forecast::SummaryOptions sopt{cfg.output.quantiles, cfg.output.risk_levels,
                                forecast::Parallelism{forecast::Backend::OpenMP, 1}};
  for (auto _ : state) {
    forecast::ScenarioSummary s = summarize("baseline", ens, periods, sopt);
    benchmark::DoNotOptimize(&s);
  }
  // items = path-weeks summarized
  state.SetItemsProcessed(state.iterations() * ens.paths() * ens.weeks());
  state.counters["quantiles"] = static_cast<double>(sopt.quantiles.size());
  state.counters["periods"] = static_cast<double>(periods.size());
}
BENCHMARK(BM_Summaries)->Unit(benchmark::kMillisecond);

// The paired comparison of a scenario with the baseline (reduce_scenario's
// second half): two 2000-path ensembles of other seeds, their period metrics
// built once; one thread.
void BM_Comparison(benchmark::State& state) {
  const forecast::Config cfg = seed_baseline(forecast::RegionMode::SafetyRegions);
  const core::ModelSpec& spec = seed_spec(forecast::RegionMode::SafetyRegions);
  const std::vector<forecast::PeriodInfo> periods =
      forecast::run_periods(cfg.run.start, spec.weeks, cfg.output.periods);
  const forecast::Parallelism one{forecast::Backend::OpenMP, 1};
  const forecast::SummaryOptions sopt{cfg.output.quantiles, cfg.output.risk_levels, one};
  auto metrics = [&](std::uint64_t seed) {
    forecast::EnsembleOptions opt = ensemble_options(bench::quick() ? 200 : 2000, 0);
    opt.seed = seed;
    const forecast::Ensemble e = simulate_ensemble(spec, opt);
    forecast::ScenarioSummarizer s("x", spec.weeks, e.regions(), e.paths(), periods, sopt);
    s.add(e);
    s.finish();
    return s.path_metrics();
  };
  static const forecast::PeriodPathMetrics baseline = metrics(1), scenario = metrics(2);
  for (auto _ : state) {
    forecast::ScenarioComparison c = forecast::compare_to_baseline("scenario", scenario, baseline, one);
    benchmark::DoNotOptimize(&c);
  }
  state.counters["periods"] = static_cast<double>(periods.size());
}
BENCHMARK(BM_Comparison)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// The inversion binomial sampler, draws per second.
void BM_InversionBinomial(benchmark::State& state, std::int64_t n, double p) {
  core::RandomStream rs(20240611, 1, 1, core::Flow::RejectedLeaving);
  for (auto _ : state) benchmark::DoNotOptimize(core::sample_binomial_inversion(rs, n, p));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_InversionBinomial, n1418_p0 .049, 1418, 0.049);  // the seed's rejected departures
BENCHMARK_CAPTURE(BM_InversionBinomial, n5000_p0 .02, 5000, 0.02);
BENCHMARK_CAPTURE(BM_InversionBinomial, n20000_p0 .03, 20000, 0.03);

}  // namespace
