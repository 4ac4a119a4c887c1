#include "io/table_writer.hpp"
#include "io/text_escape.hpp"

#include <cstdio>

namespace chainsim::io {

std::string csv_field(std::string_view s) {
  const bool needs_quotes =
      s.find_first_of(",\"\r\n") != std::string_view::npos || (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!needs_quotes) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
}

std::string markdown_cell(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '|' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;  // CRLF is one break
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out;
}

std::string one_line(std::string_view s) { return escape_chars(s, {{'\n', "\\n"}, {'\t', "\\t"}}, "\\x%02X", true); }

}  // namespace chainsim::io
