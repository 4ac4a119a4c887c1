#pragma once
// The plan table of `chainsim plan` (docs/plan.md, "Outputs"): CSV with one
// row per capacity period and one per half-year whose quota the plan sets,
// and Markdown for people (a capacity table and a quota table). Both give the
// probability of missing the target without and with the plan ("risk": a
// shortfall in the period; permit holders above the target on the date), its
// Monte Carlo standard error, and the costs at the configured rates; a price
// the configuration does not give is said to be missing, never made up.
#include "forecast/config.hpp"
#include "forecast/plan.hpp"

#include <string>

namespace chainsim::io {

struct PlanTables {
  std::string csv;
  std::string md;
};

PlanTables plan_tables(const forecast::Plan& plan, const forecast::Config& base);

}  // namespace chainsim::io
