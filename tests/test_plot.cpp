// End-to-end tests of scripts/plot: chainsim writes a small run, Debian's
// Python draws the fan charts, and the PNGs are checked (signature, size and
// the pixel dimensions in the IHDR chunk). Every test works in its own
// temporary directory and runs the programs through the shell.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef CHAINSIM_BINARY
#error "CHAINSIM_BINARY must name the chainsim executable"
#endif
#ifndef CHAINSIM_PYTHON
#error "CHAINSIM_PYTHON must name a Python with numpy, h5py and matplotlib"
#endif
#ifndef CHAINSIM_TEST_DATA_DIR
#error "CHAINSIM_TEST_DATA_DIR must name <repo>/tests/data"
#endif

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kNationalCharts = {"occupancy.png", "permit_holders.png", "inflow.png"};
const std::string kRegionalChart = "permit_holders_regions.png";

std::string quote(const std::string& s) {  // for /bin/sh
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}
std::string quote(const fs::path& p) { return quote(p.string()); }

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << p;
}

fs::path plot_script() { return fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path() / "scripts" / "plot"; }

struct Result {
  int rc = -1;
  std::string out, err;
};

std::string describe(const Result& r) {
  return "exit status " + std::to_string(r.rc) + "\n--- stdout ---\n" + r.out + "\n--- stderr ---\n" + r.err;
}

std::uint32_t big_endian_u32(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(bytes[at + k]);
  return v;
}

// Checks one chart: PNG signature, IHDR first, plausible file size and pixels.
void expect_plausible_png(const fs::path& png) {
  SCOPED_TRACE(png.string());
  ASSERT_TRUE(fs::is_regular_file(png)) << "missing chart " << png;
  const std::string bytes = read_file(png);
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
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            (std::string("chainsim-plot-") + info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    dir_ = root_ / "work";
    io_ = root_ / "io";
    fs::create_directories(dir_);
    fs::create_directories(io_);
    ASSERT_TRUE(fs::is_regular_file(plot_script())) << "missing " << plot_script();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  Result shell(const std::string& command) const {
    const fs::path out = io_ / "stdout", err = io_ / "stderr";
    const std::string full =
        "cd " + quote(dir_) + " && " + command + " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
    const int status = std::system(full.c_str());
    Result r;
    r.rc = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }

  Result chainsim(const std::string& args) const { return shell(quote(std::string(CHAINSIM_BINARY)) + " " + args); }

  Result plot(const fs::path& file, const fs::path& outdir) const {
    return shell(quote(std::string(CHAINSIM_PYTHON)) + " " + quote(plot_script()) + " " + quote(file) +
                 " --outdir " + quote(outdir));
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

  fs::path root_, dir_, io_;
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
    EXPECT_NE(r.out.find((charts / name).string()), std::string::npos)
        << "stdout does not name " << name << "\n" << describe(r);
  }
  expect_only(charts, all);
}

TEST_F(PlotTest, NationalRunSkipsRegionalChart) {
  const fs::path config = dir_ / "national.toml";
  write_file(config, "[run]\nregions = \"national\"\n");
  const fs::path h5 = dir_ / "national.h5";
  const Result run = chainsim("run --quiet --paths 60 --weeks 40 --out " + quote(h5) + " " + quote(config));
  ASSERT_EQ(run.rc, 0) << describe(run);

  const fs::path charts = dir_ / "charts";
  const Result r = plot(h5, charts);
  ASSERT_EQ(r.rc, 0) << describe(r);
  for (const auto& name : kNationalCharts) expect_plausible_png(charts / name);
  EXPECT_FALSE(fs::exists(charts / kRegionalChart));
  EXPECT_NE((r.out + r.err).find("skipped"), std::string::npos) << "no message about the skipped chart\n"
                                                                 << describe(r);
  expect_only(charts, kNationalCharts);
}

TEST_F(PlotTest, DefaultOutdirIsNextToTheFile) {
  const fs::path h5 = dir_ / "small.h5";
  const Result run = chainsim("run --quiet --paths 20 --weeks 20 --out " + quote(h5));
  ASSERT_EQ(run.rc, 0) << describe(run);
  const Result r = shell(quote(std::string(CHAINSIM_PYTHON)) + " " + quote(plot_script()) + " " + quote(h5));
  ASSERT_EQ(r.rc, 0) << describe(r);
  for (const auto& name : kNationalCharts) EXPECT_TRUE(fs::is_regular_file(dir_ / "small-charts" / name)) << name;
}

TEST_F(PlotTest, RejectsFileThatIsNotChainsimOutput) {
  const fs::path text = dir_ / "notes.txt";
  write_file(text, "this is not an HDF5 file\n");
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
