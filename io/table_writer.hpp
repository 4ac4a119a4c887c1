#pragma once
// Cells and rows of the tables chainsim writes, so that a scenario name with a
// comma, a quote, a '|' or a line break cannot shift the columns of a CSV file
// or break a Markdown table.
//
// CSV follows RFC 4180: a field holding a comma, a double quote, CR or LF (or
// a leading or trailing space, which some readers strip) is enclosed in double
// quotes, and each double quote inside it is doubled. Rows end in LF (as
// Python's csv module, pandas and R read them), not RFC 4180's CRLF.
//
// Markdown (GitHub's table dialect): '|' and '\' are escaped with a backslash,
// and a line break becomes <br>, so a cell stays on its row.
#include <string>
#include <string_view>
#include <vector>

namespace chainsim::io {

// One CSV field, quoted when it needs to be.
std::string csv_field(std::string_view s);

// Appends one CSV row (every field through csv_field) and its LF.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

// The text of one Markdown table cell.
std::string markdown_cell(std::string_view s);

// A name on one line of terminal output: control characters (line breaks
// included) are shown as \n, \t or \xHH.
std::string one_line(std::string_view s);

}  // namespace chainsim::io
