// The scheduled forecast, started exactly as the systemd unit starts it (its
// ExecStart and Environment lines, with the install paths mapped to a test
// folder), writes a dated output and moves the `latest` pointer; a second start
// does not redo a finished month; a later month moves the pointer atomically.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using chainsim::testing::shell;
using Result = chainsim::testing::ShellResult;

const fs::path kRepo = fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path();

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string unit_value(const std::string& unit, const std::string& key) {
  std::istringstream in(unit);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  return "";
}

class Schedule : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() / ("chainsim-schedule-" + std::to_string(getpid()));
    fs::remove_all(tmp_);
    fs::create_directories(tmp_ / "etc");
    std::ofstream(tmp_ / "etc" / "forecast.toml") << "[run]\npaths = 40\nweeks = 16\n";
    // The unit's command line and environment, with install paths mapped here.
    const std::string unit = read_text(kRepo / "scripts" / "schedule" / "chainsim-forecast.service");
    auto map = [&](std::string s) {
      s = replace_all(s, "/opt/chainsim/build/app/chainsim", CHAINSIM_BINARY);
      s = replace_all(s, "/opt/chainsim", kRepo.string());
      s = replace_all(s, "/var/lib/chainsim/forecasts", (tmp_ / "forecasts").string());
      return replace_all(s, "/etc/chainsim/forecast.toml", (tmp_ / "etc" / "forecast.toml").string());
    };
    exec_start_ = map(unit_value(unit, "ExecStart"));
    environment_ = map(unit_value(unit, "Environment"));
    ASSERT_NE(exec_start_.find("monthly-forecast"), std::string::npos) << exec_start_;
    ASSERT_NE(environment_.find("CHAINSIM_BIN="), std::string::npos) << environment_;
  }
  void TearDown() override { fs::remove_all(tmp_); }

  Result start_as_systemd(const std::string& extra = "") {
    return shell("env " + environment_ + " " + exec_start_ + extra);
  }

  fs::path tmp_;
  std::string exec_start_, environment_;
};

TEST_F(Schedule, UnitCommandWritesADatedForecastAndMovesLatest) {
  const Result r = start_as_systemd();
  ASSERT_EQ(r.rc, 0) << exec_start_ << "\n" << r.out;
  const Result month = shell("date -u +%Y-%m-01");
  const std::string day = month.out.substr(0, 10);
  const fs::path dated = tmp_ / "forecasts" / day;
  EXPECT_TRUE(fs::is_regular_file(dated / "forecast.h5")) << r.out;
  EXPECT_TRUE(fs::is_regular_file(dated / "forecast.planning.csv"));
  EXPECT_TRUE(fs::is_regular_file(dated / "forecast.h5.run.json"));
  EXPECT_FALSE(fs::exists(dated / "forecast.h5.ckpt"));
  const fs::path latest = tmp_ / "forecasts" / "latest";
  ASSERT_TRUE(fs::is_symlink(latest));
  EXPECT_EQ(fs::read_symlink(latest), fs::path(day));
  EXPECT_TRUE(fs::is_regular_file(latest / "forecast.h5"));

  // Started again (a retry, a second timer firing): nothing is redone.
  const auto written = fs::last_write_time(dated / "forecast.h5");
  const Result again = start_as_systemd();
  ASSERT_EQ(again.rc, 0) << again.out;
  EXPECT_NE(again.out.find("nothing to do"), std::string::npos) << again.out;
  EXPECT_EQ(fs::last_write_time(dated / "forecast.h5"), written);

  // The next month's run moves the pointer; the old forecast stays.
  const Result next = start_as_systemd(" --date 2099-01-01");
  ASSERT_EQ(next.rc, 0) << next.out;
  EXPECT_EQ(fs::read_symlink(latest), fs::path("2099-01-01"));
  EXPECT_TRUE(fs::is_regular_file(dated / "forecast.h5"));
  // No temporary pointer is left behind.
  for (const auto& e : fs::directory_iterator(tmp_ / "forecasts"))
    EXPECT_EQ(e.path().filename().string().find(".latest.tmp"), std::string::npos) << e.path();
}

TEST_F(Schedule, AFailedRunLeavesLatestWhereItWas) {
  ASSERT_EQ(start_as_systemd(" --date 2031-01-01").rc, 0);
  std::ofstream(tmp_ / "etc" / "forecast.toml") << "[run]\npaths = -1\n";
  const Result bad = start_as_systemd(" --date 2031-02-01");
  EXPECT_EQ(bad.rc, 65) << bad.out;
  EXPECT_EQ(fs::read_symlink(tmp_ / "forecasts" / "latest"), fs::path("2031-01-01"));
}

}  // namespace
