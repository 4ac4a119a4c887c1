#include "app/run_command.hpp"

#include "core/variables.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/regions.hpp"
#include "forecast/resolve.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"
#include "io/output_file.hpp"
#include "io/planning_table.hpp"
#include "app/run_manifest.hpp"
#include "io/terminal_summary.hpp"

#include <chrono>
#include <ostream>

namespace chainsim::app {
namespace {

// Bytes of simulated results held in memory at once (one window of weeks).
constexpr std::size_t kWindowBudgetBytes = std::size_t{1} << 30;

// "out/run.h5" -> "out/run": the tables are written as out/run.planning.csv etc.
std::string table_stem(const std::filesystem::path& out) {
  std::filesystem::path p = out;
  if (p.extension() == ".h5" || p.extension() == ".nc") p.replace_extension();
  return p.string();
}

// Every file a run writes: the HDF5 file and the tables beside it.
std::vector<std::filesystem::path> run_outputs(const std::filesystem::path& out) {
  const std::string stem = table_stem(out);
  return {out, stem + ".planning.csv", stem + ".planning.md", stem + ".comparison.csv", stem + ".comparison.md"};
}

// Temporary files "<name>.tmp.<pid>" left by runs that were killed: removed when
// their process no longer exists (a run that is still writing keeps its own).
void remove_stale_temporaries(const std::filesystem::path& out) {
  namespace fs = std::filesystem;
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  for (const fs::path& final_name : run_outputs(out)) {
    const std::string prefix = final_name.filename().string() + ".tmp.";
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string pid = name.substr(prefix.size());
      if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
      if (!fs::exists(fs::path("/proc") / pid)) fs::remove(it->path(), ec);
    }
  }
}

}  // namespace

void apply_overrides(ScenarioSet& set, const RunOverrides& o) {
  for (Config& c : set.scenarios) {
    if (o.paths) c.run.paths = *o.paths;
    if (o.weeks) c.run.weeks = *o.weeks;
    if (o.seed) c.run.seed = *o.seed;
    if (o.out) c.output.path = o.out->string();
  }
  set.resolved_toml = io::to_toml(set);
}

void run_scenarios(const ScenarioSet& set, const RunOverrides& o, std::ostream& out, std::ostream& log) {
  using clock = std::chrono::steady_clock;
  const auto run_start = clock::now();
  RunManifest manifest;
  manifest.command_line = o.command_line;
  manifest.start_utc = utc_now();
  manifest.host = host_name();
  manifest.threads = effective_threads(o.parallelism);
  manifest.backend = backend_name(o.parallelism.backend);
  const Config& base = set.scenarios.front();

  // Resolve everything first: a scenario that cannot be resolved stops the run
  // before any path is simulated or any file is created.
  std::vector<core::ModelSpec> specs;
  for (std::size_t s = 0; s < set.scenarios.size(); ++s) {
    try {
      specs.push_back(resolve(set.scenarios[s]));
    } catch (const ResolveError& e) {
      throw io::ConfigError(set.source, 0, (s == 0 ? "" : "scenario[" + set.names[s] + "].") + e.key, "",
                            e.what());
    }
  }

  // Existing outputs are never replaced without --force; a directory never.
  if (std::filesystem::is_directory(base.output.path))
    throw OutputExistsError("output " + base.output.path + " is a directory");
  if (!o.force)
    for (const auto& f : run_outputs(base.output.path))
      if (std::filesystem::exists(f))
        throw OutputExistsError("output " + f.string() + " exists; use --force to replace it");
  remove_stale_temporaries(base.output.path);

  io::OutputLayout layout;
  layout.path = base.output.path;
  layout.start = base.run.start;
  layout.weeks = base.run.weeks;
  layout.paths = base.run.paths;
  layout.scenarios = set.names;
  if (base.run.regions == RegionMode::National) {
    layout.region_codes = {"NL"};
    layout.region_names = {"Netherlands"};
  } else {
    for (const Region& r : safety_regions()) {
      layout.region_codes.push_back(r.code);
      layout.region_names.push_back(r.name);
    }
  }
  layout.quantiles = base.output.quantiles;
  layout.risk_levels = base.output.risk_levels;
  layout.periods = run_periods(base.run.start, base.run.weeks, base.output.periods);
  layout.ensemble = base.output.ensemble;
  layout.configuration_toml = set.resolved_toml;
  layout.configuration_source = set.source;
  layout.seed = base.run.seed;
  layout.run_name = base.run.name;

  // Memory: the ensemble is simulated in windows of weeks sized to a fixed
  // budget; path states and per-path period metrics are kept between windows.
  const int window = window_weeks(base.run.weeks, specs.front().regions, base.run.paths, kWindowBudgetBytes);
  layout.week_chunk = window;
  manifest.window_weeks = window;
  manifest.configuration_source = set.source;
  manifest.paths = base.run.paths;
  manifest.weeks = base.run.weeks;
  manifest.seed = base.run.seed;

  io::OutputFile file(layout);
  std::vector<ScenarioSummary> summaries;
  std::vector<ScenarioComparison> comparisons;
  PeriodPathMetrics baseline_metrics;
  const SummaryOptions sopt{base.output.quantiles, base.output.risk_levels, o.parallelism};
  for (std::size_t s = 0; s < specs.size(); ++s) {
    const auto t0 = clock::now();
    EnsembleOptions eopt;
    eopt.paths = base.run.paths;
    eopt.seed = base.run.seed;
    eopt.parallelism = o.parallelism;
    EnsembleRunner runner(specs[s], eopt);
    ScenarioSummarizer summarizer(set.names[s], base.run.weeks, specs[s].regions, base.run.paths, layout.periods, sopt);
    double simulate_seconds = 0.0;
    while (!runner.done()) {
      const auto w0 = clock::now();
      const Ensemble ensemble = runner.next_window(window);
      simulate_seconds += std::chrono::duration<double>(clock::now() - w0).count();
      summarizer.add(ensemble);
      file.write_window(s, ensemble);
    }
    ScenarioSummary summary = summarizer.finish();
    file.write_summary(s, summary);
    if (s == 0) {
      baseline_metrics = summarizer.path_metrics();
    } else {
      comparisons.push_back(compare_to_baseline(set.names[s], summarizer.path_metrics(), baseline_metrics, o.parallelism));
      file.write_comparison(s, comparisons.back());
    }
    const double total = std::chrono::duration<double>(clock::now() - t0).count();
    manifest.scenarios.push_back({set.names[s], simulate_seconds, total});
    if (!o.quiet) {
      const double path_weeks = static_cast<double>(base.run.paths) * base.run.weeks;
      log << "chainsim: scenario " << set.names[s] << ": " << base.run.paths << " paths x " << base.run.weeks
          << " weeks simulated in " << simulate_seconds << " s (" << path_weeks / simulate_seconds
          << " path-weeks/s); summarised and written in " << total - simulate_seconds << " s\n";
    }
    summaries.push_back(std::move(summary));
  }
  file.commit();
  // The planning table and the scenario comparison beside the HDF5 file.
  const io::PlanningTables tables = io::planning_tables(layout.periods, summaries, comparisons, base.output.risk_levels);
  const std::string stem = table_stem(layout.path);
  io::write_text_atomically(stem + ".planning.csv", tables.planning_csv);
  io::write_text_atomically(stem + ".planning.md", tables.planning_md);
  io::write_text_atomically(stem + ".comparison.csv", tables.comparison_csv);
  io::write_text_atomically(stem + ".comparison.md", tables.comparison_md);
  manifest.end_utc = utc_now();
  manifest.wall_seconds = std::chrono::duration<double>(clock::now() - run_start).count();
  manifest.status = "completed";
  for (const auto& f : run_outputs(layout.path)) manifest.outputs.emplace_back(f.string(), std::filesystem::file_size(f));
  write_manifest(layout.path.string(), manifest);
  if (!o.quiet) {
    out << "chainsim: " << set.names.size() << " scenario(s), " << base.run.paths << " paths x " << base.run.weeks
        << " weeks, " << layout.region_codes.size() << " region(s); output: " << layout.path.string()
        << "; planning table: " << stem << ".planning.csv (.md), comparison: " << stem << ".comparison.csv (.md)\n";
    io::print_summary(out, summaries, layout.periods, base.output.risk_levels);
  }
}

}  // namespace chainsim::app
