#include "app/run_command.hpp"

#include "app/checkpoint.hpp"
#include "app/output_lock.hpp"
#include "app/per_path_assembly.hpp"
#include "app/run_manifest.hpp"
#include "app/signals.hpp"
#include "core/byte_buffer.hpp"
#include "core/philox_lanes.hpp"
#include "core/variables.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/provenance.hpp"
#include "forecast/regions.hpp"
#include "forecast/resolve.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"
#include "io/h5file.hpp"
#include "io/output_file.hpp"
#include "io/planning_table.hpp"
#include "io/terminal_summary.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <fstream>
#include <ostream>

namespace chainsim::app {
namespace {

namespace fs = std::filesystem;
using clock = std::chrono::steady_clock;

// Bytes of simulated results held in memory at once (one window of weeks).
constexpr std::size_t kWindowBudgetBytes = std::size_t{1} << 30;

// "out/run.h5" -> "out/run": the tables are written as out/run.planning.csv etc.
std::string table_stem(const fs::path& out) {
  fs::path p = out;
  if (p.extension() == ".h5" || p.extension() == ".nc") p.replace_extension();
  return p.string();
}

// Every file a run writes: the HDF5 file and the tables beside it.
std::vector<fs::path> run_outputs(const fs::path& out) {
  const std::string stem = table_stem(out);
  return {out, stem + ".planning.csv", stem + ".planning.md", stem + ".comparison.csv", stem + ".comparison.md"};
}

fs::path directory_of(const fs::path& out) { return out.has_parent_path() ? out.parent_path() : fs::path("."); }

// Temporary files "<name>.tmp.<pid>" of this output and its checkpoint, left
// by runs that were killed. Called while holding the output's lock, so no
// other run is writing them: every one is stale, also when its PID has since
// been reused by an unrelated process (containers restart with the same PIDs).
void remove_stale_temporaries(const fs::path& out, const fs::path& checkpoint_dir) {
  std::error_code ec;
  std::vector<fs::path> finals = run_outputs(out);
  finals.push_back(out.string() + ".run.json");
  for (const fs::path& dir : {directory_of(out), checkpoint_dir})
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const auto at = name.rfind(".tmp.");
      if (at == std::string::npos) continue;
      const std::string pid = name.substr(at + 5);
      if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
      const bool ours = dir == checkpoint_dir ||
                        std::any_of(finals.begin(), finals.end(),
                                    [&](const fs::path& f) { return f.filename().string() == name.substr(0, at); });
      if (ours) fs::remove(it->path(), ec);
    }
}

// "2.31 GiB" from 1 GiB on, else "5.73 MiB": small runs on small disks too
// get a figure that says something.
std::string gib(double bytes) {
  char buf[48];
  if (bytes >= 1024.0 * 1024.0 * 1024.0)
    std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  else
    std::snprintf(buf, sizeof buf, "%.2f MiB", bytes / (1024.0 * 1024.0));
  return buf;
}

// ---------------------------------------------------------------------------
// Pre-flight, part 1: can the output be named as asked? Checked before the
// output's lock is taken (the lock file's name is one of those checked) and
// before anything is simulated, so that a run that would fail only when it
// writes its results fails at once and leaves nothing behind.
// ---------------------------------------------------------------------------

// "<name>.run.json.tmp.<pid>" for a name the run derives from the output's.
std::string stem_pattern(const std::string& derived, const std::string& name, const std::string& stem) {
  const bool from_name = derived.compare(0, name.size(), name) == 0;
  std::string rest = derived.substr(from_name ? name.size() : stem.size());
  if (const auto at = rest.rfind(".tmp."); at != std::string::npos) rest = rest.substr(0, at) + ".tmp.<pid>";
  return (from_name ? "<name>" : "<name without .h5>") + rest;
}

void check_output_names(const fs::path& output, const io::OutputLayout& layout, std::size_t scenarios, int weeks) {
  if (const std::string problem = io::OutputFile::text_problem(layout); !problem.empty())
    throw OutputExistsError("cannot write output: " + problem +
                            "; the output file records it as text, which must be UTF-8 (choose a UTF-8 name)");
  const fs::path dir = directory_of(output);
  // Every name the run creates beside the output and in its checkpoint, with
  // the longest process ID the system can give (a resumed run has another).
  std::size_t pid_digits = 7;  // Linux's largest pid_max, 4194304
  if (std::ifstream pid_max("/proc/sys/kernel/pid_max"); pid_max) {
    std::string v;
    pid_max >> v;
    if (!v.empty()) pid_digits = v.size();
  }
  const std::string pid(pid_digits, '9');
  const std::string name = output.filename().string(), stem = fs::path(table_stem(output)).filename().string();
  const std::vector<std::string> beside = {
      fs::path(OutputLock::lock_path(output)).filename().string(), name + ".tmp." + pid, name + ".ckpt",
      name + ".run.json.tmp." + pid, stem + ".planning.csv.tmp." + pid, stem + ".planning.md.tmp." + pid,
      stem + ".comparison.csv.tmp." + pid, stem + ".comparison.md.tmp." + pid};
  const std::string inside = "s" + std::to_string(scenarios) + "-w" + std::to_string(weeks) + ".bin.tmp." + pid;
  const long name_max = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  if (name_max > 0) {
    const auto longest = *std::max_element(beside.begin(), beside.end(),
                                           [](const auto& a, const auto& b) { return a.size() < b.size(); });
    if (longest.size() > static_cast<std::size_t>(name_max)) {
      const std::size_t room = static_cast<std::size_t>(name_max) - (longest.size() - name.size());
      throw OutputExistsError("cannot write output: the name " + name + " (" + std::to_string(name.size()) +
                              " bytes) is too long: beside it chainsim writes names up to " +
                              std::to_string(longest.size() - name.size()) + " bytes longer (" +
                              stem_pattern(longest, name, stem) + "), and the file system of " + dir.string() +
                              " allows at most " + std::to_string(name_max) +
                              " bytes per name; use an output name of at most " + std::to_string(room) + " bytes");
    }
  }
  const long path_max = ::pathconf(dir.c_str(), _PC_PATH_MAX);
  std::error_code ec;
  const fs::path absolute_dir = fs::absolute(dir, ec);
  const std::size_t longest_path = absolute_dir.string().size() + 1 + (name + ".ckpt/").size() + inside.size();
  if (path_max > 0 && !ec && longest_path >= static_cast<std::size_t>(path_max))
    throw OutputExistsError("cannot write output: the path " + output.string() + " is too long: the checkpoint's files "
                            "would have paths of " + std::to_string(longest_path) + " bytes, the system allows " +
                            std::to_string(path_max - 1));
}

// ---------------------------------------------------------------------------
// Pre-flight, part 2: will the run fit on disk and in memory?
// ---------------------------------------------------------------------------

struct Estimate {
  double summary_bytes = 0;   // the weekly and period statistics: uncompressed doubles, known exactly
  double per_path_bytes = 0;  // the per-path series as the file stores them (compressed; from a pilot)
  double metadata_bytes = 0;  // HDF5's object headers, attributes, chunk indexes
  double table_bytes = 0;     // the planning table and comparison beside the file, and the manifest
  double window_bytes = 0;    // the checkpoint's window files (uncompressed series: known exactly)
  double state_bytes = 0;     // the checkpoint's state file
  double memory_bytes = 0;    // peak resident memory
  double output_bytes() const { return summary_bytes + per_path_bytes + metadata_bytes; }
  // The most the run holds on disk at once: all window files and a state
  // file, and then either the outputs being written or a second state file
  // (a state is saved under a temporary name before it replaces the last).
  double disk_bytes() const {
    return window_bytes + state_bytes + std::max(state_bytes, output_bytes() + table_bytes);
  }
};

double element_bytes(const std::string& var) { return var == "cost_eur" ? 8 : 4; }

// The state file at its largest. With more than one window per scenario, a
// checkpoint inside the last scenario: every path's state, two sets of
// per-path period metrics (the baseline's and the scenario's) and the
// summaries of every scenario. With the whole horizon in one window,
// checkpoints fall only between scenarios: no path state, one set of metrics.
double state_bytes(double paths, double path_state_bytes, std::size_t periods, double summaries,
                   bool checkpoints_inside_scenarios) {
  const double metrics = kNumPeriodMetrics * static_cast<double>(periods) * sizeof(double);
  return paths * (checkpoints_inside_scenarios ? path_state_bytes + 2 * metrics : metrics) + summaries + 65536;
}

Estimate estimate(const Config& base, int regions, int window, std::size_t scenarios, std::size_t periods,
                  std::size_t configuration_bytes) {
  const double P = static_cast<double>(base.run.paths), T = base.run.weeks, S = static_cast<double>(scenarios);
  const double Q = static_cast<double>(base.output.quantiles.size()), R = regions, NP = static_cast<double>(periods);
  const double A = static_cast<double>(base.output.risk_levels.size());
  double per_path_vars = 0;
  for (const auto& name : base.output.ensemble) per_path_vars += element_bytes(name);
  // As io/output_file.cpp lays them out, per scenario: mean, sd and quantiles
  // of every variable per week (and of the regional ones per region); per
  // period the peak occupancy's mean and quantiles, shortfall probability and
  // person-weeks, capacity needed per risk level, and per planning metric
  // its mean, 3 quantiles and the difference's mean, low and high, plus the
  // difference in shortfall probability with its interval.
  const double per_period = 3 + Q + A + 7.0 * kNumPeriodMetrics + 3;
  const double summaries =
      S * 8 * (core::kNumVars * T * (2 + Q) + kStoredRegionalVars * T * R * (2 + Q) + NP * per_period);
  Estimate e;
  e.summary_bytes = summaries;
  // Until the pilot has run (run_pilot): uncompressed, an upper bound.
  e.per_path_bytes = S * P * T * per_path_vars;
  // Some 900 bytes per variable (object header, attributes, dimension
  // lists: about 200 KiB on the seed's layout), a chunk index per per-path
  // variable (a 4 KiB B-tree node and some 50 bytes per chunk), the
  // configuration text stored as an attribute, and a little for the
  // superblock and the root group.
  const double per_path_count = static_cast<double>(base.output.ensemble.size());
  const double variables = 3.0 * (core::kNumVars + kStoredRegionalVars) + 12 + 7.0 * kNumPeriodMetrics + per_path_count;
  e.metadata_bytes = 900 * variables + per_path_count * (4096 + 50 * S * std::ceil(P / 256)) +
                     static_cast<double>(configuration_bytes) + 32768;
  // The planning table and the comparison, CSV and Markdown: some 250 bytes
  // per period and scenario each; the manifest a few kilobytes.
  e.table_bytes = 1024 * NP * S + 16384;
  // Window files: the series uncompressed, and 12 bytes of block table per
  // 256 paths of a variable plus a 32-byte trailer per file.
  const double windows = S * std::ceil(T / window);
  e.window_bytes = S * P * T * per_path_vars +
                   windows * (32 + 12.0 * static_cast<double>(base.output.ensemble.size()) * std::ceil(P / 256));
  // Until the pilot has measured a path's state: a bound from its parts
  // (scalars, a stock per region, the Dublin and reunification queues).
  e.state_bytes = state_bytes(P, 300 + 8 * (2.0 * R + base.dublin.deadline_weeks + base.nareis.max_lag_weeks),
                              periods, summaries, window < base.run.weeks);
  e.memory_bytes = static_cast<double>(Ensemble::bytes_per_week(regions, base.run.paths)) * window +
                   2 * e.state_bytes + P * window * per_path_vars + 64e6;
  return e;
}

// The pilot: what only running the model can tell. How well the per-path
// series compress depends on their values (a capacity that never changes
// shrinks a hundredfold, an occupancy threefold), so no fixed ratio is within
// 1.5x of every layout; and a path's state has a size only its code knows.
// The first paths of every scenario are simulated over the whole horizon (the
// kernel gives every path its own random numbers, so these are the run's own
// first paths), each variable is compressed as the file compresses a chunk,
// and the run's P paths are estimated at the pilot's bytes per path. It costs
// 64 paths per scenario: well under a percent of the default forecast.
struct Pilot {
  double per_path_bytes = 0;    // the run's per-path series in the file
  double path_state_bytes = 0;  // one path's state in the state file
};
Pilot run_pilot(const std::vector<core::ModelSpec>& specs, const Config& base, const std::vector<std::string>& names,
                const Parallelism& par);

double available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  return -1;  // unknown: no check
}

// Bytes of the checkpoint already on disk (a resumed run's need is what it adds).
double checkpoint_bytes_on_disk(const fs::path& dir) {
  double sum = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) sum += static_cast<double>(it->file_size(ec));
  return sum;
}

void preflight(const fs::path& out, Estimate& e, const std::function<void(Estimate&)>& refine, double on_disk,
               Log& log) {
  const fs::path dir = directory_of(out);
  // Writable? Try it rather than trusting permission bits (root, ACLs, read-only mounts).
  const fs::path probe = dir / (".chainsim-probe." + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    throw OutputExistsError("cannot write output: cannot create " + out.string() + " in " + dir.string() + ": " +
                            std::strerror(errno));
  ::close(fd);
  fs::remove(probe);
  const double mem = available_memory_bytes();
  if (mem > 0 && e.memory_bytes > mem)
    throw NoMemoryError("not enough memory: the run needs about " + gib(e.memory_bytes) + ", " + gib(mem) +
                        " is available; use fewer paths or --window-weeks to shrink the window");
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0) {
    const double free_bytes = static_cast<double>(vfs.f_bavail) * static_cast<double>(vfs.f_frsize);
    refine(e);
    const double need = std::max(0.0, e.disk_bytes() - on_disk);
    if (need > free_bytes)
      throw NoSpaceError("not enough disk space in " + dir.string() + ": the run needs up to " + gib(need) +
                         " (output about " + gib(e.output_bytes()) + "; checkpoint up to " +
                         gib(e.window_bytes + 2 * e.state_bytes) + ": per-path windows " + gib(e.window_bytes) +
                         ", state " + gib(e.state_bytes) + ", twice while it is saved" +
                         (on_disk > 0 ? "; " + gib(on_disk) + " of it already on disk" : std::string()) + "), " +
                         gib(free_bytes) + " is free");
  }
  log.debug("pre-flight: output about " + gib(e.output_bytes()) + ", at most " + gib(e.disk_bytes()) +
            " on disk at once, memory about " + gib(e.memory_bytes));
}

// ---------------------------------------------------------------------------
// Windows of per-path series, as checkpoint files.
// ---------------------------------------------------------------------------

bool is_integer_var(const std::string& name) {
  for (const auto& v : core::kVarInfo)
    if (v.name == name) return v.integer;
  return true;
}

core::Var var_of(const std::string& name) {
  for (std::size_t i = 0; i < core::kNumVars; ++i)
    if (core::kVarInfo[i].name == name) return static_cast<core::Var>(i);
  throw std::invalid_argument("unknown variable " + name);
}

// Each requested variable of the window, transposed to (path, week) bytes, in
// `out` (one buffer per variable, kept from window to window so that later
// windows neither allocate nor fault pages in). The transposes run in
// parallel over blocks of paths; each item writes only its own rows.
void window_variables(const Ensemble& w, const std::vector<std::string>& names, const Parallelism& par,
                      std::vector<std::vector<char>>& out) {
  const auto P = static_cast<std::size_t>(w.paths());
  const auto W = static_cast<std::size_t>(w.weeks());
  constexpr std::size_t kPathBlock = 4096;
  const std::size_t blocks = (P + kPathBlock - 1) / kPathBlock;
  out.resize(names.size());
  std::vector<core::Var> vars;
  for (std::size_t i = 0; i < names.size(); ++i) {
    vars.push_back(var_of(names[i]));
    const std::size_t element = vars[i] == core::Var::CostEur ? sizeof(double) : sizeof(std::int32_t);
    out[i].resize(P * W * element);
  }
  auto transpose = [&](auto* buf, auto column_of, std::size_t p0, std::size_t p1) {
    for (std::size_t t = 0; t < W; ++t) {
      const auto col = column_of(w.first_week() + static_cast<int>(t));
      for (std::size_t p = p0; p < p1; ++p) buf[p * W + t] = col[p];
    }
  };
  parallel_for(static_cast<std::int64_t>(names.size() * blocks), par, [&](std::int64_t item) {
    const std::size_t i = static_cast<std::size_t>(item) / blocks;
    const std::size_t p0 = (static_cast<std::size_t>(item) % blocks) * kPathBlock;
    const std::size_t p1 = std::min(P, p0 + kPathBlock);
    const core::Var v = vars[i];
    if (v == core::Var::CostEur)
      transpose(reinterpret_cast<double*>(out[i].data()), [&](int t) { return w.cost_column(t); }, p0, p1);
    else
      transpose(reinterpret_cast<std::int32_t*>(out[i].data()), [&](int t) { return w.column(v, t); }, p0, p1);
  });
}

Pilot run_pilot(const std::vector<core::ModelSpec>& specs, const Config& base, const std::vector<std::string>& names,
                const Parallelism& par) {
  const std::int64_t pilot = std::min<std::int64_t>(base.run.paths, 64);
  const double scale = static_cast<double>(base.run.paths) / static_cast<double>(pilot);
  Pilot result;
  std::vector<std::vector<char>> series;
  for (const core::ModelSpec& spec : specs) {
    EnsembleOptions eopt;
    eopt.paths = pilot;
    eopt.seed = base.run.seed;
    eopt.parallelism = par;
    eopt.block_paths = 8;  // so that 64 paths keep every worker busy (results do not depend on it)
    EnsembleRunner runner(spec, eopt);
    const Ensemble whole = runner.next_window(base.run.weeks);
    std::size_t saved = 0;
    core::ByteWriter counter([&](std::span<const char> piece) { saved += piece.size(); });
    runner.save(counter);
    counter.flush();
    result.path_state_bytes = std::max(result.path_state_bytes, static_cast<double>(saved) / static_cast<double>(pilot));
    if (names.empty()) continue;
    window_variables(whole, names, par, series);
    for (std::size_t v = 0; v < names.size(); ++v)
      result.per_path_bytes +=
          static_cast<double>(io::OutputFile::encoded_bytes(series[v], static_cast<std::size_t>(element_bytes(names[v])))) *
          scale;
  }
  return result;
}

// ---------------------------------------------------------------------------
// Where the run stands, for checkpoints.
// ---------------------------------------------------------------------------

struct Progress {
  std::size_t scenario = 0;                  // the scenario being simulated
  std::vector<ScenarioSummary> done;         // finished scenarios
  std::vector<ScenarioComparison> comparisons;
  PeriodPathMetrics baseline;                // per-path metrics of the baseline (after scenario 0)
  std::vector<std::string> history;          // checkpoint history for the manifest
};

void save_progress(core::ByteWriter& w, const Progress& pr, const EnsembleRunner* runner,
                   const ScenarioSummarizer* summarizer) {
  w.put<std::uint64_t>(pr.scenario);
  w.put<std::uint64_t>(pr.done.size());
  for (const auto& s : pr.done) save(w, s);
  w.put<std::uint64_t>(pr.comparisons.size());
  for (const auto& c : pr.comparisons) save(w, c);
  w.put<bool>(!pr.done.empty());
  if (!pr.done.empty()) pr.baseline.save(w);
  w.put<std::uint64_t>(pr.history.size());
  for (const auto& h : pr.history) w.put_string(h);
  w.put<bool>(runner != nullptr);
  if (runner) {
    runner->save(w);
    summarizer->save(w);
  }
}

// Restores the progress; returns the reader positioned at the runner state, if any.
bool restore_progress(core::ByteReader& r, Progress& pr) {
  pr.scenario = r.get<std::uint64_t>();
  pr.done.resize(r.get<std::uint64_t>());
  for (auto& s : pr.done) s = restore_summary(r);
  pr.comparisons.resize(r.get<std::uint64_t>());
  for (auto& c : pr.comparisons) c = restore_comparison(r);
  if (r.get<bool>()) pr.baseline.restore(r);
  pr.history.resize(r.get<std::uint64_t>());
  for (auto& h : pr.history) h = r.get_string();
  return r.get<bool>();
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

void run_scenarios(const ScenarioSet& set, const RunOverrides& o, std::ostream& out, Log& log) {
  const auto run_start = clock::now();
  RunManifest manifest;
  manifest.command_line = o.command_line;
  manifest.start_utc = utc_now();
  manifest.host = host_name();
  manifest.threads = effective_threads(o.parallelism);
  manifest.backend = backend_name(o.parallelism.backend);
  manifest.simd = core::philox_isa_name(core::philox_best_isa());
  const Config& base = set.scenarios.front();
  const fs::path output = base.output.path;

  // Resolve everything first: a scenario that cannot be resolved stops the run
  // before any path is simulated or any file is created.
  std::vector<core::ModelSpec> specs;
  for (std::size_t s = 0; s < set.scenarios.size(); ++s) {
    try {
      specs.push_back(resolve(set.scenarios[s]));
    } catch (const ResolveError& e) {
      throw io::ConfigError(set.source, 0, (s == 0 ? "" : "scenario[" + set.names[s] + "].") + e.key, "", e.what());
    }
  }

  // Memory: the ensemble is simulated in windows of weeks sized to a fixed
  // budget; path states and per-path period metrics are kept between windows.
  const int window = o.window_weeks ? std::clamp(*o.window_weeks, 1, base.run.weeks)
                                    : window_weeks(base.run.weeks, specs.front().regions, base.run.paths,
                                                   kWindowBudgetBytes);
  io::OutputLayout layout;
  layout.path = output;
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
  manifest.window_weeks = window;
  manifest.configuration_source = set.source;
  manifest.paths = base.run.paths;
  manifest.weeks = base.run.weeks;
  manifest.seed = base.run.seed;

  // A name the run could not complete is refused before anything is looked
  // at or created. Existing outputs are never replaced without --force; a
  // directory never.
  check_output_names(output, layout, specs.size(), base.run.weeks);
  if (std::error_code ec; fs::is_directory(output, ec))
    throw OutputExistsError("output " + output.string() + " is a directory");
  // One run per output: held until this function returns, so everything
  // below (the outputs, their temporaries, the checkpoint) is ours alone.
  const OutputLock lock(output, "chainsim run");
  if (!o.force)
    for (const auto& f : run_outputs(output))
      if (fs::exists(f)) throw OutputExistsError("output " + f.string() + " exists; use --force to replace it");

  // The checkpoint belongs to exactly this program and this resolved run.
  const std::string identity = "chainsim " + chainsim_version() + " (commit " + chainsim_git_commit() + ")\n" +
                               set.resolved_toml + "\nwindow_weeks = " + std::to_string(window) + "\n";
  CheckpointStore store(output, identity);
  Progress progress;
  std::vector<char> saved;
  if (store.has_state()) {
    if (o.resume) {
      saved = store.load_state();
    } else if (o.force) {
      log.info("discarding the checkpoint of an unfinished run in " + store.directory().string());
      store.remove();
    } else {
      throw OutputExistsError("an unfinished run of " + output.string() + " left a checkpoint in " +
                              store.directory().string() + ": continue it with --resume, or start over with --force");
    }
  } else if (o.resume) {
    log.warn("no checkpoint in " + store.directory().string() + "; starting from the beginning");
  }

  Estimate e =
      estimate(base, specs.front().regions, window, specs.size(), layout.periods.size(), set.resolved_toml.size());
  if (o.preflight) {
    auto refine = [&](Estimate& est) {
      const auto t0 = clock::now();
      const Pilot pilot = run_pilot(specs, base, layout.ensemble, o.parallelism);
      log.debug("pre-flight pilot: the first " + std::to_string(std::min<std::int64_t>(base.run.paths, 64)) +
                " paths of each scenario in " +
                std::to_string(std::chrono::duration<double>(clock::now() - t0).count()) + " s");
      est.per_path_bytes = pilot.per_path_bytes;
      est.state_bytes = state_bytes(static_cast<double>(base.run.paths), pilot.path_state_bytes,
                                    layout.periods.size(), est.summary_bytes, window < base.run.weeks);
    };
    preflight(output, e, refine, saved.empty() ? 0.0 : checkpoint_bytes_on_disk(store.directory()), log);
    manifest.estimated_output_bytes = e.output_bytes();
    manifest.estimated_disk_bytes = e.disk_bytes();
  }
  remove_stale_temporaries(output, store.directory());
  store.create_directory();

  // A resumed run relies on the window files the checkpoint counts as done:
  // all of them are read and their checksums verified now, so a damaged one
  // stops the run before it simulates on (65), not at the end.
  auto verify_windows = [&](std::size_t scenario, int up_to_week) {
    for (int first = 0; first < up_to_week && !layout.ensemble.empty(); first += window) {
      const int weeks = std::min(window, base.run.weeks - first);
      std::uint64_t bytes = 0;
      for (const auto& name : layout.ensemble)
        bytes += static_cast<std::uint64_t>(element_bytes(name)) * static_cast<std::uint64_t>(base.run.paths) * weeks;
      store.open_window(scenario, first, bytes).verify();
    }
  };
  core::ByteReader reader(saved);
  bool mid_scenario = false;
  if (!saved.empty()) {
    mid_scenario = restore_progress(reader, progress);
    for (std::size_t s = 0; s < std::min(progress.scenario, specs.size()); ++s) verify_windows(s, base.run.weeks);
    const bool all_simulated = progress.scenario >= specs.size();
    progress.history.push_back(utc_now() + (all_simulated ? std::string(" resumed to write the output")
                                                          : " resumed scenario " + std::to_string(progress.scenario)));
    log.info(all_simulated ? std::string("resuming from the checkpoint: every scenario is simulated; writing the output")
                           : "resuming from the checkpoint: scenario " + set.names[progress.scenario]);
  }

  // A write that fails (a full disk, an I/O error: exit 74) leaves the last
  // saved checkpoint as it was, every file of it written atomically: say so,
  // and how to go on, before the error itself is reported.
  auto on_write_error = [&](const std::string& doing, const auto& write) {
    const std::string advice = doing + " failed; the checkpoint in " + store.directory().string() +
                               " is as it was: once the cause is fixed (a full disk: free some space), rerun the "
                               "same command with --resume";
    try {
      write();
    } catch (const std::system_error&) {
      log.error(advice);
      throw;
    } catch (const io::h5::Error&) {
      log.error(advice);
      throw;
    }
  };
  auto last_checkpoint = clock::now();
  auto checkpoint = [&](const EnsembleRunner* runner, const ScenarioSummarizer* summarizer, const std::string& what) {
    progress.history.push_back(utc_now() + " " + what);
    on_write_error("saving the checkpoint", [&] {
      store.save_state([&](core::ByteWriter& w) { save_progress(w, progress, runner, summarizer); });
    });
    last_checkpoint = clock::now();
    log.debug("checkpoint saved: " + what);
  };
  // After the checkpoint of a stop: the manifest says "interrupted", then exit 75.
  auto stop_after_checkpoint = [&](const std::string& where) {
    manifest.status = "interrupted";
    manifest.exit_status = 75;
    manifest.end_utc = utc_now();
    manifest.checkpoint_history = progress.history;
    write_manifest((store.directory() / "run.json").string(), manifest);
    const int sig = stop_signal();
    const std::string name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP"
                                                                                                  : "signal " + std::to_string(sig);
    throw Interrupted("stopped by " + name + " " + where +
                      "; checkpoint saved in " + store.directory().string() +
                      "; continue with the same command and --resume");
  };
  auto checkpoint_due = [&] {
    return std::chrono::duration<double>(clock::now() - last_checkpoint).count() >= o.checkpoint_seconds;
  };

  const SummaryOptions sopt{base.output.quantiles, base.output.risk_levels, o.parallelism};
  const auto P = base.run.paths;
  const std::int64_t total_work = static_cast<std::int64_t>(specs.size()) * P * base.run.weeks;
  std::vector<std::vector<char>> window_bytes;  // one window's per-path series, reused
  for (std::size_t s = progress.scenario; s < specs.size(); ++s) {
    progress.scenario = s;
    const auto t0 = clock::now();
    EnsembleOptions eopt;
    eopt.paths = P;
    eopt.seed = base.run.seed;
    eopt.parallelism = o.parallelism;
    EnsembleRunner runner(specs[s], eopt);
    ScenarioSummarizer summarizer(set.names[s], base.run.weeks, specs[s].regions, P, layout.periods, sopt);
    if (mid_scenario) {
      runner.restore(reader);
      summarizer.restore(reader);
      mid_scenario = false;
      verify_windows(s, runner.next_week());
    }
    double simulate_seconds = 0.0;
    {
      // One window's memory for all windows of the scenario: each window
      // overwrites the last (no allocation, no page faults per window). Freed
      // before the scenario's summaries are finished, which need memory too.
      Ensemble ensemble(runner.next_week(), 0, specs[s].regions, P);
      while (!runner.done()) {
        const auto w0 = clock::now();
        const std::int64_t before = static_cast<std::int64_t>(s) * P * base.run.weeks + runner.next_week() * P;
        const int this_window = std::min(window, base.run.weeks - runner.next_week());
        runner.next_window(window, ensemble, [&](std::int64_t paths_done) {
          if (!o.quiet) log.progress(set.names[s], before + paths_done * this_window, total_work);
        });
        simulate_seconds += std::chrono::duration<double>(clock::now() - w0).count();
        summarizer.add(ensemble);
        window_variables(ensemble, layout.ensemble, o.parallelism, window_bytes);
        on_write_error("saving a window of per-path series", [&] {
          store.save_window(s, ensemble.first_week(), window_bytes, static_cast<std::size_t>(P),
                            io::OutputFile::kPathChunk);
        });
        const std::string where = "scenario " + std::to_string(s) + " week " + std::to_string(runner.next_week());
        if (stop_requested()) {
          checkpoint(&runner, &summarizer, "interrupted at " + where);
          log.progress_done();
          stop_after_checkpoint("at " + where);
        }
        if (checkpoint_due() && !runner.done()) checkpoint(&runner, &summarizer, "saved at " + where);
      }
    }
    ScenarioSummary summary = summarizer.finish();
    if (s == 0) {
      progress.baseline = summarizer.path_metrics();
    } else {
      progress.comparisons.push_back(
          compare_to_baseline(set.names[s], summarizer.path_metrics(), progress.baseline, o.parallelism));
    }
    progress.done.push_back(std::move(summary));
    const double total = std::chrono::duration<double>(clock::now() - t0).count();
    manifest.scenarios.push_back({set.names[s], simulate_seconds, total});
    log.progress_done();
    log.info("scenario " + set.names[s] + ": " + std::to_string(P) + " paths x " + std::to_string(base.run.weeks) +
             " weeks simulated in " + std::to_string(simulate_seconds) + " s (" +
             std::to_string(static_cast<double>(P) * base.run.weeks / simulate_seconds) + " path-weeks/s)");
    progress.scenario = s + 1;
    if (s + 1 < specs.size() && stop_requested()) {
      // A stop that arrives during a scenario's last window is honoured here,
      // and recorded like one inside a scenario (manifest and history).
      checkpoint(nullptr, nullptr, "interrupted after scenario " + std::to_string(s));
      stop_after_checkpoint("at the end of scenario " + set.names[s]);
    }
    if (s + 1 < specs.size() && checkpoint_due())
      checkpoint(nullptr, nullptr, "saved after scenario " + std::to_string(s));
  }

  std::vector<std::vector<char>>().swap(window_bytes);

  // Assemble the output from the summaries and the window files: the same
  // sequence of writes whether or not the run was interrupted. Per-path series
  // are written a chunk of paths at a time over the whole horizon, gathered
  // from the windows' files and compressed in parallel (per_path_assembly.hpp).
  // A stop signal is honoured here too (between blocks of chunks): the
  // partial file is abandoned and the checkpoint, which then holds every
  // scenario's results, lets --resume assemble again without simulating.
  bool assembled = false;
  on_write_error("writing the output", [&] {
    io::OutputFile file(layout);
    PerPathSeries series;
    series.names = layout.ensemble;
    for (const auto& name : layout.ensemble)
      series.element_bytes.push_back(is_integer_var(name) ? sizeof(std::int32_t) : sizeof(double));
    series.paths = static_cast<std::size_t>(P);
    series.weeks = base.run.weeks;
    series.window = window;
    for (std::size_t s = 0; s < specs.size(); ++s) {
      if (stop_requested()) return;
      file.write_summary(s, progress.done[s]);
      if (s > 0) file.write_comparison(s, progress.comparisons[s - 1]);
      if (!write_per_path_series(file, store, s, series, o.parallelism, stop_requested)) return;
    }
    if (stop_requested()) return;
    file.commit();
    assembled = true;
  });
  if (!assembled) {
    checkpoint(nullptr, nullptr, "interrupted while writing the output");
    stop_after_checkpoint("while writing the output");
  }
  // From here on the output is complete: a stop lets the few remaining small
  // writes finish rather than leave a complete output without its tables.
  if (stop_requested()) log.info("stop requested after the output was complete: finishing its tables and manifest");

  // The planning table and the scenario comparison beside the HDF5 file.
  const io::PlanningTables tables =
      io::planning_tables(layout.periods, progress.done, progress.comparisons, base.output.risk_levels);
  const std::string stem = table_stem(output);
  io::write_text_atomically(stem + ".planning.csv", tables.planning_csv);
  io::write_text_atomically(stem + ".planning.md", tables.planning_md);
  io::write_text_atomically(stem + ".comparison.csv", tables.comparison_csv);
  io::write_text_atomically(stem + ".comparison.md", tables.comparison_md);
  manifest.end_utc = utc_now();
  manifest.wall_seconds = std::chrono::duration<double>(clock::now() - run_start).count();
  manifest.status = "completed";
  manifest.checkpoint_history = progress.history;
  for (const auto& f : run_outputs(output)) manifest.outputs.emplace_back(f.string(), fs::file_size(f));
  // The checkpoint at its largest (the run's end), beside the estimate.
  manifest.checkpoint_bytes = static_cast<std::uintmax_t>(checkpoint_bytes_on_disk(store.directory()));
  write_manifest(output.string() + ".run.json", manifest);
  store.remove();
  if (!o.quiet) {
    out << "chainsim: " << set.names.size() << " scenario(s), " << P << " paths x " << base.run.weeks << " weeks, "
        << layout.region_codes.size() << " region(s); output: " << output.string() << "; planning table: " << stem
        << ".planning.csv (.md), comparison: " << stem << ".comparison.csv (.md)\n";
    io::print_summary(out, progress.done, layout.periods, base.output.risk_levels);
  }
}

}  // namespace chainsim::app
