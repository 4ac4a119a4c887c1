#include "app/calibrate_command.hpp"

#include "app/output_lock.hpp"
#include "app/run_errors.hpp"
#include "forecast/embedded_data.hpp"
#include "io/calibrated_toml.hpp"
#include "io/calibration_report.hpp"
#include "io/config_toml.hpp"
#include "io/planning_table.hpp"

#include <ostream>

namespace chainsim::app {

void calibrate(const CalibrateOptions& o, std::ostream& log) {
  const auto rows = io::read_data_dir(o.data_dir);
  const OutputLock lock(o.out, "chainsim calibrate", OutputLock::Directory::Create);  // one writer per output
  // What the data cannot inform comes from the seed itself, and the
  // configuration is the seed with the derived lines rendered anew.
  const forecast::SeedCalibration calibration = derive_seed_calibration(rows, io::load_seed().scenarios.front());
  const std::string toml =
      io::calibrated_toml(calibration, o.data_dir.generic_string(), forecast::embedded::seed_toml());
  const std::filesystem::path dir = o.report_dir.empty() ? o.out.parent_path() : o.report_dir;
  // The same rule as `chainsim run`: an existing file is replaced only with --force.
  for (const auto& f : {o.out, dir / "calibration.md", dir / "calibration_fit.csv"}) {
    if (!o.force && std::filesystem::exists(f))
      throw OutputExistsError(f.string() + " exists; use --force to replace it");
  }
  if (!dir.empty()) std::filesystem::create_directories(dir);
  if (o.out.has_parent_path()) std::filesystem::create_directories(o.out.parent_path());
  // Each file whole or not at all (temporary file, fsync, rename), so a kill
  // never leaves a half-written configuration or table.
  auto write = [](const std::filesystem::path& p, const std::string& text) {
    io::write_text_atomically(p.string(), text);
  };
  write(o.out, toml);
  write(dir / "calibration.md", io::calibration_report_md(calibration));
  write(dir / "calibration_fit.csv", io::calibration_fit_csv(calibration));
  log << "calibrated configuration: " << o.out.string() << "\nreport: " << (dir / "calibration.md").string() << ", "
      << (dir / "calibration_fit.csv").string() << "\n";
}

}  // namespace chainsim::app
