#pragma once
// The results of `chainsim sensitivity` as files (docs/sensitivity.md):
//   sensitivity.csv        one row per output, horizon and input group: the
//                          first-order and total indices with their intervals
//   sensitivity_split.csv  one row per output and horizon: the output's mean and
//                          sd, and its variance split into parameter
//                          uncertainty, interaction and process noise
//   sensitivity.md         both for people, the inputs ordered by influence
//   sensitivity_tornado.svg  the tornado chart (io/tornado_chart.hpp)
#include "forecast/sensitivity.hpp"

#include <cstdint>
#include <string>

namespace chainsim::io {

// What was run, for the Markdown's header.
struct SensitivityRunInfo {
  std::string scenario;
  std::string source;  // the configuration file, or "<embedded seed>"
  std::uint64_t seed = 0;
  forecast::BootstrapOptions bootstrap;
};

struct SensitivityFiles {
  std::string indices_csv;
  std::string split_csv;
  std::string markdown;
  std::string tornado_svg;
};

SensitivityFiles sensitivity_files(const forecast::SensitivityResult& result, const SensitivityRunInfo& info);

}  // namespace chainsim::io
