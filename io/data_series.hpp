#pragma once
// Reading the project's historical data (the repository's data/, described in
// data/README.md): tidy long CSV files
// with the header series,geo,period,value,unit,source,vintage,flag,note (the
// cost file lacks vintage and flag). RFC 4180 quoting: fields may be quoted,
// contain commas, doubled quotes and line breaks. Rows keep file and line so
// that every derived number can name its source.
#include "forecast/data_rows.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chainsim::io {

// The rows and their look-ups are defined beside the derivations that use
// them (forecast/data_rows.hpp); this file reads them.
using forecast::DataRow;
using forecast::data::find;
using forecast::data::select;

// Splits CSV text into records of fields. Throws ConfigError(file, line, ...) on
// an unterminated quote or a stray quote inside an unquoted field.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, const std::string& file,
                                                std::vector<int>* record_lines = nullptr);

// One data file. Throws InputMissingError when it cannot be read and ConfigError
// when a row is malformed (wrong field count, non-numeric value).
std::vector<forecast::DataRow> read_data_file(const std::filesystem::path& file);

// The asylum-chain files of a data directory (a fixed list, in a fixed order).
// Throws InputMissingError when the directory or a required file is missing.
std::vector<forecast::DataRow> read_data_dir(const std::filesystem::path& dir);

}  // namespace chainsim::io
