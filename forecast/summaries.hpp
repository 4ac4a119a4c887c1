#pragma once
// Per-scenario summaries of an ensemble (MODEL.md §7): per week the mean, sd
// and quantiles of every variable, exact over all paths; per period (quarter,
// half-year, year) the distribution of peak occupancy, the probability of a
// shortfall, the expected shortfall person-weeks, the capacity needed at each
// risk level, and the per-path period metrics of the planning table, which
// also give the paired scenario comparisons (common random numbers).
//
// Memory: the ensemble arrives window by window; weekly statistics are
// final once a window is seen, and period metrics are accumulated per path
// (a few numbers per path and period), so nothing grows with the horizon
// beyond those.
#include "core/model/byte_buffer.hpp"
#include "forecast/config.hpp"
#include "forecast/ensemble.hpp"

#include <array>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace chainsim::forecast {

// Per-week statistics of one variable over all paths. Arrays are indexed by
// cell = week (national) or week * R + region (regional).
struct WeeklyStats {
  std::vector<double> mean;       // [cell]
  std::vector<double> sd;         // [cell]
  std::vector<double> quantiles;  // [cell * Q + q]
};

struct PeriodInfo {
  PeriodKind kind;
  std::string label;   // "2022-Q3", "2022-H2", "2023"
  Date start{};        // first day of the calendar period
  Date end{};          // first day after it
  int first_week = 0;  // weeks of the run in the period: first_week <= t < end_week
  int end_week = 0;
  bool partial = false;  // the run covers only some of the period's Mondays
};

// Per-path quantities of one period, the raw material of the planning table.
enum class PeriodMetric : std::size_t {
  PeakOccupancy,         // highest weekly occupancy
  OccupancyEnd,          // occupancy at the period's last week
  PermitHoldersEnd,      // permit holders waiting at the period's last week
  CapacityEnd,           // capacity in effect at the period's last week
  ShortfallWeeks,        // weeks with occupancy above capacity
  ShortfallPersonWeeks,  // sum of the weekly shortfall
  Inflow,                // first + repeat applications + family reunification arrivals
  Housed,                // permit holders housed
  DublinTransfers,
  Returns,
  CostEur,
  // Added after the first model (appended: the order above is part of the output format).
  PlacesOccupiedEnd,  // persons in a reception place (regular, TNV, CNO) at the period's last week
  WithoutPlaceEnd,    // persons without a place (the shortfall) at the period's last week
  WaitingOver14End,   // permit holders who have waited more than 14 weeks, at the period's last week
  Count
};
inline constexpr std::size_t kNumPeriodMetrics = static_cast<std::size_t>(PeriodMetric::Count);
inline constexpr std::array<const char*, kNumPeriodMetrics> kPeriodMetricNames{
    "peak_occupancy",   "occupancy",
    "permit_holders",   "capacity",
    "shortfall_weeks",  "shortfall_person_weeks",
    "inflow",           "housed",
    "dublin_transfers", "returns",
    "cost_eur",         "places_occupied",
    "without_place",    "permit_holders_waiting_over_14_weeks"};

// What a period metric is ("peak weekly occupancy in the period") and its CF units.
std::string period_metric_description(PeriodMetric m);
const char* period_metric_units(PeriodMetric m);

// Median and central 90 % interval, whatever output.quantiles holds.
inline constexpr std::array<double, 3> kSummaryQuantiles{0.05, 0.50, 0.95};

class PeriodPathMetrics {
 public:
  void save(core::ByteWriter& out) const;
  void restore(core::ByteReader& in);
  PeriodPathMetrics() = default;
  PeriodPathMetrics(std::size_t periods, std::int64_t paths);
  std::size_t periods() const noexcept { return periods_; }
  std::int64_t paths() const noexcept { return paths_; }
  double* row(PeriodMetric m, std::size_t period) noexcept {
    return values_.data() + (static_cast<std::size_t>(m) * periods_ + period) * static_cast<std::size_t>(paths_);
  }
  const double* row(PeriodMetric m, std::size_t period) const noexcept {
    return values_.data() + (static_cast<std::size_t>(m) * periods_ + period) * static_cast<std::size_t>(paths_);
  }

 private:
  std::size_t periods_ = 0;
  std::int64_t paths_ = 0;
  std::vector<double> values_;  // [(m * NP + k) * P + p]
};

struct PeriodStats {
  std::vector<double> peak_occupancy_mean;       // [period]
  std::vector<double> peak_occupancy_quantiles;  // [period * Q + q], configured quantiles
  std::vector<double> shortfall_probability;     // [period]: P(U > 0 in some week of the period)
  std::vector<double> shortfall_person_weeks;    // [period]: E[sum of U over the period's weeks]
  std::vector<double> capacity_needed;           // [period * A + a]: at risk level a
  // Every period metric: mean [period] and kSummaryQuantiles [period * 3 + q].
  std::array<std::vector<double>, kNumPeriodMetrics> metric_mean;
  std::array<std::vector<double>, kNumPeriodMetrics> metric_quantiles;
  // Monte Carlo error (forecast/mc_error.hpp), same shapes as the figures:
  // standard errors of the means and of the shortfall probability, 95 %
  // order-statistic intervals of the quantiles and of the capacity needed.
  std::array<std::vector<double>, kNumPeriodMetrics> metric_mean_mcse;         // [period]
  std::array<std::vector<double>, kNumPeriodMetrics> metric_quantile_mc_low;   // [period * 3 + q]
  std::array<std::vector<double>, kNumPeriodMetrics> metric_quantile_mc_high;  // [period * 3 + q]
  std::vector<double> shortfall_probability_mcse;                              // [period]
  std::vector<double> capacity_needed_mc_low;                                  // [period * A + a]
  std::vector<double> capacity_needed_mc_high;                                 // [period * A + a]
};

struct ScenarioSummary {
  std::string name;
  std::vector<WeeklyStats> national;  // one per core::Var, in enum order
  std::vector<WeeklyStats> regional;  // one per stored regional variable
  PeriodStats periods;
};

struct SummaryOptions {
  std::vector<double> quantiles;
  std::vector<double> risk_levels;
  Parallelism parallelism;
};

// The run's periods of the requested kinds, in kind order then time order.
std::vector<PeriodInfo> run_periods(Date start, int weeks, const std::vector<PeriodKind>& kinds);

// The parts of a run that share a window's weekly statistics (reduction.hpp):
// part `part` of `parts` computes the work items (variable, week) whose index
// is `part` modulo `parts`, then `merge` (called with the window's cells
// packed, this part's own written and the others' all-zero bits) must leave
// every cell as its part computed it. The default is one part: every cell, no merge.
struct WeeklyShare {
  int part = 0;
  int parts = 1;
  std::function<void(std::span<double>)> merge;
};

// Summarises one scenario from its windows, in week order.
class ScenarioSummarizer {
 public:
  ScenarioSummarizer(std::string name, int weeks, int regions, std::int64_t paths, std::vector<PeriodInfo> periods,
                     SummaryOptions options);

  // Weekly statistics of the window's weeks (this part's share of them, then
  // merged); period metrics accumulated per path.
  void add(const Ensemble& window, const WeeklyShare& share = {});

  // Period statistics; call once after the last window.
  ScenarioSummary finish();

  int weeks() const noexcept { return weeks_; }
  int regions() const noexcept { return regions_; }

  // The per-path period metrics (valid after finish()).
  const PeriodPathMetrics& path_metrics() const noexcept { return metrics_; }

  // Everything accumulated so far (checkpoints); restore expects the same shape.
  void save(core::ByteWriter& out) const;
  void restore(core::ByteReader& in);

 private:
  // Calls f(span) for each array of weekly statistics' cells of weeks
  // [first, first + weeks): mean, sd and quantiles of every variable.
  template <typename F>
  void for_each_window_cells(int first, int weeks, F&& f);
  void merge_window(int first, int weeks, const WeeklyShare& share);

  ScenarioSummary summary_;
  int weeks_;
  int regions_;
  std::int64_t paths_;
  std::vector<PeriodInfo> periods_;
  SummaryOptions options_;
  PeriodPathMetrics metrics_;
};

// Summaries and comparisons saved whole (checkpoints).
void save(core::ByteWriter& out, const ScenarioSummary& s);
ScenarioSummary restore_summary(core::ByteReader& in);

// One-window convenience: the whole ensemble at once.
ScenarioSummary summarize(const std::string& name, const Ensemble& ensemble, const std::vector<PeriodInfo>& periods,
                          const SummaryOptions& options);

// Paired differences (scenario − baseline) of every period metric, path by
// path under common random numbers: mean and the 5 % and 95 % quantiles of the
// per-path differences (the central 90 % interval of the effect), and for the
// probability of a shortfall the difference with its 90 % confidence interval.
struct ScenarioComparison {
  std::string name;
  std::array<std::vector<double>, kNumPeriodMetrics> mean;  // [period]
  std::array<std::vector<double>, kNumPeriodMetrics> low;   // [period]: 5 % quantile
  std::array<std::vector<double>, kNumPeriodMetrics> high;  // [period]: 95 % quantile
  std::vector<double> shortfall_probability;                // [period]: difference
  std::vector<double> shortfall_probability_low;            // [period]: 90 % confidence interval
  std::vector<double> shortfall_probability_high;
};

void save(core::ByteWriter& out, const ScenarioComparison& c);
ScenarioComparison restore_comparison(core::ByteReader& in);

// `pairing_shift` = 0 pairs path p with path p; a non-zero shift pairs p with
// (p + shift) mod P, i.e. independent paths (the unpaired reference that shows
// what common random numbers gain).
ScenarioComparison compare_to_baseline(const std::string& name, const PeriodPathMetrics& scenario,
                                       const PeriodPathMetrics& baseline, const Parallelism& parallelism,
                                       std::int64_t pairing_shift = 0);

}  // namespace chainsim::forecast
