#pragma once
// `chainsim run`: resolve every scenario, simulate each, summarise, write one
// output file and print the summary. Nothing is simulated before every
// scenario has been resolved, so a bad configuration creates no output.
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

struct RunOverrides {
  std::optional<std::int64_t> paths;
  std::optional<int> weeks;
  std::optional<std::uint64_t> seed;
  std::optional<std::filesystem::path> out;
  Parallelism parallelism;
  bool quiet = false;
  bool force = false;  // replace existing outputs
  std::string command_line;  // for the run manifest
};

// Applies the command-line overrides to every scenario of the set and
// refreshes its resolved TOML text.
void apply_overrides(ScenarioSet& set, const RunOverrides& o);

// Runs the set; writes the output file and the summary to `out`, progress to `log`.
void run_scenarios(const ScenarioSet& set, const RunOverrides& o, std::ostream& out, std::ostream& log);

}  // namespace chainsim::app
