#pragma once
// The report `chainsim calibrate` writes beside the calibrated configuration:
// calibration.md (the inflow fits, the local level, the decision response)
// and calibration_fit.csv (observed and fitted monthly inflow, from which
// scripts/calibration-report draws calibration_fit.png).
#include "forecast/seed_calibration.hpp"

#include <string>

namespace chainsim::io {

std::string calibration_report_md(const forecast::SeedCalibration& calibration);
std::string calibration_fit_csv(const forecast::SeedCalibration& calibration);

}  // namespace chainsim::io
