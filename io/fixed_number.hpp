#pragma once
// Numbers in text that must be the same bytes on every run and machine: the
// calibrated configuration, the calibration and backtest reports.
#include <string>

namespace chainsim::io {

// `v` with `decimals` decimals ("%.*f"), and "0" rather than "-0" (or "-0.00").
std::string fixed(double v, int decimals);

}  // namespace chainsim::io
