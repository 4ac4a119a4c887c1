#include "app/sensitivity_command.hpp"

#include "app/exit_codes.hpp"
#include "app/log.hpp"
#include "app/output_lock.hpp"
#include "app/run_command.hpp"
#include "forecast/calendar.hpp"
#include "forecast/resolve.hpp"
#include "forecast/sensitivity.hpp"
#include "io/config_toml.hpp"
#include "io/errors.hpp"
#include "io/planning_table.hpp"
#include "io/sensitivity_table.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <system_error>

namespace chainsim::app {
namespace {

namespace fs = std::filesystem;

// The files written, in the output directory.
constexpr const char* kFiles[] = {"sensitivity.csv", "sensitivity_split.csv", "sensitivity.md",
                                  "sensitivity_tornado.svg"};
// Default horizons: these many years after the start, those the run reaches.
constexpr int kDefaultYears[] = {1, 3, 5};

// A bad command-line value: reported as `chainsim: <message>` with exit status 64.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::optional<forecast::Date> parse_iso_date(const std::string& s) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return forecast::Date{ymd};
}

std::vector<forecast::SensitivityHorizon> horizons_of(const std::vector<std::string>& given, forecast::Date start,
                                                      int weeks) {
  std::vector<forecast::SensitivityHorizon> out;
  if (given.empty()) {
    for (int y : kDefaultYears) {
      try {
        out.push_back(forecast::horizon_after_years(start, weeks, y));
      } catch (const std::invalid_argument&) {
        // beyond the run: the defaults are those it reaches
      }
    }
    // A run shorter than a year: its end.
    if (out.empty())
      out.push_back(forecast::horizon_at_date(start, weeks, forecast::monday_of(start, weeks) - std::chrono::days{1}));
    return out;
  }
  for (const std::string& h : given) {
    int years = 0;
    const auto r = std::from_chars(h.data(), h.data() + h.size(), years);
    try {
      if (!h.empty() && r.ec == std::errc() && r.ptr == h.data() + h.size()) {
        out.push_back(forecast::horizon_after_years(start, weeks, years));
      } else if (const auto date = parse_iso_date(h)) {
        out.push_back(forecast::horizon_at_date(start, weeks, *date));
      } else {
        throw UsageError("--horizons: expected whole years after the start (e.g. 3) or dates (YYYY-MM-DD), got '" + h +
                         "'");
      }
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--horizons: ") + e.what());
    }
  }
  return out;
}

// Refuses to replace results without --force; creates the directory.
void prepare_out_dir(const fs::path& dir, bool force) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw OutputExistsError("cannot write output: " + dir.string() + " exists and is not a directory");
  if (!force)
    for (const char* name : kFiles)
      if (fs::exists(dir / name, ec))
        throw OutputExistsError("output " + (dir / name).string() + " exists; use --force to replace it");
  fs::create_directories(dir, ec);
  if (ec) throw OutputExistsError("cannot write output: cannot create " + dir.string() + ": " + ec.message());
  if (::access(dir.c_str(), W_OK) != 0)
    throw OutputExistsError("cannot write output: " + dir.string() + " is not writable");
}

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f %%", 100 * v);
  return v == v ? buf : "-";
}

int run(const SensitivityCommand& c, std::ostream& out) {
  const forecast::ScenarioSet set = c.config.empty() ? io::load_seed() : io::load_config_file(c.config);
  std::size_t which = 0;
  if (!c.scenario.empty()) {
    const auto it = std::find(set.names.begin(), set.names.end(), c.scenario);
    if (it == set.names.end()) {
      std::string names;
      for (const auto& n : set.names) names += (names.empty() ? "" : ", ") + n;
      throw UsageError("--scenario: no scenario '" + c.scenario + "' in " + set.source + " (it has " + names + ")");
    }
    which = static_cast<std::size_t>(it - set.names.begin());
  }
  const forecast::Config& config = set.scenarios[which];
  core::ModelSpec spec;
  try {
    spec = forecast::resolve(config);
  } catch (const forecast::ResolveError& e) {
    throw io::ConfigError(set.source, 0, (which == 0 ? "" : "scenario[" + set.names[which] + "].") + e.key, "",
                          e.what());
  }
  const std::vector<forecast::SensitivityHorizon> horizons =
      horizons_of(c.horizons, config.run.start, config.run.weeks);
  const OutputLock lock(c.out_dir, "chainsim sensitivity", OutputLock::Directory::Create);  // one writer per output
  prepare_out_dir(c.out_dir, c.force);

  Log log(c.quiet ? LogLevel::Error : LogLevel::Info, ::isatty(STDERR_FILENO) != 0);
  forecast::SensitivityOptions options;
  options.design_size = c.design;
  options.seed = config.run.seed;
  options.parallelism = c.parallelism;
  options.bootstrap.replicates = c.bootstrap;
  const auto groups = forecast::active_input_groups(spec);
  const std::int64_t total = forecast::sensitivity_paths(c.design, groups.active);
  log.info("sensitivity of scenario " + set.names[which] + ": " + std::to_string(groups.active.size()) +
           " input groups, design N = " + std::to_string(c.design) + ", " + std::to_string(total) + " paths on " +
           std::to_string(forecast::effective_threads(c.parallelism)) + " threads");
  // Progress in path-weeks, as `chainsim run` reports it.
  const std::int64_t weeks = std::max_element(horizons.begin(), horizons.end(),
                                              [](const auto& a, const auto& b) { return a.last_week < b.last_week; })
                                 ->last_week +
                             1;
  const auto t0 = std::chrono::steady_clock::now();
  const forecast::DesignValues design = simulate_design(
      spec, horizons, options, [&](std::int64_t done) { log.progress("simulating", done * weeks, total * weeks); });
  log.progress_done();
  const auto t1 = std::chrono::steady_clock::now();
  const forecast::SensitivityResult result = estimate_sensitivity(design, options.bootstrap, options.parallelism);
  const auto t2 = std::chrono::steady_clock::now();

  io::SensitivityRunInfo info{set.names[which], set.source, options.seed, options.bootstrap};
  const io::SensitivityFiles files = io::sensitivity_files(result, info);
  const std::string* texts[] = {&files.indices_csv, &files.split_csv, &files.markdown, &files.tornado_svg};
  for (std::size_t i = 0; i < std::size(kFiles); ++i)
    io::write_text_atomically((c.out_dir / kFiles[i]).string(), *texts[i]);

  const auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  char timing[160];
  std::snprintf(timing, sizeof timing, "simulated %lld paths in %.1f s, indices and bootstrap in %.1f s",
                static_cast<long long>(result.simulated_paths), seconds(t0, t1), seconds(t1, t2));
  out << timing << "\n";
  // The split at each horizon, for the terminal; the rest is in the files.
  for (std::size_t o = 0; o < forecast::kNumSensitivityOutputs; ++o)
    for (std::size_t h = 0; h < horizons.size(); ++h) {
      const auto output = static_cast<forecast::SensitivityOutput>(o);
      const forecast::VarianceSplit v = variance_split(result, output, h);
      const forecast::SobolIndices& s = result.at(output, h);
      std::size_t top = 0;
      for (std::size_t i = 1; i < result.groups.size(); ++i)
        if (s.total[i].estimate > s.total[top].estimate) top = i;
      out << forecast::kSensitivityOutputNames[o] << ", " << horizons[h].label << ": ";
      if (!(s.variance > 0.0)) {
        out << "does not vary\n";
        continue;
      }
      out << "parameters " << percent(v.parameters.estimate) << ", process noise " << percent(v.process.estimate)
          << "; largest total index: " << result.groups[top].name << " (" << percent(s.total[top].estimate) << ")\n";
    }
  out << "wrote ";
  for (std::size_t i = 0; i < std::size(kFiles); ++i) out << (i ? ", " : "") << (c.out_dir / kFiles[i]).string();
  out << "\n";
  return exit_code::kOk;
}

}  // namespace

int sensitivity(const SensitivityCommand& command, std::ostream& out) {
  try {
    return run(command, out);
  } catch (const UsageError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kUsage;
  }
}

}  // namespace chainsim::app
