#pragma once
// Rows of the project's historical data (data/README.md: tidy long CSV files,
// series,geo,period,value,unit,source,vintage,flag,note), as io/data_series.hpp
// reads them, and the look-ups the calibration's derivations use. Rows keep
// file and line so that every derived number can name its source.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chainsim::forecast {

struct DataRow {
  std::string series, geo, period;
  double value = 0.0;
  std::string unit, source, vintage, flag, note;
  std::string file;  // file name (no directory)
  int line = 0;      // 1-based line of the row's first character
};

namespace data {

// Rows of one series/geo (and vintage, when given) in file order.
std::vector<const DataRow*> select(const std::vector<DataRow>& rows, std::string_view series,
                                   std::string_view geo = "NL", std::optional<std::string_view> vintage = std::nullopt);

// The single value of series/geo/period (first match in file order, preferring
// the given vintage when one is given); nullptr when absent.
const DataRow* find(const std::vector<DataRow>& rows, std::string_view series, std::string_view period,
                    std::optional<std::string_view> vintage = std::nullopt, std::string_view geo = "NL");

}  // namespace data
}  // namespace chainsim::forecast
