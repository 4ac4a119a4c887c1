#include "io/data_series.hpp"

#include "io/errors.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

namespace chainsim::io {

std::vector<std::vector<std::string>> parse_csv(std::string_view text, const std::string& file,
                                                std::vector<int>* record_lines) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  std::string field;
  int line = 1, record_line = 1;
  bool in_quotes = false, quoted = false, any = false;
  std::size_t i = 0;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 BOM
  auto end_record = [&] {
    fields.push_back(std::move(field));
    field.clear();
    records.push_back(std::move(fields));
    fields.clear();
    if (record_lines) record_lines->push_back(record_line);
    quoted = false;
    any = false;
  };
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_quotes) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (ch == '\n') ++line;
        field.push_back(ch);
      }
      continue;
    }
    if (!any) record_line = line;
    any = true;
    if (ch == '"') {
      if (!field.empty() || quoted) throw forecast::ConfigError(file, line, "", "", "stray quote inside a CSV field");
      in_quotes = quoted = true;
    } else if (ch == ',') {
      fields.push_back(std::move(field));
      field.clear();
      quoted = false;
    } else if (ch == '\r') {
      // CRLF: the \n ends the record
    } else if (ch == '\n') {
      end_record();
      ++line;
    } else {
      if (quoted) throw forecast::ConfigError(file, line, "", "", "text after a closing quote in a CSV field");
      field.push_back(ch);
    }
  }
  if (in_quotes) throw forecast::ConfigError(file, record_line, "", "", "unterminated quoted CSV field");
  if (any) end_record();
  return records;
}

std::vector<forecast::DataRow> read_data_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputMissingError("cannot read data file " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string name = path.filename().string();
  std::vector<int> lines;
  const auto records = parse_csv(ss.str(), name, &lines);
  if (records.empty()) throw forecast::ConfigError(name, 1, "", "", "empty data file");
  const auto& header = records[0];
  auto col = [&](std::string_view h) -> int {
    for (std::size_t k = 0; k < header.size(); ++k)
      if (header[k] == h) return static_cast<int>(k);
    return -1;
  };
  const std::array<std::string_view, 4> required{"series", "geo", "period", "value"};
  for (auto h : required)
    if (col(h) < 0) throw forecast::ConfigError(name, 1, "", "", "missing column '" + std::string(h) + "'");
  const int cs = col("series"), cg = col("geo"), cp = col("period"), cv = col("value"), cu = col("unit"),
            csrc = col("source"), cvin = col("vintage"), cf = col("flag"), cn = col("note");
  std::vector<forecast::DataRow> rows;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r];
    if (f.size() == 1 && f[0].empty()) continue;  // blank line
    if (f.size() != header.size())
      throw forecast::ConfigError(
          name, lines[r], "", "",
          "expected " + std::to_string(header.size()) + " fields, found " + std::to_string(f.size()));
    auto get = [&](int c) { return c >= 0 ? f[static_cast<std::size_t>(c)] : std::string(); };
    DataRow row;
    row.series = get(cs);
    row.geo = get(cg);
    row.period = get(cp);
    const std::string v = get(cv);
    const char* b = v.data();
    const char* e = v.data() + v.size();
    const auto res = std::from_chars(b, e, row.value);
    if (v.empty() || res.ec != std::errc() || res.ptr != e)
      throw forecast::ConfigError(name, lines[r], "value", v, "a number");
    row.unit = get(cu);
    row.source = get(csrc);
    row.vintage = get(cvin);
    row.flag = get(cf);
    row.note = get(cn);
    row.file = name;
    row.line = lines[r];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<forecast::DataRow> read_data_dir(const std::filesystem::path& dir) {
  static const std::array<const char*, 9> files{"nl_asylum_applications_monthly.csv",
                                                "nl_asylum_applications_quarterly.csv",
                                                "asylum_applications_annual.csv",
                                                "nl_decisions.csv",
                                                "nl_dublin.csv",
                                                "nl_returns.csv",
                                                "nl_coa_occupancy.csv",
                                                "nl_taakstelling.csv",
                                                "nl_reception_costs.csv"};
  if (!std::filesystem::is_directory(dir)) throw InputMissingError("data directory not found: " + dir.string());
  std::vector<forecast::DataRow> all;
  for (const char* f : files) {
    auto rows = read_data_file(dir / f);
    all.insert(all.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  return all;
}

}  // namespace chainsim::io
