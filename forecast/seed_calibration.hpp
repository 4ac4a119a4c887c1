#pragma once
// The calibration of the seed scenario (`chainsim calibrate`,
// docs/calibration.md): every value of forecast/seed.toml that is derived from
// the data directory, derived here from its rows, with what its comment in the
// configuration reports. The inflow fit itself is forecast/calibration.hpp;
// the configuration text is rendered over the seed by io/calibrated_toml.hpp,
// the report by io/calibration_report.hpp.
//
// What the data cannot inform (the seed letter's numbers, assumptions) is read
// from the seed configuration passed in, so each such fact has one source:
// forecast/seed.toml.
#include "forecast/calibration.hpp"
#include "forecast/config.hpp"
#include "forecast/data_rows.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace chainsim::forecast {

// The inflow series as fitted: Eurostat first-time applicants NL, vintage
// 2020-10-06, 2008-01..2020-08, and CBS quarterly first asylum requests
// (vintage 2022-04) scaled to the Eurostat definition for the later level.
struct InflowData {
  int first_month = 0;
  std::vector<double> monthly;                 // NaN where missing
  std::vector<calib::Aggregate> cbs_quarters;  // unscaled CBS totals, vintage 2022-04
  std::vector<std::string> cbs_labels;
  double cbs_to_eurostat = 1.0;  // sum Eurostat / sum CBS over the overlap quarters
  std::string overlap;           // "2019-Q1..2020-Q2"
};
InflowData load_inflow(const std::vector<DataRow>& rows);

// The CBS quarters (scaled) that end before the origin and after the monthly
// series, the last `count` of them.
std::vector<calib::Aggregate> bridge_quarters(const InflowData& d, std::chrono::sys_days origin, int count);

// A copy of `base` whose inflow is the fit, started on `start` for `weeks`
// weeks in national mode; without parameter uncertainty the level and trend
// are fixed at their means.
Config inflow_config(const Config& base, const calib::InflowFit& fit, Date start, int weeks, std::int64_t paths,
                     bool parameter_uncertainty);

// The seed's inflow method at an origin (docs/calibration.md): the fit with a
// trend, and the fit the seed uses — the same one when the slope is
// distinguished from 0, else the fit without a trend, whose level sd is the
// parameter uncertainty alone; the recent level enters as start_deviation.
struct SeedInflowFit {
  calib::InflowFit with_trend;
  calib::InflowFit used;
  bool trend = false;
  // The level's sd: its parameter uncertainty and the level shifts the AR(1)
  // does not produce (the empirical level error of calibration step 8).
  double level_sd = 0.0;
  // The local level (docs/model.md C11): how fast the level wanders, from how
  // the method's own errors grow with the horizon. Fitted and reported; the
  // seed does not use it (VALIDATION.md, the backtest's engine_local_level).
  calib::LevelWalkFit walk;
};
SeedInflowFit fit_inflow_seed_method(std::span<const double> monthly, int first_month, std::chrono::sys_days origin,
                                     std::span<const calib::Aggregate> bridge);

// A copy of `base` with the seed method's inflow (model.md C1), in national
// mode; without parameter uncertainty every inflow prior is fixed at its mean.
Config seed_inflow_config(const Config& base, const SeedInflowFit& fit, Date start, int weeks, std::int64_t paths,
                          bool parameter_uncertainty);
// The same with the local level instead of step 8's level shift: the level's
// sd is its parameter uncertainty alone, its wandering the walk's.
Config local_level_inflow_config(const Config& base, const SeedInflowFit& fit, Date start, int weeks,
                                 std::int64_t paths);

// "2020-Q2" for the month index of a quarter's first month.
std::string quarter_label(int first_month);

// The quarterly series of the decision-response fit: Eurostat first-instance
// decisions (vintage 2020-10-07) and the monthly first-time applicants summed
// to the same quarters, as weekly rates (total / 13), and the days of each
// quarter for the highest observed rate.
struct DecisionData {
  calib::DecisionSeries series;
  int first_quarter_month = 0;
  std::vector<double> days;
  std::vector<double> totals;
  DataRow anchor;  // COA's asylum seekers in procedure in reception, 2020-04
};

// Every derived value of the seed, with the data it comes from (rows are
// copied: their file and line name the source in the comments).
struct SeedCalibration {
  Date origin{};  // the seed's start, week 0
  std::string monthly_file, quarterly_file;

  // [inflow]
  InflowData inflow_data;
  std::vector<calib::Aggregate> bridge;  // the CBS quarters that set the recent level
  SeedInflowFit inflow;
  double repeat = 0, first = 0;  // IND repeat and first applications, months with both
  int repeat_months = 0;
  double repeat_share = 0;

  // [decisions]: grant rate and its drift, closures without a decision
  double positive_2021 = 0, rejected_2021 = 0;  // UNHCR FI positive (recognized + other) and rejected
  int drift_from = 0, drift_to = 0, drift_years = 0;
  double drift_sd = 0, drift_sd_1y = 0;
  double grant_rate = 0, gap_years = 0, grant_sd = 0;
  double decisions_week = 0, grants_week = 0;
  double withdrawn = 0, withdrawn_closed = 0, withdrawn_all = 0;
  // ... and the capacity that follows the backlog
  DecisionData decisions;
  calib::DecisionResponseGrid grid;
  calib::DecisionResponseFit response;
  std::size_t peak_quarter = 0;
  double max_decisions_week = 0, persistence_rmse = 0;
  double closures_week = 0, max_closures_week = 0, target_closures = 0;

  // [nareis]
  std::vector<std::string> nareis_years;
  double nareis_mean = 0, nareis_sd = 0;

  // [dublin]
  DataRow dublin_requests, dublin_transfers;
  double applications_1421 = 0;
  double dublin_share = 0, dublin_share_1416 = 0, dublin_share_1620 = 0, dublin_share_sd = 0;
  double transfer_share = 0, transfer_share_1416 = 0, transfer_share_sd = 0;

  // [rejected]
  DataRow forced, independent, unsupervised;  // DT&V departures 2021
  double exit_total = 0, verified = 0, return_weekly = 0, leave_weekly = 0;

  // [initial]
  DataRow occupancy;
  std::int64_t permit_holders = 0;  // the seed's initial.permit_holders
  double abscond = 0;               // the seed's dublin.abscond_weekly
  int deadline_weeks = 0;           // the seed's dublin.deadline_weeks
  double transfer_hazard = 0, dublin_weeks = 0, registrations_week = 0;
  std::int64_t dublin0 = 0, rejected0 = 0, procedure0 = 0;
  struct StockPair {
    double a = 0, b = 0;
    std::string what;
  };
  std::vector<StockPair> stock_pairs;
  double initial_sd = 0;
  DataRow waiting_over, waiting_all;
  std::int64_t over14 = 0;

  // [housing]
  DataRow task_16, backlog_in, backlog_out;
  double realisation = 0;
  double minors_share = 0, to_guardian = 0;  // the seed's minors.share_of_grants, minors.to_guardian
  struct Task {
    std::string period;
    double value = 0;
  };
  std::vector<Task> tasks;
  double quota_share = 0, sum_tasks = 0, sum_expected = 0;
  DataRow realised_q1, shortfall_18;

  // [capacity]
  std::int64_t regular = 0;  // the seed's capacity.regular
  DataRow need_jul, need_dec;
  double monthly_step = 0;
  std::vector<std::string> step_dates;  // the last day of each month of a step
};

// Throws ConfigError naming the series and period when a row is missing, and
// std::invalid_argument when a fit has too little data.
SeedCalibration derive_seed_calibration(const std::vector<DataRow>& rows, const Config& seed);

}  // namespace chainsim::forecast
