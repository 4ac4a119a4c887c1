#include "forecast/calibration.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace chainsim::forecast::calib {
namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Variance factor of the mean of n consecutive values of a unit-variance AR(1).
double mean_var_factor(double phi, int n) {
  double s = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) s += std::pow(phi, std::abs(i - j));
  return s / (static_cast<double>(n) * n);
}

}  // namespace

int days_in_month(int m) noexcept {
  const int y = m / 12, mo = m % 12 + 1;
  const sys_days a{std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(mo)} / 1};
  const sys_days b = mo == 12 ? sys_days{std::chrono::year{y + 1} / std::chrono::January / 1}
                              : sys_days{std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(mo + 1)} / 1};
  return static_cast<int>((b - a).count());
}

std::string month_label(int m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", m / 12, m % 12 + 1);
  return buf;
}

sys_days first_day(int m) noexcept {
  return sys_days{std::chrono::year{m / 12} / std::chrono::month{static_cast<unsigned>(m % 12 + 1)} / 1};
}

double month_position(sys_days d) noexcept {
  const year_month_day ymd{d};
  const int m = month_index(static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())));
  return m + static_cast<double>(static_cast<unsigned>(ymd.day()) - 1) / days_in_month(m);
}

namespace {

InflowFit fit_at_origin(std::span<const double> monthly, int first_month, sys_days origin,
                        std::span<const Aggregate> recent, const InflowFitOptions& opt) {
  InflowFit f;
  f.first_month = first_month;
  f.origin_position = month_position(origin);
  const int n_all = static_cast<int>(monthly.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // Usable months: observed, positive, ending on or before the origin.
  std::vector<double> y(static_cast<std::size_t>(n_all), nan), pois(static_cast<std::size_t>(n_all), nan);
  int last_obs = -1;
  for (int i = 0; i < n_all; ++i) {
    const int m = first_month + i;
    const double v = monthly[static_cast<std::size_t>(i)];
    if (!(v > 0.0) || m + 1 > f.origin_position + 1e-9) continue;
    y[static_cast<std::size_t>(i)] = std::log(v * 7.0 / days_in_month(m));
    pois[static_cast<std::size_t>(i)] = 1.0 / v;
    last_obs = i;
  }
  const auto tau = [&](int i) { return (first_month + i + 0.5 - f.origin_position) / 12.0; };
  const auto season_col = [&](int i, int k) {  // effect coding, k = 0..10
    const int mo = (first_month + i) % 12;
    return mo == k ? 1.0 : (mo == 11 ? -1.0 : 0.0);
  };
  // Columns: [1, tau, 11 season effects], or [1, 11 season effects] without a trend.
  const int P = opt.trend ? 13 : 12, S0 = opt.trend ? 2 : 1;
  std::vector<char> excluded(static_cast<std::size_t>(n_all), 0), onset(static_cast<std::size_t>(n_all), 0);
  Eigen::VectorXd b;
  const auto fill_row = [&](Eigen::MatrixXd& X, Eigen::Index r, int i) {
    X(r, 0) = 1.0;
    if (opt.trend) X(r, 1) = tau(i);
    for (int k = 0; k < 11; ++k) X(r, S0 + k) = season_col(i, k);
  };
  // The design matrix of months `rows` and the values v of the same months.
  const auto design = [&](const std::vector<int>& rows, const std::vector<double>& v, Eigen::MatrixXd& X,
                          Eigen::VectorXd& Y) {
    const auto n = static_cast<Eigen::Index>(rows.size());
    X.resize(n, P);
    Y.resize(n);
    for (Eigen::Index r = 0; r < n; ++r) {
      const int i = rows[static_cast<std::size_t>(r)];
      fill_row(X, r, i);
      Y(r) = v[static_cast<std::size_t>(i)];
    }
  };
  // Trend line plus season (log weekly rate) of month i under the coefficients b.
  const auto deterministic = [&](int i) {
    double fit = b(0) + (opt.trend ? b(1) * tau(i) : 0.0);
    for (int k = 0; k < 11; ++k) fit += b(S0 + k) * season_col(i, k);
    return fit;
  };
  std::vector<double> u(static_cast<std::size_t>(n_all), nan);
  std::vector<int> rows;
  for (int iter = 0; iter < 10; ++iter) {
    rows.clear();
    for (int i = 0; i < n_all; ++i)
      if (!std::isnan(y[static_cast<std::size_t>(i)]) && !excluded[static_cast<std::size_t>(i)]) rows.push_back(i);
    if (rows.size() < 36) throw std::invalid_argument("fewer than 36 usable months of first applications");
    Eigen::MatrixXd X;
    Eigen::VectorXd Y;
    design(rows, y, X, Y);
    b = X.colPivHouseholderQr().solve(Y);
    for (int i = 0; i < n_all; ++i) {
      if (std::isnan(y[static_cast<std::size_t>(i)])) continue;
      u[static_cast<std::size_t>(i)] = y[static_cast<std::size_t>(i)] - deterministic(i);
    }
    // AR(1) on pairs of consecutive included months.
    double sxy = 0, sxx = 0;
    for (int i = 1; i < n_all; ++i) {
      const auto a = static_cast<std::size_t>(i - 1), c = static_cast<std::size_t>(i);
      if (std::isnan(u[a]) || std::isnan(u[c]) || excluded[a] || excluded[c]) continue;
      sxy += u[c] * u[a];
      sxx += u[a] * u[a];
    }
    f.phi_month = std::clamp(sxx > 0 ? sxy / sxx : 0.0, 0.0, 0.995);
    std::vector<double> e_incl;
    double sse = 0;
    for (int i = 1; i < n_all; ++i) {
      const auto a = static_cast<std::size_t>(i - 1), c = static_cast<std::size_t>(i);
      if (std::isnan(u[a]) || std::isnan(u[c]) || excluded[a] || excluded[c]) continue;
      const double e = u[c] - f.phi_month * u[a];
      e_incl.push_back(e);
      sse += e * e;
    }
    f.sigma_month = std::sqrt(sse / std::max<double>(1.0, static_cast<double>(e_incl.size()) - 1.0));
    const double med = median_of(e_incl);
    std::vector<double> dev;
    for (double e : e_incl) dev.push_back(std::abs(e - med));
    const double robust = 1.4826 * median_of(dev);
    // New onsets over all observed pairs.
    std::vector<char> new_onset(static_cast<std::size_t>(n_all), 0), new_excl(static_cast<std::size_t>(n_all), 0);
    for (int i = 1; i < n_all; ++i) {
      const auto a = static_cast<std::size_t>(i - 1), c = static_cast<std::size_t>(i);
      if (std::isnan(u[a]) || std::isnan(u[c])) continue;
      if (u[c] - f.phi_month * u[a] > opt.surge_threshold * robust) new_onset[c] = 1;
    }
    for (int i = 0; i < n_all; ++i)
      if (new_onset[static_cast<std::size_t>(i)])
        for (int k = 0; k <= opt.episode_months && i + k < n_all; ++k) new_excl[static_cast<std::size_t>(i + k)] = 1;
    const bool same = new_onset == onset;
    onset = new_onset;
    excluded = new_excl;
    if (same && iter > 0) break;
  }
  // Final quantities (from the last fit, whose exclusions match `excluded`
  // unless the iteration limit was hit).
  f.intercept = b(0);
  f.slope = opt.trend ? b(1) : 0.0;
  double logsum = 0;
  std::array<double, 12> s{};
  for (int k = 0; k < 11; ++k) s[static_cast<std::size_t>(k)] = b(S0 + k), logsum += b(S0 + k);
  s[11] = -logsum;
  // Season indexed by calendar month (January = 0).
  for (int k = 0; k < 12; ++k) f.season[static_cast<std::size_t>(k)] = std::exp(s[static_cast<std::size_t>(k)]);
  // Newey-West covariance of (intercept, slope).
  {
    const Eigen::Index n = static_cast<Eigen::Index>(rows.size());
    Eigen::MatrixXd X;
    Eigen::VectorXd e;
    design(rows, u, X, e);
    const Eigen::MatrixXd XtXi = (X.transpose() * X).inverse();
    Eigen::MatrixXd S = Eigen::MatrixXd::Zero(P, P);
    for (Eigen::Index r = 0; r < n; ++r) S += e(r) * e(r) * X.row(r).transpose() * X.row(r);
    for (int L = 1; L <= opt.hac_lag; ++L) {
      const double w = 1.0 - L / (opt.hac_lag + 1.0);
      for (Eigen::Index r = L; r < n; ++r) {
        const Eigen::MatrixXd G = e(r) * e(r - L) * X.row(r).transpose() * X.row(r - L);
        S += w * (G + G.transpose());
      }
    }
    const double dof = static_cast<double>(n) / std::max(1.0, static_cast<double>(n - P));
    const Eigen::MatrixXd V = dof * XtXi * S * XtXi;
    f.se_intercept = std::sqrt(V(0, 0));
    f.se_slope = opt.trend ? std::sqrt(V(1, 1)) : 0.0;
    f.corr = opt.trend ? V(0, 1) / (f.se_intercept * f.se_slope) : 0.0;
  }
  f.months = static_cast<int>(std::count_if(y.begin(), y.end(), [](double v) { return !std::isnan(v); }));
  // Surges.
  const double weeks = f.months * kWeeksPerYear / 12.0;
  double kap = 0, psx = 0, psy = 0;
  for (int i = 0; i < n_all; ++i) {
    const auto c = static_cast<std::size_t>(i);
    if (excluded[c]) f.excluded_months.push_back(first_month + i);
    if (!onset[c]) continue;
    f.surge_months.push_back(first_month + i);
    kap += u[c] - f.phi_month * u[c - 1];
  }
  f.surges = static_cast<int>(f.surge_months.size());
  for (int i = 1; i < n_all; ++i) {
    const auto a = static_cast<std::size_t>(i - 1), c = static_cast<std::size_t>(i);
    if (std::isnan(u[a]) || std::isnan(u[c]) || !excluded[a] || !excluded[c] || onset[c]) continue;
    psx += u[a] * u[a];
    psy += u[a] * u[c];
  }
  f.surge_p_week = (f.surges + 0.5) / (weeks + 1.0);
  f.surge_kappa = f.surges ? kap / f.surges : opt.surge_threshold * f.sigma_month;
  f.surge_psi_month = f.surges && psx > 0 ? std::clamp(psy / psx, 0.0, 0.995) : f.phi_month;
  const double per = 12.0 / kWeeksPerYear;
  f.surge_psi_week = std::pow(f.surge_psi_month, per);
  // Weekly AR(1).
  f.phi_week = std::pow(f.phi_month, per);
  double pv = 0;
  int np = 0;
  for (int i = 0; i < n_all; ++i)
    if (!std::isnan(pois[static_cast<std::size_t>(i)]) && !excluded[static_cast<std::size_t>(i)] &&
        !std::isnan(y[static_cast<std::size_t>(i)]))
      pv += pois[static_cast<std::size_t>(i)], ++np;
  f.poisson_var = np ? pv / np : 0.0;
  f.stationary_var_month = f.sigma_month * f.sigma_month / (1.0 - f.phi_month * f.phi_month);
  const double target = std::max(1e-8, f.stationary_var_month - f.poisson_var);
  const double wpm = kWeeksPerYear / 12.0;  // 4.348 weeks a month
  const double c4 = mean_var_factor(f.phi_week, 4), c5 = mean_var_factor(f.phi_week, 5);
  const double c = c4 + (c5 - c4) * (wpm - 4.0);
  const double v_week = target / c;
  f.sigma_week = std::sqrt(v_week * (1.0 - f.phi_week * f.phi_week));
  // Level at the origin.
  double dsum = 0;
  int dn = 0;
  double data_end = 0;
  if (recent.empty()) {
    for (int i = last_obs; i >= 0 && dn < opt.local_months; --i) {
      if (std::isnan(u[static_cast<std::size_t>(i)])) continue;
      dsum += u[static_cast<std::size_t>(i)];
      ++dn;
    }
    data_end = first_month + last_obs + 1;
  } else {
    for (const Aggregate& a : recent) {
      double days = 0, det = 0;
      for (int m = a.first_month; m < a.first_month + a.months; ++m) {
        det += deterministic(m - first_month);
        days += days_in_month(m);
      }
      det /= a.months;
      dsum += std::log(a.total * 7.0 / days) - det;
      ++dn;
      data_end = std::max(data_end, static_cast<double>(a.first_month + a.months));
    }
  }
  if (dn == 0) throw std::invalid_argument("no observations to set the level at the origin");
  f.deviation = dsum / dn;
  f.gap_months = std::max(0.0, f.origin_position - data_end);
  double avg = 0;
  for (int h = 1; h <= opt.level_horizon_months; ++h) avg += std::pow(f.phi_month, f.gap_months + h);
  avg /= std::max(1, opt.level_horizon_months);
  f.deviation_eff = f.deviation * avg;
  // The deviation at the origin itself, for an engine that starts x there:
  // the AR(1) forecast d * phi_m^g; its variance is that of d (sigma_m^2 /
  // local_months, as in the level's sd) carried over the gap, plus the
  // innovations of the g months between the data's end and the origin.
  {
    const double decay = std::pow(f.phi_month, f.gap_months);
    const double s2 = f.sigma_month * f.sigma_month;
    const double innovations =
        f.phi_month < 1.0 ? s2 * (1.0 - decay * decay) / (1.0 - f.phi_month * f.phi_month) : s2 * f.gap_months;
    f.start_deviation = f.deviation * decay;
    f.start_deviation_sd = std::sqrt(s2 / opt.local_months * decay * decay + innovations);
  }
  f.alpha = f.intercept + f.deviation_eff;
  f.alpha_sd = std::sqrt(f.se_intercept * f.se_intercept + f.sigma_month * f.sigma_month / opt.local_months);
  f.alpha_sd_model = f.alpha_sd;
  f.beta = f.slope;
  f.beta_sd = f.se_slope;
  f.fitted.assign(static_cast<std::size_t>(n_all), nan);
  for (int i = 0; i < n_all; ++i) f.fitted[static_cast<std::size_t>(i)] = std::exp(deterministic(i));
  f.residual = u;
  return f;
}

// Variance of the log of month h's count (h = 1 is the origin's month) that
// the engine itself produces with these parameters, surges left out: the
// trend line's uncertainty at the month, the AR(1) started from x = 0, and the
// Poisson noise.
double model_log_variance(const InflowFit& f, int h) {
  const double tau = (h - 0.5) / 12.0;
  const double level = f.alpha_sd_model * f.alpha_sd_model + 2.0 * f.corr * f.se_intercept * f.se_slope * tau +
                       f.se_slope * f.se_slope * tau * tau;
  const double ar = std::max(0.0, f.stationary_var_month - f.poisson_var) * (1.0 - std::pow(f.phi_month, 2.0 * h));
  return level + ar + f.poisson_var;
}

}  // namespace

InflowFit fit_inflow(std::span<const double> monthly, int first_month, sys_days origin,
                     std::span<const Aggregate> recent, const InflowFitOptions& opt) {
  InflowFit f = fit_at_origin(monthly, first_month, origin, recent, opt);
  const int H = opt.level_horizon_months;
  if (opt.min_error_origins <= 0 || H <= 0) return f;
  // Empirical level error: the same method, run at every month inside the
  // calibration window with the data before that month only, forecasts month H
  // (x = j = 0, the engine's median path). The robust scale of those log errors
  // (1.4826 x median |e|, about zero so that bias counts) is what the forecast's
  // sd at H should be without surges; where the model's own variance at H
  // (surges left out) is smaller, the difference is added to the level's
  // variance: a shift of level that trend plus AR(1) do not produce. Robust,
  // because the surge component already makes the tail: the errors of surge
  // episodes must not be counted twice (a root-mean-square did, see
  // VALIDATION.md).
  std::vector<double> abs_err;
  for (int i = 0; i + H <= static_cast<int>(monthly.size()); ++i) {
    const int o = first_month + i;  // inner origin: first day of month o
    const int target = o + H - 1;
    if (static_cast<double>(target + 1) > f.origin_position + 1e-9) break;
    const double obs = monthly[static_cast<std::size_t>(target - first_month)];
    if (!(obs > 0.0)) continue;
    InflowFit g;
    try {
      g = fit_at_origin(monthly.first(static_cast<std::size_t>(i)), first_month, first_day(o), {}, opt);
    } catch (const std::invalid_argument&) {
      continue;  // fewer than 36 usable months before o
    }
    const double tau = (H - 0.5) / 12.0;
    const double point = g.alpha + g.slope * tau + std::log(g.season[static_cast<std::size_t>(target % 12)]);
    const double e = std::log(obs * 7.0 / days_in_month(target)) - point;
    abs_err.push_back(std::abs(e));
  }
  f.level_error_origins = static_cast<int>(abs_err.size());
  if (f.level_error_origins < opt.min_error_origins) return f;
  f.level_error_scale = 1.4826 * median_of(abs_err);
  f.model_sd_at_horizon = std::sqrt(model_log_variance(f, H));
  const double extra = f.level_error_scale * f.level_error_scale - model_log_variance(f, H);
  if (extra > 0.0) f.alpha_sd = std::sqrt(f.alpha_sd_model * f.alpha_sd_model + extra);
  return f;
}

LevelWalkFit fit_level_walk(std::span<const double> monthly, int first_month, const InflowFit& f,
                            const InflowFitOptions& opt, int max_horizon, int min_origins) {
  LevelWalkFit w;
  w.max_horizon = std::max(0, max_horizon);
  const auto H = static_cast<std::size_t>(w.max_horizon);
  std::vector<std::vector<double>> abs_err(H);
  for (int i = 0; i < static_cast<int>(monthly.size()); ++i) {
    const int o = first_month + i;  // inner origin: first day of month o
    if (static_cast<double>(o + 1) > f.origin_position + 1e-9) break;
    InflowFit g;
    try {
      g = fit_at_origin(monthly.first(static_cast<std::size_t>(i)), first_month, first_day(o), {}, opt);
    } catch (const std::invalid_argument&) {
      continue;  // fewer than 36 usable months before o
    }
    for (int h = 1; h <= w.max_horizon; ++h) {
      const int target = o + h - 1;
      if (static_cast<double>(target + 1) > f.origin_position + 1e-9) break;
      const int k = target - first_month;
      if (k >= static_cast<int>(monthly.size())) break;
      const double obs = monthly[static_cast<std::size_t>(k)];
      if (!(obs > 0.0)) continue;
      const double tau = (h - 0.5) / 12.0;
      const double point = g.intercept + g.slope * tau + std::log(g.season[static_cast<std::size_t>(target % 12)]) +
                           g.start_deviation * std::pow(g.phi_month, h - 0.5);
      abs_err[static_cast<std::size_t>(h - 1)].push_back(std::abs(std::log(obs * 7.0 / days_in_month(target)) - point));
    }
  }
  const double x0_var = f.start_deviation_sd * f.start_deviation_sd;
  const double ar_var = std::max(0.0, f.stationary_var_month - f.poisson_var);
  std::vector<int> used;       // horizons in the fit
  std::vector<double> excess;  // s_h^2 - v_h there
  for (int h = 1; h <= w.max_horizon; ++h) {
    const auto& e = abs_err[static_cast<std::size_t>(h - 1)];
    const double tau = (h - 0.5) / 12.0;
    const double decay2 = std::pow(f.phi_month, 2.0 * h - 1.0);
    const double v = f.se_intercept * f.se_intercept + 2.0 * f.corr * f.se_intercept * f.se_slope * tau +
                     f.se_slope * f.se_slope * tau * tau + x0_var * decay2 + ar_var * (1.0 - decay2) + f.poisson_var;
    const double s = e.empty() ? std::numeric_limits<double>::quiet_NaN() : 1.4826 * median_of(e);
    w.origins.push_back(static_cast<int>(e.size()));
    w.error_scale.push_back(s);
    w.model_sd.push_back(std::sqrt(v));
    if (static_cast<int>(e.size()) < min_origins) continue;
    used.push_back(h);
    excess.push_back(s * s - v);
  }
  double best_sse = std::numeric_limits<double>::infinity();
  for (int k = 0; k <= 200 && !used.empty(); ++k) {
    LevelWalkFit shape;  // G_h(rho): the variance at h for q = 1
    shape.rho_month = 1.0 - 0.0025 * k;
    shape.q_month = 1.0;
    double sgy = 0.0, sgg = 0.0;
    for (std::size_t i = 0; i < used.size(); ++i) {
      const double g = shape.variance_at(used[i]);
      sgy += g * excess[i];
      sgg += g * g;
    }
    const double q = std::max(0.0, sgy / sgg);
    double sse = 0.0;
    for (std::size_t i = 0; i < used.size(); ++i) {
      const double r = excess[i] - q * shape.variance_at(used[i]);
      sse += r * r;
    }
    if (sse < best_sse) {
      best_sse = sse;
      w.rho_month = shape.rho_month;
      w.q_month = q;
    }
  }
  const double per = 12.0 / kWeeksPerYear;
  w.phi_week = std::pow(w.rho_month, per);
  const double weekly_var = w.rho_month < 1.0
                                ? w.q_month * (1.0 - w.phi_week * w.phi_week) / (1.0 - w.rho_month * w.rho_month)
                                : w.q_month * per;
  w.sd_per_sqrt_year = std::sqrt(weekly_var * kWeeksPerYear);
  return w;
}

double LevelWalkFit::variance_at(int h) const noexcept {
  if (rho_month >= 1.0) return q_month * h;
  return q_month * (1.0 - std::pow(rho_month, 2.0 * h)) / (1.0 - rho_month * rho_month);
}

bool keep_trend(double slope, double se) noexcept { return se > 0.0 && std::abs(slope / se) >= kTrendMinT; }

std::vector<double> backlog_index(const DecisionSeries& d, double inflow_share) {
  const std::size_t n = d.decisions.size();
  std::vector<double> a(n + 1, 0.0);
  // Cumulative net inflow from the start of quarter 0, then shifted so that
  // the start of the anchor quarter has the anchor's value.
  for (std::size_t q = 0; q < n; ++q)
    a[q + 1] = a[q] + d.weeks_per_quarter * (inflow_share * d.inflow[q] - d.decisions[q]);
  const double shift = d.anchor_backlog - a[static_cast<std::size_t>(d.anchor_quarter)];
  for (double& v : a) v += shift;
  return a;
}

double decisions_one_quarter(double c_start, double backlog_start, double inflow_per_week, int weeks,
                             double target_weeks, double adjust_weeks, double inflow_share,
                             double max_per_week) noexcept {
  double c = c_start, A = backlog_start, sum = 0.0;
  for (int w = 0; w < weeks; ++w) {
    c = std::clamp(c + (A / target_weeks - c) / adjust_weeks, 0.0, max_per_week);
    sum += c;
    A = std::max(0.0, A + inflow_share * inflow_per_week - c);
  }
  return sum / weeks;
}

DecisionResponseFit fit_decision_response(const DecisionSeries& d, const DecisionResponseGrid& grid) {
  const std::size_t n = d.decisions.size();
  if (n < 3 || d.inflow.size() != n || d.weeks_per_quarter < 1 || d.anchor_quarter < 0 ||
      static_cast<std::size_t>(d.anchor_quarter) > n)
    throw std::invalid_argument(
        "decision response: need at least 3 quarters of inflow and decisions, and an anchor inside them");
  DecisionResponseFit best;
  double best_sse = std::numeric_limits<double>::infinity();
  for (double theta : grid.inflow_share) {
    const std::vector<double> A = backlog_index(d, theta);
    if (*std::min_element(A.begin(), A.end()) < 0.0) continue;
    ++best.feasible_shares;
    DecisionResponseFit::ProfilePoint here{theta, 0.0, 0.0, std::numeric_limits<double>::infinity()};
    double here_sse = std::numeric_limits<double>::infinity();
    for (double T : grid.target_weeks)
      for (double k : grid.adjust_weeks) {
        double sse = 0.0;
        for (std::size_t q = 1; q < n && sse < here_sse; ++q) {
          const double p = decisions_one_quarter(d.decisions[q - 1], A[q], d.inflow[q], d.weeks_per_quarter, T, k,
                                                 theta, grid.max_per_week);
          sse += (d.decisions[q] - p) * (d.decisions[q] - p);
        }
        if (sse < here_sse) {
          here_sse = sse;
          here.target_weeks = T;
          here.adjust_weeks = k;
        }
      }
    here.rmse = std::sqrt(here_sse / static_cast<double>(n - 1));
    best.profile.push_back(here);
    if (here_sse < best_sse) {
      best_sse = here_sse;
      best.inflow_share = theta;
      best.target_weeks = here.target_weeks;
      best.adjust_weeks = here.adjust_weeks;
    }
  }
  if (best.feasible_shares == 0)
    throw std::invalid_argument("decision response: every inflow share of the grid makes the backlog index negative");
  best.backlog = backlog_index(d, best.inflow_share);
  best.predicted.assign(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> r;
  double sse = 0.0;
  for (std::size_t q = 1; q < n; ++q) {
    const double p = decisions_one_quarter(d.decisions[q - 1], best.backlog[q], d.inflow[q], d.weeks_per_quarter,
                                           best.target_weeks, best.adjust_weeks, best.inflow_share, grid.max_per_week);
    best.predicted[q] = p;
    sse += (d.decisions[q] - p) * (d.decisions[q] - p);
    if (d.decisions[q] > 0.0 && p > 0.0) r.push_back(std::log(d.decisions[q] / p));
  }
  best.rmse = std::sqrt(sse / static_cast<double>(n - 1));
  const auto sd = [](const std::vector<double>& v) {
    if (v.size() < 2) return 0.0;
    const double m = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double s2 = 0.0;
    for (double x : v) s2 += (x - m) * (x - m);
    return std::sqrt(s2 / static_cast<double>(v.size() - 1));
  };
  best.log_sd = sd(r);
  std::vector<double> blocks;
  for (std::size_t i = 0; i + 4 <= r.size(); i += 4) blocks.push_back((r[i] + r[i + 1] + r[i + 2] + r[i + 3]) / 4.0);
  best.log_sd_annual = sd(blocks);
  if (r.size() >= 2) {
    const double m = std::accumulate(r.begin(), r.end(), 0.0) / static_cast<double>(r.size());
    double num = 0.0, den = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) {
      den += (r[i] - m) * (r[i] - m);
      if (i > 0) num += (r[i] - m) * (r[i - 1] - m);
    }
    best.log_ac1 = den > 0.0 ? num / den : 0.0;
  }
  return best;
}

double logit_drift_sd(std::span<const double> rates, int h) {
  if (h < 1) throw std::invalid_argument("logit drift: the horizon must be at least 1 year");
  double s2 = 0.0;
  int n = 0;
  const auto logit = [](double p) { return std::log(p / (1.0 - p)); };
  for (std::size_t y = 0; y + static_cast<std::size_t>(h) < rates.size(); ++y) {
    const double a = rates[y], b = rates[y + static_cast<std::size_t>(h)];
    if (!(a > 0.0 && a < 1.0 && b > 0.0 && b < 1.0)) continue;
    s2 += (logit(b) - logit(a)) * (logit(b) - logit(a));
    ++n;
  }
  if (n == 0) throw std::invalid_argument("logit drift: no pair of years with rates in (0, 1)");
  return std::sqrt(s2 / n / h);
}

double pooled_ratio(std::span<const double> num, std::span<const double> den) {
  const double a = std::accumulate(num.begin(), num.end(), 0.0), b = std::accumulate(den.begin(), den.end(), 0.0);
  if (!(b > 0.0)) throw std::invalid_argument("pooled ratio: the denominators sum to 0");
  return a / b;
}

double rms_log_ratio(std::span<const std::array<double, 2>> pairs) {
  if (pairs.empty()) throw std::invalid_argument("rms log ratio: no pairs");
  double s2 = 0.0;
  for (const auto& p : pairs) s2 += std::log(p[0] / p[1]) * std::log(p[0] / p[1]);
  return std::sqrt(s2 / static_cast<double>(pairs.size()));
}

double realisation_from_backlogs(double task, double backlog_in, double backlog_out) noexcept {
  return (task + backlog_in - backlog_out) / (task + backlog_in);
}

std::vector<double> weeks_to_months(sys_days start, std::span<const double> weekly, int first_month, int months) {
  std::vector<double> out(static_cast<std::size_t>(months), 0.0);
  std::vector<int> covered(static_cast<std::size_t>(months), 0);
  const sys_days m0 = first_day(first_month);
  for (std::size_t t = 0; t < weekly.size(); ++t) {
    for (int d = 0; d < 7; ++d) {
      const sys_days day = start + std::chrono::days{static_cast<int>(7 * t) + d};
      if (day < m0) continue;
      const year_month_day ymd{day};
      const int m =
          month_index(static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month()))) - first_month;
      if (m >= months) break;
      out[static_cast<std::size_t>(m)] += weekly[t] / 7.0;
      ++covered[static_cast<std::size_t>(m)];
    }
  }
  for (int m = 0; m < months; ++m)
    if (covered[static_cast<std::size_t>(m)] != days_in_month(first_month + m))
      out[static_cast<std::size_t>(m)] = std::numeric_limits<double>::quiet_NaN();
  return out;
}

double normal_quantile(double p) noexcept {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - 0.02425) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step.
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double crps_sorted(std::span<const double> x, double y) noexcept {
  const std::size_t n = x.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  double a = 0, b = 0;
  for (std::size_t i = 0; i < n; ++i) {
    a += std::abs(x[i] - y);
    b += (2.0 * static_cast<double>(i) - static_cast<double>(n) + 1.0) * x[i];
  }
  const double dn = static_cast<double>(n);
  return a / dn - b / (dn * dn);
}

}  // namespace chainsim::forecast::calib
