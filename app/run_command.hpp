#pragma once
// `chainsim run`: the stages of a run (docs/ARCHITECTURE.md, "The life of a
// run": plan, simulate, reduce, assemble, write) wired to the command's
// checks, lock, checkpoints, stop signals, log and manifest. Nothing is
// simulated before every scenario has been resolved and the pre-flight checks
// pass, so a bad configuration creates no output.
#include "app/log.hpp"
#include "app/run_errors.hpp"
#include "forecast/config.hpp"
#include "forecast/parallel.hpp"
#include "forecast/precision.hpp"

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace chainsim::io {
class OutputFile;
}

namespace chainsim::app {

// What the command line changes: the configuration's run and output keys,
// and how the run is carried out (none of the latter changes its results).
struct RunOverrides {
  forecast::Parallelism parallelism;
  std::optional<std::int64_t> paths;
  std::optional<int> weeks;
  std::optional<std::uint64_t> seed;
  std::optional<std::filesystem::path> out;
  bool quiet = false;
  bool force = false;                 // replace existing outputs (and discard an unfinished run's checkpoint)
  bool resume = false;                // continue from the checkpoint of an interrupted run
  double checkpoint_seconds = 300.0;  // save the state at most this often (0: after every window)
  std::optional<int> window_weeks;    // weeks per window (default: sized to the memory budget)
  bool preflight = true;
  std::string command_line;  // for the run manifest
  // Called with the output file once every scenario is in it, before it is
  // committed: a section of another command's own (`chainsim plan`).
  std::function<void(io::OutputFile&)> add_to_output;
  // Set by `--precision` (app/precision_run.hpp) once it has chosen the paths:
  // recorded in the manifest only, so the outputs stay those of `--paths n`.
  std::optional<forecast::PrecisionOptions> precision_options;
  std::optional<forecast::PrecisionResult> precision;
};

// Every file a run writes for output `out`: the HDF5 file, the tables beside
// it and the manifest.
std::vector<std::filesystem::path> run_output_files(const std::filesystem::path& out);

// Applies the command-line overrides to every scenario of the set and
// refreshes its resolved TOML text.
void apply_overrides(forecast::ScenarioSet& set, const RunOverrides& o);

// Runs the set; writes the outputs, the summary to `out` and log lines to `log`.
void run_scenarios(const forecast::ScenarioSet& set, const RunOverrides& o, std::ostream& out, Log& log);

}  // namespace chainsim::app
