// Pre-flight checks refuse a run that cannot fit, with the estimate, before any
// path runs and without creating output; log lines carry time and level, a
// run without a terminal prints plain progress lines, and --quiet prints
// nothing but errors.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;
using chainsim::testing::shell;
using Result = chainsim::testing::ShellResult;

class PreflightAndLogging : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_ / "out"); }
  bool out_empty() const { return fs::is_empty(dir_ / "out"); }
  std::string run(const std::string& args) const {
    return std::string(CHAINSIM_BINARY) + " run " + args + " --out " + (dir_ / "out" / "x.h5").string();
  }
  chainsim::testing::TempDir tmp_{"chainsim-preflight"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(PreflightAndLogging, RunTooLargeForTheDiskIsRefusedWithTheEstimate) {
  // 500,000 paths x 1560 weeks of every per-path series: about 100 TB on disk,
  // while the path states and period metrics (yearly periods only) fit in memory.
  const fs::path config = dir_ / "wide.toml";
  std::ofstream(config) << "[run]\npaths = 500000\nweeks = 1560\nregions = \"national\"\n"
                           "[output]\nensemble = \"all\"\nperiods = [\"year\"]\n";
  const auto t0 = std::chrono::steady_clock::now();
  const Result r = shell(run(config.string()));
  EXPECT_EQ(r.rc, 73) << r.out;
  EXPECT_NE(r.out.find("not enough disk space"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("needs up to [0-9.]+ GiB"))) << r.out;
  EXPECT_TRUE(out_empty());
  // Refused before any path runs: immediately.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 30.0);
}

TEST_F(PreflightAndLogging, RunTooLargeForMemoryIsRefusedWithTheEstimate) {
  // No per-path series (small output), but 10^8 path states do not fit in memory.
  const fs::path config = dir_ / "big.toml";
  std::ofstream(config) << "[run]\npaths = 100000000\nregions = \"national\"\n[output]\nensemble = []\n";
  const Result r = shell(run(config.string()));
  EXPECT_EQ(r.rc, 69) << r.out;
  EXPECT_NE(r.out.find("not enough memory"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("needs about [0-9.]+ GiB"))) << r.out;
  EXPECT_TRUE(out_empty());
}

TEST_F(PreflightAndLogging, LogLinesHaveTimeAndLevelAndProgressWithoutATerminal) {
  // popen: stderr is a pipe, not a terminal, so progress comes as plain lines.
  const Result r = shell(run("--paths 200 --weeks 30"));
  ASSERT_EQ(r.rc, 0) << r.out;
  const std::regex line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (info|warn|debug): )");
  EXPECT_TRUE(std::regex_search(r.out, line)) << r.out;
  EXPECT_NE(r.out.find("info: progress"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << "no terminal bar in a log";
  EXPECT_NE(r.out.find("scenario baseline"), std::string::npos);
}

TEST_F(PreflightAndLogging, QuietPrintsNothingAndLogLevelFilters) {
  const Result quiet = shell(run("--paths 50 --weeks 10 --quiet"));
  ASSERT_EQ(quiet.rc, 0);
  EXPECT_EQ(quiet.out, "");
  fs::remove_all(dir_ / "out");
  fs::create_directories(dir_ / "out");
  const Result warn = shell(run("--paths 50 --weeks 10 --log-level warn"));
  ASSERT_EQ(warn.rc, 0);
  EXPECT_EQ(warn.out.find(" info: "), std::string::npos) << warn.out;
  EXPECT_NE(warn.out.find("scenario(s)"), std::string::npos) << "the summary still goes to stdout";
}

}  // namespace
