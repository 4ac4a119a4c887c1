#include "forecast/precision.hpp"

#include "forecast/ensemble.hpp"
#include "forecast/mc_error.hpp"
#include "forecast/reduction.hpp"
#include "forecast/scenario_stages.hpp"
#include "forecast/statistics.hpp"

#include <algorithm>
#include <stdexcept>

namespace chainsim::forecast {
namespace {

// One batch, paths [first, last) of the run, reduced on its own: the
// summariser of the batch's paths reads the batch's window as it is.
class BatchReduction final : public Reduction {
 public:
  explicit BatchReduction(PathRange range) noexcept : range_(range) {}
  std::int64_t total_paths() const noexcept override { return range_.size(); }
  PathRange local_paths() const noexcept override { return range_; }
  bool writes_output() const noexcept override { return false; }
  const Ensemble& all_paths(const Ensemble& local) override {
    if (local.path_range() != range_) throw std::invalid_argument("BatchReduction: not the batch's window");
    return local;
  }

 private:
  PathRange range_;
};

}  // namespace

std::vector<PrecisionFigure> headline_figures(const std::vector<PeriodInfo>& periods,
                                              const std::vector<std::vector<double>>& occupancy_end,
                                              const std::vector<std::vector<double>>& shortfall_weeks) {
  std::vector<PrecisionFigure> out;
  for (std::size_t k = 0; k < periods.size(); ++k) {
    const std::vector<double>& occ = occupancy_end[k];
    const std::size_t n = occ.size();
    const ColumnStats st = mean_sd(occ);
    const double se = mean_standard_error(st.sd, n);
    out.push_back({"occupancy " + periods[k].label + " (mean at end)", st.mean, se, relative_error(se, st.mean)});
    std::size_t any = 0;
    for (double w : shortfall_weeks[k]) any += w > 0 ? 1 : 0;
    const double p = n == 0 ? 0.0 : static_cast<double>(any) / static_cast<double>(n);
    if (p < kPrecisionProbabilityLow || p > kPrecisionProbabilityHigh) continue;
    const double pse = probability_standard_error(p, n);
    out.push_back({"P(shortfall) " + periods[k].label, p, pse, relative_error(pse, p)});
  }
  return out;
}

PrecisionResult paths_for_precision(const RunPlan& plan, const PrecisionOptions& o, const Parallelism& parallelism,
                                    const std::function<void(const PrecisionResult&)>& after_batch) {
  if (!(o.target > 0.0)) throw std::invalid_argument("precision target must be positive");
  if (o.batch_paths < 2 || o.max_paths < 2) throw std::invalid_argument("batches and the path limit need 2 paths");
  const std::size_t NP = plan.periods.size();
  std::vector<std::vector<double>> occupancy(NP), shortfall(NP);
  const SummaryOptions sopt{plan.base.output.quantiles, plan.base.output.risk_levels, parallelism};
  PrecisionResult r;
  while (r.paths < o.max_paths) {
    const std::int64_t first = r.paths;
    const std::int64_t batch = std::min(o.batch_paths, o.max_paths - first);
    // Paths [first, first + batch) of a run of max_paths paths: a path's draws
    // are keyed by its global index alone (forecast/path_range.hpp), so these
    // are the same paths as in the fixed run with any number of paths above.
    EnsembleOptions eopt;
    eopt.paths = o.max_paths;
    eopt.seed = plan.base.run.seed;
    eopt.parallelism = parallelism;
    const PathRange range{first, first + batch};
    EnsembleRunner runner(plan.specs.front(), eopt, range);
    ScenarioSummarizer summarizer(plan.names.front(), plan.weeks(), plan.regions(), batch, plan.periods, sopt);
    BatchReduction alone(range);
    simulate_scenario(runner, summarizer, plan.window, alone, {});
    summarizer.finish();
    const PeriodPathMetrics& m = summarizer.path_metrics();
    for (std::size_t k = 0; k < NP; ++k) {
      const double* occ = m.row(PeriodMetric::OccupancyEnd, k);
      const double* sw = m.row(PeriodMetric::ShortfallWeeks, k);
      occupancy[k].insert(occupancy[k].end(), occ, occ + batch);
      shortfall[k].insert(shortfall[k].end(), sw, sw + batch);
    }
    r.paths = first + batch;
    ++r.batches;
    r.worst_relative_error = 0.0;
    r.worst_figure.clear();
    for (const PrecisionFigure& f : headline_figures(plan.periods, occupancy, shortfall))
      if (f.relative_error > r.worst_relative_error || r.worst_figure.empty()) {
        r.worst_relative_error = f.relative_error;
        r.worst_figure = f.name;
      }
    r.worst_after_batch.push_back(r.worst_relative_error);
    r.met = r.worst_relative_error <= o.target;
    if (after_batch) after_batch(r);
    if (r.met) break;
  }
  return r;
}

}  // namespace chainsim::forecast
