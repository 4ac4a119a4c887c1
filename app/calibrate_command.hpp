#pragma once
// `chainsim calibrate [DATA_DIR]`: derives the seed's calibrated values from the
// data directory (the repository's data/ unless another is given;
// data/README.md; forecast/seed_calibration.hpp) and writes the seed
// configuration with them, every value with its source
// (io/calibrated_toml.hpp), plus a Markdown report and the CSV of the fitted
// series (io/calibration_report.hpp; scripts/calibration-report draws the
// PNG). docs/calibration.md documents every derivation.
#include "forecast/seed_calibration.hpp"
#include "io/data_series.hpp"
#include "io/fixed_number.hpp"

#include <filesystem>
#include <iosfwd>

namespace chainsim::app {

// The inflow derivations (forecast/seed_calibration.hpp) and the fixed-format
// numbers (io/fixed_number.hpp) that the backtests share with calibrate.
using io::fixed;

struct CalibrateOptions {
  std::filesystem::path data_dir;
  std::filesystem::path out = "calibrated.toml";
  std::filesystem::path report_dir;  // default: the directory of `out`
  bool force = false;                // replace existing files (as `chainsim run --force`)
};

// Writes out, <report_dir>/calibration.md and <report_dir>/calibration_fit.csv;
// throws OutputExistsError (app/run_command.hpp) when one exists and not `force`.
void calibrate(const CalibrateOptions& options, std::ostream& log);

}  // namespace chainsim::app
