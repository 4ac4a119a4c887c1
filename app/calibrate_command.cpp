#include "app/calibrate_command.hpp"
#include "app/output_lock.hpp"

#include "forecast/initial_state.hpp"
#include "io/errors.hpp"
#include "io/planning_table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <sstream>

namespace chainsim::app {
namespace {

using calib::month_index;
constexpr double kWpy = calib::kWeeksPerYear;
const Date kOrigin = Date{std::chrono::year{2022} / std::chrono::June / 20};

const io::DataRow& need(const std::vector<io::DataRow>& rows, std::string_view series, std::string_view period,
                        std::optional<std::string_view> vintage = std::nullopt) {
  const io::DataRow* r = io::find(rows, series, period, vintage);
  if (!r)
    throw io::ConfigError("data", 0, std::string(series), "",
                          "no row for period " + std::string(period) +
                              (vintage ? " vintage " + std::string(*vintage) : std::string()));
  return *r;
}

std::string where(const io::DataRow& r) { return r.file + ":" + std::to_string(r.line); }

int parse_month(const std::string& p) {  // "YYYY-MM" -> index, -1 otherwise
  if (p.size() != 7 || p[4] != '-') return -1;
  return month_index(std::stoi(p.substr(0, 4)), std::stoi(p.substr(5, 2)));
}

}  // namespace

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos) s = s[0] == '-' ? s.substr(1) : s;
  return s;
}

InflowData load_inflow(const std::vector<io::DataRow>& rows) {
  InflowData d;
  auto sel = io::select(rows, "eurostat_first_time_applicants", "NL", std::string_view("2020-10-06"));
  int lo = std::numeric_limits<int>::max(), hi = -1;
  for (const auto* r : sel) {
    if (r->file != "nl_asylum_applications_monthly.csv") continue;
    const int m = parse_month(r->period);
    if (m < 0) continue;
    lo = std::min(lo, m);
    hi = std::max(hi, m);
  }
  if (hi < 0) throw io::ConfigError("nl_asylum_applications_monthly.csv", 0, "eurostat_first_time_applicants", "",
                                    "no monthly rows of vintage 2020-10-06");
  d.first_month = lo;
  d.monthly.assign(static_cast<std::size_t>(hi - lo + 1), std::numeric_limits<double>::quiet_NaN());
  for (const auto* r : sel) {
    const int m = parse_month(r->period);
    if (m >= 0 && r->file == "nl_asylum_applications_monthly.csv") d.monthly[static_cast<std::size_t>(m - lo)] = r->value;
  }
  for (const auto* r : io::select(rows, "cbs_first_asylum_requests", "NL", std::string_view("2022-04"))) {
    const std::string& p = r->period;
    if (p.size() != 7 || p[5] != 'Q') continue;
    const int q = p[6] - '1';
    d.cbs_quarters.push_back({month_index(std::stoi(p.substr(0, 4)), 1) + 3 * q, 3, r->value});
    d.cbs_labels.push_back(p);
  }
  // Ratio over the quarters covered by both.
  double se = 0, sc = 0;
  std::string first, last;
  for (std::size_t k = 0; k < d.cbs_quarters.size(); ++k) {
    const auto& a = d.cbs_quarters[k];
    double s = 0;
    bool ok = true;
    for (int m = a.first_month; m < a.first_month + 3; ++m) {
      const int i = m - d.first_month;
      if (i < 0 || i >= static_cast<int>(d.monthly.size()) || std::isnan(d.monthly[static_cast<std::size_t>(i)])) ok = false;
      else s += d.monthly[static_cast<std::size_t>(i)];
    }
    if (!ok) continue;
    se += s;
    sc += a.total;
    if (first.empty()) first = d.cbs_labels[k];
    last = d.cbs_labels[k];
  }
  d.cbs_to_eurostat = sc > 0 ? se / sc : 1.0;
  d.overlap = first + ".." + last;
  return d;
}

std::vector<calib::Aggregate> bridge_quarters(const InflowData& d, std::chrono::sys_days origin, int count) {
  const int data_end = d.first_month + static_cast<int>(d.monthly.size());
  const double pos = calib::month_position(origin);
  std::vector<calib::Aggregate> out;
  for (const auto& a : d.cbs_quarters)
    if (a.first_month >= data_end && a.first_month + a.months <= pos + 1e-9)
      out.push_back({a.first_month, a.months, a.total * d.cbs_to_eurostat});
  if (static_cast<int>(out.size()) > count) out.erase(out.begin(), out.end() - count);
  return out;
}

Config inflow_config(const Config& base, const calib::InflowFit& fit, Date start, int weeks, std::int64_t paths,
                     bool parameter_uncertainty) {
  Config c = base;
  c.run.start = start;
  c.run.weeks = weeks;
  c.run.paths = paths;
  c.run.regions = RegionMode::National;
  c.inflow.level = {fit.alpha, parameter_uncertainty ? fit.alpha_sd : 0.0};
  c.inflow.trend_per_year = {fit.beta, parameter_uncertainty ? fit.beta_sd : 0.0};
  c.inflow.level_trend_correlation = parameter_uncertainty ? fit.corr : 0.0;
  // alpha already holds the recent deviation (step 7), so x starts at 0: the
  // seed's start_deviation would count it twice.
  c.inflow.start_deviation = {};
  c.inflow.season = fit.season;
  c.inflow.ar_phi = fit.phi_week;
  c.inflow.ar_sigma = fit.sigma_week;
  c.inflow.shock_probability = fit.surge_p_week;
  c.inflow.shock_mean = fit.surge_kappa;
  c.inflow.shock_decay = fit.surge_psi_week;
  c.levers.inflow.clear();
  return c;
}

namespace {

// Quarter "YYYY-Qn" -> month index of its first month, -1 otherwise.
int parse_quarter(const std::string& p) {
  if (p.size() != 7 || p[4] != '-' || p[5] != 'Q' || p[6] < '1' || p[6] > '4') return -1;
  return month_index(std::stoi(p.substr(0, 4)), 1) + 3 * (p[6] - '1');
}

std::string quarter_label(int first_month) {
  return std::to_string(first_month / 12) + "-Q" + std::to_string(first_month % 12 / 3 + 1);
}

// The quarterly series of the decision-response fit: Eurostat first-instance
// decisions (vintage 2020-10-07) and the monthly first-time applicants summed
// to the same quarters, as weekly rates (total / 13), and the days of each
// quarter for the highest observed rate.
struct DecisionData {
  calib::DecisionSeries series;
  int first_quarter_month = 0;
  std::vector<double> days;
  std::vector<double> totals;
  const io::DataRow* anchor = nullptr;
};

DecisionData load_decisions(const std::vector<io::DataRow>& rows, const InflowData& in) {
  DecisionData d;
  std::vector<std::pair<int, double>> q;
  for (const auto* r : io::select(rows, "eurostat_first_instance_decisions_total", "NL", std::string_view("2020-10-07")))
    if (const int m = parse_quarter(r->period); m >= 0 && r->file == "nl_decisions.csv") q.emplace_back(m, r->value);
  std::sort(q.begin(), q.end());
  if (q.size() < 3) throw io::ConfigError("nl_decisions.csv", 0, "eurostat_first_instance_decisions_total", "",
                                          "fewer than 3 quarters of vintage 2020-10-07");
  d.first_quarter_month = q.front().first;
  d.series.weeks_per_quarter = 13;
  for (std::size_t i = 0; i < q.size(); ++i) {
    const int m = q[i].first;
    if (m != d.first_quarter_month + 3 * static_cast<int>(i))
      throw io::ConfigError("nl_decisions.csv", 0, "eurostat_first_instance_decisions_total", quarter_label(m),
                            "the quarters of vintage 2020-10-07 are not consecutive");
    double f = 0.0, days = 0.0;
    for (int k = m; k < m + 3; ++k) {
      const int j = k - in.first_month;
      if (j < 0 || j >= static_cast<int>(in.monthly.size()) || std::isnan(in.monthly[static_cast<std::size_t>(j)]))
        throw io::ConfigError("nl_asylum_applications_monthly.csv", 0, "eurostat_first_time_applicants",
                              calib::month_label(k), "no month for the decisions' quarter " + quarter_label(m));
      f += in.monthly[static_cast<std::size_t>(j)];
      days += calib::days_in_month(k);
    }
    d.series.inflow.push_back(f / 13.0);
    d.series.decisions.push_back(q[i].second / 13.0);
    d.days.push_back(days);
    d.totals.push_back(q[i].second);
  }
  // The level of the backlog index: COA's asylum seekers in procedure in
  // reception in April 2020, taken as the stock at the start of 2020-Q2.
  d.anchor = &need(rows, "coa_asylum_seekers_in_procedure_in_reception", "2020-04");
  const int am = parse_month(d.anchor->period);
  d.series.anchor_quarter = (am - d.first_quarter_month) / 3;
  d.series.anchor_backlog = d.anchor->value;
  return d;
}

}  // namespace

SeedInflowFit fit_inflow_seed_method(std::span<const double> monthly, int first_month, std::chrono::sys_days origin,
                                     std::span<const calib::Aggregate> bridge) {
  SeedInflowFit s;
  s.with_trend = calib::fit_inflow(monthly, first_month, origin, bridge);
  s.trend = calib::keep_trend(s.with_trend.slope, s.with_trend.se_slope);
  calib::InflowFitOptions options;
  if (!s.trend) options.trend = false;
  s.used = calib::fit_inflow(monthly, first_month, origin, bridge, options);
  // Step 8's extra variance (the method's own 12-month errors beyond what the
  // model produces) is a shift of the long-run level; the recent deviation's
  // own uncertainty is start_deviation's sd, not the level's.
  const calib::InflowFit& g = s.used;
  const double extra = std::max(0.0, g.alpha_sd * g.alpha_sd - g.alpha_sd_model * g.alpha_sd_model);
  s.level_sd = std::sqrt(g.se_intercept * g.se_intercept + extra);
  return s;
}

Config seed_inflow_config(const Config& base, const SeedInflowFit& fit, Date start, int weeks, std::int64_t paths,
                          bool parameter_uncertainty) {
  const calib::InflowFit& g = fit.used;
  Config c = inflow_config(base, g, start, weeks, paths, parameter_uncertainty);
  const double u = parameter_uncertainty ? 1.0 : 0.0;
  c.inflow.level = {g.intercept, u * fit.level_sd};
  c.inflow.trend_per_year = fit.trend ? Prior{g.slope, u * g.se_slope} : Prior{};
  c.inflow.level_trend_correlation = fit.trend && parameter_uncertainty ? g.corr : 0.0;
  c.inflow.start_deviation = {g.start_deviation, u * g.start_deviation_sd};
  return c;
}

std::string calibrated_toml(const std::vector<io::DataRow>& rows, std::string* report_md, std::string* fit_csv,
                            const std::string& data_dir) {
  const InflowData in = load_inflow(rows);
  const auto bridge = bridge_quarters(in, kOrigin, 2);
  // The fit with a trend (and the empirical level error, step 8: reported, and
  // what the backtest uses); the seed keeps the trend only when the data
  // distinguish it from 0, and otherwise takes the fit without one.
  const SeedInflowFit seed_fit = fit_inflow_seed_method(in.monthly, in.first_month, kOrigin, bridge);
  const calib::InflowFit& f = seed_fit.with_trend;
  const bool trend = seed_fit.trend;
  const calib::InflowFit& g = seed_fit.used;
  const std::string mfile = "nl_asylum_applications_monthly.csv";
  const std::string qfile = "nl_asylum_applications_quarterly.csv";
  const std::string span = calib::month_label(in.first_month) + ".." +
                           calib::month_label(in.first_month + static_cast<int>(in.monthly.size()) - 1);
  std::string bridge_txt;
  for (const auto& a : bridge) bridge_txt += (bridge_txt.empty() ? "" : ", ") + calib::month_label(a.first_month) + "+3m";

  // ---- derived chain parameters --------------------------------------------
  // Repeat share: IND monthly, own_month_release, months with first and repeat.
  double rep = 0, fst = 0;
  int rep_n = 0;
  for (const auto* r : io::select(rows, "ind_repeat_asylum_applications", "NL", std::string_view("own_month_release"))) {
    const io::DataRow* f1 = io::find(rows, "ind_first_asylum_applications", r->period, std::string_view("own_month_release"));
    if (!f1) continue;
    rep += r->value;
    fst += f1->value;
    ++rep_n;
  }
  const double repeat_share = rep / fst;
  // Positive first-instance decisions (UNHCR FI recognized + other) per year.
  auto positive = [&](int y) {
    const std::string p = std::to_string(y);
    return need(rows, "unhcr_dec_recognized_fi", p).value + need(rows, "unhcr_dec_other_fi", p).value;
  };
  auto rejected = [&](int y) { return need(rows, "unhcr_dec_rejected_fi", std::to_string(y)).value; };
  auto closed = [&](int y) { return need(rows, "unhcr_dec_closed_fi", std::to_string(y)).value; };
  auto grant_of = [&](int y) { return positive(y) / (positive(y) + rejected(y)); };
  // Grant rate: the 2021 value; its drift from the changes of logit(rate) over
  // 5 years, 2000..2021.
  const int drift_from = 2000, drift_to = 2021, drift_h = 5;
  std::vector<double> rates;
  for (int y = drift_from; y <= drift_to; ++y) rates.push_back(grant_of(y));
  const double drift_sd = calib::logit_drift_sd(rates, drift_h);
  const double drift_sd_1y = calib::logit_drift_sd(rates, 1);
  const double grant_rate = grant_of(2021);
  // The 2021 rate describes the middle of 2021; the drift from there to the
  // origin is the uncertainty of the rate at week 0 (delta method on logit).
  const double gap_years =
      static_cast<double>((kOrigin - Date{std::chrono::year{2021} / std::chrono::July / 1}).count()) / 365.25;
  const double grant_sd = grant_rate * (1.0 - grant_rate) * drift_sd * std::sqrt(gap_years);
  const double decisions_week = (positive(2021) + rejected(2021)) / kWpy;
  const double grants_week = positive(2021) / kWpy;
  // Closures without a decision, 2017..2021 pooled.
  std::vector<double> w_num, w_den;
  for (int y = 2017; y <= 2021; ++y) {
    w_num.push_back(closed(y));
    w_den.push_back(positive(y) + rejected(y) + closed(y));
  }
  const double withdrawn = calib::pooled_ratio(w_num, w_den);
  double w_closed = 0, w_all = 0;
  for (std::size_t i = 0; i < w_num.size(); ++i) w_closed += w_num[i], w_all += w_den[i];
  // Family reunification per grant: IND arrivals in year y over positive decisions of y-1.
  std::vector<double> nu;
  std::string nu_years;
  for (const auto* r : io::select(rows, "ind_family_reunification_arrivals", "NL")) {
    if (r->file != "asylum_applications_annual.csv" || r->period.size() != 4) continue;
    const int y = std::stoi(r->period);
    if (!io::find(rows, "unhcr_dec_recognized_fi", std::to_string(y - 1))) continue;
    nu.push_back(r->value / positive(y - 1));
    nu_years += (nu_years.empty() ? "" : ",") + r->period;
  }
  double num = 0;
  for (double v : nu) num += v;
  num /= nu.size();
  double nuv = 0;
  for (double v : nu) nuv += (v - num) * (v - num);
  const double nu_sd = std::sqrt(nuv / (nu.size() - 1));
  // Dublin share and transfer share.
  auto unhcr_new = [&](int y) { return need(rows, "unhcr_applications_new_fi", std::to_string(y)).value; };
  const auto& dub_req = need(rows, "ind_outgoing_dublin_requests", "2014-01/2021-06");
  const auto& dub_req_1416 = need(rows, "ind_outgoing_dublin_requests", "2014/2016");
  const auto& dub_tr = need(rows, "outgoing_dublin_transfers", "2014-01/2021-06");
  const auto& dub_tr_1416 = need(rows, "outgoing_dublin_transfers", "2014/2016");
  const auto& tb = need(rows, "outgoing_take_back_requests", "2016/2020");
  const auto& tc = need(rows, "outgoing_take_charge_requests", "2016/2020");
  double apps_1421 = 0.5 * unhcr_new(2021), apps_1416 = 0, apps_1620 = 0;
  for (int y = 2014; y <= 2020; ++y) apps_1421 += unhcr_new(y);
  for (int y = 2014; y <= 2016; ++y) apps_1416 += unhcr_new(y);
  for (int y = 2016; y <= 2020; ++y) apps_1620 += unhcr_new(y);
  const double dub_a = dub_req.value / apps_1421, dub_b = dub_req_1416.value / apps_1416,
               dub_c = (tb.value + tc.value) / apps_1620;
  const double dub_sd = (std::max({dub_a, dub_b, dub_c}) - std::min({dub_a, dub_b, dub_c})) / 4.0;
  const double ptr = dub_tr.value / dub_req.value, ptr_b = dub_tr_1416.value / dub_req_1416.value;
  const double ptr_sd = std::abs(ptr - ptr_b) / 2.0;
  // Departures: split of an assumed total exit hazard by DT&V 2021.
  const auto& forced = need(rows, "dtv_forced_departure", "2021");
  const auto& indep = need(rows, "dtv_independent_departure", "2021");
  const auto& unsup = need(rows, "dtv_departure_without_supervision", "2021");
  const double exit_total = 0.05;  // not informed by data (no stock of rejected in reception)
  const double verified = (forced.value + indep.value) / (forced.value + indep.value + unsup.value);
  const double return_weekly = exit_total * verified, leave_weekly = exit_total * (1.0 - verified);
  // Initial stocks at the origin.
  const auto& occ = need(rows, "coa_occupancy_point", "2022-06-01");
  const std::int64_t permit0 = 14000;  // seed letter
  const double abscond = 0.01;         // not informed by data
  const int deadline = 26;
  const int jun = 5;  // June (origin month)
  // The engine's median rate in week 0: the line plus the starting deviation.
  const double first_week_rate = std::exp(g.intercept + g.start_deviation) * g.season[jun];
  // Steady-state rules shared with the stock backtest (forecast/initial_state.hpp).
  const DublinSteadyState dss = steady_state_dublin(first_week_rate, repeat_share, dub_a, ptr, abscond, deadline);
  const double h_tr = dss.transfer_hazard, stay = dss.expected_weeks, reg_week = dss.registrations_per_week;
  const std::int64_t dublin0 = dss.stock;
  const std::int64_t rejected0 = steady_state_rejected(rejected(2021) / kWpy, exit_total);
  const auto nonpermit = static_cast<std::int64_t>(std::llround(occ.value)) - permit0;
  const std::int64_t procedure0 = nonpermit - dublin0 - rejected0;
  // The uncertainty of the initial stocks: the disagreement between values of
  // the same stock within two months of each other (sources, releases, or the
  // seed letter against COA's last figure).
  struct StockPair {
    const io::DataRow* a;
    double b;
    std::string what;
  };
  std::vector<StockPair> stock_pairs;
  for (int y = 2015; y <= 2019; ++y)
    stock_pairs.push_back({&need(rows, "coa_occupancy_year", std::to_string(y)),
                           need(rows, "coa_occupancy_31dec", std::to_string(y)).value,
                           "occupancy " + std::to_string(y) + " COA/NJI"});
  stock_pairs.push_back({&need(rows, "coa_occupancy_point", "2017-12-31"), need(rows, "coa_occupancy_31dec", "2017").value,
                         "occupancy 2017-12-31/NJI 2017"});
  stock_pairs.push_back({&need(rows, "coa_occupancy_point", "2019-01-01"), need(rows, "coa_occupancy_31dec", "2018").value,
                         "occupancy 2019-01-01/NJI 2018"});
  stock_pairs.push_back({&need(rows, "coa_permit_holders_in_reception", "2020-04"),
                         need(rows, "coa_permit_holders_in_reception", "2020-06-01").value, "permit holders 2020-04/2020-06-01"});
  stock_pairs.push_back({&need(rows, "coa_permit_holders_in_reception", "2021-11"),
                         need(rows, "coa_permit_holders_in_reception", "2021-12").value, "permit holders 2021-11/2021-12"});
  stock_pairs.push_back({&need(rows, "coa_permit_holders_waiting_over_3_months", "2021-11"),
                         need(rows, "coa_permit_holders_waiting_over_3_months", "2021-12").value,
                         "waiting over 3 months 2021-11/2021-12"});
  stock_pairs.push_back({&need(rows, "coa_permit_holders_in_reception", "2022-04"), static_cast<double>(permit0),
                         "permit holders 2022-04/letter 14,000"});
  std::vector<std::array<double, 2>> pair_values;
  for (const auto& p : stock_pairs) pair_values.push_back({p.a->value, p.b});
  const double initial_sd = calib::rms_log_ratio(pair_values);
  // Permit holders waiting more than 14 weeks: the latest published share.
  const auto& wait_over = need(rows, "coa_permit_holders_waiting_over_3_months", "2021-12");
  const auto& wait_all = need(rows, "coa_permit_holders_in_reception", "2021-12");
  const auto over14 = static_cast<std::int64_t>(std::llround(static_cast<double>(permit0) * wait_over.value / wait_all.value));

  // ---- decision capacity following the backlog -------------------------------
  const DecisionData dd = load_decisions(rows, in);
  std::size_t peak = 0;
  for (std::size_t i = 0; i < dd.totals.size(); ++i)
    if (dd.totals[i] * 7.0 / dd.days[i] > dd.totals[peak] * 7.0 / dd.days[peak]) peak = i;
  const double max_decisions_week = dd.totals[peak] * 7.0 / dd.days[peak];
  calib::DecisionResponseGrid grid;
  for (int i = 50; i <= 100; ++i) grid.inflow_share.push_back(i / 100.0);
  for (int t = 4; t <= 260; t += 2) grid.target_weeks.push_back(t);
  for (int k = 1; k <= 104; ++k) grid.adjust_weeks.push_back(k);
  grid.max_per_week = max_decisions_week;
  const calib::DecisionResponseFit dr = calib::fit_decision_response(dd.series, grid);
  // Benchmark: each quarter's rate predicted by the one before (no response).
  double persistence_rmse = 0.0;
  for (std::size_t q = 1; q < dd.series.decisions.size(); ++q)
    persistence_rmse += (dd.series.decisions[q] - dd.series.decisions[q - 1]) * (dd.series.decisions[q] - dd.series.decisions[q - 1]);
  persistence_rmse = std::sqrt(persistence_rmse / static_cast<double>(dd.series.decisions.size() - 1));
  const std::string q_first = quarter_label(dd.first_quarter_month),
                    q_last = quarter_label(dd.first_quarter_month + 3 * (static_cast<int>(dd.totals.size()) - 1));
  // The kernel's capacity closes cases, a share `withdrawn` of them without a
  // decision; the fit and the 2021 rate count decisions. Capacity, its cap and
  // the target therefore in closures: / (1 - withdrawn), and T x (1 - withdrawn).
  const double closures_week = decisions_week / (1.0 - withdrawn);
  const double max_closures_week = max_decisions_week / (1.0 - withdrawn);
  const double target_closures = dr.target_weeks * (1.0 - withdrawn);

  // ---- housing ----------------------------------------------------------------
  const auto& task_16 = need(rows, "taakstelling", "2016-H2");
  const auto& back_in = need(rows, "achterstand_at_start", "2016-H2");
  const auto& back_out = need(rows, "achterstand_at_start", "2017-H1");
  const double realisation = calib::realisation_from_backlogs(task_16.value, back_in.value, back_out.value);
  // Quota rule: the tasks of data/ against the new permit holders of the year
  // before each (grants not placed with the guardian, and family members by
  // nareis.per_grant), per half-year.
  const double minors_share = 0.06, to_guardian = 0.5;  // [minors], assumptions
  const double per_grant_new = 1.0 - minors_share * to_guardian + num;
  std::vector<double> tasks, expected;
  std::string task_txt;
  for (const auto* r : io::select(rows, "taakstelling", "NL")) {
    // A half-year quoted by two sources (2017-H1) counts once.
    if (r->period.size() != 7 || task_txt.find(r->period) != std::string::npos) continue;
    const int y = std::stoi(r->period.substr(0, 4));
    tasks.push_back(r->value);
    expected.push_back(positive(y - 1) * per_grant_new / 2.0);
    task_txt += (task_txt.empty() ? "" : ", ") + r->period + " " + fixed(r->value, 0);
  }
  const double quota_share = calib::pooled_ratio(tasks, expected);
  double sum_tasks = 0, sum_expected = 0;
  for (std::size_t i = 0; i < tasks.size(); ++i) sum_tasks += tasks[i], sum_expected += expected[i];
  const auto& realised_q1 = need(rows, "realisation", "2022-01/2022-03");
  const auto& shortfall_18 = need(rows, "realisation_shortfall", "2018-H2");

  // ---- capacity: COA's capacity decision of May 2022 -------------------------
  const std::int64_t regular = 42000;  // seed letter
  const auto& need_jul = need(rows, "coa_capacity_need_decision_2022_05", "2022-07-01");
  const auto& need_dec = need(rows, "coa_capacity_need_decision_2022_05", "2022-12-31");
  const double monthly_step = 1000.0;  // the rows' note: "rises 1,000 per month"
  const int steps = static_cast<int>(std::llround((need_dec.value - need_jul.value) / monthly_step));
  // +1,000 at the end of each month from July, the last on 2022-12-31.
  const char* month_ends[] = {"2022-07-31", "2022-08-31", "2022-09-30", "2022-10-31", "2022-11-30", "2022-12-31"};
  if (steps != 6)
    throw io::ConfigError("nl_coa_occupancy.csv", need_dec.line, "coa_capacity_need_decision_2022_05", "2022-12-31",
                          "expected 6 monthly steps of 1,000 from 2022-07-01");

  // ---- housing programmes: assumptions on homes ------------------------------
  const double persons_per_home = 1.5;    // not in data (assumption)
  const double permit_holder_share = 0.25;  // not in data (assumption)
  const double per_home = persons_per_home * permit_holder_share;
  const double flex_2022 = 7500, flex_2022_increase = 2500, flex_2024 = 15000, transformation_2024 = 15000;  // seed

  // ---- the configuration ---------------------------------------------------
  std::ostringstream t;
  const std::string season_src = "least squares on log weekly rate, " + mfile + " eurostat_first_time_applicants vintage 2020-10-06 " + span;
  t << "# Seed scenario of June 2022, calibrated by `chainsim calibrate` on " << data_dir << " (docs/calibration.md).\n"
       "# Every value says where it comes from: seed = the seed letter; data = file, series, computation;\n"
       "# not in data = an assumption the data cannot inform (listed in docs/calibration.md).\n"
       "[run]\n"
       "name    = \"seed-2022-06\"\n"
       "start   = 2022-06-20          # seed: a Monday; week 0\n"
       "weeks   = 260\n"
       "paths   = 10000\n"
       "seed    = 20220620\n"
       "regions = \"safety-regions\"    # \"national\" or \"safety-regions\" (25, data/nl_safety_regions.csv)\n"
       "\n"
       "[output]\n"
       "path      = \"seed-2022-06.h5\"\n"
       "ensemble  = [\"occupancy\", \"shortfall\", \"permit_holders\", \"capacity\", \"first_applications\"]  # per-path series to keep: a list of names, \"all\", or []\n"
       "quantiles = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95]\n"
       "periods   = [\"quarter\", \"half-year\", \"year\"]\n"
       "risk_levels = [0.10, 0.05]    # α for \"capacity needed so that P(shortfall in period) <= α\"\n"
       "\n"
       "[initial]                      # persons at the start of week 0\n"
       "registration_queue = 0        # not in data; registration capacity is effectively unlimited\n";
  t << "dublin             = " << dublin0 << "  # data: first+repeat per week at the origin (" << fixed(reg_week, 1)
    << ", inflow below with its starting deviation) x dublin.share " << fixed(dub_a, 4) << " x expected weeks in Dublin " << fixed(stay, 2)
    << " (transfer hazard " << fixed(h_tr, 5) << ", abscond 0.01, 26 weeks)\n";
  t << "procedure          = " << procedure0 << "  # data: COA occupancy " << fixed(occ.value, 0) << " on 2022-06-01 ("
    << where(occ) << " coa_occupancy_point) - 14000 permit holders - dublin - rejected\n";
  t << "rejected           = " << rejected0 << "   # data: UNHCR FI rejections 2021 (" << fixed(rejected(2021), 0)
    << ", nl_decisions.csv unhcr_dec_rejected_fi) / 52.1775 / total exit hazard 0.05 (steady state)\n";
  t << "permit_holders     = 14000     # seed: \"more than 14,000\"\n";
  t << "grants_per_week    = " << fixed(grants_week, 1) << "     # data: UNHCR FI positive 2021 (recognized + other = "
    << fixed(positive(2021), 0) << ", nl_decisions.csv) / 52.1775\n";
  t << "uncertainty_sd     = " << fixed(initial_sd, 4) << "    # data: root mean square of log(a/b) over " << stock_pairs.size()
    << " pairs of values of the same stock within two months (nl_coa_occupancy.csv: ";
  for (std::size_t i = 0; i < stock_pairs.size(); ++i)
    t << (i ? "; " : "") << stock_pairs[i].what << " " << fixed(stock_pairs[i].a->value, 0) << "/" << fixed(stock_pairs[i].b, 0);
  t << "); the split of the occupancy into the stocks rests on the assumed hazards, which this does not cover\n";
  t << "permit_holders_over_14_weeks = " << over14 << "  # data: 14000 x COA 2021-12 share waiting more than 3 months ("
    << fixed(wait_over.value, 0) << " of " << fixed(wait_all.value, 0) << ", " << where(wait_over)
    << ", the latest published share; 3 months taken as 14 weeks)\n\n";
  // The level's sd: Newey-West se and the level shifts of step 8 (chosen after
  // the backtest of the stocks and of this method: VALIDATION.md).
  const std::string level_sd_txt =
      "sqrt(Newey-West se " + fixed(g.se_intercept, 4) + "^2 + level shifts " +
      fixed(std::sqrt(std::max(0.0, seed_fit.level_sd * seed_fit.level_sd - g.se_intercept * g.se_intercept)), 4) +
      "^2): the robust scale " + fixed(g.level_error_scale, 4) + " of the method's own 12-month log errors at " +
      std::to_string(g.level_error_origins) + " monthly origins beyond the model's " + fixed(g.model_sd_at_horizon, 4) +
      " (step 8; the recent level is start_deviation)";
  t << "[inflow]                       # first asylum applications per week (fit: docs/calibration.md)\n";
  if (trend) {
    t << "level          = { mean = " << fixed(g.intercept, 4) << ", sd = " << fixed(seed_fit.level_sd, 4)
      << " }  # data: trend line at the origin, least squares on " << mfile << " eurostat_first_time_applicants 2020-10-06 "
      << span << "; sd: " << level_sd_txt << " (≈ " << fixed(std::exp(g.intercept), 0) << "/week)\n";
    t << "trend_per_year = { mean = " << fixed(g.slope, 4) << ", sd = " << fixed(g.se_slope, 4)
      << " }  # data: least-squares slope, Newey-West sd (lag 12); kept: |slope/se| = "
      << fixed(std::abs(g.slope / g.se_slope), 2) << " >= 2\n";
    t << "level_trend_correlation = " << fixed(g.corr, 4) << "  # data: Newey-West correlation of level and trend\n";
  } else {
    t << "level          = { mean = " << fixed(g.intercept, 4) << ", sd = " << fixed(seed_fit.level_sd, 4)
      << " }  # data: long-run level, least squares without a trend on " << mfile
      << " eurostat_first_time_applicants 2020-10-06 " << span << "; sd: " << level_sd_txt << " (≈ "
      << fixed(std::exp(g.intercept), 0) << "/week)\n";
    t << "trend_per_year = { mean = 0, sd = 0 }  # data: the slope " << fixed(f.slope, 4) << " (Newey-West se "
      << fixed(f.se_slope, 4) << ", |slope/se| = " << fixed(std::abs(f.slope / f.se_slope), 2)
      << " < 2) is not distinguished from 0: no trend (rule in docs/calibration.md)\n";
    t << "level_trend_correlation = 0     # no trend\n";
  }
  t << "start_deviation = { mean = " << fixed(g.start_deviation, 4) << ", sd = " << fixed(g.start_deviation_sd, 4)
    << " }  # data: deviation " << fixed(g.deviation, 4) << " of CBS quarterly " << bridge_txt << " (" << qfile
    << " vintage 2022-04 x " << fixed(in.cbs_to_eurostat, 4) << " = Eurostat/CBS over " << in.overlap
    << ") from the line, x phi_m^g over the g = " << fixed(g.gap_months, 2)
    << " months to the origin; sd = sqrt(phi_m^2g sigma_m^2/3 + the AR innovations over g)\n";
  t << "season         = [";
  for (int k = 0; k < 12; ++k) t << (k ? ", " : "") << fixed(g.season[static_cast<std::size_t>(k)], 3);
  t << "]  # data: " << season_src << " (effect-coded months, geometric mean 1)\n";
  t << "ar_phi         = " << fixed(g.phi_week, 4) << "        # data: monthly AR(1) of residuals phi_m = "
    << fixed(g.phi_month, 4) << ", weekly = phi_m^(12/52.1775)\n";
  t << "ar_sigma       = " << fixed(g.sigma_week, 4) << "        # data: monthly innovation sd " << fixed(g.sigma_month, 4)
    << "; weekly sigma matching the stationary variance of monthly means, less Poisson variance " << fixed(g.poisson_var, 5) << "\n";
  std::string onsets;
  for (int m : g.surge_months) onsets += (onsets.empty() ? "" : " ") + calib::month_label(m);
  t << "shock_probability = " << fixed(g.surge_p_week, 5) << "   # data: (" << g.surges
    << " surge onsets + 1/2) / (weeks + 1); onsets = months with innovation > 3 robust sd: " << onsets << "\n";
  t << "shock_mean     = " << fixed(g.surge_kappa, 4) << "        # data: mean innovation (log) in the onset months\n";
  t << "shock_decay    = " << fixed(g.surge_psi_week, 4) << "        # data: monthly decay in surge episodes "
    << fixed(g.surge_psi_month, 4) << " (least squares u[m+1] on u[m]), weekly = psi_m^(12/52.1775)\n";
  t << "repeat_share   = " << fixed(repeat_share, 4) << "        # data: IND monthly repeat / first, own_month_release, "
    << rep_n << " months with both (" << mfile << "): " << fixed(rep, 0) << " / " << fixed(fst, 0) << "\n\n";
  t << "[registration]\n"
       "capacity_per_week = 1000000    # not in data: effectively unlimited; a schedule models extra centres\n\n";
  t << "[dublin]\n";
  t << "share          = { mean = " << fixed(dub_a, 4) << ", sd = " << fixed(dub_sd, 4)
    << " }  # data: IND outgoing requests 2014-01/2021-06 (" << fixed(dub_req.value, 0) << ", " << where(dub_req)
    << ") / UNHCR new FI applications 2014..2020 + half of 2021 (" << fixed(apps_1421, 0)
    << "); sd = range/4 of this, 2014/2016 (" << fixed(dub_b, 4) << ") and 2016/2020 take-back+take-charge ("
    << fixed(dub_c, 4) << ")\n";
  t << "transfer_share = { mean = " << fixed(ptr, 4) << ", sd = " << fixed(ptr_sd, 4)
    << " }  # data: transfers / requests 2014-01/2021-06 (" << fixed(dub_tr.value, 0) << " / " << fixed(dub_req.value, 0)
    << ", nl_dublin.csv); sd = half the difference from 2014/2016 (" << fixed(ptr_b, 4) << ")\n";
  t << "abscond_weekly = 0.01                          # not in data (assumption)\n"
       "deadline_weeks = 26                            # the regulation's six months\n\n";
  t << "[decisions]\n";
  t << "capacity_per_week = " << fixed(closures_week, 0) << "  # data: UNHCR FI decisions 2021 (recognized + other + rejected = "
    << fixed(positive(2021) + rejected(2021), 0) << ", nl_decisions.csv) / 52.1775 = " << fixed(decisions_week, 1)
    << " decisions a week, / (1 - withdrawn_share): cases closed a week, of which withdrawn_share without a decision\n";
  t << "grant_rate     = { mean = " << fixed(grant_rate, 4) << ", sd = " << fixed(grant_sd, 4)
    << " }  # data: UNHCR FI (recognized + other) / (recognized + other + rejected) 2021; sd: grant_drift_sd over the "
    << fixed(gap_years, 2) << " years from mid-2021 to the origin, g(1-g) x sd x sqrt(years) (the spread between years is the drift's)\n";
  t << "response       = { enabled = true, target_weeks = " << fixed(target_closures, 1) << ", adjust_weeks = "
    << fixed(dr.adjust_weeks, 0) << ", max_per_week = " << fixed(max_closures_week, 0)
    << " }  # data: partial adjustment fitted one quarter ahead on nl_decisions.csv eurostat_first_instance_decisions_total 2020-10-07 "
    << q_first << ".." << q_last << " and " << mfile << " first-time applicants, backlog index anchored at COA in procedure "
    << fixed(dd.anchor->value, 0) << " (" << where(*dd.anchor) << ", 2020-04) with inflow share " << fixed(dr.inflow_share, 2)
    << " (grid): target " << fixed(dr.target_weeks, 0) << " weeks of decisions x (1 - withdrawn_share); max: the highest quarter, "
    << quarter_label(dd.first_quarter_month + 3 * static_cast<int>(peak)) << " " << fixed(dd.totals[peak], 0) << " decisions = "
    << fixed(max_decisions_week, 1) << "/week, / (1 - withdrawn_share)\n";
  t << "capacity_sd    = " << fixed(dr.log_sd_annual, 4) << "        # data: sd of the yearly means of that fit's log residuals (quarterly sd "
    << fixed(dr.log_sd, 4) << ", lag-1 autocorrelation " << fixed(dr.log_ac1, 2) << ": the persistent part)\n";
  t << "withdrawn_share = " << fixed(withdrawn, 4) << "       # data: UNHCR FI otherwise closed / (decisions + otherwise closed) 2017..2021 ("
    << fixed(w_closed, 0) << " / " << fixed(w_all, 0) << ", nl_decisions.csv unhcr_dec_closed_fi)\n";
  t << "grant_drift_sd = " << fixed(drift_sd, 4) << "        # data: UNHCR FI grant rate " << drift_from << ".." << drift_to
    << ", sqrt(mean (logit change over " << drift_h << " years)^2 / " << drift_h << "); over 1 year: " << fixed(drift_sd_1y, 4)
    << " (swings that revert within the horizon)\n\n";
  t << "[rejected]\n";
  t << "return_weekly  = " << fixed(return_weekly, 4) << "  # split of an assumed total weekly exit hazard 0.05 (not in data) by DT&V 2021: (forced "
    << fixed(forced.value, 0) << " + independent " << fixed(indep.value, 0) << ") / all incl. without supervision " << fixed(unsup.value, 0)
    << " (nl_returns.csv) = " << fixed(verified, 4) << "\n";
  t << "leave_weekly   = " << fixed(leave_weekly, 4) << "  # the rest of the same split (without supervision)\n\n";
  t << "[nareis]\n";
  t << "per_grant      = { mean = " << fixed(num, 4) << ", sd = " << fixed(nu_sd, 4)
    << " }  # data: IND family-reunification arrivals in year y / UNHCR FI positive in y-1, y = " << nu_years
    << " (asylum_applications_annual.csv, nl_decisions.csv); mean and sd over years\n";
  t << "lag_mean_weeks = 40                            # not in data (no arrivals by grant cohort)\n"
       "lag_sd_weeks   = 20                            # not in data\n"
       "max_lag_weeks  = 156\n"
       "into_reception = 0.5                           # not in data (assumption)\n\n"
       "[minors]\n"
       "share_of_grants = 0.06                         # not in data (assumption)\n"
       "to_guardian     = 0.5                          # not in data (assumption); lever: extended foster care to 21\n\n";
  t << "[housing]\n";
  t << "realisation    = { mean = " << fixed(realisation, 3) << ", sd = 0.07 }    # data (mean): 2016-H2 task "
    << fixed(task_16.value, 0) << " + backlog in " << fixed(back_in.value, 0) << " - backlog at 2017-H1 " << fixed(back_out.value, 0)
    << ", over task + backlog (nl_taakstelling.csv; the task read as excluding the backlog); sd not in data (one half-year)\n";
  t << "regional_sd    = 0.10                          # τ, not in data\n";
  t << "half_year_sd   = 0.10                          # not in data (assumption): one realised half-year in data/ gives no spread; the size of regional_sd\n";
  t << "carry_over     = true                          # data: nl_taakstelling.csv achterstand_at_start 2016-H2 "
    << fixed(back_in.value, 0) << " and 2017-H1 " << fixed(back_out.value, 0) << ": unmet quota is added to the next task\n";
  t << "quota_rule     = { enabled = true, share = " << fixed(quota_share, 3)
    << ", lookback_weeks = 52 }  # data: tasks " << task_txt << " (nl_taakstelling.csv), sum " << fixed(sum_tasks, 0)
    << " / new permit holders of the year before each, per half-year, sum " << fixed(sum_expected, 0)
    << " (UNHCR FI positive x (1 - 0.06 x 0.5 + nareis.per_grant " << fixed(num, 4)
    << ") / 2); lookback: the year they are counted over. Not checked against: realised 2022-Q1 "
    << fixed(realised_q1.value, 0) << ", shortfall 2018-H2 " << fixed(shortfall_18.value, 0) << " (no task for those periods in data/)\n";
  // Chosen after the stock backtest (VALIDATION.md): without a matching time the
  // permit-holder stock drained within a year from every origin since 2017.
  t << "min_wait_weeks = 10                            # not in data (assumption): a home is matched at the earliest 10 weeks "
       "after the permit, inside COA's 14-week norm; COA's counts waiting over 14 weeks / 3 months (2021-08, 2021-12) "
       "cannot identify it because housing was the binding constraint then; chosen after the stock backtest (VALIDATION.md)\n";
  t << "taakstelling   = { \"2022-H1\" = 10000, \"2022-H2\" = 13500, default = 13500 }  # 2022-H2: data (nl_taakstelling.csv, set April 2022; the seed letter expects it to be raised \"seriously\", by an amount it does not give); 2022-H1: earlier default, not in data; default: used only with quota_rule off\n";
  t << R"(
# A programme adds housing supply: `persons` spread evenly over `weeks` (or up to `to`), or a
# rate `persons_per_year` (open-ended unless `weeks` or `to` is given); national unless
# `region = "VR01"` (a safety-region code) is given. `delivered` (Beta) is the share of the
# announced persons delivered and `delay_weeks` (Gamma) the start's delay, drawn per path:
# programmes in this field are announced, then delivered late and in part. No data/ row
# measures either, so every delivered/delay prior below is an assumption.
# Homes to persons: )" << fixed(persons_per_home, 1) << " persons per home (not in data: flex homes are small units) x "
    << fixed(permit_holder_share, 2) << R"( of them to permit holders (not in data: the letter's
# flex homes serve several "aandachtsgroepen", permit holders among them) = )" << fixed(per_home, 3) << R"( persons per home.
[[housing.programme]]
name    = "accelerated relocation to intermediate facilities"   # seed: 7,500 within 6 weeks (crisis measure)
from    = 2022-06-27
weeks   = 6
persons = 7500
delivered   = { mean = 0.6, sd = 0.2 }         # not in data (assumption): in part
delay_weeks = { mean = 4, sd = 4 }             # not in data (assumption): late

[[housing.programme]]
name    = "flex homes 2022, planned"                            # seed: 7,500 flex homes in 2022 less the increase of 2,500; not a crisis measure
from    = 2022-06-20
to      = 2023-01-02
persons_per_year = )" << fixed((flex_2022 - flex_2022_increase) * per_home, 1) << R"(                       # )"
    << fixed(flex_2022 - flex_2022_increase, 0) << " homes a year x " << fixed(per_home, 3) << R"(; the rest of 2022 at the year's rate
delivered   = { mean = 0.6, sd = 0.2 }         # not in data (assumption)
delay_weeks = { mean = 13, sd = 8 }            # not in data (assumption)

[[housing.programme]]
name    = "flex homes 2022, increase"                           # seed: "een toename van 2500" (crisis measure)
from    = 2022-06-27
to      = 2023-01-02
persons = )" << fixed(flex_2022_increase * per_home, 1) << R"(                                # )"
    << fixed(flex_2022_increase, 0) << " homes x " << fixed(per_home, 3) << R"(, in the rest of 2022
delivered   = { mean = 0.6, sd = 0.2 }         # not in data (assumption)
delay_weeks = { mean = 13, sd = 8 }            # not in data (assumption)

[[housing.programme]]
name    = "flex homes from 2024"                                # seed: "15.000 flexwoningen ... per jaar vanaf 2024" (Programma Woningbouw; not a crisis measure)
from    = 2024-01-01
persons_per_year = )" << fixed(flex_2024 * per_home, 1) << R"(                      # )" << fixed(flex_2024, 0) << " homes a year x "
    << fixed(per_home, 3) << R"(; none for 2023: the letter gives no number
delivered   = { mean = 0.5, sd = 0.2 }         # not in data (assumption): an ambition ("toe te groeien naar")
delay_weeks = { mean = 26, sd = 13 }           # not in data (assumption)

[[housing.programme]]
name    = "transformation homes from 2024"                      # seed: "15.000 transformaties per jaar vanaf 2024" (not a crisis measure)
from    = 2024-01-01
persons_per_year = )" << fixed(transformation_2024 * per_home, 1) << R"(                      # )" << fixed(transformation_2024, 0)
    << " homes a year x " << fixed(per_home, 3) << R"(
delivered   = { mean = 0.5, sd = 0.2 }         # not in data (assumption): an ambition
delay_weeks = { mean = 26, sd = 13 }           # not in data (assumption)

[capacity]
regular = )" << regular << R"(                                # seed: 14,000 permit holders are one third of capacity
)";
  t << "changes = [                                    # data: COA's capacity need decided May 2022 (" << where(need_jul)
    << "): " << fixed(need_jul.value, 0) << " by 2022-07-01, " << fixed(need_dec.value, 0)
    << " by 2022-12-31, rising 1,000 a month (the rows' note); as steps on top of the regular " << regular << "\n";
  t << "  { at = 2022-07-01, delta = " << fixed(need_jul.value - static_cast<double>(regular), 0) << " },\n";
  for (int i = 0; i < steps; ++i)
    t << "  { at = " << month_ends[i] << ", delta = " << fixed(monthly_step, 0) << " }," << (i + 1 == steps ? "  # end of each month, the last on 2022-12-31\n" : "\n");
  t << "]\n";
  t << R"(
[capacity.cno]                                 # crisis emergency reception, per safety region
places_per_region = 225                        # seed
from  = 2022-07-01                             # seed
weeks = 26                                     # not in data: "temporary"
staff_per_region_per_day = 30                  # seed
phaseout = { margin = 0.05, weeks = 4 }        # not in data

# Large temporary facilities: the letter names "enkele" (a few) locations of 1,000 places for
# six months, cruise ships, "this summer". Three of them a month apart over the summer is an
# assumption (the number and the dates are not in the letter).
[[capacity.tnv]]
name   = "cruise ship 1"
places = 1000                                  # seed
from   = 2022-07-01                            # not in data (assumption): summer, staggered
weeks  = 26                                    # seed: six months

[[capacity.tnv]]
name   = "cruise ship 2"
places = 1000                                  # seed
from   = 2022-08-01                            # not in data (assumption)
weeks  = 26                                    # seed: six months

[[capacity.tnv]]
name   = "cruise ship 3"
places = 1000                                  # seed
from   = 2022-09-01                            # not in data (assumption)
weeks  = 26                                    # seed: six months

[capacity.adaptive]
enabled = false
upper = 0.98
lower = 0.85
weeks = 4
step  = 1000
lead_weeks = 26
floor = 30000

[costs]                                        # euro per place-week (capacity is paid whether used or not)
regular_place_week   = 521                     # data: EUR 27,100 per regular place per year (2022) / 52
cno_place_week       = 1027                    # data: EUR 53,400 per emergency place per year / 52
tnv_place_week       = 1027                    # as emergency
shortfall_person_week = 1027                   # not in data: emergency rate

[levers]                                       # multipliers, schedules (1 outside their periods)
inflow   = []
dublin   = []
return   = []
nareis   = []
guardian = []

# Scenarios overlay the base above; the base itself is scenario "baseline".
# no-crisis-measures: without the letter's crisis measures (CNO, the cruise ships, the
# accelerated relocation, the 2,500 extra flex homes of 2022). Kept: the flex homes planned
# before the crisis, the homes of the Programma Woningbouw from 2024 and COA's capacity
# decision (regular capacity planning, not one of the letter's measures).
[[scenario]]
name = "no-crisis-measures"
[scenario.capacity]
tnv = []
[scenario.capacity.cno]
places_per_region = 0
[[scenario.housing.programme]]                 # replaces the base list
name    = "flex homes 2022, planned"
from    = 2022-06-20
to      = 2023-01-02
persons_per_year = )" << fixed((flex_2022 - flex_2022_increase) * per_home, 1) << R"(
delivered   = { mean = 0.6, sd = 0.2 }
delay_weeks = { mean = 13, sd = 8 }
[[scenario.housing.programme]]
name    = "flex homes from 2024"
from    = 2024-01-01
persons_per_year = )" << fixed(flex_2024 * per_home, 1) << R"(
delivered   = { mean = 0.5, sd = 0.2 }
delay_weeks = { mean = 26, sd = 13 }
[[scenario.housing.programme]]
name    = "transformation homes from 2024"
from    = 2024-01-01
persons_per_year = )" << fixed(transformation_2024 * per_home, 1) << R"(
delivered   = { mean = 0.5, sd = 0.2 }
delay_weeks = { mean = 26, sd = 13 }

[[scenario]]
name = "dublin-and-return-restored"
[scenario.levers]
dublin = [{ from = 2023-01-02, value = 2.0 }]
return = [{ from = 2023-01-02, value = 1.5 }]
)";

  if (fit_csv) {
    std::ostringstream c;
    c << "month,observed,fitted_trend_season,excluded,surge_onset\n";
    for (std::size_t i = 0; i < in.monthly.size(); ++i) {
      const int m = in.first_month + static_cast<int>(i);
      const double obs = in.monthly[i];
      const double fit = g.fitted[i] * calib::days_in_month(m) / 7.0;
      bool ex = false, on = false;
      for (int e : g.excluded_months) ex = ex || e == m;
      for (int e : g.surge_months) on = on || e == m;
      c << calib::month_label(m) << "," << (std::isnan(obs) ? std::string() : fixed(obs, 0)) << "," << fixed(fit, 1)
        << "," << (ex ? 1 : 0) << "," << (on ? 1 : 0) << "\n";
    }
    for (const auto& a : bridge)
      c << calib::month_label(a.first_month) << "+3m," << fixed(a.total, 1) << ",,0,0\n";
    *fit_csv = c.str();
  }
  if (report_md) {
    std::ostringstream r;
    r << "# Calibration report (generated by `chainsim calibrate`)\n\n"
      << "Inflow fitted to `" << mfile << "`, series `eurostat_first_time_applicants`, geo NL, vintage 2020-10-06, "
      << span << " (" << f.months << " months; method in docs/calibration.md).\n\n"
      << "## Inflow, with a trend\n\n"
      << "| quantity | value |\n|---|---|\n"
      << "| trend line at origin 2022-06-20 (log weekly rate) | " << fixed(f.intercept, 4) << " ± " << fixed(f.se_intercept, 4) << " |\n"
      << "| trend per year | " << fixed(f.slope, 4) << " ± " << fixed(f.se_slope, 4) << " (t = slope/se = "
      << fixed(f.slope / f.se_slope, 2) << (trend ? ", kept" : ", below 2 in size: dropped, the seed uses the fit without a trend") << ") |\n"
      << "| correlation (Newey–West) | " << fixed(f.corr, 4) << " |\n"
      << "| local deviation d (CBS " << bridge_txt << " × " << fixed(in.cbs_to_eurostat, 4) << ") | " << fixed(f.deviation, 4) << " |\n"
      << "| gap from data end to origin (months) | " << fixed(f.gap_months, 2) << " |\n"
      << "| d_eff (AR forecast averaged over 12 months) | " << fixed(f.deviation_eff, 4) << " |\n"
      << "| level α with x = 0 at the origin (backtest) | " << fixed(f.alpha, 4) << " (sd " << fixed(f.alpha_sd, 4) << "), ≈ "
      << fixed(std::exp(f.alpha), 0) << " per week |\n"
      << "| sd of α from the model (HAC se, d) | " << fixed(f.alpha_sd_model, 4) << " |\n"
      << "| 12-month log errors of the method at " << f.level_error_origins << " origins inside the window: robust scale | "
      << fixed(f.level_error_scale, 4) << " (model's own sd there " << fixed(f.model_sd_at_horizon, 4) << ") |\n"
      << "| monthly AR φ_m, σ_m | " << fixed(f.phi_month, 4) << ", " << fixed(f.sigma_month, 4) << " |\n\n"
      << "## Inflow as in the seed" << (trend ? " (the same fit)" : " (without a trend)") << "\n\n"
      << "| quantity | value |\n|---|---|\n"
      << "| long-run line at the origin (log weekly rate) | " << fixed(g.intercept, 4) << " ± " << fixed(g.se_intercept, 4)
      << ", ≈ " << fixed(std::exp(g.intercept), 0) << " per week |\n"
      << "| deviation d, and x at the origin d·φ_m^g | " << fixed(g.deviation, 4) << ", " << fixed(g.start_deviation, 4)
      << " (sd " << fixed(g.start_deviation_sd, 4) << ") |\n"
      << "| monthly AR φ_m, σ_m | " << fixed(g.phi_month, 4) << ", " << fixed(g.sigma_month, 4) << " |\n"
      << "| weekly AR φ_w, σ_w | " << fixed(g.phi_week, 4) << ", " << fixed(g.sigma_week, 4) << " |\n"
      << "| surge onsets | " << onsets << " |\n"
      << "| surge p/week, κ, ψ_m, ψ_w | " << fixed(g.surge_p_week, 5) << ", " << fixed(g.surge_kappa, 4) << ", "
      << fixed(g.surge_psi_month, 4) << ", " << fixed(g.surge_psi_week, 4) << " |\n\n"
      << "Season factors (Jan..Dec): ";
    for (int k = 0; k < 12; ++k) r << (k ? ", " : "") << fixed(g.season[static_cast<std::size_t>(k)], 3);
    r << "\n\n## Decision capacity following the backlog\n\n"
      << "One quarter ahead, " << q_first << ".." << q_last << " (" << dd.totals.size() << " quarters), grid θ "
      << fixed(grid.inflow_share.front(), 2) << ".." << fixed(grid.inflow_share.back(), 2) << " (" << dr.feasible_shares
      << " keep the index ≥ 0), T 4..260 weeks by 2, k 1..104 weeks by 1.\n\n"
      << "| quantity | value |\n|---|---|\n"
      << "| inflow share θ | " << fixed(dr.inflow_share, 2) << " |\n"
      << "| target T (weeks of decisions) | " << fixed(dr.target_weeks, 0) << " |\n"
      << "| adjustment k (weeks) | " << fixed(dr.adjust_weeks, 0) << " |\n"
      << "| RMSE (decisions per week) | " << fixed(dr.rmse, 1) << " (no change from the quarter before: "
      << fixed(persistence_rmse, 1) << ") |\n"
      << "| log residual sd: quarterly, yearly means, lag-1 autocorrelation | " << fixed(dr.log_sd, 4) << ", "
      << fixed(dr.log_sd_annual, 4) << ", " << fixed(dr.log_ac1, 3) << " |\n"
      << "| highest quarterly rate (max_per_week in decisions) | " << fixed(max_decisions_week, 1) << " |\n\n"
      << "Best (T, k) for each θ (θ: T, k, RMSE): ";
    for (std::size_t i = 0; i < dr.profile.size(); ++i) {
      const auto& p = dr.profile[i];
      r << (i ? "; " : "") << fixed(p.inflow_share, 2) << ": " << fixed(p.target_weeks, 0) << ", " << fixed(p.adjust_weeks, 0)
        << ", " << fixed(p.rmse, 1);
    }
    r << "\n\n"
      << "| quarter | decisions/week | predicted | first applications/week | backlog index at start |\n|---|---|---|---|---|\n";
    for (std::size_t q = 0; q < dd.totals.size(); ++q)
      r << "| " << quarter_label(dd.first_quarter_month + 3 * static_cast<int>(q)) << " | " << fixed(dd.series.decisions[q], 1)
        << " | " << (std::isnan(dr.predicted[q]) ? std::string("") : fixed(dr.predicted[q], 1)) << " | "
        << fixed(dd.series.inflow[q], 1) << " | " << fixed(dr.backlog[q], 0) << " |\n";
    r << "\nThe other parameters and their derivations are in the comments of the configuration.\n"
      << "Figure: `calibration_fit.png` (drawn by `scripts/calibration-report` from `calibration_fit.csv`).\n";
    *report_md = r.str();
  }
  return t.str();
}

void calibrate(const CalibrateOptions& o, std::ostream& log) {
  const auto rows = io::read_data_dir(o.data_dir);
  const OutputLock lock(o.out, "chainsim calibrate", OutputLock::Directory::Create);  // one writer per output
  std::string md, csv;
  const std::string toml = calibrated_toml(rows, &md, &csv, o.data_dir.generic_string());
  const std::filesystem::path dir = o.report_dir.empty() ? o.out.parent_path() : o.report_dir;
  if (!dir.empty()) std::filesystem::create_directories(dir);
  if (o.out.has_parent_path()) std::filesystem::create_directories(o.out.parent_path());
  // Each file whole or not at all (temporary file, fsync, rename), so a kill
  // never leaves a half-written configuration or table.
  auto write = [](const std::filesystem::path& p, const std::string& text) {
    io::write_text_atomically(p.string(), text);
  };
  write(o.out, toml);
  write(dir / "calibration.md", md);
  write(dir / "calibration_fit.csv", csv);
  log << "calibrated configuration: " << o.out.string() << "\nreport: " << (dir / "calibration.md").string() << ", "
      << (dir / "calibration_fit.csv").string() << "\n";
}

}  // namespace chainsim::app
