// End-to-end tests of what a newcomer meets first (issue 20): command-line
// errors in chainsim's own words with a "did you mean", `validate` showing what
// each scenario changes and what a file probably did not mean, `calibrate`
// refusing to overwrite without --force, and the CSV and Markdown tables read
// back by pandas and Python's csv module for a scenario with a hostile name.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace chainsim::testing;  // tests/process_helpers.hpp
using Result = CommandResult;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class NewcomerTest : public ChainsimCommandTest {
 protected:
  NewcomerTest() : ChainsimCommandTest("chainsim-newcomer") {}
};

// ---- command-line errors ----------------------------------------------------

TEST_F(NewcomerTest, NumbersAreCheckedInChainsimsWords) {
  for (const char* bad : {"abc", "1e3", "0", "2.5", "-3"}) {
    const Result r = chainsim(std::string("run --paths ") + bad + " --out x.h5");
    EXPECT_EQ(r.rc, 64) << describe(r);
    EXPECT_EQ(r.err, std::string("chainsim: --paths: expected a whole number from 1 to 100000000, got '") + bad + "'\n")
        << describe(r);
  }
  const Result w = chainsim("run --weeks 1561 --out x.h5");
  EXPECT_EQ(w.err, "chainsim: --weeks: expected a whole number from 1 to 1560, got '1561'\n") << describe(w);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(NewcomerTest, UnknownNamesGetADidYouMean) {
  const struct {
    const char* args;
    const char* expected;
  } cases[] = {
      {"run --path 100", "did you mean --paths?"},
      {"run --seeds 3", "did you mean --seed?"},
      {"valdate x.toml", "did you mean validate?"},
      {"run --backend tbbb", "--backend: expected openmp or tbb, got 'tbbb'; did you mean tbb?"},
      {"calibrate --forse", "did you mean --force?"},
  };
  for (const auto& c : cases) {
    const Result r = chainsim(c.args);
    EXPECT_EQ(r.rc, 64) << c.args << "\n" << describe(r);
    EXPECT_EQ(r.err.rfind("chainsim: ", 0), 0u) << c.args << "\n" << describe(r);
    EXPECT_TRUE(has(r.err, c.expected)) << c.args << "\n" << describe(r);
  }
  // Every usage error speaks with the chainsim: prefix, on one line.
  for (const char* args : {"", "validate", "run --out", "run a.toml b.toml", "--bogus", "run --threads 0"}) {
    const Result r = chainsim(args);
    EXPECT_EQ(r.rc, 64) << args << "\n" << describe(r);
    EXPECT_EQ(r.err.rfind("chainsim: ", 0), 0u) << args << "\n" << describe(r);
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << args << "\n" << describe(r);
  }
}

// ---- validate: what each scenario changes, and what is probably not meant ----

TEST_F(NewcomerTest, ValidateShowsWhatEachScenarioChanges) {
  write_bytes(dir_ / "mine.toml",
              "[run]\nname = \"mine\"\n[output]\npath = \"mine.h5\"\n"
              "[[scenario]]\nname = \"fourth ship\"\n[[scenario.capacity.tnv_add]]\nname = \"cruise ship 4\"\n"
              "places = 1000\nfrom = 2022-10-03\nweeks = 26\n"
              "[[scenario]]\nname = \"late ship\"\n[[scenario.capacity.tnv_add]]\nname = \"cruise ship 9\"\n"
              "places = 1000\nfrom = 2031-01-06\nweeks = 26\n");
  const Result r = chainsim("validate mine.toml");
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_TRUE(has(r.out, "mine.toml: valid (3 scenario(s))\n")) << describe(r);
  EXPECT_TRUE(has(r.out,
                  "scenario \"fourth ship\" differs from the baseline in 2 values:\n"
                  "  capacity.tnv: [cruise ship 1, cruise ship 2, cruise ship 3] → "
                  "[cruise ship 1, cruise ship 2, cruise ship 3, cruise ship 4]\n"))
      << describe(r);
  EXPECT_TRUE(has(r.out,
                  "warning: scenario \"late ship\": capacity.tnv[cruise ship 9] opens on 2031-01-06, after "
                  "the last simulated week"))
      << describe(r);
  EXPECT_TRUE(has(r.out, "note: mine.toml: its [[scenario]] list replaces the seed's")) << describe(r);
}

TEST_F(NewcomerTest, ValidateAndRunSayWhenAFileKeepsTheSeedsNameOrDropsItsScenarios) {
  write_bytes(dir_ / "paths.toml", "[run]\npaths = 500\n[output]\npath = \"missing-folder/x.h5\"\n");
  const Result v = chainsim("validate paths.toml");
  ASSERT_EQ(v.rc, 0) << describe(v);
  EXPECT_TRUE(has(v.out, "warning: run.name is the seed's \"seed-2022-06\"")) << describe(v);
  EXPECT_TRUE(has(v.out, "warning: output.path \"missing-folder/x.h5\": the folder missing-folder does not exist"))
      << describe(v);
  EXPECT_TRUE(has(v.out, "the seed's scenarios no-crisis-measures, dublin-and-return-restored are not run"))
      << describe(v);
  const Result r = chainsim("run paths.toml --paths 8 --weeks 3 --out x.h5");
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_TRUE(has(r.err, "run.name is the seed's")) << describe(r);
  EXPECT_TRUE(has(r.err, "are not run")) << describe(r);
}

// ---- calibrate: the --force rule of run -----------------------------------------

TEST_F(NewcomerTest, CalibrateRefusesToOverwriteWithoutForce) {
  const fs::path data_dir = fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path() / "data";
  const std::string data = quote(data_dir);
  write_bytes(dir_ / "calibrated.toml", "# mine\n");
  const Result r = chainsim("calibrate " + data + " --out calibrated.toml");
  EXPECT_EQ(r.rc, 73) << describe(r);
  EXPECT_TRUE(has(r.err, "calibrated.toml exists; use --force to replace it")) << describe(r);
  EXPECT_EQ(read_bytes(dir_ / "calibrated.toml"), "# mine\n");
  const Result f = chainsim("calibrate " + data + " --out calibrated.toml --force");
  ASSERT_EQ(f.rc, 0) << describe(f);
  // The header names the data directory it was given.
  EXPECT_TRUE(has(read_bytes(dir_ / "calibrated.toml"),
                  "calibrated by `chainsim calibrate` on " + data_dir.generic_string() + " "))
      << describe(f);
}

// ---- scripts/forecast: outputs named after the run, --out passed through -----

TEST_F(NewcomerTest, ForecastScriptNamesOutputsAfterTheRun) {
  const fs::path repo = fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path();
  write_bytes(dir_ / "mine.toml", "[run]\nname = \"my scenario/2\"\n[output]\npath = \"mine.h5\"\n");
  const std::string env = "CHAINSIM=" + quote(std::string(CHAINSIM_BINARY)) + " OUT_DIR=" + quote(dir_ / "out") + " ";
  const std::string script = "bash " + quote(repo / "scripts" / "forecast") + " ";
  const Result r = shell(env + script + "mine.toml --paths 16 --weeks 10 --quiet");
  ASSERT_EQ(r.rc, 0) << describe(r);
  // The run name, made a file name ('/' and ' ' become '-'); never the seed's.
  EXPECT_TRUE(fs::is_regular_file(dir_ / "out" / "my-scenario-2.h5")) << describe(r);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "out" / "my-scenario-2.planning.csv")) << describe(r);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "seed-2022-06.h5"));
  const Result o = shell(env + script + "mine.toml --paths 16 --weeks 10 --quiet --out elsewhere.h5");
  ASSERT_EQ(o.rc, 0) << describe(o);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "elsewhere.h5")) << describe(o);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "elsewhere.comparison.md")) << describe(o);
}

// ---- the tables, for a hostile scenario name ------------------------------------

TEST_F(NewcomerTest, TablesReadBackWithPandasAndCsvForAHostileName) {
  // Commas, quotes, a '|', a line break and non-ASCII letters (TOML escapes).
  write_bytes(dir_ / "hostile.toml",
              "[run]\nname = \"hostile\"\n[output]\npath = \"hostile.h5\"\n"
              "[[scenario]]\nname = \"more inflow, +30% | \\\"high\\\"\\nsecond line, Zoë's\"\n"
              "[scenario.levers]\ninflow = [{ from = 2022-07-04, value = 1.3 }]\n");
  const Result r = chainsim("run hostile.toml --paths 16 --weeks 30 --quiet");
  ASSERT_EQ(r.rc, 0) << describe(r);
  write_bytes(dir_ / "check.py", R"PY(
import csv, re, sys
import pandas as pd
name = 'more inflow, +30% | "high"\nsecond line, Zoë\'s'
for table, scenario_col in (("hostile.planning.csv", "scenario"), ("hostile.comparison.csv", "scenario")):
    with open(table, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    assert all(len(r) == len(head) for r in rows), (table, [len(r) for r in rows])
    col = head.index(scenario_col)
    assert name in [r[col] for r in rows[1:]], (table, [r[col] for r in rows[1:]])
    df = pd.read_csv(table)
    assert list(df.columns) == head, table
    assert len(df) == len(rows) - 1, table
    assert name in set(df[scenario_col]), (table, set(df[scenario_col]))
    # Numbers stay numbers: no column shifted into another.
    assert df["partial"].isin([0, 1]).all(), table
    pd.to_datetime(df["period_start"], format="%Y-%m-%d")
for table in ("hostile.planning.md", "hostile.comparison.md"):
    lines = [l for l in open(table, encoding="utf-8").read().split("\n") if l.startswith("|")]
    def cells(line):
        return [c for c in re.findall(r"((?:\\.|[^|\\])*)\|", line[1:])]
    n = len(cells(lines[0]))
    assert all(len(cells(l)) == n for l in lines), (table, [len(cells(l)) for l in lines])
    assert any("more inflow, +30% \\| \"high\"<br>second line, Zoë's" in l for l in lines), table
print("ok")
)PY");
  const Result py = shell(std::string(CHAINSIM_PYTHON) + " check.py");
  EXPECT_EQ(py.rc, 0) << describe(py);
  EXPECT_EQ(py.out, "ok\n") << describe(py);
}

}  // namespace
