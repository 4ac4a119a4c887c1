#include "forecast/regions.hpp"

#include "forecast/embedded_data.hpp"

#include <sstream>
#include <stdexcept>

namespace chainsim::forecast {
namespace {

// Splits one CSV line on commas, honouring double quotes (the source column is quoted
// when it contains commas).
std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<Region> parse_regions() {
  std::istringstream in{std::string(embedded::safety_regions_csv())};
  std::string line;
  std::getline(in, line);  // header
  if (line.rfind("code,name,population", 0) != 0)
    throw std::logic_error("embedded nl_safety_regions.csv: unexpected header: " + line);
  std::vector<Region> regions;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto f = split_csv_line(line);
    if (f.size() < 3) throw std::logic_error("embedded nl_safety_regions.csv: short line: " + line);
    regions.push_back(Region{f[0], f[1], std::stoll(f[2])});
  }
  if (regions.size() != 25)
    throw std::logic_error("embedded nl_safety_regions.csv: expected 25 safety regions, found " +
                           std::to_string(regions.size()));
  return regions;
}

}  // namespace

const std::vector<Region>& safety_regions() {
  static const std::vector<Region> regions = parse_regions();
  return regions;
}

std::vector<double> safety_region_shares() {
  const auto& regions = safety_regions();
  std::int64_t total = 0;
  for (const auto& r : regions) total += r.population;
  std::vector<double> shares;
  shares.reserve(regions.size());
  for (const auto& r : regions) shares.push_back(static_cast<double>(r.population) / static_cast<double>(total));
  return shares;
}

int safety_region_index(const std::string& code) {
  const auto& regions = safety_regions();
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (regions[i].code == code) return static_cast<int>(i);
  return -1;
}

}  // namespace chainsim::forecast
