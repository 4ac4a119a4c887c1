// scripts/chainsim_reader.py opens a run as tidy xarray and pandas objects: the
// statistics of a variable with a `statistic` dimension equal, value for value,
// to the flat variables of the file; per-path paired differences that average
// to the file's own paired differences; the tables beside the file as
// DataFrames with the same period labels as the HDF5 file; and the planning
// table per safety region with one row per period, scenario and region.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using chainsim::testing::shell;
using Result = chainsim::testing::ShellResult;

fs::path scripts_dir() { return fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path() / "scripts"; }

class ChainsimReader : public chainsim::testing::SuiteRun<ChainsimReader> {
 protected:
  static void SetUpTestSuite() { make_run("chainsim-reader", "--paths 64 --weeks 40"); }

  // Runs `body` with `run` opened by the reader (and numpy, xarray, pandas imported).
  static Result python(const std::string& name, const std::string& body) {
    const fs::path script = dir_ / (name + ".py");
    // No .pyc in the source tree: the scripts folder may be read-only.
    std::ofstream(script) << "import sys\nsys.dont_write_bytecode = True\nsys.path.insert(0, sys.argv[1])\n"
                             "import numpy as np\nimport pandas as pd\nimport xarray as xr\n"
                             "import chainsim_reader as cr\nrun = cr.open_run(sys.argv[2])\n"
                          << body << "\nprint('ok')\n";
    return shell(std::string(CHAINSIM_PYTHON) + " " + script.string() + " " + scripts_dir().string() + " " +
                 out_.string());
  }
};

TEST_F(ChainsimReader, StatisticsAsADimensionEqualTheFlatVariables) {
  const Result r = python("statistics", R"PY(
ds = run.ds
occ = run.statistics("occupancy")
assert occ.dims == ("scenario", "statistic", "week"), occ.dims
assert list(occ.statistic.values) == ["mean", "sd", "p05", "p10", "p25", "p50", "p75", "p90", "p95"], occ.statistic
np.testing.assert_array_equal(occ.sel(statistic="mean").values, ds["occupancy_mean"].values)
np.testing.assert_array_equal(occ.sel(statistic="sd").values, ds["occupancy_sd"].values)
np.testing.assert_array_equal(occ.sel(statistic="p50").values, ds["occupancy_quantile"].sel(quantile=0.5).values)
assert occ.attrs["units"] == "1" and "persons" in occ.attrs["long_name"], occ.attrs
reg = run.statistics("permit_holders_regional")
assert reg.dims == ("scenario", "statistic", "week", "region"), reg.dims
np.testing.assert_array_equal(reg.sel(statistic="p95").values,
                              ds["permit_holders_regional_quantile"].sel(quantile=0.95).values)
per = run.statistics("period_occupancy")
assert per.dims == ("scenario", "statistic", "period") and list(per.statistic.values) == ["mean", "p05", "p50", "p95"]
diff = run.difference("occupancy")
assert diff.dims == ("scenario", "statistic", "period") and list(diff.statistic.values) == ["mean", "p05", "p95"]
tidy = run.tidy("occupancy")
assert list(tidy.columns) == ["scenario", "statistic", "week", "value"], tidy.columns
assert len(tidy) == 3 * 9 * 40, len(tidy)
try:
    run.statistics("no_such_variable")
    raise AssertionError("no error for an unknown name")
except KeyError as e:
    assert "no_such_variable" in str(e)
)PY");
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(ChainsimReader, PairedDifferencesPerPathAverageToTheFilesOwn) {
  // Path p of every scenario met the same draws (common random numbers): the
  // baseline's own difference is zero everywhere, and the mean over paths of
  // (scenario - baseline) equals the difference of the weekly means.
  const Result r = python("paired", R"PY(
d = run.paired_difference("occupancy")
assert d.dims == ("scenario", "path", "week"), d.dims
assert (d.sel(scenario=run.baseline) == 0).all()
ds = run.ds
np.testing.assert_allclose(d.mean("path").values,
                           (ds["occupancy_mean"] - ds["occupancy_mean"].sel(scenario=run.baseline)).values,
                           rtol=0, atol=1e-6)
assert float(abs(d.sel(scenario="no-crisis-measures")).max()) > 0, "the policy scenario changes nothing"
)PY");
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(ChainsimReader, TablesShareThePeriodLabelsOfTheFile) {
  // One form of period label in every output ("2022-Q3", "2022-H2", "2023").
  const Result r = python("tables", R"PY(
labels = [str(p) for p in run.ds["period"].values]
assert len(set(labels)) == len(labels), labels
assert all("(" not in p for p in labels), labels
plan, comp, regional = run.planning(), run.comparison(), run.regional_planning()
for name, t in (("planning", plan), ("comparison", comp), ("regional", regional)):
    assert list(dict.fromkeys(t["period"])) == labels, (name, list(dict.fromkeys(t["period"])), labels)
kinds = [str(k) for k in run.ds["period_kind"].values]
assert list(dict.fromkeys(zip(plan["period"], plan["period_kind"]))) == list(zip(labels, kinds))
assert len(plan) == len(labels) * len(run.scenarios), len(plan)
assert len(comp) == len(labels) * (len(run.scenarios) - 1), len(comp)
)PY");
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(ChainsimReader, RegionalPlanningTableHasEveryRegionAndMatchesTheFile) {
  const Result r = python("regional", R"PY(
t = run.regional_planning()
ds = run.ds
regions = [str(c) for c in ds["region"].values]
periods = [str(p) for p in ds["period"].values]
assert len(t) == len(periods) * len(run.scenarios) * len(regions), len(t)
assert list(dict.fromkeys(t["region"])) == regions
assert t["region_name"].notna().all()
# The median at the period's last week is the file's weekly quantile there (rounded to 2 decimals).
q = ds["permit_holders_regional_quantile"].sel(quantile=0.5)
last = ds["period_end_week"].values - 1
for k, p in enumerate(periods):
    for s in run.scenarios:
        rows = t[(t["period"] == p) & (t["scenario"] == s)].set_index("region")
        want = q.sel(scenario=s).isel(week=int(last[k])).values
        np.testing.assert_allclose(rows.loc[regions, "permit_holders_p50"].values, want, atol=0.006)
        # Housed in the period (mean): the sum of the weekly regional means.
        h = ds["housed_regional_mean"].sel(scenario=s).isel(week=slice(int(ds["period_first_week"].values[k]),
                                                                       int(last[k]) + 1)).sum("week").values
        np.testing.assert_allclose(rows.loc[regions, "housed_mean"].values, h, atol=0.006)
# Regions add up to the nation: the sum of the regional housed means is the national housed mean.
nat = ds["housed_mean"].sum("week").values
reg = ds["housed_regional_mean"].sum(("week", "region")).values
np.testing.assert_allclose(reg, nat, rtol=1e-9)
md = open(str(cr.table_stem(run.path)) + ".regional.md", encoding="utf-8").read().splitlines()
rows = [l for l in md if l.startswith("| ") and not l.startswith("| period")]
assert len(rows) == len(t), (len(rows), len(t))
)PY");
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(ChainsimReader, RegionalTableKeepsAHostileScenarioNameIntact) {
  // RFC 4180 quoting in the CSV (comma, quotes, line break), '|' escaped and
  // the line break a space in Markdown; pandas and the csv module read the
  // name back unchanged.
  const fs::path config = dir_ / "hostile.toml";
  std::ofstream(config) << "[[scenario]]\nname = \"more inflow, +30% | \\\"high\\\"\\nline 2 \u00e9\"\n"
                           "[scenario.levers]\nreturn = [{ from = 2023-01-02, value = 1.5 }]\n";
  const fs::path h5 = dir_ / "hostile.h5";
  const Result run = shell(std::string(CHAINSIM_BINARY) + " run --paths 20 --weeks 20 --quiet --out " + h5.string() +
                           " " + config.string());
  ASSERT_EQ(run.rc, 0) << run.out;
  const fs::path script = dir_ / "hostile.py";
  std::ofstream(script) << R"PY(
import csv, sys
import pandas as pd
stem = sys.argv[1]
name = 'more inflow, +30% | "high"\nline 2 \u00e9'
t = pd.read_csv(stem + ".regional.csv", keep_default_na=False)
assert list(t["scenario"].unique()) == ["baseline", name], t["scenario"].unique()
rows = list(csv.reader(open(stem + ".regional.csv", newline="", encoding="utf-8")))
assert {len(r) for r in rows} == {13}, {len(r) for r in rows}
assert sum(r[5] == name for r in rows) == len(t) // 2
md = [l for l in open(stem + ".regional.md", encoding="utf-8").read().splitlines() if l.startswith("| 20")]
assert len(md) == len(t), (len(md), len(t))
for line in md:
    cells = [c for c in line.replace("\\|", "").split("|")][1:-1]
    assert len(cells) == 6, line
print("ok")
)PY";
  const Result r = shell(std::string(CHAINSIM_PYTHON) + " " + script.string() + " " + (dir_ / "hostile").string());
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(ChainsimReader, RejectsAFileThatIsNotChainsimOutput) {
  const fs::path other = dir_ / "other.h5";
  const Result made =
      shell(std::string(CHAINSIM_PYTHON) + " -c \"import h5py,sys; h5py.File(sys.argv[1],'w')\" " + other.string());
  ASSERT_EQ(made.rc, 0) << made.out;
  const Result r = shell(std::string(CHAINSIM_PYTHON) + " " + (scripts_dir() / "chainsim_reader.py").string() + " " +
                         other.string());
  EXPECT_NE(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("not a chainsim output file"), std::string::npos) << r.out;
}

}  // namespace
