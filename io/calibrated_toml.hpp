#pragma once
// The calibrated configuration that `chainsim calibrate` writes: the seed
// scenario (forecast/seed.toml, embedded) with every line that holds a value
// derived from the data rendered anew from the derivation
// (forecast/seed_calibration.hpp), each with the comment that names its
// source. Every other line (the seed letter's numbers, the assumptions, the
// scenarios, the layout and the prose) is the seed's own, so the seed scenario
// exists in one file. With the repository's data/, named "data", the result is
// forecast/seed.toml byte for byte (tests/test_calibration.cpp).
#include "forecast/seed_calibration.hpp"

#include <string>
#include <string_view>

namespace chainsim::io {

// `data_dir` is named in the header as given. Throws std::logic_error when
// `seed_text` lacks a line that the calibration renders (the seed and this
// renderer out of step).
std::string calibrated_toml(const forecast::SeedCalibration& calibration, const std::string& data_dir,
                            std::string_view seed_text);

}  // namespace chainsim::io
