// The output file is something researchers open with the tools they already
// use: ncdump lists its named dimensions and variables; xarray (engines
// h5netcdf and netcdf4) decodes dates, keeps person counts as integers and
// returns the resolved configuration as a string; identical runs give identical
// bytes; the run manifest sidecar is valid JSON with what varies between runs.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

namespace fs = std::filesystem;
using chainsim::testing::read_bytes;
using chainsim::testing::shell;
using Result = chainsim::testing::ShellResult;

class OutputFormat : public chainsim::testing::SuiteRun<OutputFormat> {
 protected:
  static void SetUpTestSuite() { make_run("chainsim-format", "--paths 64 --weeks 30"); }
};

TEST_F(OutputFormat, NcdumpListsNamedDimensionsAndVariables) {
  if (shell("command -v ncdump").rc != 0) GTEST_SKIP() << "ncdump (netcdf-bin) is not installed";
  const Result r = shell("ncdump -h " + out_.string());
  ASSERT_EQ(r.rc, 0) << r.out;
  for (const char* dim :
       {"scenario = 3", "path = 64", "week = 30", "region = 25", "quantile = 7", "period = ", "risk_level = 2"})
    EXPECT_NE(r.out.find(dim), std::string::npos) << dim << "\n" << r.out.substr(0, 2000);
  for (const char* var : {"int occupancy(scenario, path, week)", "double occupancy_quantile(scenario, week, quantile)",
                          "double permit_holders_regional_mean(scenario, week, region)",
                          "double capacity_needed(scenario, period, risk_level)",
                          "week:units = \"days since 2022-06-20\"", ":Conventions = \"CF-1.8\"", ":format_version = 2"})
    EXPECT_NE(r.out.find(var), std::string::npos) << var;
}

TEST_F(OutputFormat, XarrayOpensItWithBothEngines) {
  const fs::path script = dir_ / "check.py";
  std::ofstream(script) << R"PY(
import sys
import numpy as np
import xarray as xr
path = sys.argv[1]
for engine in ("h5netcdf", "netcdf4"):
    ds = xr.open_dataset(path, engine=engine)
    for dim in ("scenario", "path", "week", "region", "quantile", "period", "risk_level"):
        assert dim in ds.dims, (engine, dim, ds.dims)
    assert np.issubdtype(ds["week"].dtype, np.datetime64), (engine, ds["week"].dtype)
    assert str(ds["week"].values[0])[:10] == "2022-06-20", ds["week"].values[0]
    assert str(ds["week"].values[1])[:10] == "2022-06-27", ds["week"].values[1]
    for name in ("occupancy", "shortfall", "permit_holders", "capacity", "first_applications"):
        assert np.issubdtype(ds[name].dtype, np.integer), (engine, name, ds[name].dtype)
        assert ds[name].dims == ("scenario", "path", "week"), ds[name].dims
    conf = ds.attrs["configuration"]
    assert isinstance(conf, str) and "[run]" in conf and "[[scenario]]" in conf, type(conf)
    assert list(ds["scenario"].values) == ["baseline", "no-crisis-measures", "dublin-and-return-restored"]
    assert ds["occupancy_quantile"].dims == ("scenario", "week", "quantile")
    med = ds["occupancy_quantile"].sel(scenario="baseline", quantile=0.5)
    assert med.sizes["week"] == 30
    ds.close()
print("ok")
)PY";
  const Result r = shell(std::string(CHAINSIM_PYTHON) + " " + script.string() + " " + out_.string());
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(OutputFormat, AttributesFollowCfWithUdunitsUnits) {
  // Units that UDUNITS-2 parses (counts of persons and places are "1", the
  // long_name says what is counted; euros are "1" with a currency attribute),
  // cell_methods with CF's methods on every statistic over paths and every
  // per-path series, the time coordinate marked, and period labels that are
  // the planning tables' labels. No CF checker is packaged by Debian 12, so
  // the rules are checked here directly.
  const fs::path script = dir_ / "cf.py";
  std::ofstream(script) << R"PY(
import re, sys
import h5py
f = h5py.File(sys.argv[1], "r")
def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)
methods = {"point", "sum", "maximum", "median", "mid_range", "minimum", "mean", "mode", "range",
           "standard_deviation", "variance"}
problems = []
for name, var in f.items():
    attrs = {k: text(v) for k, v in var.attrs.items() if k in ("units", "cell_methods", "long_name", "currency")}
    units = attrs.get("units")
    dated = units is not None and re.fullmatch(r"days since \d{4}-\d{2}-\d{2}", units)
    if units is not None and units not in ("1", "week", "day") and not dated:
        problems.append(f"{name}: units {units!r} is not one of the UDUNITS forms used")
    cm = attrs.get("cell_methods")
    if cm is not None:
        for nm, method in re.findall(r"(\w+):\s*(\w+)", cm):
            if method not in methods:
                problems.append(f"{name}: cell_methods method {method!r}")
            if nm not in ("week", "realization"):
                problems.append(f"{name}: cell_methods name {nm!r}")
    if name.endswith("_mean") and "realization: mean" not in (cm or ""):
        problems.append(f"{name}: cell_methods {cm!r} lacks 'realization: mean'")
    if name.endswith("_sd") and "realization: standard_deviation" not in (cm or ""):
        problems.append(f"{name}: cell_methods {cm!r} lacks 'realization: standard_deviation'")
    if units == "1" and not attrs.get("long_name"):
        problems.append(f"{name}: units 1 without a long_name")
def attr(n, a):
    return text(f[n].attrs[a]) if a in f[n].attrs else None
for name, want in (("occupancy_mean", "week: point realization: mean"),
                   ("first_applications_sd", "week: sum realization: standard_deviation"),
                   ("capacity_quantile", "week: point"), ("occupancy", "week: point"),
                   ("first_applications", "week: sum")):
    if attr(name, "cell_methods") != want:
        problems.append(f"{name}: cell_methods {attr(name, 'cell_methods')!r}, expected {want!r}")
cost = {a: attr("cost_eur_mean", a) for a in ("units", "currency", "long_name")}
if cost["units"] != "1" or cost["currency"] != "EUR" or "euro" not in (cost["long_name"] or ""):
    problems.append("cost_eur_mean: expected units 1, currency EUR and 'euro' in the long_name")
if attr("occupancy_mean", "long_name") != "persons in reception at end of week (persons; mean over paths)":
    problems.append(f"occupancy_mean: long_name {attr('occupancy_mean', 'long_name')!r}")
occ = (attr("occupancy", "units"), attr("occupancy", "long_name"))
if occ != ("1", "persons in reception at end of week (persons)"):
    problems.append("occupancy: expected units 1 and the long_name saying persons")
if attr("period_shortfall_person_weeks_mean", "units") != "week":
    problems.append("period_shortfall_person_weeks_mean: expected units week")
if attr("week", "standard_name") != "time" or attr("week", "axis") != "T":
    problems.append("week: expected standard_name time and axis T")
labels = [text(p) for p in f["period"][()]]
if any("(" in p for p in labels) or not {"2022-Q3", "2022-H2", "2022"} <= set(labels):
    problems.append(f"period labels {labels}")
print("\n".join(problems) if problems else "ok")
sys.exit(1 if problems else 0)
)PY";
  const Result r = shell(std::string(CHAINSIM_PYTHON) + " " + script.string() + " " + out_.string());
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(OutputFormat, IdenticalRunsGiveIdenticalBytesAndTheManifestHoldsWhatVaries) {
  // The same command in two directories (the output path is part of the resolved
  // configuration inside the file, so it is the same relative name): no time,
  // host or thread count inside, so the bytes are identical.
  for (const char* sub : {"a", "b"}) {
    fs::create_directories(dir_ / sub);
    const Result r =
        shell("cd " + (dir_ / sub).string() + " && " + CHAINSIM_BINARY +
              " run --paths 64 --weeks 30 --quiet --threads " + (sub[0] == 'a' ? "1" : "2") + " --out run.h5");
    ASSERT_EQ(r.rc, 0) << r.out;
  }
  EXPECT_TRUE(read_bytes(dir_ / "a" / "run.h5") == read_bytes(dir_ / "b" / "run.h5"));
  const fs::path again = dir_ / "b" / "run.h5";
  const fs::path manifest = again.string() + ".run.json";
  ASSERT_TRUE(fs::exists(manifest));
  const Result j = shell(std::string(CHAINSIM_PYTHON) +
                         " -c \"import json,sys; m=json.load(open(sys.argv[1])); "
                         "assert m['status']=='completed' and m['exit_status']==0; "
                         "assert m['threads']>=1 and m['host'] and m['start_utc'] and m['wall_seconds']>=0; "
                         "assert len(m['scenarios'])==3 and len(m['outputs'])==7; print('ok')\" " +
                         manifest.string());
  EXPECT_EQ(j.rc, 0) << j.out;
}

TEST_F(OutputFormat, WindowLengthChangesNoByteAndChunksSpanTheHorizon) {
  // Simulating in windows of 7 weeks (path states kept in between) writes the same
  // file as one 30-week window; per-path chunks are 64 paths (all) x 30 weeks.
  for (const char* sub : {"w-all", "w-7"}) {
    fs::create_directories(dir_ / sub);
    const std::string extra = std::string(sub) == "w-7" ? " --window-weeks 7" : "";
    const Result r = shell("cd " + (dir_ / sub).string() + " && " + CHAINSIM_BINARY +
                           " run --paths 64 --weeks 30 --quiet --out run.h5" + extra);
    ASSERT_EQ(r.rc, 0) << r.out;
  }
  EXPECT_TRUE(read_bytes(dir_ / "w-all" / "run.h5") == read_bytes(dir_ / "w-7" / "run.h5"));
  const Result c = shell(std::string(CHAINSIM_PYTHON) +
                         " -c \"import h5py,sys; f=h5py.File(sys.argv[1]); "
                         "assert f['occupancy'].chunks == (1, 64, 30), f['occupancy'].chunks; "
                         "assert f['occupancy'].compression == 'gzip' and f['occupancy'].shuffle; print('ok')\" " +
                         (dir_ / "w-7" / "run.h5").string());
  EXPECT_EQ(c.rc, 0) << c.out;
}

}  // namespace
