#pragma once
// Per-scenario summaries of an ensemble (MODEL.md §7): per week mean, sd and
// quantiles of every variable, and per period (quarter, half-year, year) the
// distribution of peak occupancy, the probability of shortfall, the expected
// shortfall person-weeks and the capacity needed at each risk level.
#include "forecast/config.hpp"
#include "forecast/ensemble.hpp"

#include <array>
#include <string>
#include <vector>

namespace chainsim {

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
  int first_week = 0;  // weeks of the run in the period: first_week <= t < end_week
  int end_week = 0;
  bool partial = false;  // the run covers only some of the period's Mondays
};

struct PeriodStats {
  std::vector<double> peak_occupancy_mean;       // [period]
  std::vector<double> peak_occupancy_quantiles;  // [period * Q + q]
  std::vector<double> shortfall_probability;     // [period]: P(U > 0 in some week of the period)
  std::vector<double> shortfall_person_weeks;    // [period]: E[sum of U over the period's weeks]
  std::vector<double> capacity_needed;           // [period * A + a]: at risk level a
  // Period-end stocks for the terminal summary, at kSummaryQuantiles:
  // indexed [period * 3 + q].
  std::vector<double> permit_holders_end_quantiles;  // permit holders at the period's last week
  std::vector<double> occupancy_end_quantiles;       // occupancy at the period's last week
  std::vector<double> capacity_end_mean;             // [period]: capacity at the last week
};

// Median and central 90 % interval, whatever output.quantiles holds.
inline constexpr std::array<double, 3> kSummaryQuantiles{0.05, 0.50, 0.95};

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

ScenarioSummary summarize(const std::string& name, const Ensemble& ensemble,
                          const std::vector<PeriodInfo>& periods, const SummaryOptions& options);

}  // namespace chainsim
