#include "app/run_command.hpp"

#include "core/variables.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/regions.hpp"
#include "forecast/resolve.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"
#include "io/output_file.hpp"
#include "io/terminal_summary.hpp"

#include <chrono>
#include <ostream>

namespace chainsim::app {

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

  io::OutputFile file(layout);
  std::vector<ScenarioSummary> summaries;
  const SummaryOptions sopt{base.output.quantiles, base.output.risk_levels, o.parallelism};
  for (std::size_t s = 0; s < specs.size(); ++s) {
    const auto t0 = clock::now();
    EnsembleOptions eopt;
    eopt.paths = base.run.paths;
    eopt.seed = base.run.seed;
    eopt.parallelism = o.parallelism;
    const Ensemble ensemble = simulate_ensemble(specs[s], eopt);
    const auto t1 = clock::now();
    ScenarioSummary summary = summarize(set.names[s], ensemble, layout.periods, sopt);
    file.write_scenario(s, summary, ensemble);
    const auto t2 = clock::now();
    if (!o.quiet) {
      const double sim = std::chrono::duration<double>(t1 - t0).count();
      const double rest = std::chrono::duration<double>(t2 - t1).count();
      const double path_weeks = static_cast<double>(base.run.paths) * base.run.weeks;
      log << "chainsim: scenario " << set.names[s] << ": " << base.run.paths << " paths x " << base.run.weeks
          << " weeks simulated in " << sim << " s (" << path_weeks / sim << " path-weeks/s), summarised and written in "
          << rest << " s\n";
    }
    summaries.push_back(std::move(summary));
  }
  file.commit();
  if (!o.quiet) {
    out << "chainsim: " << set.names.size() << " scenario(s), " << base.run.paths << " paths x " << base.run.weeks
        << " weeks, " << layout.region_codes.size() << " region(s); output: " << layout.path.string() << "\n";
    io::print_summary(out, summaries, layout.periods, base.output.risk_levels);
  }
}

}  // namespace chainsim::app
