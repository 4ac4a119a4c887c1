#pragma once
// The short human summary printed after a run: per scenario and year, the
// occupancy at year end (median and 90 % interval) against capacity, the
// probability of a shortfall in the year, the capacity needed at 95 %, and the
// permit holders waiting for a house.
#include "forecast/summaries.hpp"

#include <ostream>
#include <vector>

namespace chainsim::io {

void print_summary(std::ostream& out, const std::vector<forecast::ScenarioSummary>& scenarios,
                   const std::vector<forecast::PeriodInfo>& periods, const std::vector<double>& risk_levels);

}  // namespace chainsim::io
