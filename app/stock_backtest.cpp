#include "app/stock_backtest.hpp"

#include "forecast/calendar.hpp"
#include "forecast/calibration.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/resolve.hpp"
#include "forecast/stock_origin.hpp"
#include "io/config_toml.hpp"
#include "io/errors.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace chainsim::app {
namespace {

using forecast::stock::Observation;

const std::string kOccupancyFile = "nl_coa_occupancy.csv";

// Producers of total occupancy, best first where two fall in one week: NJI's
// 31-December values (reference date stated), COA's dated points, COA's
// yearly table (reference date not stated; within 0.3 % of NJI's 2015-2019).
const std::vector<std::string> kOccupancyPriority = {"coa_occupancy_31dec", "coa_occupancy_point",
                                                     "coa_occupancy_year"};

struct Target {
  const char* name;
  core::Var var;
};
const Target kTargets[] = {{"occupancy", core::Var::Occupancy}, {"permit_holders", core::Var::PermitHolders}};
const char* kMethods[] = {"engine", "naive", "persistence"};
constexpr int kBins[] = {3, 6, 12, 24};

std::vector<Observation> read_observations(const std::vector<io::DataRow>& rows, const std::string& series) {
  std::vector<Observation> out;
  for (const io::DataRow* r : io::select(rows, series, "NL")) {
    if (r->file != kOccupancyFile) continue;
    const auto d = forecast::stock::period_date(r->period);
    if (!d)
      throw io::ConfigError(r->file, r->line, series + ".period", r->period,
                            "a date YYYY-MM-DD, a month YYYY-MM or a year YYYY");
    if (!(r->value > 0))
      throw io::ConfigError(r->file, r->line, series + ".value", fixed(r->value, 0), "a positive number of persons");
    out.push_back({*d, r->value, r->series, r->period, r->file + ":" + std::to_string(r->line)});
  }
  if (out.empty()) throw io::ConfigError(kOccupancyFile, 0, series, "", "rows of series " + series + " for geo NL");
  return out;
}

forecast::Date first_of(int year, int month) {
  return forecast::Date{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} / 1};
}

// Quarterly first-instance decisions (Eurostat, positive and total) and the
// yearly ones (UNHCR first instance: recognized + other, rejected), as the
// seed reads them.
std::vector<forecast::stock::DecisionPeriod> decision_quarters(const std::vector<io::DataRow>& rows) {
  std::vector<forecast::stock::DecisionPeriod> out;
  const std::string_view vintage = "2020-10-07";
  for (const io::DataRow* t : io::select(rows, "eurostat_first_instance_decisions_total", "NL", vintage)) {
    const std::string& p = t->period;
    if (p.size() != 7 || p[4] != '-' || p[5] != 'Q' || p[6] < '1' || p[6] > '4') continue;
    const io::DataRow* pos = io::find(rows, "eurostat_first_instance_decisions_positive", p, vintage);
    if (!pos) continue;
    const int y = std::stoi(p.substr(0, 4)), q = p[6] - '0';
    const forecast::Date begin = first_of(y, 3 * q - 2);
    const forecast::Date end = q == 4 ? first_of(y + 1, 1) : first_of(y, 3 * q + 1);
    out.push_back({begin, end, pos->value, t->value, p,
                   "Eurostat first-instance decisions positive/total, " + t->file + " vintage 2020-10-07"});
  }
  return out;
}

std::vector<forecast::stock::DecisionPeriod> decision_years(const std::vector<io::DataRow>& rows) {
  std::vector<forecast::stock::DecisionPeriod> out;
  for (const io::DataRow* rj : io::select(rows, "unhcr_dec_rejected_fi", "NL")) {
    const std::string& p = rj->period;
    if (p.size() != 4) continue;
    const io::DataRow* rec = io::find(rows, "unhcr_dec_recognized_fi", p);
    const io::DataRow* oth = io::find(rows, "unhcr_dec_other_fi", p);
    if (!rec || !oth) continue;
    const int y = std::stoi(p);
    const double positive = rec->value + oth->value;
    out.push_back({first_of(y, 1), first_of(y + 1, 1), positive, positive + rj->value, p,
                   "UNHCR FI recognized+other / +rejected, " + rj->file});
  }
  return out;
}

std::map<std::string, double> housing_tasks(const std::vector<io::DataRow>& rows) {
  std::map<std::string, double> out;
  for (const io::DataRow* r : io::select(rows, "taakstelling", "NL")) {
    const std::string& p = r->period;
    if (p.size() != 7 || p[4] != '-' || p[5] != 'H' || (p[6] != '1' && p[6] != '2'))
      throw io::ConfigError(r->file, r->line, "taakstelling.period", p, "a half-year YYYY-H1 or YYYY-H2");
    out.emplace(p, r->value);  // the first row of a half-year (repeated rows agree)
  }
  return out;
}

// A rule that finds too little data before an origin throws
// std::invalid_argument; the user sees which file and series lack it.
template <class F>
auto needing(const std::string& file, const std::string& series, const std::string& origin, F&& f) {
  try {
    return f();
  } catch (const std::invalid_argument& e) {
    throw io::ConfigError(file, 0, series, "", std::string(e.what()) + " (stock backtest origin " + origin + ")");
  }
}

// Monday on or before d (1970-01-01 was a Thursday).
forecast::Date monday_on_or_before(forecast::Date d) {
  const auto days = d.time_since_epoch().count();
  return d - std::chrono::days{((days + 3) % 7 + 7) % 7};
}

std::string ratio(double v) { return fixed(v, 2); }

struct Key {
  int target, method, bin;
  bool operator<(const Key& o) const { return std::tie(target, method, bin) < std::tie(o.target, o.method, o.bin); }
};

void markdown_summary(std::ostream& md, const std::vector<InflowTableRow>& inflow,
                      const std::map<Key, forecast::stock::ScoreSum>& acc) {
  md << "| target | h (months) | n | cov 50 % | cov 80 % | PIT > 0.5 | CRPS engine | CRPS prob. naive | CRPS other "
        "baseline |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : inflow)
    md << "| inflow (monthly) | " << r.horizon << " | " << r.n << " | " << ratio(r.cov50) << " | " << ratio(r.cov80)
       << " | " << ratio(r.pit_above_half) << " | " << fixed(r.crps_engine, 1) << " | " << fixed(r.crps_random_walk, 1)
       << " | " << fixed(r.crps_seasonal_naive, 1) << " (seasonal naive) |\n";
  for (int t = 0; t < 2; ++t)
    for (int bin : {6, 12, 24}) {
      const auto e = acc.find({t, 0, bin}), nv = acc.find({t, 1, bin}), ps = acc.find({t, 2, bin});
      if (e == acc.end()) {
        md << "| " << kTargets[t].name << " | " << bin << " | 0 | – | – | – | – | – | – |\n";
        continue;
      }
      const auto& s = e->second;
      md << "| " << kTargets[t].name << " | " << bin << " | " << s.n << " | " << ratio(s.cov50()) << " | "
         << ratio(s.cov80()) << " | " << ratio(s.pit_share()) << " | " << fixed(s.mean_crps(), 0) << " | "
         << fixed(nv->second.mean_crps(), 0) << " | " << fixed(ps->second.mean_crps(), 0) << " (persistence) |\n";
    }
}

}  // namespace

std::vector<StockScore> stock_backtest(const BacktestOptions& o, const std::vector<io::DataRow>& rows,
                                       const forecast::InflowData& in, const std::vector<InflowTableRow>& inflow_rows,
                                       std::ostream& log) {
  // ---- the data, as dated observations ----
  std::vector<Observation> all_occ;
  for (const std::string& s : kOccupancyPriority) {
    auto v = read_observations(rows, s);
    all_occ.insert(all_occ.end(), v.begin(), v.end());
  }
  const std::vector<Observation> occupancy = forecast::stock::one_per_week(all_occ, kOccupancyPriority);
  std::vector<Observation> year_end;  // the yearly series inside it (NJI, else COA's table)
  for (const auto& ob : occupancy)
    if (ob.series != "coa_occupancy_point") year_end.push_back(ob);
  const std::vector<Observation> permits =
      forecast::stock::one_per_week(read_observations(rows, "coa_permit_holders_in_reception"), {});
  const std::vector<Observation>* series[] = {&occupancy, &permits};
  const auto quarters = decision_quarters(rows);
  const auto years = decision_years(rows);
  const auto tasks = housing_tasks(rows);
  const forecast::Config seed = o.base ? *o.base : io::load_seed().scenarios[0];

  std::map<Key, forecast::stock::ScoreSum> acc;
  std::ostringstream detail, origins, components, origins_md;
  origins_md << "| origin | occupancy (source) | permit holders | Dublin | rejected | procedure | decisions/week | "
                "grant rate (window) | task/half-year later | initial log sd (stocks / permit holders) |\n"
                "|---|---|---|---|---|---|---|---|---|---|\n";
  components << "origin,months,week_monday,occupancy,procedure,dublin,rejected,permit_holders,registered_since,"
                "decisions_since,grants_since,nareis_into_reception_since,housed_since\n";
  detail
      << "origin,target,date,period,series,horizon_months,horizon_bin,method,observed,median,q05,q10,q25,q75,q90,q95,"
         "pit,crps\n";
  origins
      << "origin,start,weeks,occupancy,occupancy_date,occupancy_series,permit_holders,permit_rule,dublin,rejected,"
         "procedure,procedure_floored,first_applications_week,decisions_week,grants_week,rejections_week,grant_rate,"
         "grant_rate_sd,decisions_window,grant_rate_sd_years,taakstelling_later,taakstelling_rule,occupancy_age_months,"
         "permit_age_months,initial_uncertainty_sd,permit_holders_sd\n";
  const int H = o.stock_horizon_months;
  int done = 0;
  for (int y = o.stock_first_year; y <= o.stock_last_year; ++y) {
    for (int half = 0; half < 2; ++half) {
      if (o.max_origins > 0 && done >= o.max_origins) break;
      ++done;
      const int om = forecast::calib::month_index(y, half ? 7 : 1);
      const forecast::Date origin = forecast::calib::first_day(om);
      const forecast::Date start = monday_on_or_before(origin);
      // Through the month after the horizon: a date up to H + 1/2 months on rounds to H.
      const int weeks = forecast::week_of(start, forecast::calib::first_day(om + H + 1)) + 1;
      // Inflow: exactly as the inflow backtest calibrates an origin.
      const auto bridge = forecast::bridge_quarters(in, origin, 2);
      std::vector<double> monthly(
          in.monthly.begin(),
          in.monthly.begin() + std::clamp(om - in.first_month, 0, static_cast<int>(in.monthly.size())));
      const forecast::SeedInflowFit fit = forecast::fit_inflow_seed_method(monthly, in.first_month, origin, bridge);
      const forecast::Config calibrated = seed_inflow_config(seed, fit, start, weeks, o.stock_paths, true);
      // Stocks and rates known at the origin.
      const std::string label = forecast::calib::month_label(om);
      const forecast::stock::OriginStocks st =
          needing(kOccupancyFile, "coa_occupancy_* / coa_permit_holders_in_reception", label,
                  [&] { return forecast::stock::stocks_at_origin(occupancy, permits, origin); });
      forecast::stock::OriginSetup setup;
      setup.decisions = needing("nl_decisions.csv", "eurostat_first_instance_decisions_* / unhcr_dec_*_fi", label,
                                [&] { return forecast::stock::decision_rates(quarters, years, origin); });
      forecast::stock::ChainRates rates;
      // The engine's median rate at the origin, as the seed takes it (calibrate).
      rates.first_applications_per_week = std::exp(fit.used.intercept + fit.used.start_deviation) *
                                          fit.used.season[static_cast<std::size_t>(forecast::month_of(origin) - 1)];
      rates.repeat_share = calibrated.inflow.repeat_share;
      rates.dublin_share = calibrated.dublin.share.mean;
      rates.transfer_share = calibrated.dublin.transfer_share.mean;
      rates.abscond_weekly = calibrated.dublin.abscond_weekly;
      rates.deadline_weeks = calibrated.dublin.deadline_weeks;
      rates.rejections_per_week = setup.decisions.rejections_per_week;
      rates.exit_hazard = calibrated.rejected.return_weekly + calibrated.rejected.leave_weekly;
      setup.initial = forecast::stock::apportion_initial_state(std::llround(st.occupancy.value),
                                                               std::llround(st.permit_holders), rates);
      const double new_permit_week =
          setup.decisions.grants_per_week * (1.0 + calibrated.nareis.per_grant.mean * calibrated.nareis.into_reception);
      setup.housing = forecast::stock::housing_task(tasks, origin, new_permit_week);
      setup.spread = needing(kOccupancyFile, "coa_occupancy_* / coa_permit_holders_in_reception", label, [&] {
        return forecast::stock::initial_spread(st, occupancy, permits, year_end, origin,
                                               calibrated.initial.uncertainty_sd);
      });
      const forecast::Config c = forecast::stock::stock_origin_config(calibrated, setup);

      const std::string permit_rule = st.permit_from_share
                                          ? "share " + fixed(st.permit_share, 4) + " = " + st.permit_point.period +
                                                " point " + fixed(st.permit_point.value, 0) + " / occupancy " +
                                                fixed(st.share_occupancy.value, 0) + " (" + st.share_occupancy.series +
                                                " " + st.share_occupancy.period + "); no point within 12 months"
                                          : "point " + st.permit_point.period + " (" + st.permit_point.where + ")";
      const auto& in0 = setup.initial;
      const double permit_sd = setup.spread.permit_holders_sd();
      const auto& dr = setup.decisions;
      origins << label << "," << forecast::iso_date(start) << "," << weeks << "," << in0.occupancy << ","
              << forecast::iso_date(st.occupancy.date) << "," << st.occupancy.series << "," << in0.permit_holders
              << ",\"" << permit_rule << "\"," << in0.dublin << "," << in0.rejected << "," << in0.procedure << ","
              << (in0.procedure_floored ? 1 : 0) << "," << fixed(rates.first_applications_per_week, 1) << ","
              << fixed(dr.decisions_per_week, 1) << "," << fixed(dr.grants_per_week, 1) << ","
              << fixed(dr.rejections_per_week, 1) << "," << fixed(dr.grant_rate, 4) << "," << fixed(dr.grant_rate_sd, 4)
              << ",\"" << dr.window << "\"," << dr.sd_years << "," << fixed(setup.housing.later, 0) << ",\""
              << setup.housing.rule << "\"," << fixed(setup.spread.occupancy_age_months, 1) << ","
              << fixed(setup.spread.permit_age_months, 1) << "," << fixed(setup.spread.uncertainty_sd, 4) << ","
              << fixed(permit_sd, 4) << "\n";
      origins_md << "| " << label << " | " << in0.occupancy << " (" << st.occupancy.series << " " << st.occupancy.period
                 << ") | " << in0.permit_holders
                 << (st.permit_from_share ? " (share " + fixed(st.permit_share, 3) + ")"
                                          : " (point " + st.permit_point.period + ")")
                 << " | " << in0.dublin << " | " << in0.rejected << " | " << in0.procedure
                 << (in0.procedure_floored ? " (floored)" : "") << " | " << fixed(dr.decisions_per_week, 0) << " | "
                 << fixed(dr.grant_rate, 3) << " (" << dr.window.substr(0, dr.window.find(' ')) << ") | "
                 << fixed(setup.housing.later, 0) << (setup.housing.steady_state ? " (steady state)" : "") << " | "
                 << fixed(setup.spread.uncertainty_sd, 3) << " / " << fixed(permit_sd, 3) << " |\n";
      log << "stock origin " << label << ": occupancy " << in0.occupancy << " (" << st.occupancy.series << " "
          << st.occupancy.period << "), permit holders " << in0.permit_holders << " (" << permit_rule << "), dublin "
          << in0.dublin << ", rejected " << in0.rejected << ", procedure " << in0.procedure
          << (in0.procedure_floored ? " (residual negative, set to 0)" : "") << "; decisions/week "
          << fixed(dr.decisions_per_week, 1) << ", grant rate " << fixed(dr.grant_rate, 3) << " (" << dr.window
          << "); housing task later " << fixed(setup.housing.later, 0) << "; initial log sd "
          << fixed(setup.spread.uncertainty_sd, 3) << ", permit holders " << fixed(permit_sd, 3) << "\n";

      // Observations to score: after the origin, within H months.
      bool any = false;
      for (int t = 0; t < 2; ++t)
        for (const auto& ob : *series[t]) {
          const int h = forecast::stock::rounded_months(origin, ob.date);
          any = any || (ob.date > origin && forecast::stock::horizon_bin(h) > 0 && h <= H);
        }
      if (!any) continue;

      const forecast::Ensemble e = forecast::simulate_ensemble(
          resolve(c), {.paths = o.stock_paths, .seed = c.run.seed, .parallelism = o.parallelism});

      // Where the occupancy goes: the mean of each stock (means add up, medians
      // do not) and the mean flows since the origin, 6, 12 and 24 months on.
      for (int m : {6, 12, 24}) {
        if (m > H) continue;
        const int w = forecast::week_of(start, forecast::calib::first_day(om + m));
        auto mean_at = [&](core::Var v) {
          double sum = 0;
          for (const auto x : e.column(v, w)) sum += x;
          return sum / static_cast<double>(o.stock_paths);
        };
        auto mean_sum = [&](core::Var v) {
          double sum = 0;
          for (int k = 0; k <= w; ++k)
            for (const auto x : e.column(v, k)) sum += x;
          return sum / static_cast<double>(o.stock_paths);
        };
        components << label << "," << m << "," << forecast::iso_date(forecast::monday_of(start, w)) << ","
                   << fixed(mean_at(core::Var::Occupancy), 0) << "," << fixed(mean_at(core::Var::Procedure), 0) << ","
                   << fixed(mean_at(core::Var::Dublin), 0) << "," << fixed(mean_at(core::Var::Rejected), 0) << ","
                   << fixed(mean_at(core::Var::PermitHolders), 0) << "," << fixed(mean_sum(core::Var::Registered), 0)
                   << "," << fixed(mean_sum(core::Var::Decisions), 0) << "," << fixed(mean_sum(core::Var::Grants), 0)
                   << "," << fixed(mean_sum(core::Var::Nareis) - mean_sum(core::Var::NareisDirect), 0) << ","
                   << fixed(mean_sum(core::Var::Housed), 0) << "\n";
      }

      for (int t = 0; t < 2; ++t) {
        const std::vector<Observation>& obs = *series[t];
        const Observation* last = forecast::stock::latest_at_or_before(obs, origin);
        for (const auto& ob : obs) {
          const int h = forecast::stock::rounded_months(origin, ob.date);
          const int bin = forecast::stock::horizon_bin(h);
          if (!(ob.date > origin) || bin == 0 || h > H) continue;
          const int week = forecast::week_of(start, ob.date);  // the stock at the end of the week containing the date
          std::vector<double> x[3];
          const auto col = e.column(kTargets[t].var, week);
          x[0].assign(col.begin(), col.end());
          const forecast::stock::NaiveSpread sp = needing(kOccupancyFile, ob.series, label, [&] {
            return forecast::stock::naive_log_sd(obs, year_end, origin,
                                                 forecast::stock::months_between(last->date, ob.date));
          });
          x[1] = forecast::stock::lognormal_members(last->value, sp.sd, o.stock_paths);
          x[2] = {last->value};
          for (int m = 0; m < 3; ++m) {
            const forecast::stock::ForecastScore s = forecast::stock::score_ensemble(x[m], ob.value);
            acc[{t, m, bin}].add(s, ob.value);
            detail << label << "," << kTargets[t].name << "," << forecast::iso_date(ob.date) << "," << ob.period << ","
                   << ob.series << "," << h << "," << bin << "," << kMethods[m] << "," << fixed(ob.value, 0);
            for (double q : s.q) detail << "," << fixed(q, 1);
            detail << "," << fixed(s.pit, 4) << "," << fixed(s.crps, 2) << "\n";
          }
        }
      }
    }
  }

  // ---- scores ----
  std::vector<StockScore> out;
  std::ostringstream csv;
  csv << "target,method,horizon_bin,n,cov50,cov80,pit_above_half,crps,mae_median,bias_median,rel_bias_median\n";
  for (int t = 0; t < 2; ++t)
    for (int m = 0; m < 3; ++m)
      for (int bin : kBins) {
        const auto it = acc.find({t, m, bin});
        const forecast::stock::ScoreSum s = it == acc.end() ? forecast::stock::ScoreSum{} : it->second;
        out.push_back({kTargets[t].name, kMethods[m], bin, s});
        csv << kTargets[t].name << "," << kMethods[m] << "," << bin << "," << s.n << "," << fixed(s.cov50(), 4) << ","
            << fixed(s.cov80(), 4) << "," << fixed(s.pit_share(), 4) << "," << fixed(s.mean_crps(), 2) << ","
            << fixed(s.mae(), 2) << "," << fixed(s.bias(), 2) << "," << fixed(s.rel_bias(), 4) << "\n";
      }

  // ---- the Markdown tables for VALIDATION.md ----
  std::ostringstream md;
  md << "Origins: " << done << " (1 Jan / 1 Jul " << o.stock_first_year << ".." << o.stock_last_year << "), "
     << o.stock_paths << " paths each, national mode; every observation within " << H
     << " months of an origin scored once, in the bin of its rounded horizon (3: 1-4, 6: 5-9, 12: 10-18, 24: "
        "19-30 months). Inflow rows: the inflow backtest above (origins 2011..2021, monthly horizon h).\n\n";
  markdown_summary(md, inflow_rows, acc);
  md << "\nEvery method, target and bin (MAE and bias of the median; bias = mean of median - observed):\n\n"
        "| target | method | bin | n | cov 50 % | cov 80 % | PIT > 0.5 | CRPS | MAE | bias | rel. bias |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : out)
    md << "| " << s.target << " | " << s.method << " | " << s.horizon_bin << " | " << s.sum.n << " | "
       << ratio(s.sum.cov50()) << " | " << ratio(s.sum.cov80()) << " | " << ratio(s.sum.pit_share()) << " | "
       << fixed(s.sum.mean_crps(), 0) << " | " << fixed(s.sum.mae(), 0) << " | " << fixed(s.sum.bias(), 0) << " | "
       << fixed(100 * s.sum.rel_bias(), 1) << " % |\n";

  md << "\nInitial state and rates of each origin (backtest_stock_origins.csv has the sources):\n\n"
     << origins_md.str();

  const NamedText tables[] = {{"backtest_stock_detail.csv", detail.str()},
                              {"backtest_stock_scores.csv", csv.str()},
                              {"backtest_stock_origins.csv", origins.str()},
                              {"backtest_stock_components.csv", components.str()}};
  write_backtest_files(o.out_dir, tables, {"backtest_stock_scores.md", md.str()}, log);
  return out;
}

}  // namespace chainsim::app
