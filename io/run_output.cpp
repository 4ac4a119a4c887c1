#include "io/run_output.hpp"

#include "forecast/window_series.hpp"
#include "io/per_path_assembly.hpp"
#include "io/planning_table.hpp"
#include "io/regional_planning_table.hpp"

namespace chainsim::io {

namespace fs = std::filesystem;

std::string table_stem(const fs::path& out) {
  fs::path p = out;
  if (p.extension() == ".h5" || p.extension() == ".nc") p.replace_extension();
  return p.string();
}

std::vector<fs::path> run_outputs(const fs::path& out) {
  const std::string stem = table_stem(out);
  return {out,
          stem + ".planning.csv",
          stem + ".planning.md",
          stem + ".comparison.csv",
          stem + ".comparison.md",
          stem + ".regional.csv",
          stem + ".regional.md"};
}

OutputLayout output_layout(const forecast::RunPlan& plan, const forecast::ScenarioSet& set, const fs::path& output) {
  const forecast::Config& base = plan.base;
  OutputLayout layout;
  layout.path = output;
  layout.start = base.run.start;
  layout.weeks = base.run.weeks;
  layout.paths = base.run.paths;
  layout.scenarios = plan.names;
  layout.region_codes = plan.region_codes;
  layout.region_names = plan.region_names;
  layout.quantiles = base.output.quantiles;
  layout.risk_levels = base.output.risk_levels;
  layout.periods = plan.periods;
  layout.ensemble = base.output.ensemble;
  layout.configuration_toml = set.resolved_toml;
  layout.configuration_source = set.source;
  layout.seed = base.run.seed;
  layout.run_name = base.run.name;
  return layout;
}

std::uint64_t window_file_bytes(const forecast::RunPlan& plan, int weeks) {
  std::uint64_t bytes = 0;
  for (const auto& name : plan.base.output.ensemble)
    bytes += forecast::per_path_element_bytes(name) * static_cast<std::uint64_t>(plan.paths()) *
             static_cast<std::uint64_t>(weeks);
  return bytes;
}

bool assemble_output(const OutputLayout& layout, const forecast::RunPlan& plan, const forecast::RunProgress& progress,
                     const CheckpointStore& store, const forecast::Parallelism& parallelism, bool (*stop)() noexcept,
                     const std::function<void(OutputFile&)>& before_commit) {
  OutputFile file(layout);
  PerPathSeries series;
  series.names = layout.ensemble;
  for (const auto& name : layout.ensemble) series.element_bytes.push_back(forecast::per_path_element_bytes(name));
  series.paths = static_cast<std::size_t>(plan.paths());
  series.weeks = plan.weeks();
  series.window = plan.window;
  for (std::size_t s = 0; s < plan.specs.size(); ++s) {
    if (stop()) return false;
    file.write_summary(s, progress.done[s]);
    if (s > 0) file.write_comparison(s, progress.comparisons[s - 1]);
    if (!write_per_path_series(file, store, s, series, parallelism, stop)) return false;
  }
  if (stop()) return false;
  if (before_commit) before_commit(file);
  file.commit();
  return true;
}

void write_tables(const OutputLayout& layout, const forecast::RunProgress& progress) {
  const PlanningTables tables =
      planning_tables(layout.periods, progress.done, progress.comparisons, layout.risk_levels);
  const std::string stem = table_stem(layout.path);
  write_text_atomically(stem + ".planning.csv", tables.planning_csv);
  write_text_atomically(stem + ".planning.md", tables.planning_md);
  write_text_atomically(stem + ".comparison.csv", tables.comparison_csv);
  write_text_atomically(stem + ".comparison.md", tables.comparison_md);
  write_regional_planning_tables(stem, layout.periods, progress.done, layout.region_codes, layout.region_names,
                                 layout.quantiles);
}

}  // namespace chainsim::io
