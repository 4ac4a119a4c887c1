#pragma once
// The stock part of `chainsim backtest`: the whole chain (national mode) run
// from half-yearly origins (1 January and 1 July, 2015..2021 by default) and
// scored on the reception stocks that COA publishes: total occupancy and
// permit holders in reception (nl_coa_occupancy.csv). Each origin starts from
// the stocks and rates known at it (forecast/stock_origin.hpp), its inflow
// calibrated as the inflow backtest does. Baselines: persistence and a
// log-normal random walk (forecast/stock_observations.hpp). Writes
// backtest_stock_detail.csv, backtest_stock_scores.csv,
// backtest_stock_origins.csv and backtest_stock_scores.md (the tables of
// VALIDATION.md) into the output directory. VALIDATION.md states every rule.
#include "app/backtest_command.hpp"
#include "app/calibrate_command.hpp"
#include "forecast/forecast_score.hpp"
#include "io/data_series.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace chainsim::app {

// The inflow backtest's numbers that the combined Markdown table shows (the
// engine's, at monthly horizon h, and its baselines' CRPS).
struct InflowTableRow {
  int horizon = 0;
  int n = 0;
  double cov50 = 0, cov80 = 0, pit_above_half = 0;
  double crps_engine = 0, crps_random_walk = 0, crps_seasonal_naive = 0;
};

// Scores of one method (engine, naive, persistence) for one target and bin.
struct StockScore {
  std::string target, method;
  int horizon_bin = 0;  // 3, 6, 12, 24 (stock::horizon_bin)
  forecast::stock::ScoreSum sum;
};

// Runs the stock backtest and writes its files into options.out_dir.
std::vector<StockScore> stock_backtest(const BacktestOptions& options, const std::vector<io::DataRow>& rows,
                                       const forecast::InflowData& inflow,
                                       const std::vector<InflowTableRow>& inflow_rows, std::ostream& log);

}  // namespace chainsim::app
