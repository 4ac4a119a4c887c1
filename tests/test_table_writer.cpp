// The cells of the tables chainsim writes (io/table_writer): RFC 4180 quoting
// for CSV and escaped Markdown cells, so that a scenario name with a comma, a
// quote, a '|' or a line break stays in its column (issue 20). The whole
// tables are read back by pandas and Python's csv module in
// test_newcomer_cli.cpp.
#include <gtest/gtest.h>

#include <string>

#include "io/table_writer.hpp"

namespace {

using namespace chainsim::io;

TEST(TableWriter, CsvFieldsFollowRfc4180) {
  EXPECT_EQ(csv_field("baseline"), "baseline");
  EXPECT_EQ(csv_field("12.5"), "12.5");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"high\""), "\"say \"\"high\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_field("müde | ü"), "müde | ü");
  std::string row;
  append_csv_row(row, {"a", "b,c", ""});
  EXPECT_EQ(row, "a,\"b,c\",\n");
}

TEST(TableWriter, MarkdownCellsStayInTheirColumn) {
  EXPECT_EQ(markdown_cell("a | b"), "a \\| b");
  EXPECT_EQ(markdown_cell("back\\slash"), "back\\\\slash");
  EXPECT_EQ(markdown_cell("two\nlines\r\nthree"), "two<br>lines<br>three");
  EXPECT_EQ(one_line("a\nb\tc"), "a\\nb\\tc");
}

}  // namespace
