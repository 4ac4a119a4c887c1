#pragma once
// The 25 Dutch safety regions and their population shares p_r, from the
// embedded copy of data/nl_safety_regions.csv.
#include <cstdint>
#include <string>
#include <vector>

namespace chainsim::forecast {

struct Region {
  std::string code;  // "VR01" .. "VR25"
  std::string name;
  std::int64_t population = 0;
};

// The safety regions in file order (VR01..VR25). Parsed once; thread-safe.
const std::vector<Region>& safety_regions();

// Population shares p_r of the safety regions (sum to 1).
std::vector<double> safety_region_shares();

// Index of a region code in safety_regions(), or -1.
int safety_region_index(const std::string& code);

}  // namespace chainsim::forecast
