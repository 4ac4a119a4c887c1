#pragma once
// Stage 1 of a run (docs/ARCHITECTURE.md, "The life of a run"): the plan.
// Every scenario resolved to its model, the window of weeks simulated at
// once, the reporting periods and the regions: everything fixed before a path
// is simulated, so that a scenario that cannot be resolved stops the run
// before any path runs or any file is created.
#include "core/model/model_spec.hpp"
#include "forecast/config.hpp"
#include "forecast/summaries.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace chainsim::forecast {

// Bytes of simulated results held in memory at once (one window of weeks) by default.
inline constexpr std::size_t kWindowBudgetBytes = std::size_t{1} << 30;

struct RunPlan {
  Config base;                            // the baseline; its run and output sections hold for every scenario
  std::vector<std::string> names;         // names[0] == "baseline"
  std::vector<core::ModelSpec> specs;     // one per scenario
  int window = 0;                         // weeks simulated per window
  std::vector<PeriodInfo> periods;        // the reporting periods
  std::vector<std::string> region_codes;  // "NL" in national mode, else the safety regions
  std::vector<std::string> region_names;

  std::int64_t paths() const noexcept { return base.run.paths; }
  int weeks() const noexcept { return base.run.weeks; }
  int regions() const noexcept { return specs.front().regions; }
};

// A scenario that cannot be resolved; `key` names it with its scenario
// ("scenario[<name>].<key>"; a key of the baseline without a prefix).
struct ScenarioResolveError : std::runtime_error {
  ScenarioResolveError(std::string key_, const std::string& message)
      : std::runtime_error(message), key(std::move(key_)) {}
  std::string key;
};

// The plan of `set`: `window_weeks` when given (clamped to 1..weeks), else as
// many weeks as fit in `window_budget_bytes`.
RunPlan plan_run(const ScenarioSet& set, std::optional<int> window_weeks,
                 std::size_t window_budget_bytes = kWindowBudgetBytes);

}  // namespace chainsim::forecast
