#pragma once
// The planning table per safety region (the LRT plans per region): one row per
// period, scenario and region, as CSV and as Markdown, written beside the
// national planning table as <name>.regional.csv and <name>.regional.md.
//
// Columns: permit holders waiting for housing at the period's last week
// (median, 5 %, 95 % and mean over paths) and permit holders housed in the
// period (mean over paths). Both come from the weekly regional statistics the
// output file holds: a quantile at one week is exact, and the mean of a period
// total is the sum of the weekly means; a quantile of a period total would
// need per-path regional period metrics, which the run does not keep, so the
// table has none. A quantile that output.quantiles does not contain is an
// empty CSV cell and "-" in Markdown.
#include "forecast/summaries.hpp"

#include <string>
#include <vector>

namespace chainsim::io {

struct RegionalPlanningTables {
  std::string csv;
  std::string md;
};

RegionalPlanningTables regional_planning_tables(const std::vector<forecast::PeriodInfo>& periods,
                                                const std::vector<forecast::ScenarioSummary>& scenarios,
                                                const std::vector<std::string>& region_codes,
                                                const std::vector<std::string>& region_names,
                                                const std::vector<double>& quantiles);

// Computes the tables and writes <stem>.regional.csv and <stem>.regional.md
// atomically (the call the run makes after the national tables).
void write_regional_planning_tables(const std::string& stem, const std::vector<forecast::PeriodInfo>& periods,
                                    const std::vector<forecast::ScenarioSummary>& scenarios,
                                    const std::vector<std::string>& region_codes,
                                    const std::vector<std::string>& region_names, const std::vector<double>& quantiles);

}  // namespace chainsim::io
