// scripts/profile-backtest: one stock backtest per value of a key, the value
// with the lowest summed CRPS chosen. Checked on a reduced backtest (two
// origins, few paths): the profile has a row per value, its mean CRPS is the
// mean of the backtest's own per-observation CRPS, the chosen value is the
// row with the lowest, and a malformed key or a key the configuration does not
// know is refused.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using chainsim::testing::quote;
using chainsim::testing::read_bytes;
using chainsim::testing::shell;

fs::path script() {
  return fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path() / "scripts" / "profile-backtest";
}

std::vector<std::vector<std::string>> csv_rows(const fs::path& p) {  // plain fields: no quoting in these files
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_bytes(p));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    rows.push_back(f);
  }
  return rows;
}

class ProfileBacktest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("chainsim-profile-" + std::to_string(getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string command(const std::string& args) const {
    return std::string(CHAINSIM_PYTHON) + " " + quote(script()) + " " + args + " --chainsim " +
           quote(std::string(CHAINSIM_BINARY)) + " --out-dir " + quote(dir_) + " --paths 20 --origins 2 --bootstrap 50";
  }
  fs::path dir_;
};

TEST_F(ProfileBacktest, ChoosesTheValueWithTheLowestCrps) {
  const auto r = shell(command("nareis.into_reception 0 1"));
  ASSERT_EQ(r.rc, 0) << r.out;
  const auto profile = csv_rows(dir_ / "profile.csv");
  ASSERT_EQ(profile.size(), 3u);  // header and one row per value
  EXPECT_EQ(profile[0][0], "nareis.into_reception");
  EXPECT_EQ(profile[0][1], "mean_crps");
  double best = std::numeric_limits<double>::infinity();
  std::string best_value;
  for (std::size_t i = 1; i < profile.size(); ++i) {
    // The mean CRPS over the scored occupancy observations of the engine in
    // the bins 6, 12, 24, recomputed from the backtest's own detail file.
    double sum = 0;
    int n = 0;
    const auto detail = csv_rows(dir_ / profile[i][0] / "backtest_stock_detail.csv");
    for (std::size_t k = 1; k < detail.size(); ++k) {
      const auto& d = detail[k];
      if (d[1] == "occupancy" && d[7] == "engine" && (d[6] == "6" || d[6] == "12" || d[6] == "24")) {
        sum += std::stod(d[17]);
        ++n;
      }
    }
    ASSERT_GT(n, 0);
    EXPECT_NEAR(std::stod(profile[i][1]), sum / n, 0.051) << profile[i][0];
    if (sum / n < best) best = sum / n, best_value = profile[i][0];
  }
  // The two values differ: family members entering reception raise occupancy.
  EXPECT_NE(profile[1][1], profile[2][1]);
  EXPECT_NE(read_bytes(dir_ / "profile.md").find("Lowest total CRPS: nareis.into_reception = " + best_value + "."),
            std::string::npos)
      << read_bytes(dir_ / "profile.md");
}

TEST_F(ProfileBacktest, RefusesAMalformedOrUnknownKey) {
  const auto bad = shell(command("into_reception 0 1"));
  EXPECT_EQ(bad.rc, 64) << bad.out;
  EXPECT_NE(bad.out.find("KEY must be section.name"), std::string::npos) << bad.out;
  const auto unknown = shell(command("nareis.into_receptoin 0 1"));
  EXPECT_EQ(unknown.rc, 65) << unknown.out;  // chainsim's configuration error, passed on
  EXPECT_NE(unknown.out.find("into_receptoin"), std::string::npos) << unknown.out;
}

}  // namespace
