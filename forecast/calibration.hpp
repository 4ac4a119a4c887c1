#pragma once
// Calibration of the inflow model (MODEL.md §4.1) on monthly counts, and the
// scores of probabilistic forecasts. Pure computation: no files, no clocks, no
// unordered containers, so the same input gives the same bits.
//
// Method (docs/calibration.md has the full derivation):
//  1. y_m = log(F_m * 7 / days(m)), the log weekly rate of month m.
//  2. Least squares (Eigen, QR) of y_m on [1, tau_m, 11 effect-coded months],
//     tau_m = (m + 0.5 - origin) / 12 years, so the intercept is the trend line
//     at the origin and exp(season) has geometric mean 1.
//  3. Residuals u_m follow a monthly AR(1); innovations e_m = u_m - phi u_{m-1}.
//     A month with e_m > threshold * 1.4826 * MAD(e) is a surge onset; onsets
//     and the `episode_months` after each are left out of steps 2-3, which are
//     repeated until the set of onsets no longer changes (at most 10 times).
//  4. Surges: p (per week) = (onsets + 1/2) / (weeks + 1) (Jeffreys), kappa =
//     mean e over onsets (3 sigma when none), psi_month = least-squares slope
//     of u_{m+1} on u_m inside episodes (phi_month when none).
//  5. Monthly to weekly: phi_w = phi_m^(12/52.1775), psi likewise; sigma_w
//     such that the monthly mean of the weekly AR(1) has the stationary
//     variance of u less the Poisson variance of log counts (mean of 1/F_m).
//  6. Parameter uncertainty: Newey-West (Bartlett, `hac_lag` months) covariance
//     of intercept and slope -> sd of alpha and beta and their correlation.
//  7. The engine starts every path with x = j = 0 at the origin, so alpha =
//     trend line at the origin + d_eff, where d is the mean residual of the last
//     `local_months` months (or of `recent` aggregates) and d_eff = d times the
//     mean of phi_m^(g + h), h = 1..level_horizon_months, g = months from the
//     end of the data to the origin (the AR(1) forecast of the deviation averaged
//     over the horizon). sd(alpha)^2 = se(intercept)^2 + sigma_m^2 / local_months.
//  7b. For an engine that starts x at the origin instead (inflow.start_deviation):
//     x0 = d * phi_m^g, var(x0) = phi_m^(2g) sigma_m^2 / local_months
//     + sigma_m^2 (1 - phi_m^(2g)) / (1 - phi_m^2); the level is then the trend
//     line alone with sd se(intercept).
//  8. Empirical level error: steps 1-7 are repeated at every month o inside the
//     window with the data before o only, and the log error of the forecast of
//     month o + level_horizon_months - 1 is recorded. When the square of their
//     robust scale (1.4826 x median |error|) exceeds the variance the engine
//     gives that month (trend line, AR(1) from x = 0, Poisson; surges not
//     counted: they make the tail), the excess is added to sd(alpha)^2. Needs
//     at least min_error_origins inner origins.
#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace chainsim::forecast::calib {

inline constexpr double kWeeksPerYear = 52.1775;

// Month index: year * 12 + (month - 1).
constexpr int month_index(int year, int month) noexcept { return year * 12 + month - 1; }
int days_in_month(int month_idx) noexcept;
std::string month_label(int month_idx);  // "YYYY-MM"
// Fractional month index of a date (day 1 = the month's start).
double month_position(std::chrono::sys_days d) noexcept;
std::chrono::sys_days first_day(int month_idx) noexcept;

// A total over consecutive months (e.g. a quarter), used to set the level at the
// origin when the monthly series stops earlier.
struct Aggregate {
  int first_month = 0;
  int months = 0;
  double total = 0.0;
};

struct InflowFitOptions {
  // A month whose AR residual exceeds surge_threshold robust sds starts a surge
  // episode; it and the episode_months after it leave the fit.
  double surge_threshold = 3.0;
  int episode_months = 6;
  int hac_lag = 12;  // Newey-West lag of the level's and trend's se
  // Months averaged for the recent deviation, and the horizon (months) over
  // which the level's error is averaged.
  int local_months = 3, level_horizon_months = 12;
  // Fewest inner origins for the empirical level error (step 8); 0 switches
  // step 8 off.
  int min_error_origins = 12;
  // false: no trend column (slope, its se and the correlation are 0), for
  // data whose slope is not distinguishable from 0 (keep_trend).
  bool trend = true;
};

struct InflowFit {
  int first_month = 0;              // month index of monthly[0]
  int months = 0;                   // months used (non-missing, before the origin)
  double origin_position = 0;       // fractional month index of the origin
  double intercept = 0, slope = 0;  // trend line: log weekly rate at origin, per year
  double se_intercept = 0, se_slope = 0, corr = 0;
  std::array<double, 12> season{};        // factors, geometric mean 1
  double phi_month = 0, sigma_month = 0;  // monthly AR(1) of residuals
  double stationary_var_month = 0, poisson_var = 0;
  double phi_week = 0, sigma_week = 0;
  int surges = 0;
  std::vector<int> surge_months;     // onsets, month indices
  std::vector<int> excluded_months;  // onsets and episodes
  double surge_p_week = 0, surge_kappa = 0, surge_psi_month = 0, surge_psi_week = 0;
  double deviation = 0, deviation_eff = 0, gap_months = 0;  // d, d_eff, g
  double start_deviation = 0, start_deviation_sd = 0;       // x at the origin: d * phi_m^g, and its sd (step 7b)
  double alpha = 0, alpha_sd = 0;                           // level at the origin and its sd (after step 8)
  double alpha_sd_model = 0;                                // sd of the level before step 8
  int level_error_origins = 0;                              // inner origins scored in step 8
  double level_error_scale = 0;    // robust scale of their log errors at level_horizon_months (0 if too few)
  double model_sd_at_horizon = 0;  // the model's own log sd there (step 8)
  double beta = 0, beta_sd = 0;
  std::vector<double> fitted;    // exp(trend + season) per month, monthly[] layout (weekly rate)
  std::vector<double> residual;  // u_m (NaN where missing)
};

// monthly[i] is the count of month first_month + i (NaN = missing); only months
// ending before the origin are used. Throws std::invalid_argument when fewer
// than 36 months are usable.
InflowFit fit_inflow(std::span<const double> monthly, int first_month, std::chrono::sys_days origin,
                     std::span<const Aggregate> recent = {}, const InflowFitOptions& options = {});

// The trend rule of the seed (docs/calibration.md): the slope is kept only when
// the data distinguish it from 0, |slope / se| >= kTrendMinT with the
// Newey-West se; otherwise the inflow is refitted without a trend.
inline constexpr double kTrendMinT = 2.0;
bool keep_trend(double slope, double se) noexcept;

// ---- The inflow's local level (inflow.level_walk_sd, docs/model.md C11) ----
//
// How fast the level wanders, from how the method's own errors grow with the
// horizon (docs/calibration.md):
//  1. At every month o inside the window (with at least 36 usable months
//     before it) the fit is repeated on the data before o, and the forecast of
//     the engine started at the recent deviation (x0 = start_deviation,
//     decaying as phi_m^(h - 1/2); no surges) is compared with the month
//     o + h - 1, h = 1..max_horizon: e = log observed - log forecast.
//  2. Per horizon, the robust scale s_h = 1.4826 x median |e| (about zero, so
//     bias counts; robust, because surges make the tail and are modelled
//     apart) and the variance v_h that the engine gives there without a local
//     level (the level's parameter uncertainty, the AR(1) from x0 with its
//     uncertainty, Poisson), from the fit at the origin.
//  3. A local level l_m = rho l_{m-1} + eta_m, var(eta) = q (monthly), from 0
//     at the origin, adds q G_h(rho) at horizon h, G_h = (1 - rho^2h) / (1 -
//     rho^2) (= h for a random walk, rho = 1). Over the horizons scored at at
//     least min_origins inner origins, for each rho of the grid 1, 0.9975,
//     ..., 0.5, q is the least-squares slope through 0 of the excess s_h^2 -
//     v_h on G_h (0 when negative: no excess growth); the pair with the least
//     sum of squares is kept (ties: the first, so a random walk unless the
//     data say the growth levels off).
//  4. Weekly: rho_w = rho^(12/52.1775) and the weekly innovation variance that
//     gives the monthly q at monthly steps.
struct LevelWalkFit {
  int max_horizon = 0;
  std::vector<int> origins;         // per horizon h = 1..max_horizon: inner origins scored
  std::vector<double> error_scale;  // s_h
  std::vector<double> model_sd;     // sqrt(v_h)
  double q_month = 0;               // innovation variance of the level per month
  double rho_month = 1;             // its monthly persistence
  double phi_week = 1;              // rho_w (the key inflow.level_walk_phi)
  double sd_per_sqrt_year = 0;      // weekly innovation sd x sqrt(52.1775) (the key inflow.level_walk_sd)
  // The level's variance at h months under the fit: q G_h(rho).
  double variance_at(int h) const noexcept;
};
// `at_origin` is the fit at the origin (its origin bounds the inner origins
// and targets; its parameters give v_h).
LevelWalkFit fit_level_walk(std::span<const double> monthly, int first_month, const InflowFit& at_origin,
                            const InflowFitOptions& options, int max_horizon = 48, int min_origins = 12);

// ---- Decision capacity that follows the backlog (decisions.response) ----
//
// The kernel's rule, per week: c <- c + (A / T - c) / k, clamped to at most
// max_per_week. Fitted on quarterly totals (docs/calibration.md):
//  1. Backlog index at the start of quarter q: A_q = anchor + W * sum over the
//     quarters between the anchor and q of (theta F_j - D_j), F first
//     applications and D decisions per week, W weeks per quarter; theta is the
//     share of a first application that reaches the decision queue (after
//     Dublin, repeat applications and closures without decision), a parameter.
//  2. One quarter ahead: from c = D_{q-1} and A = A_q, W weeks of the rule with
//     A <- A + theta F_q - c; the prediction is the mean of c over the W weeks.
//  3. Least squares of D_q on the prediction over q = 1..n-1, on the grid of
//     (theta, T, k); theta values that make the index negative are skipped.
//     Ties keep the first in grid order (theta, then T, then k).
struct DecisionSeries {
  std::vector<double> inflow;     // first applications per week, quarter q (quarter total / W)
  std::vector<double> decisions;  // first-instance decisions per week, quarter q
  int weeks_per_quarter = 13;     // W
  int anchor_quarter = 0;         // the index at the start of this quarter is anchor_backlog
  double anchor_backlog = 0.0;
};

struct DecisionResponseGrid {
  std::vector<double> inflow_share;  // theta
  std::vector<double> target_weeks;  // T
  std::vector<double> adjust_weeks;  // k (>= 1)
  double max_per_week = 1e300;
};

struct DecisionResponseFit {
  double inflow_share = 0, target_weeks = 0, adjust_weeks = 0;
  std::vector<double> backlog;    // index at the start of each quarter (n + 1 values)
  std::vector<double> predicted;  // one quarter ahead; NaN for quarter 0
  double rmse = 0;                // persons per week
  double log_sd = 0;              // sd of log(D_q / predicted_q)
  double log_sd_annual = 0;       // sd of the means of consecutive 4-quarter blocks of those logs
  double log_ac1 = 0;             // their lag-1 autocorrelation
  int feasible_shares = 0;        // theta values with a non-negative index
  // The best (T, k) and RMSE for each feasible theta: how well the data pin
  // theta and T down separately (they trade off along a ridge).
  struct ProfilePoint {
    double inflow_share, target_weeks, adjust_weeks, rmse;
  };
  std::vector<ProfilePoint> profile;
};

// The index of step 1 (n + 1 values: the start of every quarter and the end).
std::vector<double> backlog_index(const DecisionSeries& d, double inflow_share);
// Step 2 for one quarter.
double decisions_one_quarter(double c_start, double backlog_start, double inflow_per_week, int weeks,
                             double target_weeks, double adjust_weeks, double inflow_share,
                             double max_per_week) noexcept;
// Throws std::invalid_argument when no theta of the grid keeps the index >= 0
// or the series are shorter than 3 quarters or of different lengths.
DecisionResponseFit fit_decision_response(const DecisionSeries& d, const DecisionResponseGrid& grid);

// ---- Grant-rate drift (decisions.grant_drift_sd) ----
// sd per sqrt(year) of a random walk on logit(rate), from the changes over
// `horizon_years`: sqrt(mean_y (logit r[y+h] - logit r[y])^2 / h), y over every
// year with both values (rates[i] is year i; NaN = missing). Mean about 0, as
// a random walk's increments have no drift.
double logit_drift_sd(std::span<const double> rates, int horizon_years);

// ---- Small pooled quantities ----
// sum(num) / sum(den).
double pooled_ratio(std::span<const double> num, std::span<const double> den);
// Root mean square of log(a / b) over pairs of values of the same stock.
double rms_log_ratio(std::span<const std::array<double, 2>> pairs);
// Share of a half-year's task (quota plus the backlog carried into it) that was
// realised, from the backlogs at its start and at the next half-year's start:
// (task + backlog_in - backlog_out) / (task + backlog_in).
double realisation_from_backlogs(double task, double backlog_in, double backlog_out) noexcept;

// Weekly values (week t starts at start + 7t) apportioned to calendar months by
// days: each week's value is spread evenly over its seven days. Returns totals of
// months first_month .. first_month + months - 1; NaN for a month not fully covered.
std::vector<double> weeks_to_months(std::chrono::sys_days start, std::span<const double> weekly, int first_month,
                                    int months);

// Standard normal quantile (Acklam's rational approximation refined by one
// Halley step; |error| < 1e-12 on (0, 1)).
double normal_quantile(double p) noexcept;

// CRPS of an ensemble (sorted ascending) for observation y.
double crps_sorted(std::span<const double> sorted, double y) noexcept;

}  // namespace chainsim::forecast::calib
