#include "forecast/run_plan.hpp"

#include "forecast/regions.hpp"
#include "forecast/resolve.hpp"

#include <algorithm>

namespace chainsim::forecast {

RunPlan plan_run(const ScenarioSet& set, std::optional<int> window_weeks, std::size_t window_budget_bytes) {
  RunPlan plan;
  plan.base = set.scenarios.front();
  plan.names = set.names;
  for (std::size_t s = 0; s < set.scenarios.size(); ++s) {
    try {
      plan.specs.push_back(resolve(set.scenarios[s]));
    } catch (const ResolveError& e) {
      throw ScenarioResolveError((s == 0 ? "" : "scenario[" + set.names[s] + "].") + e.key, e.what());
    }
  }
  const Config& base = plan.base;
  // Memory: the ensemble is simulated in windows of weeks sized to a fixed
  // budget; path states and per-path period metrics are kept between windows.
  plan.window = window_weeks
                    ? std::clamp(*window_weeks, 1, base.run.weeks)
                    : forecast::window_weeks(base.run.weeks, plan.regions(), base.run.paths, window_budget_bytes);
  plan.periods = run_periods(base.run.start, base.run.weeks, base.output.periods);
  if (base.run.regions == RegionMode::National) {
    plan.region_codes = {"NL"};
    plan.region_names = {"Netherlands"};
  } else {
    for (const Region& r : safety_regions()) {
      plan.region_codes.push_back(r.code);
      plan.region_names.push_back(r.name);
    }
  }
  return plan;
}

}  // namespace chainsim::forecast
