#include "app/precision_run.hpp"

#include "app/plan_command.hpp"
#include "app/run_errors.hpp"
#include "app/signals.hpp"
#include "forecast/run_plan.hpp"
#include "io/errors.hpp"
#include "io/run_output.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

namespace chainsim::app {

namespace {
std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g %%", 100 * v);
  return buf;
}
}  // namespace

void run_with_precision(forecast::ScenarioSet& set, RunOverrides& o, const forecast::PrecisionOptions& precision,
                        std::ostream& out, Log& log) {
  if (o.paths) throw PlanUsageError("--precision chooses the number of paths: give it without --paths");
  if (precision.batch_paths > precision.max_paths)
    throw PlanUsageError("--batch-paths " + std::to_string(precision.batch_paths) + " is more than --max-paths " +
                         std::to_string(precision.max_paths));
  forecast::RunPlan plan;
  try {
    plan = plan_run(set, o.window_weeks);
  } catch (const forecast::ScenarioResolveError& e) {
    throw io::ConfigError(set.source, 0, e.key, "", e.what());
  }
  // Existing outputs refuse the run before the batches, not after them (the
  // run itself checks again, under its lock).
  const std::filesystem::path output = plan.base.output.path;
  if (!o.force && !o.resume)
    for (const auto& f : io::run_outputs(output))
      if (std::filesystem::exists(f))
        throw OutputExistsError("output " + f.string() + " exists; use --force to replace it");

  log.info("precision: batches of " + std::to_string(precision.batch_paths) +
           " baseline paths until every headline "
           "figure has a relative standard error of at most " +
           percent(precision.target) + " (at most " + std::to_string(precision.max_paths) + " paths)");
  const auto t0 = std::chrono::steady_clock::now();
  const forecast::PrecisionResult r =
      paths_for_precision(plan, precision, o.parallelism, [&](const forecast::PrecisionResult& so_far) {
        log.info("precision: " + std::to_string(so_far.paths) + " paths, largest relative standard error " +
                 percent(so_far.worst_relative_error) + " (" + so_far.worst_figure + ")");
        // A stop during the batches: nothing is written yet, so nothing to keep
        // (the batches are repeated identically by the next run).
        if (stop_requested())
          throw Interrupted(
              "stopped by a signal during the --precision batches, before any output was written; run "
              "the same command again");
      });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (r.met)
    log.info("precision: target met with " + std::to_string(r.paths) + " paths after " + std::to_string(r.batches) +
             " batch(es) in " + std::to_string(seconds) + " s; running every scenario with " + std::to_string(r.paths) +
             " paths");
  else
    log.warn("precision: the path limit of " + std::to_string(r.paths) +
             " paths stopped the batches with a largest "
             "relative standard error of " +
             percent(r.worst_relative_error) + " (" + r.worst_figure + "), above the target " +
             percent(precision.target) + "; running every scenario with " + std::to_string(r.paths) + " paths");
  o.paths = r.paths;
  o.precision_options = precision;
  o.precision = r;
  apply_overrides(set, o);
  run_scenarios(set, o, out, log);
}

}  // namespace chainsim::app
