// Output and statistics throughput (issue #5, item 1):
//   BM_WriteEnsembleBlocks  io::OutputFile::write_per_path of the default per-path
//                           variables (seed: occupancy, shortfall, permit_holders,
//                           capacity, first_applications), a block of 256 paths x
//                           the whole horizon at a time as `chainsim run` writes
//                           them (one chunk each, shuffle + deflate 1). bytes_per_second =
//                           uncompressed bytes handed to the writer; the counter
//                           `stored_ratio` = file bytes / uncompressed bytes.
//                           Creating the file and its dimensions is not timed.
//                           encode_threads:0 = HDF5's own filters on the calling
//                           thread (OutputFile::write_per_path); 1, 2 = the chunks
//                           compressed by that many workers (encode_per_path) and
//                           stored by the calling thread (write_encoded_per_path),
//                           as `chainsim run` assembles its output.
//   BM_QuantilesOf          forecast quantiles_of (sort + type-7) of one column of
//                           P doubles at the seed's 7 quantile levels; items = values.
//   BM_IntColumnStats       int_column_stats (mean, sd and quantiles of a column of
//                           person counts, as the summaries use); items = values;
//                           a stock (occupancy), a flow of hundreds (first
//                           applications) and one of tens (Dublin transfers).
//   BM_IntColumnsStats      int_columns_stats of four such columns in one call
//                           (items = values of all four).
// Data are the seed scenario's own (national), so compression and the spread of a
// column are realistic: per-path series are 256 simulated paths repeated over the
// chunks of 256 paths (each chunk is compressed on its own, so the ratio is that of
// real data); columns are the simulated paths' occupancy (and first applications)
// in one week (P = 10^4) or in ten consecutive weeks (P = 10^5).
// Public APIs only (io/output_file.hpp, forecast/statistics.hpp).
//
// Sizes: 4096 paths x 260 weeks written; CHAINSIM_BENCH_QUICK=1: 512 paths.
#include "bench/bench_context.hpp"
#include "core/model/variables.hpp"
#include "forecast/config.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/parallel.hpp"
#include "forecast/regions.hpp"
#include "forecast/resolve.hpp"
#include "forecast/statistics.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"
#include "io/output_file.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace chainsim;
namespace fs = std::filesystem;

forecast::Config seed_national(int weeks) {
  forecast::Config c = io::load_seed().scenarios.at(0);
  c.run.regions = forecast::RegionMode::National;
  c.run.weeks = weeks;
  return c;
}

core::Var var_of(const std::string& name) {
  for (std::size_t i = 0; i < core::kNumVars; ++i)
    if (core::kVarInfo[i].name == name) return static_cast<core::Var>(i);
  throw std::invalid_argument("unknown variable " + name);
}

// 256 simulated paths x 260 weeks of the seed scenario (national), whole horizon.
const forecast::Ensemble& base_ensemble() {
  static const forecast::Ensemble e = [] {
    const forecast::Config c = seed_national(260);
    const core::ModelSpec spec = forecast::resolve(c);
    forecast::EnsembleOptions o;
    o.paths = 256;
    o.seed = c.run.seed;
    o.parallelism.threads = 1;
    return forecast::simulate_ensemble(spec, o);
  }();
  return e;
}

void BM_WriteEnsembleBlocks(benchmark::State& state) {
  using clock = std::chrono::steady_clock;
  const int threads = static_cast<int>(state.range(0));
  const forecast::Config cfg = seed_national(260);
  const forecast::Ensemble& base = base_ensemble();
  const std::int64_t P = bench::quick() ? 512 : 4096;
  const int T = 260;
  const std::vector<std::string> vars = cfg.output.ensemble;

  // Path-major (path, week) data of each variable over the whole horizon.
  std::vector<std::vector<std::int32_t>> series;  // [var]
  std::size_t raw_bytes = 0;
  for (const auto& name : vars) {
    std::vector<std::int32_t> data(static_cast<std::size_t>(P) * T);
    for (int w = 0; w < T; ++w) {
      const auto col = base.column(var_of(name), w);
      for (std::int64_t p = 0; p < P; ++p)
        data[static_cast<std::size_t>(p) * T + w] = col[static_cast<std::size_t>(p % base.paths())];
    }
    raw_bytes += data.size() * sizeof(std::int32_t);
    series.push_back(std::move(data));
  }

  io::OutputLayout layout;
  char dir_template[] = "/tmp/chainsim-bench-io-XXXXXX";
  const fs::path dir = ::mkdtemp(dir_template);
  layout.path = dir / "bench.h5";
  layout.start = cfg.run.start;
  layout.weeks = T;
  layout.paths = P;
  layout.scenarios = {"baseline"};
  layout.region_codes = {"NL"};
  layout.region_names = {"Netherlands"};
  layout.quantiles = cfg.output.quantiles;
  layout.risk_levels = cfg.output.risk_levels;
  layout.periods = forecast::run_periods(cfg.run.start, T, cfg.output.periods);
  layout.ensemble = vars;
  layout.seed = cfg.run.seed;
  layout.run_name = "bench";

  std::uintmax_t stored = 0;
  for (auto _ : state) {
    io::OutputFile file(layout);  // not timed: creates the file, dimensions and statistics variables
    const auto t0 = clock::now();
    const auto chunk = io::OutputFile::kPathChunk;
    const std::size_t chunks = (static_cast<std::size_t>(P) + chunk - 1) / chunk;
    auto block = [&](std::size_t v, std::size_t p0) {
      const std::size_t np = std::min(chunk, static_cast<std::size_t>(P) - p0);
      return std::span<const std::int32_t>(series[v].data() + p0 * T, np * static_cast<std::size_t>(T));
    };
    for (std::size_t v = 0; v < vars.size(); ++v) {
      if (threads == 0) {  // the library's filter pipeline, on this thread
        for (std::size_t c = 0; c < chunks; ++c) {
          const auto b = block(v, c * chunk);
          file.write_per_path(0, vars[v], c * chunk, b.size() / T, b);
        }
      } else {  // what `chainsim run` does: the workers compress, this thread stores
        std::vector<std::vector<unsigned char>> encoded(chunks);
        forecast::parallel_for(static_cast<std::int64_t>(chunks), forecast::Parallelism{.threads = threads},
                               [&](std::int64_t c) {
                                 const auto b = block(v, static_cast<std::size_t>(c) * chunk);
                                 encoded[static_cast<std::size_t>(c)] = file.encode_per_path(vars[v], b.size() / T, b);
                               });
        for (std::size_t c = 0; c < chunks; ++c) file.write_encoded_per_path(0, vars[v], c * chunk, encoded[c]);
      }
    }
    const auto t1 = clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    state.PauseTiming();
    file.commit();  // not timed (verification, fsync, rename); gives the stored size
    stored = fs::file_size(layout.path);
    fs::remove(layout.path);
    state.ResumeTiming();
  }
  fs::remove_all(dir);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw_bytes));
  state.counters["paths"] = static_cast<double>(P);
  state.counters["weeks"] = T;
  state.counters["variables"] = static_cast<double>(vars.size());
  state.counters["raw_MB"] = static_cast<double>(raw_bytes) / 1e6;
  state.counters["stored_ratio"] = static_cast<double>(stored) / static_cast<double>(raw_bytes);
  state.counters["threads"] = threads;
}
BENCHMARK(BM_WriteEnsembleBlocks)
    ->ArgName("encode_threads")
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

// Columns of the seed scenario: P paths' values of `v` in week 51 (P = 10^4) or in
// weeks 42..51 (P = 10^5), from 10^4 simulated paths x 52 weeks.
const std::vector<std::int32_t>& column(core::Var v, std::int64_t P) {
  static const forecast::Ensemble e = [] {
    const forecast::Config c = seed_national(52);
    const core::ModelSpec spec = forecast::resolve(c);
    forecast::EnsembleOptions o;
    o.paths = bench::quick() ? 1000 : 10'000;
    o.seed = c.run.seed;
    o.parallelism.threads = 0;
    return forecast::simulate_ensemble(spec, o);
  }();
  static std::vector<std::vector<std::int32_t>> cache;
  static std::vector<std::pair<core::Var, std::int64_t>> keys;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == std::pair(v, P)) return cache[i];
  std::vector<std::int32_t> out;
  for (int w = 51; static_cast<std::int64_t>(out.size()) < P; --w) {
    const auto col = e.column(v, w);
    out.insert(out.end(), col.begin(), col.end());
  }
  out.resize(static_cast<std::size_t>(P));
  keys.emplace_back(v, P);
  cache.push_back(std::move(out));
  return cache.back();
}

void BM_QuantilesOf(benchmark::State& state, core::Var v) {
  const std::int64_t P = bench::quick() ? state.range(0) / 10 : state.range(0);
  const auto& col = column(v, P);
  const std::vector<double> values(col.begin(), col.end());
  const std::vector<double> probs = seed_national(52).output.quantiles;
  std::vector<double> out(probs.size());
  std::vector<double> scratch;
  for (auto _ : state) {
    scratch = values;  // quantiles_of sorts its argument
    forecast::quantiles_of(scratch, probs, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * P);
  state.counters["paths"] = static_cast<double>(P);
  state.counters["quantiles"] = static_cast<double>(probs.size());
}
BENCHMARK_CAPTURE(BM_QuantilesOf, occupancy, core::Var::Occupancy)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_QuantilesOf, first_applications, core::Var::FirstApplications)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMicrosecond);

void BM_IntColumnStats(benchmark::State& state, core::Var v) {
  const std::int64_t P = bench::quick() ? state.range(0) / 10 : state.range(0);
  const auto& col = column(v, P);
  const std::vector<double> probs = seed_national(52).output.quantiles;
  std::vector<double> out(probs.size());
  std::vector<std::int32_t> scratch;
  std::vector<std::uint32_t> counts;
  for (auto _ : state) {
    const forecast::ColumnStats s = forecast::int_column_stats(col, probs, out, scratch, counts);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * P);
  state.counters["paths"] = static_cast<double>(P);
}
BENCHMARK_CAPTURE(BM_IntColumnStats, occupancy, core::Var::Occupancy)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_IntColumnStats, first_applications, core::Var::FirstApplications)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMicrosecond);
// A weekly flow of a few tens of persons: few distinct values, each many times
// (as most flows, and the regions' housed, are).
BENCHMARK_CAPTURE(BM_IntColumnStats, dublin_transfers, core::Var::DublinTransfers)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMicrosecond);

// Four columns in one call, as the summaries hand over a week's regions: the
// column above and three rotations of it (the same values in other orders).
// Items = values, so the rate compares with the one-column benchmark's.
void BM_IntColumnsStats(benchmark::State& state, core::Var v) {
  const std::int64_t P = bench::quick() ? state.range(0) / 10 : state.range(0);
  const auto& col = column(v, P);
  constexpr std::size_t kColumns = 4;
  std::vector<std::vector<std::int32_t>> columns(kColumns, col);
  for (std::size_t c = 1; c < kColumns; ++c)
    std::rotate(columns[c].begin(), columns[c].begin() + static_cast<std::ptrdiff_t>(c * col.size() / kColumns),
                columns[c].end());
  const std::vector<std::span<const std::int32_t>> spans(columns.begin(), columns.end());
  const std::vector<double> probs = seed_national(52).output.quantiles;
  std::vector<double> out(kColumns * probs.size());
  std::vector<forecast::ColumnStats> stats(kColumns);
  std::vector<std::int32_t> scratch;
  std::vector<std::uint32_t> counts;
  for (auto _ : state) {
    forecast::int_columns_stats(spans, probs, out, stats, scratch, counts);
    benchmark::DoNotOptimize(stats.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * P * static_cast<std::int64_t>(kColumns));
  state.counters["paths"] = static_cast<double>(P);
}
BENCHMARK_CAPTURE(BM_IntColumnsStats, occupancy, core::Var::Occupancy)->Arg(100'000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_IntColumnsStats, first_applications, core::Var::FirstApplications)
    ->Arg(100'000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_IntColumnsStats, dublin_transfers, core::Var::DublinTransfers)
    ->Arg(100'000)
    ->Unit(benchmark::kMicrosecond);

[[maybe_unused]] const bool kContextRecorded = chainsim::bench::record_context("1 (column ensembles: all)");

}  // namespace
