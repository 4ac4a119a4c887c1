#pragma once
// `chainsim run --precision R` (issue 19 item 3): how many paths give the
// headline figures a relative Monte Carlo standard error of at most R.
//
// Batches of paths of the baseline scenario are simulated, paths 0..n-1 of
// the run's seed (a path's random numbers depend only on its index, so the
// paths of the batches are the paths of a fixed run with n paths), and after
// each batch the relative standard error of every headline figure is
// computed. It stops when all are at most R, or when n reaches the path limit.
// The caller then runs the ordinary fixed run with n paths, so the outputs are
// those of `--paths n`, byte for byte.
//
// Headline figures, per reporting period of the baseline:
//   - the mean occupancy at the period's end (standard error sd / sqrt(n));
//   - the probability of a shortfall in the period (sqrt(p (1 - p) / n)),
//     only while 0.05 <= p <= 0.95: the relative error of a probability near
//     0 grows without bound as p -> 0 (sqrt((1 - p) / (n p))), so a period
//     that is almost surely free of shortfall (or almost surely short) would
//     ask for millions of paths to pin down a figure no plan depends on.
#include "forecast/parallel.hpp"
#include "forecast/run_plan.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace chainsim::forecast {

struct PrecisionOptions {
  double target = 0.01;             // relative standard error to reach
  std::int64_t max_paths = 100000;  // the path limit
  std::int64_t batch_paths = 1000;  // paths per batch
};

// Probabilities outside this range are not headline figures (see above).
inline constexpr double kPrecisionProbabilityLow = 0.05;
inline constexpr double kPrecisionProbabilityHigh = 0.95;

struct PrecisionFigure {
  std::string name;  // "occupancy 2022-Q3 (mean at end)", "P(shortfall) 2022-Q3"
  double estimate = 0.0;
  double standard_error = 0.0;
  double relative_error = 0.0;
};

// The headline figures from per-path values: `occupancy_end[k][p]` and
// `shortfall_weeks[k][p]` (period k, path p) of the same paths.
std::vector<PrecisionFigure> headline_figures(const std::vector<PeriodInfo>& periods,
                                              const std::vector<std::vector<double>>& occupancy_end,
                                              const std::vector<std::vector<double>>& shortfall_weeks);

struct PrecisionResult {
  std::int64_t paths = 0;  // n: the paths the run is to have
  int batches = 0;
  bool met = false;                       // every figure within the target (else the path limit stopped it)
  double worst_relative_error = 0.0;      // the largest relative error at n
  std::string worst_figure;               // which figure that is
  std::vector<double> worst_after_batch;  // the largest relative error after each batch
};

// Simulates the baseline (plan.specs[0]) in batches until the target is met
// or max_paths are done; `after_batch` (may be empty) sees the result so far.
PrecisionResult paths_for_precision(const RunPlan& plan, const PrecisionOptions& options,
                                    const Parallelism& parallelism,
                                    const std::function<void(const PrecisionResult&)>& after_batch = {});

}  // namespace chainsim::forecast
