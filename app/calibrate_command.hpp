#pragma once
// `chainsim calibrate [DATA_DIR]`: fits the inflow model to the monthly first-time
// applications and derives the chain's other parameters from the data directory
// (the repository's data/ unless another is given; data/README.md), writing a configuration in which every value carries its source, plus a
// Markdown report and the CSV of the fitted series (scripts/calibration-report
// draws the PNG). docs/calibration.md documents every derivation.
#include "forecast/calibration.hpp"
#include "forecast/config.hpp"
#include "io/data_series.hpp"

#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace chainsim::app {

// The inflow series as fitted: Eurostat first-time applicants NL, vintage
// 2020-10-06, 2008-01..2020-08, and CBS quarterly first asylum requests
// (vintage 2022-04) scaled to the Eurostat definition for the later level.
struct InflowData {
  int first_month = 0;
  std::vector<double> monthly;               // NaN where missing
  std::vector<calib::Aggregate> cbs_quarters;  // unscaled CBS totals, vintage 2022-04
  std::vector<std::string> cbs_labels;
  double cbs_to_eurostat = 1.0;              // sum Eurostat / sum CBS over the overlap quarters
  std::string overlap;                       // "2019-Q1..2020-Q2"
};
InflowData load_inflow(const std::vector<io::DataRow>& rows);

// The CBS quarters (scaled) that end before the origin and after the monthly
// series, the last `count` of them.
std::vector<calib::Aggregate> bridge_quarters(const InflowData& d, std::chrono::sys_days origin, int count);

// A copy of `base` whose inflow is the fit, started on `start` for `weeks`
// weeks in national mode; without parameter uncertainty the level and trend
// are fixed at their means.
Config inflow_config(const Config& base, const calib::InflowFit& fit, Date start, int weeks, std::int64_t paths,
                     bool parameter_uncertainty);

// The seed's inflow method at an origin (docs/calibration.md): the fit with a
// trend, and the fit the seed uses — the same one when the slope is
// distinguished from 0, else the fit without a trend, whose level sd is the
// parameter uncertainty alone; the recent level enters as start_deviation.
struct SeedInflowFit {
  calib::InflowFit with_trend;
  calib::InflowFit used;
  bool trend = false;
  // The level's sd: its parameter uncertainty and the level shifts the AR(1)
  // does not produce (the empirical level error of calibration step 8).
  double level_sd = 0.0;
};
SeedInflowFit fit_inflow_seed_method(std::span<const double> monthly, int first_month, std::chrono::sys_days origin,
                                     std::span<const calib::Aggregate> bridge);

// A copy of `base` with the seed method's inflow (model.md C1), in national
// mode; without parameter uncertainty every inflow prior is fixed at its mean.
Config seed_inflow_config(const Config& base, const SeedInflowFit& fit, Date start, int weeks, std::int64_t paths,
                          bool parameter_uncertainty);

// Fixed-format number (same bytes on every run).
std::string fixed(double v, int decimals);

struct CalibrateOptions {
  std::filesystem::path data_dir;
  std::filesystem::path out = "calibrated.toml";
  std::filesystem::path report_dir;  // default: the directory of `out`
};

// Writes out, <report_dir>/calibration.md and <report_dir>/calibration_fit.csv.
void calibrate(const CalibrateOptions& options, std::ostream& log);

// The calibrated configuration text (what `calibrate` writes to `out`). Its
// header names `data_dir`, the directory the rows were read from, as given.
std::string calibrated_toml(const std::vector<io::DataRow>& rows, std::string* report_md = nullptr,
                            std::string* fit_csv = nullptr, const std::string& data_dir = "data");

}  // namespace chainsim::app
