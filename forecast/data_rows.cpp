#include "forecast/data_rows.hpp"

namespace chainsim::forecast::data {

std::vector<const DataRow*> select(const std::vector<DataRow>& rows, std::string_view series, std::string_view geo,
                                   std::optional<std::string_view> vintage) {
  std::vector<const DataRow*> out;
  for (const auto& r : rows)
    if (r.series == series && r.geo == geo && (!vintage || r.vintage == *vintage)) out.push_back(&r);
  return out;
}

const DataRow* find(const std::vector<DataRow>& rows, std::string_view series, std::string_view period,
                    std::optional<std::string_view> vintage, std::string_view geo) {
  const DataRow* first = nullptr;
  for (const auto& r : rows) {
    if (r.series != series || r.geo != geo || r.period != period) continue;
    if (!vintage || r.vintage == *vintage) return &r;
    if (!first) first = &r;
  }
  return vintage ? nullptr : first;
}

}  // namespace chainsim::forecast::data
