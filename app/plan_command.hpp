#pragma once
// `chainsim plan` (docs/plan.md): searches the smallest housing quota and,
// per period, the smallest additional regular capacity that keep the risk at
// or below alpha (forecast/plan), then writes the plan as a configuration
// that `chainsim run` accepts (the base and a scenario "plan"), runs that
// configuration into an HDF5 file with a plan section, and writes the plan
// table (CSV and Markdown). Every output is refused if it exists without
// --force, before anything is simulated; none is written unless all are.
#include "app/log.hpp"
#include "forecast/config.hpp"
#include "forecast/parallel.hpp"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>

namespace chainsim::app {

// An option the configuration cannot take (a date outside the run): a
// command-line error, exit status 64.
struct PlanUsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PlanCommandOptions {
  std::string config_path;  // "" = the embedded seed scenario
  double risk = 0.05;
  std::optional<std::int64_t> paths;  // default run.paths
  forecast::PeriodKind period = forecast::PeriodKind::Quarter;
  double quota_target = 6500;              // permit holders waiting (docs/plan.md: COA, October 2018)
  std::optional<forecast::Date> quota_by;  // default: 31 December of the year after run.start's, or the run's last day
  std::optional<int> lead_weeks;           // default capacity.adaptive.lead_weeks
  std::optional<std::filesystem::path> out;  // default: output.path with "-plan" before the extension
  bool force = false;
  bool quiet = false;
  forecast::Parallelism parallelism;
  std::string command_line;
};

// The default date of the quota target: 31 December of the year after `start`'s.
forecast::Date default_quota_date(forecast::Date start);

void plan(const forecast::ScenarioSet& set, const PlanCommandOptions& options, std::ostream& out, Log& log);

}  // namespace chainsim::app
