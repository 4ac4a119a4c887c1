#pragma once
// `chainsim backtest DATA_DIR`: rolling-origin evaluation of the monthly first
// applications forecast. Origins 1 January and 1 July from 2011 to 2021; each
// origin calibrates on months before it only (calib::fit_inflow), runs the
// engine itself (simulate_ensemble, national mode) from the Monday on or before
// the origin, apportions weeks to calendar months by days and scores horizons
// 1..24 months against the Eurostat monthly series (which ends 2020-08, so the
// 2021 origins cannot be scored on months). Baselines: seasonal naive, random
// walk (both log-normal around the naive point, sd from the calibration window)
// and the engine without parameter uncertainty.
// It then backtests the reception stocks (app/stock_backtest.hpp): the whole
// chain from origins 1 January and 1 July 2015..2021, scored on COA occupancy
// and permit holders in reception.
#include "forecast/config.hpp"
#include "forecast/parallel.hpp"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace chainsim::app {

struct BacktestOptions {
  std::filesystem::path data_dir;
  std::filesystem::path out_dir = "validation";
  std::int64_t paths = 2000;
  int first_year = 2011, last_year = 2021;  // origins Jan 1 and Jul 1 of these years
  int max_origins = 0;                      // 0 = all (a reduced run keeps the first N)
  int horizon = 24;
  // The stock backtest (max_origins applies to it too).
  bool stocks = true;
  int stock_first_year = 2015, stock_last_year = 2021;  // origins Jan 1 and Jul 1 of these years
  std::int64_t stock_paths = 1000;
  int stock_horizon_months = 30;  // observations up to this many months after an origin are scored
  forecast::Parallelism parallelism;
  // The model every origin starts from: the baseline scenario of a user's file
  // (--config), else the embedded seed. Each origin replaces what the data give
  // at that origin (inflow fit, initial stocks, decision rates, housing task);
  // everything else (mechanisms, priors, shares) is the base's.
  std::optional<forecast::Config> base;
};

struct HorizonScore {
  std::string method;
  int horizon = 0;
  int n = 0;
  double cov50 = 0, cov80 = 0, cov95 = 0, crps = 0, mae = 0, mape = 0;
};

// Runs the backtest; writes backtest_scores.csv, backtest_detail.csv and
// backtest.md into out_dir and returns the inflow scores by method and
// horizon; with options.stocks also the stock backtest's files
// (backtest_stock_*.csv, backtest_stock_scores.md).
std::vector<HorizonScore> backtest(const BacktestOptions& options, std::ostream& log);

// A file of the backtest's output: its name and its whole text.
using NamedText = std::pair<const char*, std::string>;

// Writes the tables and then the Markdown report into `dir` (created if need
// be), each file whole or not at all (temporary file, fsync, rename), so that
// a kill never leaves a half-written one; shows the report on `log`.
void write_backtest_files(const std::filesystem::path& dir, std::span<const NamedText> tables, const NamedText& report,
                          std::ostream& log);

}  // namespace chainsim::app
