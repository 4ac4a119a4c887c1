#include "io/calibrated_toml.hpp"

#include "io/fixed_number.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

namespace chainsim::io {
namespace {

std::string where(const forecast::DataRow& r) { return r.file + ":" + std::to_string(r.line); }

// The lines a calibration renders, by "<table>.<key>" (the header comment by
// "#header"); a value may span lines (capacity.changes).
using Lines = std::map<std::string, std::string>;

// The lines of one TOML table: put(key, parts...) writes "key = " and the
// parts, streamed, into out["table.key"]. The key is padded to `key_width`
// characters, with at least one space before "=" (the alignment of
// forecast/seed.toml), so a line's key is written once.
class TableLines {
 public:
  TableLines(Lines& out, std::string table, std::size_t key_width)
      : out_(out), table_(std::move(table)), key_width_(key_width) {}

  template <class... Parts>
  void put(const std::string& key, const Parts&... parts) {
    std::ostringstream t;
    t << key << std::string(key.size() < key_width_ ? key_width_ - key.size() : 1, ' ') << "= ";
    (t << ... << parts);
    out_[table_ + "." + key] = t.str();
  }

 private:
  Lines& out_;
  std::string table_;
  std::size_t key_width_;
};

void render_initial(const forecast::SeedCalibration& c, Lines& out) {
  TableLines initial(out, "initial", 19);
  initial.put("dublin", c.dublin0, "  # data: first+repeat per week at the origin (", fixed(c.registrations_week, 1),
              ", inflow below with its starting deviation) x dublin.share ", fixed(c.dublin_share, 4),
              " x expected weeks in Dublin ", fixed(c.dublin_weeks, 2), " (transfer hazard ",
              fixed(c.transfer_hazard, 5), ", abscond ", fixed(c.abscond, 2), ", ", c.deadline_weeks, " weeks)");
  initial.put("procedure", c.procedure0, "  # data: COA occupancy ", fixed(c.occupancy.value, 0), " on 2022-06-01 (",
              where(c.occupancy), " coa_occupancy_point) - ", c.permit_holders, " permit holders - dublin - rejected");
  initial.put("rejected", c.rejected0, "   # data: UNHCR FI rejections 2021 (", fixed(c.rejected_2021, 0),
              ", nl_decisions.csv unhcr_dec_rejected_fi) / 52.1775 / total exit hazard ", fixed(c.exit_total, 2),
              " (steady state)");
  initial.put("grants_per_week", fixed(c.grants_week, 1),
              "     # data: UNHCR FI positive 2021 (recognized + other = ", fixed(c.positive_2021, 0),
              ", nl_decisions.csv) / 52.1775");
  std::string pairs;
  for (const auto& p : c.stock_pairs)
    pairs += (pairs.empty() ? "" : "; ") + p.what + " " + fixed(p.a, 0) + "/" + fixed(p.b, 0);
  initial.put("uncertainty_sd", fixed(c.initial_sd, 4), "    # data: root mean square of log(a/b) over ",
              c.stock_pairs.size(),
              " pairs of values of the same stock within two months (nl_coa_occupancy.csv: ", pairs,
              "); the split of the occupancy into the stocks rests on the assumed hazards, which this does not cover");
  initial.put("permit_holders_over_14_weeks", c.over14, "  # data: ", c.permit_holders,
              " x COA 2021-12 share waiting more than 3 months (", fixed(c.waiting_over.value, 0), " of ",
              fixed(c.waiting_all.value, 0), ", ", where(c.waiting_over),
              ", the latest published share; 3 months taken as 14 weeks)");
}

void render_inflow(const forecast::SeedCalibration& c, Lines& out) {
  const forecast::calib::InflowFit& f = c.inflow.with_trend;
  const forecast::calib::InflowFit& g = c.inflow.used;
  const forecast::InflowData& in = c.inflow_data;
  const std::string& mfile = c.monthly_file;
  const std::string span = forecast::calib::month_label(in.first_month) + ".." +
                           forecast::calib::month_label(in.first_month + static_cast<int>(in.monthly.size()) - 1);
  std::string bridge_txt;
  for (const auto& a : c.bridge)
    bridge_txt += (bridge_txt.empty() ? "" : ", ") + forecast::calib::month_label(a.first_month) + "+3m";
  // The level's sd: Newey-West se and the level shifts of step 8 (chosen after
  // the backtest of the stocks and of this method: VALIDATION.md).
  const double level_sd = c.inflow.level_sd;
  const std::string level_sd_txt =
      "sqrt(Newey-West se " + fixed(g.se_intercept, 4) + "^2 + level shifts " +
      fixed(std::sqrt(std::max(0.0, level_sd * level_sd - g.se_intercept * g.se_intercept)), 4) +
      "^2): the robust scale " + fixed(g.level_error_scale, 4) + " of the method's own 12-month log errors at " +
      std::to_string(g.level_error_origins) + " monthly origins beyond the model's " + fixed(g.model_sd_at_horizon, 4) +
      " (step 8; the recent level is start_deviation)";
  TableLines inflow(out, "inflow", 15);
  inflow.put("level", "{ mean = ", fixed(g.intercept, 4), ", sd = ", fixed(level_sd, 4), " }  # data: ",
             (c.inflow.trend ? "trend line at the origin, least squares on "
                             : "long-run level, least squares without a trend on "),
             mfile, " eurostat_first_time_applicants 2020-10-06 ", span, "; sd: ", level_sd_txt, " (≈ ",
             fixed(std::exp(g.intercept), 0), "/week)");
  if (c.inflow.trend) {
    inflow.put("trend_per_year", "{ mean = ", fixed(g.slope, 4), ", sd = ", fixed(g.se_slope, 4),
               " }  # data: least-squares slope, Newey-West sd (lag 12); kept: |slope/se| = ",
               fixed(std::abs(g.slope / g.se_slope), 2), " >= 2");
    inflow.put("level_trend_correlation", fixed(g.corr, 4), "  # data: Newey-West correlation of level and trend");
  } else {
    inflow.put("trend_per_year", "{ mean = 0, sd = 0 }  # data: the slope ", fixed(f.slope, 4), " (Newey-West se ",
               fixed(f.se_slope, 4), ", |slope/se| = ", fixed(std::abs(f.slope / f.se_slope), 2),
               " < 2) is not distinguished from 0: no trend (rule in docs/calibration.md)");
    inflow.put("level_trend_correlation", "0     # no trend");
  }
  inflow.put("start_deviation", "{ mean = ", fixed(g.start_deviation, 4), ", sd = ", fixed(g.start_deviation_sd, 4),
             " }  # data: deviation ", fixed(g.deviation, 4), " of CBS quarterly ", bridge_txt, " (", c.quarterly_file,
             " vintage 2022-04 x ", fixed(in.cbs_to_eurostat, 4), " = Eurostat/CBS over ", in.overlap,
             ") from the line, x phi_m^g over the g = ", fixed(g.gap_months, 2),
             " months to the origin; sd = sqrt(phi_m^2g sigma_m^2/3 + the AR innovations over g)");
  // The local level is fitted and reported, not used (VALIDATION.md): its
  // values are in the comment so that a user can switch it on.
  const forecast::calib::LevelWalkFit& walk = c.inflow.walk;
  int walk_min = 0, walk_max = 0;
  for (int n : walk.origins)
    if (n > 0) walk_min = walk_min ? std::min(walk_min, n) : n, walk_max = std::max(walk_max, n);
  inflow.put("level_walk_sd",
             "0             # off (C11; chosen after the backtest, VALIDATION.md). The data's local level: "
             "level_walk_sd = ",
             fixed(walk.sd_per_sqrt_year, 4), ", level_walk_phi = ", fixed(walk.phi_week, 5), " (monthly persistence ",
             fixed(walk.rho_month, 4), ", innovation ", fixed(walk.q_month, 5),
             " a month, fitted to the growth over 1..", walk.max_horizon,
             " months of the squared robust scale of the method's own log errors at ", walk_min, "..", walk_max,
             " monthly origins beyond the model's variance without it; calibration.md), with level sd = ",
             fixed(g.se_intercept, 4), " (the line's se alone)");
  std::string months;
  for (std::size_t k = 0; k < 12; ++k) months += (k ? ", " : "") + fixed(g.season[k], 3);
  inflow.put("season", "[", months, "]  # data: least squares on log weekly rate, ", mfile,
             " eurostat_first_time_applicants vintage 2020-10-06 ", span, " (effect-coded months, geometric mean 1)");
  inflow.put("ar_phi", fixed(g.phi_week, 4),
             "        # data: monthly AR(1) of residuals phi_m = ", fixed(g.phi_month, 4),
             ", weekly = phi_m^(12/52.1775)");
  inflow.put("ar_sigma", fixed(g.sigma_week, 4), "        # data: monthly innovation sd ", fixed(g.sigma_month, 4),
             "; weekly sigma matching the stationary variance of monthly means, less Poisson variance ",
             fixed(g.poisson_var, 5));
  std::string onsets;
  // Appended in two steps: `" " + label` trips a g++ 12 -Wrestrict false positive here.
  for (int m : g.surge_months) {
    if (!onsets.empty()) onsets += ' ';
    onsets += forecast::calib::month_label(m);
  }
  inflow.put("shock_probability", fixed(g.surge_p_week, 5), "   # data: (", g.surges,
             " surge onsets + 1/2) / (weeks + 1); onsets = months with innovation > 3 robust sd: ", onsets);
  inflow.put("shock_mean", fixed(g.surge_kappa, 4), "        # data: mean innovation (log) in the onset months");
  inflow.put("shock_decay", fixed(g.surge_psi_week, 4), "        # data: monthly decay in surge episodes ",
             fixed(g.surge_psi_month, 4), " (least squares u[m+1] on u[m]), weekly = psi_m^(12/52.1775)");
  inflow.put("repeat_share", fixed(c.repeat_share, 4),
             "        # data: IND monthly repeat / first, own_month_release, ", c.repeat_months, " months with both (",
             mfile, "): ", fixed(c.repeat, 0), " / ", fixed(c.first, 0));
}

void render_dublin_decisions_rejected_nareis(const forecast::SeedCalibration& c, Lines& out) {
  const forecast::DecisionData& dd = c.decisions;
  const forecast::calib::DecisionResponseFit& dr = c.response;
  const std::string q_first = forecast::quarter_label(dd.first_quarter_month),
                    q_last =
                        forecast::quarter_label(dd.first_quarter_month + 3 * (static_cast<int>(dd.totals.size()) - 1));
  TableLines dublin(out, "dublin", 15), decisions(out, "decisions", 15), rejected(out, "rejected", 15),
      nareis(out, "nareis", 15);
  dublin.put("share", "{ mean = ", fixed(c.dublin_share, 4), ", sd = ", fixed(c.dublin_share_sd, 4),
             " }  # data: IND outgoing requests 2014-01/2021-06 (", fixed(c.dublin_requests.value, 0), ", ",
             where(c.dublin_requests), ") / UNHCR new FI applications 2014..2020 + half of 2021 (",
             fixed(c.applications_1421, 0), "); sd = range/4 of this, 2014/2016 (", fixed(c.dublin_share_1416, 4),
             ") and 2016/2020 take-back+take-charge (", fixed(c.dublin_share_1620, 4), ")");
  dublin.put("transfer_share", "{ mean = ", fixed(c.transfer_share, 4), ", sd = ", fixed(c.transfer_share_sd, 4),
             " }  # data: transfers / requests 2014-01/2021-06 (", fixed(c.dublin_transfers.value, 0), " / ",
             fixed(c.dublin_requests.value, 0), ", nl_dublin.csv); sd = half the difference from 2014/2016 (",
             fixed(c.transfer_share_1416, 4), ")");
  decisions.put(
      "capacity_per_week", fixed(c.closures_week, 0),
      "  # data: UNHCR FI decisions 2021 (recognized + other + rejected = ",
      fixed(c.positive_2021 + c.rejected_2021, 0), ", nl_decisions.csv) / 52.1775 = ", fixed(c.decisions_week, 1),
      " decisions a week, / (1 - withdrawn_share): cases closed a week, of which withdrawn_share without a decision");
  decisions.put(
      "grant_rate", "{ mean = ", fixed(c.grant_rate, 4), ", sd = ", fixed(c.grant_sd, 4),
      " }  # data: UNHCR FI (recognized + other) / (recognized + other + rejected) 2021; sd: grant_drift_sd over the ",
      fixed(c.gap_years, 2),
      " years from mid-2021 to the origin, g(1-g) x sd x sqrt(years) (the spread between years is the drift's)");
  decisions.put("response", "{ enabled = true, target_weeks = ", fixed(c.target_closures, 1),
                ", adjust_weeks = ", fixed(dr.adjust_weeks, 0), ", max_per_week = ", fixed(c.max_closures_week, 0),
                " }  # data: partial adjustment fitted one quarter ahead on nl_decisions.csv "
                "eurostat_first_instance_decisions_total 2020-10-07 ",
                q_first, "..", q_last, " and ", c.monthly_file,
                " first-time applicants, backlog index anchored at COA in procedure ", fixed(dd.anchor.value, 0), " (",
                where(dd.anchor), ", 2020-04) with inflow share ", fixed(dr.inflow_share, 2), " (grid): target ",
                fixed(dr.target_weeks, 0), " weeks of decisions x (1 - withdrawn_share); max: the highest quarter, ",
                forecast::quarter_label(dd.first_quarter_month + 3 * static_cast<int>(c.peak_quarter)), " ",
                fixed(dd.totals[c.peak_quarter], 0), " decisions = ", fixed(c.max_decisions_week, 1),
                "/week, / (1 - withdrawn_share)");
  decisions.put("capacity_sd", fixed(dr.log_sd_annual, 4),
                "        # data: sd of the yearly means of that fit's log residuals (quarterly sd ",
                fixed(dr.log_sd, 4), ", lag-1 autocorrelation ", fixed(dr.log_ac1, 2), ": the persistent part)");
  decisions.put("withdrawn_share", fixed(c.withdrawn, 4),
                "       # data: UNHCR FI otherwise closed / (decisions + otherwise closed) 2017..2021 (",
                fixed(c.withdrawn_closed, 0), " / ", fixed(c.withdrawn_all, 0),
                ", nl_decisions.csv unhcr_dec_closed_fi)");
  decisions.put("grant_drift_sd", fixed(c.drift_sd, 4), "        # data: UNHCR FI grant rate ", c.drift_from, "..",
                c.drift_to, ", sqrt(mean (logit change over ", c.drift_years, " years)^2 / ", c.drift_years,
                "); over 1 year: ", fixed(c.drift_sd_1y, 4), " (swings that revert within the horizon)");
  rejected.put("return_weekly", fixed(c.return_weekly, 4), "  # split of an assumed total weekly exit hazard ",
               fixed(c.exit_total, 2), " (not in data) by DT&V 2021: (forced ", fixed(c.forced.value, 0),
               " + independent ", fixed(c.independent.value, 0), ") / all incl. without supervision ",
               fixed(c.unsupervised.value, 0), " (nl_returns.csv) = ", fixed(c.verified, 4));
  rejected.put("leave_weekly", fixed(c.leave_weekly, 4), "  # the rest of the same split (without supervision)");
  std::string years;
  for (const auto& y : c.nareis_years) years += (years.empty() ? "" : ",") + y;
  nareis.put("per_grant", "{ mean = ", fixed(c.nareis_mean, 4), ", sd = ", fixed(c.nareis_sd, 4),
             " }  # data: IND family-reunification arrivals in year y / UNHCR FI positive in y-1, y = ", years,
             " (asylum_applications_annual.csv, nl_decisions.csv); mean and sd over years");
}

void render_housing_capacity(const forecast::SeedCalibration& c, Lines& out) {
  TableLines housing(out, "housing", 15), capacity(out, "capacity", 0);
  housing.put(
      "realisation", "{ mean = ", fixed(c.realisation, 3), ", sd = 0.07 }    # data (mean): 2016-H2 task ",
      fixed(c.task_16.value, 0), " + backlog in ", fixed(c.backlog_in.value, 0), " - backlog at 2017-H1 ",
      fixed(c.backlog_out.value, 0),
      ", over task + backlog (nl_taakstelling.csv; the task read as excluding the backlog); sd not in data (one "
      "half-year)");
  housing.put("carry_over", "true                          # data: nl_taakstelling.csv achterstand_at_start 2016-H2 ",
              fixed(c.backlog_in.value, 0), " and 2017-H1 ", fixed(c.backlog_out.value, 0),
              ": unmet quota is added to the next task");
  std::string tasks;
  for (const auto& task : c.tasks) tasks += (tasks.empty() ? "" : ", ") + task.period + " " + fixed(task.value, 0);
  housing.put("quota_rule", "{ enabled = true, share = ", fixed(c.quota_share, 3),
              ", lookback_weeks = 52 }  # data: tasks ", tasks, " (nl_taakstelling.csv), sum ", fixed(c.sum_tasks, 0),
              " / new permit holders of the year before each, per half-year, sum ", fixed(c.sum_expected, 0),
              " (UNHCR FI positive x (1 - ", fixed(c.minors_share, 2), " x ", fixed(c.to_guardian, 1),
              " + nareis.per_grant ", fixed(c.nareis_mean, 4),
              ") / 2); lookback: the year they are counted over. Not checked against: realised 2022-Q1 ",
              fixed(c.realised_q1.value, 0), ", shortfall 2018-H2 ", fixed(c.shortfall_18.value, 0),
              " (no task for those periods in data/)");
  std::ostringstream steps;
  steps << "  { at = 2022-07-01, delta = " << fixed(c.need_jul.value - static_cast<double>(c.regular), 0) << " },\n";
  for (std::size_t i = 0; i < c.step_dates.size(); ++i)
    steps << "  { at = " << c.step_dates[i] << ", delta = " << fixed(c.monthly_step, 0) << " },"
          << (i + 1 == c.step_dates.size() ? "  # end of each month, the last on 2022-12-31\n" : "\n");
  capacity.put("changes", "[                                    # data: COA's capacity need decided May 2022 (",
               where(c.need_jul), "): ", fixed(c.need_jul.value, 0), " by 2022-07-01, ", fixed(c.need_dec.value, 0),
               " by 2022-12-31, rising 1,000 a month (the rows' note); as steps on top of the regular ", c.regular,
               "\n", steps.str(), "]");
}

// The table a line opens ("[inflow]  # ..." -> "inflow", "[[housing.programme]]"
// -> "housing.programme"), or "" when it opens none.
std::string table_of(std::string_view line) {
  if (line.empty() || line[0] != '[') return "";
  const std::size_t open = line.find_first_not_of('[');
  const std::size_t close = line.find(']', open);
  return close == std::string_view::npos ? "" : std::string(line.substr(open, close - open));
}

// The key a line sets ("level          = ..." -> "level"), or "".
std::string key_of(std::string_view line) {
  const std::size_t end = line.find_first_of(" =");
  if (end == 0 || end == std::string_view::npos) return "";
  const std::size_t eq = line.find_first_not_of(' ', end);
  return eq != std::string_view::npos && line[eq] == '=' ? std::string(line.substr(0, end)) : "";
}

}  // namespace

std::string calibrated_toml(const forecast::SeedCalibration& c, const std::string& data_dir,
                            std::string_view seed_text) {
  Lines lines;
  lines["#header"] =
      "# Seed scenario of June 2022, calibrated by `chainsim calibrate` on " + data_dir + " (docs/calibration.md).";
  render_initial(c, lines);
  render_inflow(c, lines);
  render_dublin_decisions_rejected_nareis(c, lines);
  render_housing_capacity(c, lines);

  std::string out;
  out.reserve(seed_text.size() + 1024);
  std::map<std::string, int> used;
  std::string table;
  bool skipping = false;  // inside a multi-line value being replaced
  std::size_t at = 0;
  for (bool first = true; at < seed_text.size(); first = false) {
    const std::size_t nl = seed_text.find('\n', at);
    const std::string_view line = seed_text.substr(at, nl == std::string_view::npos ? nl : nl - at);
    at = nl == std::string_view::npos ? seed_text.size() : nl + 1;
    if (skipping) {
      skipping = line != "]";
      continue;
    }
    if (const std::string t = table_of(line); !t.empty()) table = t;
    const std::string key = first ? "#header" : table + "." + key_of(line);
    const auto it = lines.find(key);
    if (it == lines.end() || (!first && key_of(line).empty())) {
      out.append(line).append(nl == std::string_view::npos ? "" : "\n");
      continue;
    }
    ++used[key];
    out.append(it->second).append("\n");
    // A value that opens a bracket on its line and closes it on a later one.
    skipping = line.find('[') != std::string_view::npos && line.find(']') == std::string_view::npos;
  }
  for (const auto& [key, text] : lines)
    if (used[key] != 1)
      throw std::logic_error("calibrated_toml: the seed configuration has " + std::to_string(used[key]) +
                             " lines for " + key + " (expected one)");
  return out;
}

}  // namespace chainsim::io
