#include "forecast/seed_calibration.hpp"

#include "forecast/config_error.hpp"
#include "forecast/initial_state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace chainsim::forecast {
namespace {

using calib::month_index;
constexpr double kWpy = calib::kWeeksPerYear;

const DataRow& need(const std::vector<DataRow>& rows, std::string_view series, std::string_view period,
                    std::optional<std::string_view> vintage = std::nullopt) {
  const DataRow* r = data::find(rows, series, period, vintage);
  if (!r)
    throw ConfigError(
        "data", 0, std::string(series), "",
        "no row for period " + std::string(period) + (vintage ? " vintage " + std::string(*vintage) : std::string()));
  return *r;
}

int parse_month(const std::string& p) {  // "YYYY-MM" -> index, -1 otherwise
  if (p.size() != 7 || p[4] != '-') return -1;
  return month_index(std::stoi(p.substr(0, 4)), std::stoi(p.substr(5, 2)));
}

}  // namespace

InflowData load_inflow(const std::vector<DataRow>& rows) {
  InflowData d;
  auto sel = data::select(rows, "eurostat_first_time_applicants", "NL", std::string_view("2020-10-06"));
  int lo = std::numeric_limits<int>::max(), hi = -1;
  for (const auto* r : sel) {
    if (r->file != "nl_asylum_applications_monthly.csv") continue;
    const int m = parse_month(r->period);
    if (m < 0) continue;
    lo = std::min(lo, m);
    hi = std::max(hi, m);
  }
  if (hi < 0)
    throw ConfigError("nl_asylum_applications_monthly.csv", 0, "eurostat_first_time_applicants", "",
                      "no monthly rows of vintage 2020-10-06");
  d.first_month = lo;
  d.monthly.assign(static_cast<std::size_t>(hi - lo + 1), std::numeric_limits<double>::quiet_NaN());
  for (const auto* r : sel) {
    const int m = parse_month(r->period);
    if (m >= 0 && r->file == "nl_asylum_applications_monthly.csv")
      d.monthly[static_cast<std::size_t>(m - lo)] = r->value;
  }
  for (const auto* r : data::select(rows, "cbs_first_asylum_requests", "NL", std::string_view("2022-04"))) {
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
      if (i < 0 || i >= static_cast<int>(d.monthly.size()) || std::isnan(d.monthly[static_cast<std::size_t>(i)]))
        ok = false;
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

}  // namespace

std::string quarter_label(int first_month) {
  return std::to_string(first_month / 12) + "-Q" + std::to_string(first_month % 12 / 3 + 1);
}

namespace {

DecisionData load_decisions(const std::vector<DataRow>& rows, const InflowData& in) {
  DecisionData d;
  std::vector<std::pair<int, double>> q;
  for (const auto* r :
       data::select(rows, "eurostat_first_instance_decisions_total", "NL", std::string_view("2020-10-07")))
    if (const int m = parse_quarter(r->period); m >= 0 && r->file == "nl_decisions.csv") q.emplace_back(m, r->value);
  std::sort(q.begin(), q.end());
  if (q.size() < 3)
    throw ConfigError("nl_decisions.csv", 0, "eurostat_first_instance_decisions_total", "",
                      "fewer than 3 quarters of vintage 2020-10-07");
  d.first_quarter_month = q.front().first;
  d.series.weeks_per_quarter = 13;
  for (std::size_t i = 0; i < q.size(); ++i) {
    const int m = q[i].first;
    if (m != d.first_quarter_month + 3 * static_cast<int>(i))
      throw ConfigError("nl_decisions.csv", 0, "eurostat_first_instance_decisions_total", quarter_label(m),
                        "the quarters of vintage 2020-10-07 are not consecutive");
    double f = 0.0, days = 0.0;
    for (int k = m; k < m + 3; ++k) {
      const int j = k - in.first_month;
      if (j < 0 || j >= static_cast<int>(in.monthly.size()) || std::isnan(in.monthly[static_cast<std::size_t>(j)]))
        throw ConfigError("nl_asylum_applications_monthly.csv", 0, "eurostat_first_time_applicants",
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
  d.anchor = need(rows, "coa_asylum_seekers_in_procedure_in_reception", "2020-04");
  const int am = parse_month(d.anchor.period);
  d.series.anchor_quarter = (am - d.first_quarter_month) / 3;
  d.series.anchor_backlog = d.anchor.value;
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
  // The alternative: a level that wanders, its variance the growth of the
  // method's own errors with the horizon (docs/calibration.md).
  s.walk = calib::fit_level_walk(monthly, first_month, g, options);
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

Config local_level_inflow_config(const Config& base, const SeedInflowFit& fit, Date start, int weeks,
                                 std::int64_t paths) {
  Config c = seed_inflow_config(base, fit, start, weeks, paths, true);
  c.inflow.level.sd = fit.used.se_intercept;
  c.inflow.level_walk_sd = fit.walk.sd_per_sqrt_year;
  c.inflow.level_walk_phi = fit.walk.phi_week;
  return c;
}

SeedCalibration derive_seed_calibration(const std::vector<DataRow>& rows, const Config& seed) {
  SeedCalibration c;
  c.origin = seed.run.start;
  c.monthly_file = "nl_asylum_applications_monthly.csv";
  c.quarterly_file = "nl_asylum_applications_quarterly.csv";

  // ---- inflow ------------------------------------------------------------------
  c.inflow_data = load_inflow(rows);
  c.bridge = bridge_quarters(c.inflow_data, c.origin, 2);
  // The fit with a trend (and the empirical level error, step 8: reported, and
  // what the backtest uses); the seed keeps the trend only when the data
  // distinguish it from 0, and otherwise takes the fit without one.
  c.inflow = fit_inflow_seed_method(c.inflow_data.monthly, c.inflow_data.first_month, c.origin, c.bridge);
  const calib::InflowFit& g = c.inflow.used;
  // Repeat share: IND monthly, own_month_release, months with first and repeat.
  for (const auto* r :
       data::select(rows, "ind_repeat_asylum_applications", "NL", std::string_view("own_month_release"))) {
    const DataRow* f1 =
        data::find(rows, "ind_first_asylum_applications", r->period, std::string_view("own_month_release"));
    if (!f1) continue;
    c.repeat += r->value;
    c.first += f1->value;
    ++c.repeat_months;
  }
  c.repeat_share = c.repeat / c.first;

  // ---- decisions -----------------------------------------------------------------
  // Positive first-instance decisions (UNHCR FI recognized + other) per year.
  auto positive = [&](int y) {
    const std::string p = std::to_string(y);
    return need(rows, "unhcr_dec_recognized_fi", p).value + need(rows, "unhcr_dec_other_fi", p).value;
  };
  auto rejected = [&](int y) { return need(rows, "unhcr_dec_rejected_fi", std::to_string(y)).value; };
  auto closed = [&](int y) { return need(rows, "unhcr_dec_closed_fi", std::to_string(y)).value; };
  auto grant_of = [&](int y) { return positive(y) / (positive(y) + rejected(y)); };
  c.positive_2021 = positive(2021);
  c.rejected_2021 = rejected(2021);
  // Grant rate: the 2021 value; its drift from the changes of logit(rate) over
  // 5 years, 2000..2021.
  c.drift_from = 2000, c.drift_to = 2021, c.drift_years = 5;
  std::vector<double> rates;
  for (int y = c.drift_from; y <= c.drift_to; ++y) rates.push_back(grant_of(y));
  c.drift_sd = calib::logit_drift_sd(rates, c.drift_years);
  c.drift_sd_1y = calib::logit_drift_sd(rates, 1);
  c.grant_rate = grant_of(2021);
  // The 2021 rate describes the middle of 2021; the drift from there to the
  // origin is the uncertainty of the rate at week 0 (delta method on logit).
  c.gap_years =
      static_cast<double>((c.origin - Date{std::chrono::year{2021} / std::chrono::July / 1}).count()) / 365.25;
  c.grant_sd = c.grant_rate * (1.0 - c.grant_rate) * c.drift_sd * std::sqrt(c.gap_years);
  c.decisions_week = (c.positive_2021 + c.rejected_2021) / kWpy;
  c.grants_week = c.positive_2021 / kWpy;
  // Closures without a decision, 2017..2021 pooled.
  std::vector<double> w_num, w_den;
  for (int y = 2017; y <= 2021; ++y) {
    w_num.push_back(closed(y));
    w_den.push_back(positive(y) + rejected(y) + closed(y));
  }
  c.withdrawn = calib::pooled_ratio(w_num, w_den);
  for (std::size_t i = 0; i < w_num.size(); ++i) c.withdrawn_closed += w_num[i], c.withdrawn_all += w_den[i];

  // ---- family reunification per grant: IND arrivals in year y over positive decisions of y-1
  std::vector<double> nu;
  for (const auto* r : data::select(rows, "ind_family_reunification_arrivals", "NL")) {
    if (r->file != "asylum_applications_annual.csv" || r->period.size() != 4) continue;
    const int y = std::stoi(r->period);
    if (!data::find(rows, "unhcr_dec_recognized_fi", std::to_string(y - 1))) continue;
    nu.push_back(r->value / positive(y - 1));
    c.nareis_years.push_back(r->period);
  }
  for (double v : nu) c.nareis_mean += v;
  c.nareis_mean /= nu.size();
  double nuv = 0;
  for (double v : nu) nuv += (v - c.nareis_mean) * (v - c.nareis_mean);
  c.nareis_sd = std::sqrt(nuv / (nu.size() - 1));

  // ---- Dublin share and transfer share -------------------------------------------
  auto unhcr_new = [&](int y) { return need(rows, "unhcr_applications_new_fi", std::to_string(y)).value; };
  c.dublin_requests = need(rows, "ind_outgoing_dublin_requests", "2014-01/2021-06");
  const auto& dub_req_1416 = need(rows, "ind_outgoing_dublin_requests", "2014/2016");
  c.dublin_transfers = need(rows, "outgoing_dublin_transfers", "2014-01/2021-06");
  const auto& dub_tr_1416 = need(rows, "outgoing_dublin_transfers", "2014/2016");
  const auto& tb = need(rows, "outgoing_take_back_requests", "2016/2020");
  const auto& tc = need(rows, "outgoing_take_charge_requests", "2016/2020");
  double apps_1416 = 0, apps_1620 = 0;
  c.applications_1421 = 0.5 * unhcr_new(2021);
  for (int y = 2014; y <= 2020; ++y) c.applications_1421 += unhcr_new(y);
  for (int y = 2014; y <= 2016; ++y) apps_1416 += unhcr_new(y);
  for (int y = 2016; y <= 2020; ++y) apps_1620 += unhcr_new(y);
  c.dublin_share = c.dublin_requests.value / c.applications_1421;
  c.dublin_share_1416 = dub_req_1416.value / apps_1416;
  c.dublin_share_1620 = (tb.value + tc.value) / apps_1620;
  c.dublin_share_sd = (std::max({c.dublin_share, c.dublin_share_1416, c.dublin_share_1620}) -
                       std::min({c.dublin_share, c.dublin_share_1416, c.dublin_share_1620})) /
                      4.0;
  c.transfer_share = c.dublin_transfers.value / c.dublin_requests.value;
  c.transfer_share_1416 = dub_tr_1416.value / dub_req_1416.value;
  c.transfer_share_sd = std::abs(c.transfer_share - c.transfer_share_1416) / 2.0;

  // ---- departures: split of an assumed total exit hazard by DT&V 2021 ----------------
  c.forced = need(rows, "dtv_forced_departure", "2021");
  c.independent = need(rows, "dtv_independent_departure", "2021");
  c.unsupervised = need(rows, "dtv_departure_without_supervision", "2021");
  c.exit_total = 0.05;  // not informed by data (no stock of rejected in reception)
  c.verified = (c.forced.value + c.independent.value) / (c.forced.value + c.independent.value + c.unsupervised.value);
  c.return_weekly = c.exit_total * c.verified, c.leave_weekly = c.exit_total * (1.0 - c.verified);

  // ---- initial stocks at the origin ------------------------------------------------
  c.occupancy = need(rows, "coa_occupancy_point", "2022-06-01");
  c.permit_holders = seed.initial.permit_holders;
  c.abscond = seed.dublin.abscond_weekly;
  c.deadline_weeks = seed.dublin.deadline_weeks;
  const int jun = 5;  // June (origin month)
  // The engine's median rate in week 0: the line plus the starting deviation.
  const double first_week_rate = std::exp(g.intercept + g.start_deviation) * g.season[jun];
  // Steady-state rules shared with the stock backtest (forecast/initial_state.hpp).
  const DublinSteadyState dss = steady_state_dublin(first_week_rate, c.repeat_share, c.dublin_share, c.transfer_share,
                                                    c.abscond, c.deadline_weeks);
  c.transfer_hazard = dss.transfer_hazard, c.dublin_weeks = dss.expected_weeks,
  c.registrations_week = dss.registrations_per_week;
  c.dublin0 = dss.stock;
  c.rejected0 = steady_state_rejected(c.rejected_2021 / kWpy, c.exit_total);
  const auto nonpermit = static_cast<std::int64_t>(std::llround(c.occupancy.value)) - c.permit_holders;
  c.procedure0 = nonpermit - c.dublin0 - c.rejected0;
  // The uncertainty of the initial stocks: the disagreement between values of
  // the same stock within two months of each other (sources, releases, or the
  // seed letter against COA's last figure).
  for (int y = 2015; y <= 2019; ++y)
    c.stock_pairs.push_back({need(rows, "coa_occupancy_year", std::to_string(y)).value,
                             need(rows, "coa_occupancy_31dec", std::to_string(y)).value,
                             "occupancy " + std::to_string(y) + " COA/NJI"});
  c.stock_pairs.push_back({need(rows, "coa_occupancy_point", "2017-12-31").value,
                           need(rows, "coa_occupancy_31dec", "2017").value, "occupancy 2017-12-31/NJI 2017"});
  c.stock_pairs.push_back({need(rows, "coa_occupancy_point", "2019-01-01").value,
                           need(rows, "coa_occupancy_31dec", "2018").value, "occupancy 2019-01-01/NJI 2018"});
  c.stock_pairs.push_back({need(rows, "coa_permit_holders_in_reception", "2020-04").value,
                           need(rows, "coa_permit_holders_in_reception", "2020-06-01").value,
                           "permit holders 2020-04/2020-06-01"});
  c.stock_pairs.push_back({need(rows, "coa_permit_holders_in_reception", "2021-11").value,
                           need(rows, "coa_permit_holders_in_reception", "2021-12").value,
                           "permit holders 2021-11/2021-12"});
  c.stock_pairs.push_back({need(rows, "coa_permit_holders_waiting_over_3_months", "2021-11").value,
                           need(rows, "coa_permit_holders_waiting_over_3_months", "2021-12").value,
                           "waiting over 3 months 2021-11/2021-12"});
  c.stock_pairs.push_back({need(rows, "coa_permit_holders_in_reception", "2022-04").value,
                           static_cast<double>(c.permit_holders), "permit holders 2022-04/letter 14,000"});
  std::vector<std::array<double, 2>> pair_values;
  for (const auto& p : c.stock_pairs) pair_values.push_back({p.a, p.b});
  c.initial_sd = calib::rms_log_ratio(pair_values);
  // Permit holders waiting more than 14 weeks: the latest published share.
  c.waiting_over = need(rows, "coa_permit_holders_waiting_over_3_months", "2021-12");
  c.waiting_all = need(rows, "coa_permit_holders_in_reception", "2021-12");
  c.over14 = static_cast<std::int64_t>(
      std::llround(static_cast<double>(c.permit_holders) * c.waiting_over.value / c.waiting_all.value));

  // ---- decision capacity following the backlog -------------------------------
  c.decisions = load_decisions(rows, c.inflow_data);
  const DecisionData& dd = c.decisions;
  for (std::size_t i = 0; i < dd.totals.size(); ++i)
    if (dd.totals[i] * 7.0 / dd.days[i] > dd.totals[c.peak_quarter] * 7.0 / dd.days[c.peak_quarter]) c.peak_quarter = i;
  c.max_decisions_week = dd.totals[c.peak_quarter] * 7.0 / dd.days[c.peak_quarter];
  for (int i = 50; i <= 100; ++i) c.grid.inflow_share.push_back(i / 100.0);
  for (int t = 4; t <= 260; t += 2) c.grid.target_weeks.push_back(t);
  for (int k = 1; k <= 104; ++k) c.grid.adjust_weeks.push_back(k);
  c.grid.max_per_week = c.max_decisions_week;
  c.response = calib::fit_decision_response(dd.series, c.grid);
  // Benchmark: each quarter's rate predicted by the one before (no response).
  for (std::size_t q = 1; q < dd.series.decisions.size(); ++q)
    c.persistence_rmse +=
        (dd.series.decisions[q] - dd.series.decisions[q - 1]) * (dd.series.decisions[q] - dd.series.decisions[q - 1]);
  c.persistence_rmse = std::sqrt(c.persistence_rmse / static_cast<double>(dd.series.decisions.size() - 1));
  // The kernel's capacity closes cases, a share `withdrawn` of them without a
  // decision; the fit and the 2021 rate count decisions. Capacity, its cap and
  // the target therefore in closures: / (1 - withdrawn), and T x (1 - withdrawn).
  c.closures_week = c.decisions_week / (1.0 - c.withdrawn);
  c.max_closures_week = c.max_decisions_week / (1.0 - c.withdrawn);
  c.target_closures = c.response.target_weeks * (1.0 - c.withdrawn);

  // ---- housing ----------------------------------------------------------------
  c.task_16 = need(rows, "taakstelling", "2016-H2");
  c.backlog_in = need(rows, "achterstand_at_start", "2016-H2");
  c.backlog_out = need(rows, "achterstand_at_start", "2017-H1");
  c.realisation = calib::realisation_from_backlogs(c.task_16.value, c.backlog_in.value, c.backlog_out.value);
  // Quota rule: the tasks of data/ against the new permit holders of the year
  // before each (grants not placed with the guardian, and family members by
  // nareis.per_grant), per half-year.
  c.minors_share = seed.minors.share_of_grants, c.to_guardian = seed.minors.to_guardian;
  const double per_grant_new = 1.0 - c.minors_share * c.to_guardian + c.nareis_mean;
  std::vector<double> tasks, expected;
  for (const auto* r : data::select(rows, "taakstelling", "NL")) {
    // A half-year quoted by two sources (2017-H1) counts once.
    if (r->period.size() != 7 ||
        std::any_of(c.tasks.begin(), c.tasks.end(), [&](const auto& t) { return t.period == r->period; }))
      continue;
    const int y = std::stoi(r->period.substr(0, 4));
    tasks.push_back(r->value);
    expected.push_back(positive(y - 1) * per_grant_new / 2.0);
    c.tasks.push_back({r->period, r->value});
  }
  c.quota_share = calib::pooled_ratio(tasks, expected);
  for (std::size_t i = 0; i < tasks.size(); ++i) c.sum_tasks += tasks[i], c.sum_expected += expected[i];
  c.realised_q1 = need(rows, "realisation", "2022-01/2022-03");
  c.shortfall_18 = need(rows, "realisation_shortfall", "2018-H2");

  // ---- capacity: COA's capacity decision of May 2022 -------------------------
  c.regular = seed.capacity.regular;
  c.need_jul = need(rows, "coa_capacity_need_decision_2022_05", "2022-07-01");
  c.need_dec = need(rows, "coa_capacity_need_decision_2022_05", "2022-12-31");
  c.monthly_step = 1000.0;  // the rows' note: "rises 1,000 per month"
  const int steps = static_cast<int>(std::llround((c.need_dec.value - c.need_jul.value) / c.monthly_step));
  // +1,000 at the end of each month from July, the last on 2022-12-31.
  c.step_dates = {"2022-07-31", "2022-08-31", "2022-09-30", "2022-10-31", "2022-11-30", "2022-12-31"};
  if (steps != static_cast<int>(c.step_dates.size()))
    throw ConfigError("nl_coa_occupancy.csv", c.need_dec.line, "coa_capacity_need_decision_2022_05", "2022-12-31",
                      "expected 6 monthly steps of 1,000 from 2022-07-01");
  return c;
}

}  // namespace chainsim::forecast
