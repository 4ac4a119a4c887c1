// End-to-end tests of scripts/plot: chainsim writes a small run, Debian's
// Python draws the fan charts, and the PNGs are checked (signature, size and
// the pixel dimensions in the IHDR chunk); the script's own record of what it
// drew (charts.json) names every legend entry with its colour and style, and
// each scenario's line must show pixels of its colour in the PNG. Every test
// works in its own temporary directory and runs the programs through the shell.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Drawn for every run with per-path series (kept by default) and more than one scenario.
const std::vector<std::string> kNationalCharts = {"occupancy.png", "permit_holders.png", "inflow.png",
                                                  "differences.png"};
const std::string kRegionalChart = "permit_holders_regions.png";
const std::string kRecord = "charts.json";

using namespace chainsim::testing;  // tests/process_helpers.hpp
using Result = CommandResult;

fs::path plot_script() { return fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path() / "scripts" / "plot"; }

std::uint32_t big_endian_u32(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(bytes[at + k]);
  return v;
}

// Checks one chart: PNG signature, IHDR first, plausible file size and pixels.
void expect_plausible_png(const fs::path& png) {
  SCOPED_TRACE(png.string());
  ASSERT_TRUE(fs::is_regular_file(png)) << "missing chart " << png;
  const std::string bytes = read_bytes(png);
  ASSERT_GE(bytes.size(), 33u) << "too short to be a PNG";
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << "no PNG signature";
  EXPECT_GT(bytes.size(), 10u * 1024) << "suspiciously small chart";
  EXPECT_LT(bytes.size(), 5u * 1024 * 1024) << "suspiciously large chart";
  // The first chunk: length 13, type IHDR, then width and height (big-endian).
  EXPECT_EQ(big_endian_u32(bytes, 8), 13u);
  ASSERT_EQ(bytes.substr(12, 4), "IHDR") << "first chunk is not IHDR";
  const std::uint32_t width = big_endian_u32(bytes, 16), height = big_endian_u32(bytes, 20);
  EXPECT_GE(width, 600u) << width << "x" << height;
  EXPECT_GE(height, 400u) << width << "x" << height;
  EXPECT_LE(width, 10000u) << width << "x" << height;
  EXPECT_LE(height, 10000u) << width << "x" << height;
}

class PlotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_);
    fs::create_directories(io_);
    ASSERT_TRUE(fs::is_regular_file(plot_script())) << "missing " << plot_script();
  }

  Result shell(const std::string& command) const { return chainsim::testing::run_command(command, dir_, io_); }

  Result chainsim(const std::string& args) const { return shell(quote(std::string(CHAINSIM_BINARY)) + " " + args); }

  Result plot(const fs::path& file, const fs::path& outdir) const {
    return shell(quote(std::string(CHAINSIM_PYTHON)) + " " + quote(plot_script()) + " " + quote(file) + " --outdir " +
                 quote(outdir));
  }

  // No temporary files may be left behind in the chart directory.
  static void expect_only(const fs::path& outdir, const std::vector<std::string>& names) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(outdir)) found.push_back(e.path().filename().string());
    std::sort(found.begin(), found.end());
    std::vector<std::string> want = names;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(found, want);
  }

  chainsim::testing::TempDir tmp_{"chainsim-plot"};
  const fs::path dir_ = tmp_.path() / "work", io_ = tmp_.path() / "io";
};

TEST_F(PlotTest, RegionalRunDrawsFourCharts) {
  const fs::path h5 = dir_ / "run.h5";
  const Result run = chainsim("run --quiet --paths 100 --weeks 60 --out " + quote(h5));
  ASSERT_EQ(run.rc, 0) << describe(run);
  ASSERT_TRUE(fs::is_regular_file(h5));

  const fs::path charts = dir_ / "charts";
  const Result r = plot(h5, charts);
  ASSERT_EQ(r.rc, 0) << describe(r);
  std::vector<std::string> all = kNationalCharts;
  all.push_back(kRegionalChart);
  for (const auto& name : all) {
    expect_plausible_png(charts / name);
    EXPECT_NE(r.out.find((charts / name).string()), std::string::npos) << "stdout does not name " << name << "\n"
                                                                       << describe(r);
  }
  all.push_back(kRecord);
  expect_only(charts, all);
}

TEST_F(PlotTest, NationalRunSkipsRegionalChart) {
  const fs::path config = dir_ / "national.toml";
  write_bytes(config, "[run]\nregions = \"national\"\n");
  const fs::path h5 = dir_ / "national.h5";
  const Result run = chainsim("run --quiet --paths 60 --weeks 40 --out " + quote(h5) + " " + quote(config));
  ASSERT_EQ(run.rc, 0) << describe(run);

  const fs::path charts = dir_ / "charts";
  const Result r = plot(h5, charts);
  ASSERT_EQ(r.rc, 0) << describe(r);
  // A file with only [run] has one scenario: nothing to difference either.
  std::vector<std::string> all(kNationalCharts.begin(), kNationalCharts.end() - 1);
  for (const auto& name : all) expect_plausible_png(charts / name);
  EXPECT_FALSE(fs::exists(charts / kRegionalChart));
  EXPECT_NE(r.err.find("skipped permit_holders_regions.png"), std::string::npos)
      << "no message about the skipped chart\n"
      << describe(r);
  EXPECT_NE(r.err.find("skipped differences.png: only one scenario"), std::string::npos) << describe(r);
  all.push_back(kRecord);
  expect_only(charts, all);
}

TEST_F(PlotTest, DefaultOutdirIsNextToTheFile) {
  const fs::path h5 = dir_ / "small.h5";
  const Result run = chainsim("run --quiet --paths 20 --weeks 20 --out " + quote(h5));
  ASSERT_EQ(run.rc, 0) << describe(run);
  const Result r = shell(quote(std::string(CHAINSIM_PYTHON)) + " " + quote(plot_script()) + " " + quote(h5));
  ASSERT_EQ(r.rc, 0) << describe(r);
  for (const auto& name : kNationalCharts) EXPECT_TRUE(fs::is_regular_file(dir_ / "small-charts" / name)) << name;
}

// Reads charts.json and each PNG: every scenario has a legend entry in every
// chart that overlays or panels scenarios, the entries differ in colour or
// line style, and each scenario's line is visible along the simulated weeks.
// Visible: pixels of exactly the line's colour (within 8/255 per channel:
// hatches and band edges are drawn translucent, so only the line itself has
// that colour) in at least 80 % of the pixel columns of the forecast in some
// panel, a column counting when such a pixel lies within 4 columns of it (the
// gaps of a dashed or dotted line). A line drawn under another of the same
// values for a fifth of the horizon fails. The charts
// with a time axis also carry the observed history from data/.
const char* kCheckVisibility = R"PY(
import json, sys
import numpy as np
import matplotlib.image as mpimg
charts, scenarios = sys.argv[1], sys.argv[2].split("|")
record = json.load(open(f"{charts}/charts.json", encoding="utf-8"))["figures"]
want = {"occupancy.png": scenarios, "permit_holders.png": scenarios, "inflow.png": scenarios,
        "differences.png": scenarios[1:], "permit_holders_regions.png": scenarios}
problems = []
for name, expected in want.items():
    fig = record.get(name)
    if fig is None:
        problems.append(f"{name}: not in charts.json"); continue
    lines = [e for e in fig["legend"] if e["kind"] == "scenario"]
    covered = {s for e in lines for s in e["scenarios"]}
    for s in expected:
        if s not in covered:
            problems.append(f"{name}: no legend entry for scenario {s!r}")
    styles = [(e["color"], json.dumps(e["linestyle"])) for e in lines]
    if name != "occupancy.png" and len(set(styles)) != len(styles):
        problems.append(f"{name}: two scenarios share colour and line style: {styles}")
    if name != "differences.png" and name != "permit_holders_regions.png":
        if not any(e["kind"] == "observed" for e in fig["legend"]):
            problems.append(f"{name}: no observed history")
    img = mpimg.imread(f"{charts}/{name}")[:, :, :3]
    if img.dtype != np.uint8:
        img = np.round(img * 255).astype(int)
    h, w = img.shape[:2]
    if [w, h] != fig["size_px"]:
        problems.append(f"{name}: PNG is {w}x{h}, charts.json says {fig['size_px']}")
    if fig["forecast_px"] < 100:
        problems.append(f"{name}: the simulated weeks are only {fig['forecast_px']} pixels wide")
    for e in lines:
        rgb = np.array([int(e["color"][k:k + 2], 16) for k in (1, 3, 5)])
        exact = np.abs(img - rgb).max(axis=2) <= 8
        best = 0.0
        for (x0, y0, x1, y1), (f0, f1) in zip(fig["axes_px"], fig["forecast_cols"]):
            cols = exact[max(0, y0):min(h, y1), :].any(axis=0)
            near = np.convolve(cols.astype(int), np.ones(9, int), mode="same") > 0
            best = max(best, float(near[f0:f1].mean()))
        print(f"{name}: {e['label']!r} {e['color']} visible in {best:.0%} of the forecast's columns")
        if best < 0.8:
            problems.append(f"{name}: {e['label']!r} visible in only {best:.0%} of the forecast's columns")
print("\n".join(problems) if problems else "ok")
sys.exit(1 if problems else 0)
)PY";

TEST_F(PlotTest, EveryScenarioIsInTheLegendAndVisibleInItsColour) {
  const fs::path h5 = dir_ / "run.h5";
  const Result run = chainsim("run --quiet --paths 100 --weeks 60 --out " + quote(h5));
  ASSERT_EQ(run.rc, 0) << describe(run);
  const fs::path charts = dir_ / "charts";
  const Result r = plot(h5, charts);
  ASSERT_EQ(r.rc, 0) << describe(r);
  const fs::path script = dir_ / "check.py";
  write_bytes(script, kCheckVisibility);
  const Result c = shell(quote(std::string(CHAINSIM_PYTHON)) + " " + quote(script) + " " + quote(charts) + " " +
                         quote(std::string("baseline|no-crisis-measures|dublin-and-return-restored")));
  EXPECT_EQ(c.rc, 0) << describe(c);
}

TEST_F(PlotTest, RejectsFileThatIsNotChainsimOutput) {
  const fs::path text = dir_ / "notes.txt";
  write_bytes(text, "this is not an HDF5 file\n");
  const fs::path charts = dir_ / "charts";
  const Result r = plot(text, charts);
  EXPECT_NE(r.rc, 0) << describe(r);
  EXPECT_EQ(r.rc, 2) << describe(r);
  EXPECT_NE(r.err.find("not a chainsim output file"), std::string::npos) << describe(r);
  EXPECT_EQ(r.err.find("Traceback"), std::string::npos) << describe(r);
  EXPECT_FALSE(fs::exists(charts / "occupancy.png"));

  const Result missing = plot(dir_ / "absent.h5", charts);
  EXPECT_EQ(missing.rc, 2) << describe(missing);
  EXPECT_NE(missing.err.find("absent.h5"), std::string::npos) << describe(missing);
}

}  // namespace
