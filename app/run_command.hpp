#pragma once
// `chainsim run`: resolve every scenario, check that the run fits the machine,
// simulate each scenario window by window (with checkpoints), summarise, and
// assemble one output file, the planning table and the run manifest. Nothing
// is simulated before every scenario has been resolved and the pre-flight
// checks pass, so a bad configuration creates no output.
#include "app/log.hpp"
#include "forecast/config.hpp"
#include "forecast/parallel.hpp"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>

namespace chainsim::app {

// An output that exists and may not be replaced (no --force), or cannot be created.
struct OutputExistsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Not enough disk space for the run (pre-flight estimate).
struct NoSpaceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Not enough memory for the run (pre-flight estimate).
struct NoMemoryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The run stopped on a signal after writing a checkpoint; `--resume` continues.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunOverrides {
  std::optional<std::int64_t> paths;
  std::optional<int> weeks;
  std::optional<std::uint64_t> seed;
  std::optional<std::filesystem::path> out;
  Parallelism parallelism;
  bool quiet = false;
  bool force = false;        // replace existing outputs (and discard an unfinished run's checkpoint)
  bool resume = false;       // continue from the checkpoint of an interrupted run
  double checkpoint_seconds = 300.0;  // save the state at most this often (0: after every window)
  std::optional<int> window_weeks;    // weeks per window (default: sized to the memory budget)
  bool preflight = true;
  std::string command_line;  // for the run manifest
};

// Applies the command-line overrides to every scenario of the set and
// refreshes its resolved TOML text.
void apply_overrides(ScenarioSet& set, const RunOverrides& o);

// Runs the set; writes the outputs, the summary to `out` and log lines to `log`.
void run_scenarios(const ScenarioSet& set, const RunOverrides& o, std::ostream& out, Log& log);

}  // namespace chainsim::app
