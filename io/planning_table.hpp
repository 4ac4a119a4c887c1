#pragma once
// The LRT planning table (MODEL.md §7) and the scenario comparison, as CSV
// ('.' decimals, stable column names, one row per period and scenario) and as
// Markdown for people.
//
// Planning columns: occupancy at the period's end (median, 5 %, 95 %), peak
// occupancy (median), capacity at the end (mean), probability of a shortfall
// in the period, expected shortfall person-weeks, capacity needed at each risk
// level, permit holders waiting at the end (median, 5 %, 95 %), housed,
// inflow (median, 5 %, 95 %), Dublin transfers, returns (medians) and cost
// (mean); then the Monte Carlo error of each of these figures, in the same
// order (`_mc_low`/`_mc_high` of quantiles and capacity needed, `_mcse` of
// means and P(shortfall); forecast/mc_error.hpp). Comparison columns: per metric the mean paired difference to the
// baseline and the 5 % and 95 % quantiles of the per-path differences; the
// shortfall probability difference with its 90 % confidence interval.
#include "forecast/summaries.hpp"

#include <string>
#include <vector>

namespace chainsim::io {

struct PlanningTables {
  std::string planning_csv;
  std::string planning_md;
  std::string comparison_csv;
  std::string comparison_md;
};

PlanningTables planning_tables(const std::vector<forecast::PeriodInfo>& periods,
                               const std::vector<forecast::ScenarioSummary>& scenarios,
                               const std::vector<forecast::ScenarioComparison>& comparisons,
                               const std::vector<double>& risk_levels);

// Writes `text` to `path` atomically (temporary file in the same directory, fsync, rename).
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace chainsim::io
