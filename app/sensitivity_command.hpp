#pragma once
// `chainsim sensitivity`: which uncertain input drives the spread of the
// forecast (docs/sensitivity.md). Resolves one scenario, checks the horizons
// and the output directory, simulates a Saltelli design
// (forecast/sensitivity.hpp) and writes the indices as CSV, Markdown and a
// tornado chart (io/sensitivity_table.hpp). Nothing is simulated or written
// before every input has been checked.
#include "forecast/parallel.hpp"

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace chainsim::app {

// Rows of A and of B by default: on the seed scenario (25 regions, 14 groups)
// 139,264 paths over 5 years, ~230 s of CPU time: 2.6 minutes on 2 cores,
// 4.8 on 2 cores shared with other builds (docs/sensitivity.md, "Cost").
inline constexpr std::int64_t kDefaultDesignSize = 8192;

struct SensitivityCommand {
  std::string config;    // empty: the embedded seed
  std::string scenario;  // empty: the baseline
  std::int64_t design = kDefaultDesignSize;
  std::vector<std::string> horizons;  // years after the start ("3") or ISO dates; empty: 1, 3 and 5 years
  std::filesystem::path out_dir = "sensitivity";
  int bootstrap = 500;  // replicates
  bool force = false;   // replace existing result files
  bool quiet = false;
  forecast::Parallelism parallelism;
};

// Runs the command; the summary goes to `out`, log lines and progress to
// stderr. Returns the exit status for a bad command-line value (a horizon,
// a scenario name), printing its message; other errors are thrown (main
// maps them: configuration 65, output exists 73, I/O 74).
int sensitivity(const SensitivityCommand& command, std::ostream& out);

}  // namespace chainsim::app
