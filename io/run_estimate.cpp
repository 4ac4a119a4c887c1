#include "io/run_estimate.hpp"

#include "core/model/byte_buffer.hpp"
#include "core/model/variables.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/summaries.hpp"
#include "forecast/window_series.hpp"
#include "io/output_file.hpp"

#include <cmath>

namespace chainsim::io {

double state_bytes(double paths, double path_state_bytes, std::size_t periods, double summaries,
                   bool checkpoints_inside_scenarios) {
  const double metrics = forecast::kNumPeriodMetrics * static_cast<double>(periods) * sizeof(double);
  return paths * (checkpoints_inside_scenarios ? path_state_bytes + 2 * metrics : metrics) + summaries + 65536;
}

RunEstimate estimate_run(const forecast::RunPlan& plan, std::size_t configuration_bytes) {
  const forecast::Config& base = plan.base;
  const int regions = plan.regions(), window = plan.window;
  const std::size_t periods = plan.periods.size();
  const double P = static_cast<double>(base.run.paths), T = base.run.weeks, S = static_cast<double>(plan.specs.size());
  const double Q = static_cast<double>(base.output.quantiles.size()), R = regions, NP = static_cast<double>(periods);
  const double A = static_cast<double>(base.output.risk_levels.size());
  double per_path_vars = 0;
  for (const auto& name : base.output.ensemble)
    per_path_vars += static_cast<double>(forecast::per_path_element_bytes(name));
  // As io/output_file.cpp lays them out, per scenario: mean, sd and quantiles
  // of every variable per week (and of the regional ones per region); per
  // period the peak occupancy's mean and quantiles, shortfall probability and
  // person-weeks, capacity needed per risk level, and per planning metric
  // its mean, 3 quantiles and the difference's mean, low and high, plus the
  // difference in shortfall probability with its interval; then their Monte
  // Carlo errors: per planning metric the mean's standard error and the 3
  // quantiles' intervals, the peak's, shortfall probability's and
  // person-weeks' standard errors and the capacity needed's intervals.
  const double per_period =
      3 + Q + A + 7.0 * forecast::kNumPeriodMetrics + 3 + 7.0 * forecast::kNumPeriodMetrics + 3 + 2 * A;
  const double summaries =
      S * 8 * (core::kNumVars * T * (2 + Q) + forecast::kStoredRegionalVars * T * R * (2 + Q) + NP * per_period);
  RunEstimate e;
  e.summary_bytes = summaries;
  // Until the pilot has run (run_pilot): uncompressed, an upper bound.
  e.per_path_bytes = S * P * T * per_path_vars;
  // Some 900 bytes per variable (object header, attributes, dimension
  // lists: about 200 KiB on the seed's layout), a chunk index per per-path
  // variable (a 4 KiB B-tree node and some 50 bytes per chunk), the
  // configuration text stored as an attribute, and a little for the
  // superblock and the root group.
  const double per_path_count = static_cast<double>(base.output.ensemble.size());
  const double variables = 3.0 * (core::kNumVars + forecast::kStoredRegionalVars) + 12 +
                           7.0 * forecast::kNumPeriodMetrics + 3.0 * forecast::kNumPeriodMetrics + 5 + per_path_count;
  e.metadata_bytes = 900 * variables + per_path_count * (4096 + 50 * S * std::ceil(P / 256)) +
                     static_cast<double>(configuration_bytes) + 32768;
  // The planning table and the comparison, CSV and Markdown: some 250 bytes
  // per period and scenario each, and the planning CSV's Monte Carlo error
  // columns some 500 more; the manifest a few kilobytes.
  // The planning table per safety region: some 200 bytes per row (CSV and
  // Markdown), one row per period, scenario and region.
  e.table_bytes = 1536 * NP * S + 320 * NP * S * R + 16384;
  // Window files: the series uncompressed, and 12 bytes of block table per
  // 256 paths of a variable plus a 32-byte trailer per file.
  const double windows = S * std::ceil(T / window);
  e.window_bytes = S * P * T * per_path_vars +
                   windows * (32 + 12.0 * static_cast<double>(base.output.ensemble.size()) * std::ceil(P / 256));
  // Until the pilot has measured a path's state: a bound from its parts
  // (scalars, a stock per region, the Dublin and reunification queues).
  e.state_bytes = state_bytes(P, 300 + 8 * (2.0 * R + base.dublin.deadline_weeks + base.nareis.max_lag_weeks), periods,
                              summaries, window < base.run.weeks);
  e.memory_bytes = static_cast<double>(forecast::Ensemble::bytes_per_week(regions, base.run.paths)) * window +
                   2 * e.state_bytes + P * window * per_path_vars + 64e6;
  return e;
}

Pilot run_pilot(const forecast::RunPlan& plan, const forecast::Parallelism& par) {
  const forecast::Config& base = plan.base;
  const std::vector<std::string>& names = base.output.ensemble;
  Pilot result;
  result.paths = std::min<std::int64_t>(base.run.paths, 64);
  const double scale = static_cast<double>(base.run.paths) / static_cast<double>(result.paths);
  std::vector<std::vector<char>> series;
  for (const core::ModelSpec& spec : plan.specs) {
    forecast::EnsembleOptions eopt;
    eopt.paths = result.paths;
    eopt.seed = base.run.seed;
    eopt.parallelism = par;
    eopt.block_paths = 8;  // so that 64 paths keep every worker busy (results do not depend on it)
    forecast::EnsembleRunner runner(spec, eopt);
    const forecast::Ensemble whole = runner.next_window(base.run.weeks);
    std::size_t saved = 0;
    core::ByteWriter counter([&](std::span<const char> piece) { saved += piece.size(); });
    runner.save(counter);
    counter.flush();
    result.path_state_bytes =
        std::max(result.path_state_bytes, static_cast<double>(saved) / static_cast<double>(result.paths));
    if (names.empty()) continue;
    forecast::window_variables(whole, names, par, series);
    for (std::size_t v = 0; v < names.size(); ++v)
      result.per_path_bytes +=
          static_cast<double>(OutputFile::encoded_bytes(series[v], forecast::per_path_element_bytes(names[v]))) * scale;
  }
  return result;
}

void refine_estimate(RunEstimate& e, const forecast::RunPlan& plan, const Pilot& pilot) {
  e.per_path_bytes = pilot.per_path_bytes;
  e.state_bytes = state_bytes(static_cast<double>(plan.paths()), pilot.path_state_bytes, plan.periods.size(),
                              e.summary_bytes, plan.window < plan.weeks());
}

}  // namespace chainsim::io
