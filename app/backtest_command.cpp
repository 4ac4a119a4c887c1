#include "app/backtest_command.hpp"

#include "app/calibrate_command.hpp"
#include "app/output_lock.hpp"
#include "app/stock_backtest.hpp"
#include "forecast/calibration.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/resolve.hpp"
#include "forecast/statistics.hpp"
#include "io/config_toml.hpp"
#include "io/data_series.hpp"
#include "io/planning_table.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <sstream>

namespace chainsim::app {
namespace {

using std::chrono::sys_days;

// The engine five ways: with the seed's method (the trend only where the
// data support it, the forecast starting at the recent observed level:
// docs/model.md C1); the same with every parameter fixed at its mean; with the
// first model's method (the recent deviation shrunk into a level drawn once,
// its sd widened to the empirical level error, calibration step 8); that
// method before step 8; and the seed's method with a local level whose spread
// grows with the horizon (C11) instead of step 8's level shift, to show what
// each step changes.
const char* kMethods[] = {
    "engine",         "engine_fixed_params", "engine_first_method", "engine_model_level_sd", "engine_local_level",
    "seasonal_naive", "random_walk"};
constexpr int kNumEngine = 5;
constexpr int kNaive = 5;  // then random_walk
constexpr int kNumMethods = 7;

struct Acc {
  int n = 0;
  double c50 = 0, c80 = 0, c95 = 0, crps = 0, ae = 0, ape = 0;
  double pit_above = 0;  // PIT > 0.5 (mid-point rule for ties), for the stock tables only
};

// Deterministic log-normal "ensemble": exact quantiles at (i + 1/2)/P.
std::vector<double> lognormal_ensemble(double point, double sd, std::int64_t P) {
  std::vector<double> v(static_cast<std::size_t>(P));
  for (std::int64_t i = 0; i < P; ++i)
    v[static_cast<std::size_t>(i)] =
        point * std::exp(sd * forecast::calib::normal_quantile((i + 0.5) / static_cast<double>(P)));
  return v;
}

double sd_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  double m = 0;
  for (double x : v) m += x;
  m /= v.size();
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / (v.size() - 1));
}

// Scores one forecast (ensemble x, sorted here) against the observation y,
// adds it to a and writes the detail row's numbers (median, quantiles, CRPS).
void score(std::vector<double>& x, double y, Acc& a, std::ostream& detail) {
  std::sort(x.begin(), x.end());
  const double q[] = {forecast::quantile_sorted(x, 0.5),  forecast::quantile_sorted(x, 0.025),
                      forecast::quantile_sorted(x, 0.10), forecast::quantile_sorted(x, 0.25),
                      forecast::quantile_sorted(x, 0.75), forecast::quantile_sorted(x, 0.90),
                      forecast::quantile_sorted(x, 0.975)};
  const double cr = forecast::calib::crps_sorted(x, y);
  ++a.n;
  a.c50 += (y >= q[3] && y <= q[4]);
  a.c80 += (y >= q[2] && y <= q[5]);
  a.c95 += (y >= q[1] && y <= q[6]);
  a.crps += cr;
  a.ae += std::abs(q[0] - y);
  a.ape += std::abs(q[0] - y) / y;
  const auto lo = std::lower_bound(x.begin(), x.end(), y), hi = std::upper_bound(x.begin(), x.end(), y);
  a.pit_above +=
      (static_cast<double>(lo - x.begin()) + 0.5 * static_cast<double>(hi - lo)) / static_cast<double>(x.size()) > 0.5;
  for (double v : q) detail << "," << fixed(v, 1);
  detail << "," << fixed(cr, 2) << "\n";
}

HorizonScore summarise(const char* method, int horizon, const Acc& a) {
  HorizonScore s{method, horizon, a.n};
  if (a.n) {
    s.cov50 = a.c50 / a.n, s.cov80 = a.c80 / a.n, s.cov95 = a.c95 / a.n;
    s.crps = a.crps / a.n, s.mae = a.ae / a.n, s.mape = a.ape / a.n;
  }
  return s;
}

void markdown_row(std::ostream& md, const HorizonScore& s) {
  md << "| " << s.method << " | " << s.horizon << " | " << s.n << " | " << fixed(s.cov50, 2) << " | "
     << fixed(s.cov80, 2) << " | " << fixed(s.cov95, 2) << " | " << fixed(s.crps, 1) << " | " << fixed(s.mae, 1)
     << " | " << fixed(100 * s.mape, 1) << " % |\n";
}

void csv_row(std::ostream& csv, const HorizonScore& s) {
  csv << s.method << "," << s.horizon << "," << s.n << "," << fixed(s.cov50, 4) << "," << fixed(s.cov80, 4) << ","
      << fixed(s.cov95, 4) << "," << fixed(s.crps, 2) << "," << fixed(s.mae, 2) << "," << fixed(s.mape, 4) << "\n";
}

}  // namespace

void write_backtest_files(const std::filesystem::path& dir, std::span<const NamedText> tables, const NamedText& report,
                          std::ostream& log) {
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : tables) io::write_text_atomically((dir / name).string(), text);
  io::write_text_atomically((dir / report.first).string(), report.second);
  log << report.second;
}

std::vector<HorizonScore> backtest(const BacktestOptions& o, std::ostream& log) {
  const auto rows = io::read_data_dir(o.data_dir);
  const OutputLock lock(o.out_dir, "chainsim backtest", OutputLock::Directory::Create);  // one writer per output
  const forecast::InflowData in = load_inflow(rows);
  const forecast::Config base = o.base ? *o.base : io::load_seed().scenarios[0];
  const int H = o.horizon;
  const int data_end = in.first_month + static_cast<int>(in.monthly.size());  // exclusive
  auto obs = [&](int m) {
    const int i = m - in.first_month;
    return i >= 0 && m < data_end ? in.monthly[static_cast<std::size_t>(i)] : std::numeric_limits<double>::quiet_NaN();
  };
  std::vector<std::vector<Acc>> acc(kNumMethods, std::vector<Acc>(static_cast<std::size_t>(H)));
  std::ostringstream detail;
  detail << "origin,method,horizon,month,observed,median,q025,q10,q25,q75,q90,q975,crps\n";
  // Quarterly totals: CBS first asylum requests as published (vintage 2022-04,
  // 2019-Q1..2022-Q1), which reach past the monthly series' end (2020-08).
  std::map<int, double> cbs_quarter;  // first month -> total
  for (const auto& a : in.cbs_quarters) cbs_quarter[a.first_month] = a.total;
  const int HQ = H / 3;
  constexpr int kNumQuarterMethods = kNumEngine + 1;  // the engines and seasonal naive
  std::vector<std::vector<Acc>> qacc(kNumQuarterMethods, std::vector<Acc>(static_cast<std::size_t>(HQ)));
  std::ostringstream qdetail;
  qdetail << "origin,method,horizon_quarters,quarter_start,observed,median,q025,q10,q25,q75,q90,q975,crps\n";
  int done = 0;
  for (int y = o.first_year; y <= o.last_year; ++y) {
    for (int half = 0; half < 2; ++half) {
      if (o.max_origins > 0 && done >= o.max_origins) break;
      const int om = forecast::calib::month_index(y, half ? 7 : 1);
      const sys_days origin = forecast::calib::first_day(om);
      // Monday on or before the origin (1970-01-01 was a Thursday).
      const auto days = origin.time_since_epoch().count();
      const sys_days start = origin - std::chrono::days{((days + 3) % 7 + 7) % 7};
      const sys_days end = forecast::calib::first_day(om + H);
      const int weeks = static_cast<int>((end - start).count() + 6) / 7;
      const auto bridge = forecast::bridge_quarters(in, origin, 2);
      std::vector<double> monthly(
          in.monthly.begin(),
          in.monthly.begin() + std::clamp(om - in.first_month, 0, static_cast<int>(in.monthly.size())));
      const forecast::calib::InflowFit fit = forecast::calib::fit_inflow(monthly, in.first_month, origin, bridge);
      const forecast::SeedInflowFit seed_fit =
          forecast::fit_inflow_seed_method(monthly, in.first_month, origin, bridge);
      ++done;
      bool any_truth = false;
      for (int h = 0; h < H; ++h) any_truth = any_truth || !std::isnan(obs(om + h));
      for (int q = 0; q < HQ; ++q) any_truth = any_truth || cbs_quarter.count(om + 3 * q);
      log << "origin " << forecast::calib::month_label(om) << ": alpha " << fixed(fit.alpha, 3) << " (sd "
          << fixed(fit.alpha_sd, 3) << "), beta " << fixed(fit.beta, 3) << ", phi_w " << fixed(fit.phi_week, 3)
          << ", sigma_w " << fixed(fit.sigma_week, 3) << ", surges " << fit.surges << ", level error scale "
          << fixed(fit.level_error_scale, 3) << " over " << fit.level_error_origins << " inner origins"
          << (any_truth ? "" : " (no data to score)") << "\n";
      if (!any_truth) continue;
      // Engine forecasts (with and without parameter uncertainty, same seed).
      std::vector<std::vector<std::vector<double>>> ens(kNumEngine);  // [variant][h][path]
      for (int variant = 0; variant < kNumEngine; ++variant) {
        forecast::calib::InflowFit vf = fit;
        if (variant == 3) vf.alpha_sd = fit.alpha_sd_model;
        const forecast::Config c = variant == 4 ? local_level_inflow_config(base, seed_fit, start, weeks, o.paths)
                                   : variant < 2
                                       ? seed_inflow_config(base, seed_fit, start, weeks, o.paths, variant == 0)
                                       : inflow_config(base, vf, start, weeks, o.paths, true);
        const forecast::Ensemble e = forecast::simulate_ensemble(
            resolve(c), {.paths = o.paths, .seed = c.run.seed, .parallelism = o.parallelism});
        ens[static_cast<std::size_t>(variant)].assign(static_cast<std::size_t>(H),
                                                      std::vector<double>(static_cast<std::size_t>(o.paths)));
        std::vector<double> weekly(static_cast<std::size_t>(weeks));
        for (std::int64_t p = 0; p < o.paths; ++p) {
          for (int t = 0; t < weeks; ++t)
            weekly[static_cast<std::size_t>(t)] =
                e.column(core::Var::FirstApplications, t)[static_cast<std::size_t>(p)];
          const auto mon = forecast::calib::weeks_to_months(start, weekly, om, H);
          for (int h = 0; h < H; ++h)
            ens[static_cast<std::size_t>(variant)][static_cast<std::size_t>(h)][static_cast<std::size_t>(p)] =
                mon[static_cast<std::size_t>(h)];
        }
      }
      // Baseline spreads from the calibration window.
      std::vector<double> d12, d1;
      for (int m = in.first_month + 12; m < std::min(om, data_end); ++m)
        if (obs(m) > 0 && obs(m - 12) > 0) d12.push_back(std::log(obs(m) / obs(m - 12)));
      for (int m = in.first_month + 1; m < std::min(om, data_end); ++m)
        if (obs(m) > 0 && obs(m - 1) > 0) d1.push_back(std::log(obs(m) / obs(m - 1)));
      const double s12 = sd_of(d12), s1 = sd_of(d1);
      const int last = std::min(om, data_end) - 1;
      for (int h = 1; h <= H; ++h) {
        const int m = om + h - 1;
        const double yv = obs(m);
        if (std::isnan(yv)) continue;
        for (int k = 0; k < kNumMethods; ++k) {
          std::vector<double> x;
          if (k < kNumEngine) {
            x = ens[static_cast<std::size_t>(k)][static_cast<std::size_t>(h - 1)];
          } else if (k == kNaive) {
            int lag = 12;
            while (m - lag > last) lag += 12;
            x = lognormal_ensemble(obs(m - lag), s12 * std::sqrt(lag / 12.0), o.paths);
          } else {
            x = lognormal_ensemble(obs(last), s1 * std::sqrt(static_cast<double>(m - last)), o.paths);
          }
          detail << forecast::calib::month_label(om) << "," << kMethods[k] << "," << h << ","
                 << forecast::calib::month_label(m) << "," << fixed(yv, 0);
          score(x, yv, acc[static_cast<std::size_t>(k)][static_cast<std::size_t>(h - 1)], detail);
        }
      }
      // Quarters: the engine's months summed per path; seasonal naive = the same
      // quarter a year (or two) before, known before the origin, log-normal with
      // the sd of year-on-year log changes of quarterly sums in the window.
      auto quarter_known = [&](int qm) {
        double t = 0;
        for (int i = 0; i < 3; ++i) {
          const double v = qm + i < std::min(om, data_end) ? obs(qm + i) : std::numeric_limits<double>::quiet_NaN();
          if (!(v >= 0)) {
            const auto c = cbs_quarter.find(qm);
            return c != cbs_quarter.end() && qm + 3 <= om ? c->second : std::numeric_limits<double>::quiet_NaN();
          }
          t += v;
        }
        return t;
      };
      std::vector<double> dq;
      for (int m = in.first_month + 12; m + 3 <= std::min(om, data_end); ++m)
        if (m % 3 == 0 && quarter_known(m) > 0 && quarter_known(m - 12) > 0)
          dq.push_back(std::log(quarter_known(m) / quarter_known(m - 12)));
      const double sq12 = sd_of(dq);
      for (int q = 1; q <= HQ; ++q) {
        const int qm = om + 3 * (q - 1);
        const auto it = cbs_quarter.find(qm);
        if (it == cbs_quarter.end()) continue;
        const double yv = it->second;
        for (int k = 0; k < kNumQuarterMethods; ++k) {
          std::vector<double> x;
          if (k < kNumEngine) {
            x.assign(static_cast<std::size_t>(o.paths), 0.0);
            for (int i = 0; i < 3; ++i)
              for (std::int64_t p = 0; p < o.paths; ++p)
                x[static_cast<std::size_t>(p)] +=
                    ens[static_cast<std::size_t>(k)][static_cast<std::size_t>(3 * (q - 1) + i)]
                       [static_cast<std::size_t>(p)];
          } else {
            int lag = 12;
            while (std::isnan(quarter_known(qm - lag)) && qm - lag >= in.first_month) lag += 12;
            if (std::isnan(quarter_known(qm - lag))) continue;
            x = lognormal_ensemble(quarter_known(qm - lag), sq12 * std::sqrt(lag / 12.0), o.paths);
          }
          qdetail << forecast::calib::month_label(om) << "," << kMethods[k] << "," << q << ","
                  << forecast::calib::month_label(qm) << "," << fixed(yv, 0);
          score(x, yv, qacc[static_cast<std::size_t>(k)][static_cast<std::size_t>(q - 1)], qdetail);
        }
      }
    }
  }
  std::vector<HorizonScore> out;
  std::ostringstream csv;
  csv << "method,horizon,n,cov50,cov80,cov95,crps,mae,mape\n";
  for (int k = 0; k < kNumMethods; ++k)
    for (int h = 0; h < H; ++h) {
      out.push_back(summarise(kMethods[k], h + 1, acc[static_cast<std::size_t>(k)][static_cast<std::size_t>(h)]));
      csv_row(csv, out.back());
    }
  std::ostringstream qcsv;
  qcsv << "method,horizon_quarters,n,cov50,cov80,cov95,crps,mae,mape\n";
  std::vector<HorizonScore> qout;
  for (int k = 0; k < kNumQuarterMethods; ++k)
    for (int q = 0; q < HQ; ++q) {
      qout.push_back(summarise(kMethods[k], q + 1, qacc[static_cast<std::size_t>(k)][static_cast<std::size_t>(q)]));
      csv_row(qcsv, qout.back());
    }
  auto get = [&](int k, int h) -> const HorizonScore& { return out[static_cast<std::size_t>(k * H + h - 1)]; };
  const char* header =
      "| method | h | n | cov 50 % | cov 80 % | cov 95 % | CRPS | MAE (median) | MAPE (median) |\n"
      "|---|---|---|---|---|---|---|---|---|\n";
  std::ostringstream md;
  md << "Origins: " << done << " (1 Jan / 1 Jul " << o.first_year << ".." << o.last_year << "), " << o.paths
     << " paths each, horizons 1.." << H << " months; target: Eurostat monthly first-time applicants NL.\n\n"
     << header;
  for (int k = 0; k < kNumMethods; ++k)
    for (int h : {1, 3, 6, 12, 18, 24})
      if (h <= H) markdown_row(md, get(k, h));
  md << "\nQuarterly totals (h in quarters), target: CBS first asylum requests, vintage 2022-04, as published "
        "(2019-Q1..2022-Q1; the 2021 origins are scored only here):\n\n"
     << header;
  for (const auto& s : qout) markdown_row(md, s);
  if (H >= 12) {
    const auto& e12 = get(0, 12);
    const auto& e6 = get(0, 6);
    const auto& n6 = get(kNaive, 6);
    const auto& n12 = get(kNaive, 12);
    auto yes = [](bool b) { return b ? "met" : "NOT met"; };
    md << "\nTargets (engine with parameter uncertainty):\n\n"
       << "- coverage of the 80 % interval at 12 months in [70 %, 90 %]: " << fixed(100 * e12.cov80, 1) << " % — "
       << yes(e12.cov80 >= 0.70 && e12.cov80 <= 0.90) << "\n"
       << "- coverage of the 95 % interval at 12 months ≥ 85 %: " << fixed(100 * e12.cov95, 1) << " % — "
       << yes(e12.cov95 >= 0.85) << "\n"
       << "- CRPS at 6 months below seasonal naive: " << fixed(e6.crps, 1) << " vs " << fixed(n6.crps, 1) << " — "
       << yes(e6.crps < n6.crps) << "\n"
       << "- CRPS at 12 months below seasonal naive: " << fixed(e12.crps, 1) << " vs " << fixed(n12.crps, 1) << " — "
       << yes(e12.crps < n12.crps) << "\n";
  }
  const NamedText tables[] = {{"backtest_scores.csv", csv.str()},
                              {"backtest_detail.csv", detail.str()},
                              {"backtest_quarterly_scores.csv", qcsv.str()},
                              {"backtest_quarterly_detail.csv", qdetail.str()}};
  write_backtest_files(o.out_dir, tables, {"backtest.md", md.str()}, log);
  if (o.stocks) {
    // The inflow rows of the stock tables: the engine at 6, 12 and 24 months.
    std::vector<InflowTableRow> rows_md;
    for (int h : {6, 12, 24}) {
      if (h > H) continue;
      const Acc& a = acc[0][static_cast<std::size_t>(h - 1)];
      const HorizonScore &e = get(0, h), &rw = get(kNaive + 1, h), &sn = get(kNaive, h);
      rows_md.push_back({h, e.n, e.cov50, e.cov80, a.n ? a.pit_above / a.n : 0.0, e.crps, rw.crps, sn.crps});
    }
    stock_backtest(o, rows, in, rows_md, log);
  }
  return out;
}

}  // namespace chainsim::app
