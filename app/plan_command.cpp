#include "app/plan_command.hpp"

#include "app/run_command.hpp"
#include "forecast/calendar.hpp"
#include "forecast/plan.hpp"
#include "forecast/resolve.hpp"
#include "io/config_toml.hpp"
#include "io/number_format.hpp"
#include "io/output_file.hpp"
#include "io/plan_section.hpp"
#include "io/plan_table.hpp"
#include "io/planning_table.hpp"
#include "io/table_writer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

namespace chainsim::app {
namespace {

namespace fs = std::filesystem;

// "out/run.h5" -> "out/run": the plan's table and configuration go beside it.
std::string stem_of(const fs::path& out) {
  fs::path p = out;
  if (p.extension() == ".h5" || p.extension() == ".nc") p.replace_extension();
  return p.string();
}

// "seed-2022-06.h5" -> "seed-2022-06-plan.h5".
fs::path default_output(const std::string& output_path) {
  const fs::path p(output_path);
  return fs::path(stem_of(p) + "-plan" + p.extension().string());
}

std::string grouped(double v) { return io::grouped_thousands(v); }

std::string percent(double p) { return io::percent_one_decimal(p); }

const char* period_word(forecast::PeriodKind k) { return k == forecast::PeriodKind::Quarter ? "quarter" : "half-year"; }

// The lines that open the plan's configuration file: what the plan is, in words.
std::string overlay_header(const forecast::Plan& plan, const forecast::Config& base, const std::string& source,
                           const std::string& command_line) {
  std::string h = "# The plan of `chainsim plan` (docs/plan.md) for " + io::one_line(source) + ".\n";
  if (!command_line.empty()) h += "# Made by: " + io::one_line(command_line) + "\n";
  char risk[32];
  std::snprintf(risk, sizeof risk, "%g", plan.risk);
  h += "# Risk " + std::string(risk) + " per " + period_word(plan.period) + ", lead time " +
       std::to_string(plan.lead_weeks) + " weeks, " + std::to_string(plan.paths) + " paths, seed " +
       std::to_string(plan.seed) + ".\n";
  h += "# The base is that configuration; scenario \"plan\" is the base with the plan. `chainsim run` on this\n"
       "# file simulates both with the same random numbers: its shortfall_probability of scenario \"plan\" is the\n"
       "# plan's, period by period.\n";
  const forecast::QuotaPlan& q = plan.quota;
  if (q.searched) {
    if (q.status == forecast::PlanStatus::Met) {
      std::string halves;
      for (const auto& s : q.half_years) halves += (halves.empty() ? "" : ", ") + s;
      h += "# Housing quota: " + grouped(q.quota) + " a half-year for " + halves + " (housing.taakstelling).\n";
    } else {
      h += "# Housing quota: the configuration's (" + std::string(forecast::plan_status_name(q.status)) + ").\n";
    }
  }
  h += "# Regular places added (capacity.changes of scenario \"plan\"):\n";
  bool any = false;
  for (const forecast::CapacityPeriodPlan& p : plan.capacity) {
    if (p.added <= 0) continue;
    any = true;
    h += "#   " + p.period.label + ": +" + grouped(static_cast<double>(p.added)) + " from " +
         forecast::iso_date(forecast::monday_of(base.run.start, p.effective_week)) + ", ordered by " +
         forecast::iso_date(forecast::monday_of(base.run.start, p.order_week)) + "\n";
  }
  if (!any) h += "#   none\n";
  return h + "\n";
}

}  // namespace

forecast::Date default_quota_date(forecast::Date start) {
  using namespace std::chrono;
  return sys_days{year{forecast::year_of(start) + 1} / December / 31};
}

void plan(const forecast::ScenarioSet& set, const PlanCommandOptions& o, std::ostream& out, Log& log) {
  forecast::Config base = set.scenarios.front();
  if (o.paths) base.run.paths = *o.paths;
  const fs::path output = o.out ? *o.out : default_output(base.output.path);
  const std::string stem = stem_of(output);
  const fs::path toml_path = stem + ".toml", csv_path = stem + ".plan.csv", md_path = stem + ".plan.md";

  // The default date, in a run too short for it: the run's last day.
  const forecast::Date last_day = forecast::monday_of(base.run.start, base.run.weeks) - std::chrono::days{1};
  const forecast::Date by = o.quota_by.value_or(std::min(default_quota_date(base.run.start), last_day));
  if (by < base.run.start || by > last_day)
    throw PlanUsageError("--quota-by: expected a date in the run, from " + forecast::iso_date(base.run.start) + " to " +
                         forecast::iso_date(last_day) + ", got " + forecast::iso_date(by));

  // Every output is checked before anything is simulated.
  const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
  if (std::error_code ec; !fs::is_directory(dir, ec))
    throw OutputExistsError("cannot write output: the folder " + dir.string() + " does not exist");
  std::vector<fs::path> files = run_output_files(output);
  files.insert(files.end(), {toml_path, csv_path, md_path});
  if (!o.force) {
    for (const auto& f : files)
      if (std::error_code ec; fs::exists(f, ec))
        throw OutputExistsError("output " + f.string() + " exists; use --force to replace it");
    // A killed plan (or run) of the same output left its forecast's checkpoint.
    if (std::error_code ec; fs::exists(output.string() + ".ckpt", ec))
      throw OutputExistsError("an unfinished run of " + output.string() + " left a checkpoint in " + output.string() +
                              ".ckpt; use --force to start over");
  }

  forecast::PlanOptions po;
  po.risk = o.risk;
  po.period = o.period;
  po.lead_weeks = o.lead_weeks;
  po.quota = forecast::QuotaGoal{o.quota_target, by};
  po.parallelism = o.parallelism;
  const auto t0 = std::chrono::steady_clock::now();
  char risk[32];
  std::snprintf(risk, sizeof risk, "%g", o.risk);
  log.info("planning " + base.run.name + ": " + std::to_string(base.run.paths) + " paths, risk " + std::string(risk) +
           " per " + period_word(o.period) + ", quota target at most " + grouped(o.quota_target) +
           " permit holders waiting on " + forecast::iso_date(by));
  forecast::Plan plan;
  try {
    plan = forecast::make_plan(base, po, [&](const std::string& line) { log.debug(line); });
  } catch (const forecast::ResolveError& e) {
    // Valid key by key, impossible as a whole (as `run` reports it): a configuration error.
    throw io::ConfigError(set.source, 0, e.key, "", e.what());
  }
  log.info("plan searched in " +
           std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()) + " s");

  // The plan as a configuration: the base and scenario "plan", named after the output.
  forecast::ScenarioSet planned;
  planned.source = toml_path.string();
  planned.names = {"baseline", "plan"};
  planned.scenarios = {base, plan.planned};
  for (forecast::Config& c : planned.scenarios) {
    c.run.name = base.run.name + "-plan";
    c.output.path = output.string();
  }
  const std::string text = overlay_header(plan, base, set.source, o.command_line) + io::to_toml(planned);
  // What `chainsim run` will read from the file is what is run now.
  const forecast::ScenarioSet loaded = io::load_config_text(text, toml_path.string());
  if (loaded.resolved_toml != io::to_toml(planned))
    throw std::logic_error("the plan's configuration does not load back to itself");

  RunOverrides ov;
  ov.force = o.force;
  ov.quiet = o.quiet;
  ov.parallelism = o.parallelism;
  ov.command_line = o.command_line;
  ov.add_to_output = [&](io::OutputFile& file) { io::write_plan_section(file, plan, base); };
  std::ostringstream run_summary;
  run_scenarios(loaded, ov, run_summary, log);

  const io::PlanTables tables = io::plan_tables(plan, base);
  io::write_text_atomically(csv_path.string(), tables.csv);
  io::write_text_atomically(md_path.string(), tables.md);
  io::write_text_atomically(toml_path.string(), text);

  if (o.quiet) return;
  out << "chainsim plan: " << plan.paths << " paths, risk " << plan.risk << " per " << period_word(plan.period)
      << ", lead time " << plan.lead_weeks << " weeks\n";
  const forecast::QuotaPlan& q = plan.quota;
  if (q.status == forecast::PlanStatus::Met)
    out << "housing quota: " << grouped(q.quota) << " a half-year from " << q.half_years.front() << " to "
        << q.half_years.back() << ": P(at most " << grouped(q.goal.target) << " permit holders waiting on "
        << forecast::iso_date(q.goal.by) << ") = " << percent(q.p_planned) << " (with the configured quotas "
        << percent(q.p_reference) << ")\n";
  else
    out << "housing quota: " << forecast::plan_status_name(q.status) << "; P(at most " << grouped(q.goal.target)
        << " permit holders waiting on " << forecast::iso_date(q.goal.by) << ") = " << percent(q.p_reference)
        << " with the configured quotas\n";
  std::int64_t total = 0;
  std::string missed;
  for (const forecast::CapacityPeriodPlan& p : plan.capacity) {
    total += p.added;
    if (p.status != forecast::PlanStatus::Met)
      missed += (missed.empty() ? "" : ", ") + p.period.label + " (" + plan_status_name(p.status) +
                ", P = " + percent(p.p_planned) + ")";
  }
  out << "regular capacity: " << grouped(static_cast<double>(total)) << " places added over " << plan.capacity.size()
      << " " << period_word(plan.period) << "s; "
      << (missed.empty() ? std::string("every period meets the risk") : "not met: " + missed) << "\n";
  out << "outputs: " << csv_path.string() << " (.md), " << toml_path.string() << ", " << output.string()
      << " (the forecast under the plan, with its plan_* section)\n";
}

}  // namespace chainsim::app
