#include "app/calibrate_command.hpp"
#include "app/output_lock.hpp"

#include "forecast/initial_state.hpp"
#include "io/errors.hpp"
#include "io/planning_table.hpp"

#include <algorithm>
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
  c.inflow.season = fit.season;
  c.inflow.ar_phi = fit.phi_week;
  c.inflow.ar_sigma = fit.sigma_week;
  c.inflow.shock_probability = fit.surge_p_week;
  c.inflow.shock_mean = fit.surge_kappa;
  c.inflow.shock_decay = fit.surge_psi_week;
  c.levers.inflow.clear();
  return c;
}

std::string calibrated_toml(const std::vector<io::DataRow>& rows, std::string* report_md, std::string* fit_csv,
                            const std::string& data_dir) {
  const InflowData in = load_inflow(rows);
  const auto bridge = bridge_quarters(in, kOrigin, 2);
  const calib::InflowFit f = calib::fit_inflow(in.monthly, in.first_month, kOrigin, bridge);
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
  // Grant rate: positive / (positive + rejected); mean = 2021, sd over 2017..2021.
  std::vector<double> gr;
  for (int y = 2017; y <= 2021; ++y) gr.push_back(positive(y) / (positive(y) + rejected(y)));
  double grm = 0;
  for (double g : gr) grm += g;
  grm /= gr.size();
  double grv = 0;
  for (double g : gr) grv += (g - grm) * (g - grm);
  const double grant_sd = std::sqrt(grv / (gr.size() - 1));
  const double grant_rate = gr.back();
  const double decisions_week = (positive(2021) + rejected(2021)) / kWpy;
  const double grants_week = positive(2021) / kWpy;
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
  const double first_week_rate = std::exp(f.alpha) * f.season[jun];
  // Steady-state rules shared with the stock backtest (forecast/initial_state.hpp).
  const DublinSteadyState dss = steady_state_dublin(first_week_rate, repeat_share, dub_a, ptr, abscond, deadline);
  const double h_tr = dss.transfer_hazard, stay = dss.expected_weeks, reg_week = dss.registrations_per_week;
  const std::int64_t dublin0 = dss.stock;
  const std::int64_t rejected0 = steady_state_rejected(rejected(2021) / kWpy, exit_total);
  const auto nonpermit = static_cast<std::int64_t>(std::llround(occ.value)) - permit0;
  const std::int64_t procedure0 = nonpermit - dublin0 - rejected0;

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
    << ", inflow below) x dublin.share " << fixed(dub_a, 4) << " x expected weeks in Dublin " << fixed(stay, 2)
    << " (transfer hazard " << fixed(h_tr, 5) << ", abscond 0.01, 26 weeks)\n";
  t << "procedure          = " << procedure0 << "  # data: COA occupancy " << fixed(occ.value, 0) << " on 2022-06-01 ("
    << where(occ) << " coa_occupancy_point) - 14000 permit holders - dublin - rejected\n";
  t << "rejected           = " << rejected0 << "   # data: UNHCR FI rejections 2021 (" << fixed(rejected(2021), 0)
    << ", nl_decisions.csv unhcr_dec_rejected_fi) / 52.1775 / total exit hazard 0.05 (steady state)\n";
  t << "permit_holders     = 14000     # seed: \"more than 14,000\"\n";
  t << "grants_per_week    = " << fixed(grants_week, 1) << "     # data: UNHCR FI positive 2021 (recognized + other = "
    << fixed(positive(2021), 0) << ", nl_decisions.csv) / 52.1775\n\n";
  t << "[inflow]                       # first asylum applications per week (fit: docs/calibration.md)\n";
  t << "level          = { mean = " << fixed(f.alpha, 4) << ", sd = " << fixed(f.alpha_sd, 4)
    << " }  # data: trend line at origin " << fixed(f.intercept, 4) << " + deviation " << fixed(f.deviation_eff, 4)
    << " (CBS quarterly " << bridge_txt << " in " << qfile << " vintage 2022-04 x " << fixed(in.cbs_to_eurostat, 4)
    << " = Eurostat/CBS over " << in.overlap << "; AR-averaged over 12 months); sd: model "
    << fixed(f.alpha_sd_model, 4) << " = sqrt(HAC se^2 + sigma_m^2/3), raised to match the robust scale "
    << fixed(f.level_error_scale, 4) << " of the method's own 12-month log errors at " << f.level_error_origins
    << " monthly origins inside the window (model sd there " << fixed(f.model_sd_at_horizon, 4) << ")"
    << " (≈ " << fixed(std::exp(f.alpha), 0) << "/week)\n";
  t << "trend_per_year = { mean = " << fixed(f.beta, 4) << ", sd = " << fixed(f.beta_sd, 4)
    << " }  # data: least-squares slope, Newey-West sd (lag 12), " << mfile << " eurostat_first_time_applicants 2020-10-06 " << span << "\n";
  t << "level_trend_correlation = " << fixed(f.corr, 4) << "  # data: Newey-West correlation of level and trend\n";
  t << "season         = [";
  for (int k = 0; k < 12; ++k) t << (k ? ", " : "") << fixed(f.season[static_cast<std::size_t>(k)], 3);
  t << "]  # data: " << season_src << " (effect-coded months, geometric mean 1)\n";
  t << "ar_phi         = " << fixed(f.phi_week, 4) << "        # data: monthly AR(1) of residuals phi_m = "
    << fixed(f.phi_month, 4) << ", weekly = phi_m^(12/52.1775)\n";
  t << "ar_sigma       = " << fixed(f.sigma_week, 4) << "        # data: monthly innovation sd " << fixed(f.sigma_month, 4)
    << "; weekly sigma matching the stationary variance of monthly means, less Poisson variance " << fixed(f.poisson_var, 5) << "\n";
  std::string onsets;
  for (int m : f.surge_months) onsets += (onsets.empty() ? "" : " ") + calib::month_label(m);
  t << "shock_probability = " << fixed(f.surge_p_week, 5) << "   # data: (" << f.surges
    << " surge onsets + 1/2) / (weeks + 1); onsets = months with innovation > 3 robust sd: " << onsets << "\n";
  t << "shock_mean     = " << fixed(f.surge_kappa, 4) << "        # data: mean innovation (log) in the onset months\n";
  t << "shock_decay    = " << fixed(f.surge_psi_week, 4) << "        # data: monthly decay in surge episodes "
    << fixed(f.surge_psi_month, 4) << " (least squares u[m+1] on u[m]), weekly = psi_m^(12/52.1775)\n";
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
  t << "capacity_per_week = " << fixed(decisions_week, 0) << "  # data: UNHCR FI decisions 2021 (recognized + other + rejected = "
    << fixed(positive(2021) + rejected(2021), 0) << ", nl_decisions.csv) / 52.1775\n";
  t << "grant_rate     = { mean = " << fixed(grant_rate, 4) << ", sd = " << fixed(grant_sd, 4)
    << " }  # data: UNHCR FI (recognized + other) / (recognized + other + rejected) 2021; sd over 2017..2021\n\n";
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
       "to_guardian     = 0.5                          # not in data (assumption); lever: extended foster care to 21\n\n"
       "[housing]\n"
       "realisation    = { mean = 0.85, sd = 0.07 }    # not in data: only one realisation quarter (2022-Q1) and no 2022-H1 task in data/\n"
       "regional_sd    = 0.10                          # τ, not in data\n"
       "taakstelling   = { \"2022-H1\" = 10000, \"2022-H2\" = 13500, default = 13500 }  # 2022-H2: data (nl_taakstelling.csv, set April 2022); 2022-H1: earlier default, not in data\n";
  // The rest of the seed is unchanged (seed letter, costs, levers, scenarios).
  t << R"(
# A programme adds housing supply: `persons` spread evenly over `weeks` (or up to `to`), or a
# rate `persons_per_year` (open-ended unless `weeks` or `to` is given); national unless
# `region = "VR01"` (a safety-region code) is given.
[[housing.programme]]
name    = "accelerated relocation to intermediate facilities"   # seed
from    = 2022-06-27
weeks   = 6
persons = 7500

[capacity]
regular = 42000                                # seed: 14,000 permit holders are one third of capacity
changes = []                                   # [{ at = DATE, delta = N }]

[capacity.cno]                                 # crisis emergency reception, per safety region
places_per_region = 225                        # seed
from  = 2022-07-01                             # seed
weeks = 26                                     # not in data: "temporary"
staff_per_region_per_day = 30                  # seed
phaseout = { margin = 0.05, weeks = 4 }        # not in data

[[capacity.tnv]]                               # large temporary facilities
name   = "cruise ship 1"
places = 1000                                  # seed
from   = 2022-08-01                            # seed: "this summer"
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
[[scenario]]
name = "no-crisis-measures"
[scenario.capacity.cno]
places_per_region = 0
[[scenario.housing.programme]]                 # replaces the base list
name = "none"
from = 2022-06-27
weeks = 1
persons = 0

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
      const double fit = f.fitted[i] * calib::days_in_month(m) / 7.0;
      bool ex = false, on = false;
      for (int e : f.excluded_months) ex = ex || e == m;
      for (int e : f.surge_months) on = on || e == m;
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
      << "| quantity | value |\n|---|---|\n"
      << "| trend line at origin 2022-06-20 (log weekly rate) | " << fixed(f.intercept, 4) << " ± " << fixed(f.se_intercept, 4) << " |\n"
      << "| trend per year | " << fixed(f.slope, 4) << " ± " << fixed(f.se_slope, 4) << " |\n"
      << "| correlation (Newey–West) | " << fixed(f.corr, 4) << " |\n"
      << "| local deviation d (CBS " << bridge_txt << " × " << fixed(in.cbs_to_eurostat, 4) << ") | " << fixed(f.deviation, 4) << " |\n"
      << "| gap from data end to origin (months) | " << fixed(f.gap_months, 2) << " |\n"
      << "| d_eff (AR forecast averaged over 12 months) | " << fixed(f.deviation_eff, 4) << " |\n"
      << "| level α | " << fixed(f.alpha, 4) << " (sd " << fixed(f.alpha_sd, 4) << "), ≈ " << fixed(std::exp(f.alpha), 0) << " per week |\n"
      << "| sd of α from the model (HAC se, d) | " << fixed(f.alpha_sd_model, 4) << " |\n"
      << "| 12-month log errors of the method at " << f.level_error_origins << " origins inside the window: robust scale | "
      << fixed(f.level_error_scale, 4) << " (model's own sd there " << fixed(f.model_sd_at_horizon, 4) << ") |\n"
      << "| monthly AR φ_m, σ_m | " << fixed(f.phi_month, 4) << ", " << fixed(f.sigma_month, 4) << " |\n"
      << "| weekly AR φ_w, σ_w | " << fixed(f.phi_week, 4) << ", " << fixed(f.sigma_week, 4) << " |\n"
      << "| surge onsets | " << onsets << " |\n"
      << "| surge p/week, κ, ψ_m, ψ_w | " << fixed(f.surge_p_week, 5) << ", " << fixed(f.surge_kappa, 4) << ", "
      << fixed(f.surge_psi_month, 4) << ", " << fixed(f.surge_psi_week, 4) << " |\n\n"
      << "Season factors (Jan..Dec): ";
    for (int k = 0; k < 12; ++k) r << (k ? ", " : "") << fixed(f.season[static_cast<std::size_t>(k)], 3);
    r << "\n\nThe other parameters and their derivations are in the comments of the configuration.\n"
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
