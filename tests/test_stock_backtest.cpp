// The rules of the stock backtest (issue 16, item 8) on small hand-made data:
// dates of published periods, one observation per week, the initial state of
// an origin and its apportionment, the decision and housing rules, the naive
// random walk's spread and the scores. Expected values are closed forms.
#include "app/backtest_command.hpp"
#include "forecast/calendar.hpp"
#include "forecast/forecast_score.hpp"
#include "forecast/initial_state.hpp"
#include "forecast/stock_observations.hpp"
#include "forecast/stock_origin.hpp"
#include "io/config_toml.hpp"
#include "io/errors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

using namespace chainsim;
using namespace chainsim::forecast;
using namespace chainsim::forecast::stock;
using std::chrono::year;

namespace {

forecast::Date ymd(int y, unsigned m, unsigned d) {
  return forecast::Date{year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

forecast::stock::Observation ob(Date d, double v, std::string series = "s") {
  return {d, v, std::move(series), "", ""};
}

}  // namespace

TEST(StockObservations, PeriodDates) {
  EXPECT_EQ(period_date("2020-06-01"), ymd(2020, 6, 1));
  EXPECT_EQ(period_date("2021-08"), ymd(2021, 8, 15));  // month only: mid-month
  EXPECT_EQ(period_date("2019"), ymd(2019, 12, 31));    // year only: year end
  EXPECT_FALSE(period_date("2021-13"));
  EXPECT_FALSE(period_date("2021-02-30"));
  EXPECT_FALSE(period_date("2021-Q1"));
  EXPECT_FALSE(period_date("abc"));
  EXPECT_FALSE(period_date(""));
}

TEST(StockObservations, HorizonsAndBins) {
  EXPECT_EQ(rounded_months(ymd(2015, 1, 1), ymd(2015, 12, 31)), 12);  // 364 days = 11.96 months
  EXPECT_EQ(rounded_months(ymd(2015, 7, 1), ymd(2015, 8, 15)), 1);    // 45 days = 1.48 months
  EXPECT_EQ(rounded_months(ymd(2015, 7, 1), ymd(2017, 12, 31)), 30);
  EXPECT_DOUBLE_EQ(months_between(ymd(2015, 1, 1), ymd(2016, 1, 1)), 365 / (365.25 / 12));
  const int expected[] = {0,  3,  3,  3,  3,  6,  6,  6,  6,  6,  12, 12, 12, 12, 12, 12,
                          12, 12, 12, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 0};
  for (int h = 0; h <= 31; ++h) EXPECT_EQ(horizon_bin(h), expected[h]) << h;
  EXPECT_EQ(horizon_bin(-1), 0);
}

// NJI's 31 December and COA's point of 1 January fall in one week (Monday
// 2018-12-31): NJI's is kept. COA's yearly value of the same date loses to
// NJI's; values in different weeks all stay, sorted by date.
TEST(StockObservations, OnePerWeekKeepsTheFirstProducer) {
  const std::vector<std::string> priority = {"nji", "point", "year"};
  const auto kept = one_per_week(
      {ob(ymd(2019, 1, 1), 22500, "point"), ob(ymd(2018, 12, 31), 22550, "nji"), ob(ymd(2017, 12, 31), 21037, "year"),
       ob(ymd(2017, 12, 31), 21044, "nji"), ob(ymd(2018, 10, 15), 22000, "point")},
      priority);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].value, 21044);
  EXPECT_EQ(kept[1].value, 22000);
  EXPECT_EQ(kept[2].value, 22550);
  EXPECT_EQ(latest_at_or_before(kept, ymd(2018, 12, 30))->value, 22000);
  EXPECT_EQ(latest_at_or_before(kept, ymd(2018, 12, 31))->value, 22550);
  EXPECT_EQ(latest_at_or_before(kept, ymd(2017, 1, 1)), nullptr);
}

// Hand-made data:
//   occupancy 2013-12-31 16000, 2014-12-31 20000, 2015-03-15 22000, 2015-09-15 30000
//   permit holders 2014-06-15 5000
TEST(StockOrigin, StocksAtOriginUseOnlyDataBeforeIt) {
  const std::vector<Observation> occ = {ob(ymd(2013, 12, 31), 16000), ob(ymd(2014, 12, 31), 20000),
                                        ob(ymd(2015, 3, 15), 22000), ob(ymd(2015, 9, 15), 30000)};
  const std::vector<Observation> ph = {ob(ymd(2014, 6, 15), 5000)};
  // 1 January 2015: the year-end value; the permit point is 6.5 months old.
  const forecast::stock::OriginStocks a = stocks_at_origin(occ, ph, ymd(2015, 1, 1));
  EXPECT_EQ(a.occupancy.value, 20000);
  EXPECT_FALSE(a.permit_from_share);
  EXPECT_EQ(a.permit_holders, 5000);
  // 1 July 2015: the March point carried forward (not interpolated towards
  // September's 30000); the permit point is 12.5 months old, so the share
  // 5000 / 16000 (occupancy known on 2014-06-15) times 22000.
  const forecast::stock::OriginStocks b = stocks_at_origin(occ, ph, ymd(2015, 7, 1));
  EXPECT_EQ(b.occupancy.value, 22000);
  EXPECT_TRUE(b.permit_from_share);
  EXPECT_DOUBLE_EQ(b.permit_share, 5000.0 / 16000.0);
  EXPECT_DOUBLE_EQ(b.permit_holders, 6875.0);
  EXPECT_THROW(stocks_at_origin(occ, ph, ymd(2013, 7, 1)), std::invalid_argument);
}

// Dublin: registrations 100 x (1 + 0.2) = 120 a week, share 0.5; transfer
// share 0.75 within a 2-week deadline gives h_tr = 1 - 0.25^(1/2) = 0.5, no
// absconding, so the expected stay is 1 + 0.5 = 1.5 weeks: 120 x 0.5 x 1.5 = 90.
// Rejected: 50 a week over an exit hazard 0.05 = 1000. Procedure: the rest.
TEST(StockOrigin, ApportionmentByTheSteadyStateRules) {
  ChainRates r;
  r.first_applications_per_week = 100;
  r.repeat_share = 0.2;
  r.dublin_share = 0.5;
  r.transfer_share = 0.75;
  r.abscond_weekly = 0.0;
  r.deadline_weeks = 2;
  r.rejections_per_week = 50;
  r.exit_hazard = 0.05;
  const InitialState s = apportion_initial_state(22000, 6875, r);
  EXPECT_DOUBLE_EQ(s.dublin_rule.transfer_hazard, 0.5);
  EXPECT_DOUBLE_EQ(s.dublin_rule.expected_weeks, 1.5);
  EXPECT_DOUBLE_EQ(s.dublin_rule.registrations_per_week, 120.0);
  EXPECT_EQ(s.dublin, 90);
  EXPECT_EQ(s.rejected, 1000);
  EXPECT_EQ(s.permit_holders, 6875);
  EXPECT_EQ(s.procedure, 22000 - 6875 - 90 - 1000);
  EXPECT_FALSE(s.procedure_floored);
  const InitialState t = apportion_initial_state(1500, 500, r);
  EXPECT_EQ(t.procedure, 0);
  EXPECT_TRUE(t.procedure_floored);
}

// The seed's own numbers through the shared rule (forecast/seed.toml:
// 383.3 registrations a week x 0.3571 x 20.48 weeks = 2803; 3811 / 52.1775 /
// 0.05 = 1461).
TEST(StockOrigin, SteadyStateRulesGiveTheSeedsStocks) {
  EXPECT_EQ(forecast::steady_state_rejected(3811 / 52.1775, 0.05), 1461);
  const forecast::DublinSteadyState d = forecast::steady_state_dublin(383.3 / 1.0866, 0.0866, 0.3571, 0.2277, 0.01, 26);
  EXPECT_NEAR(d.expected_weeks, 20.48, 0.005);
  EXPECT_NEAR(d.transfer_hazard, 0.00989, 0.000005);
  EXPECT_NEAR(static_cast<double>(d.stock), 2803, 1);
}

namespace {

forecast::stock::DecisionPeriod quarter(int y, int q, double positive, double total) {
  const Date b = ymd(y, static_cast<unsigned>(3 * q - 2), 1);
  const Date e = q == 4 ? ymd(y + 1, 1, 1) : ymd(y, static_cast<unsigned>(3 * q + 1), 1);
  return {b, e, positive, total, std::to_string(y) + "-Q" + std::to_string(q), "q"};
}
forecast::stock::DecisionPeriod whole_year(int y, double positive, double total) {
  return {ymd(y, 1, 1), ymd(y + 1, 1, 1), positive, total, std::to_string(y), "y"};
}

}  // namespace

TEST(StockOrigin, DecisionRatesFromTheLatestWindowBeforeTheOrigin) {
  const std::vector<DecisionPeriod> years = {whole_year(2016, 600, 1000), whole_year(2017, 500, 1000),
                                             whole_year(2018, 400, 1000)};
  const std::vector<DecisionPeriod> quarters = {quarter(2018, 1, 100, 250), quarter(2018, 2, 100, 250),
                                                quarter(2018, 3, 100, 250), quarter(2018, 4, 100, 250),
                                                quarter(2019, 1, 150, 300), quarter(2019, 2, 150, 300)};
  // 1 January 2019: the year 2018 and the quarters 2018-Q1..Q4 both end on
  // the origin: the year (the seed's source).
  const forecast::stock::DecisionRates a = decision_rates(quarters, years, ymd(2019, 1, 1));
  EXPECT_DOUBLE_EQ(a.decisions_per_week, 1000 / 52.1775);
  EXPECT_DOUBLE_EQ(a.grants_per_week, 400 / 52.1775);
  EXPECT_DOUBLE_EQ(a.rejections_per_week, 600 / 52.1775);
  EXPECT_DOUBLE_EQ(a.grant_rate, 0.4);
  EXPECT_NEAR(a.grant_rate_sd, 0.1, 1e-12);  // sd of 0.6, 0.5, 0.4
  EXPECT_EQ(a.sd_years, "2014..2018");
  // 1 July 2019: four quarters 2018-Q3..2019-Q2 end later than 2018.
  const forecast::stock::DecisionRates b = decision_rates(quarters, years, ymd(2019, 7, 1));
  EXPECT_DOUBLE_EQ(b.decisions_per_week, 1100 / 52.1775);
  EXPECT_DOUBLE_EQ(b.grant_rate, 500.0 / 1100.0);
  EXPECT_EQ(b.window.substr(0, 16), "2018-Q3..2019-Q2");
  // 1 April 2019: 2018-Q2..2019-Q1.
  const forecast::stock::DecisionRates c = decision_rates(quarters, years, ymd(2019, 4, 1));
  EXPECT_DOUBLE_EQ(c.decisions_per_week, 1050 / 52.1775);
  EXPECT_THROW(decision_rates(quarters, years, ymd(2016, 1, 1)), std::invalid_argument);
}

TEST(StockOrigin, HousingTaskKnownAtTheOrigin) {
  const std::map<std::string, double> tasks = {{"2016-H2", 23000}, {"2017-H1", 13000}, {"2017-H2", 10000}};
  const forecast::stock::HousingTask a = housing_task(tasks, ymd(2017, 1, 1), 100);
  EXPECT_EQ(a.known.size(), 2u);
  EXPECT_EQ(a.later, 13000);
  EXPECT_FALSE(a.steady_state);
  const forecast::stock::HousingTask b = housing_task(tasks, ymd(2016, 1, 1), 100);
  EXPECT_TRUE(b.known.empty());
  EXPECT_TRUE(b.steady_state);
  EXPECT_DOUBLE_EQ(b.later, 100 * 52.1775 / 2);
}

TEST(StockOrigin, ConfigurationDropsTheSeedsPolicy) {
  const forecast::Config seed = io::load_seed().scenarios[0];
  OriginSetup s;
  s.initial = {20000, 5000, 1000, 2000, 12000, {}, false};
  s.decisions.decisions_per_week = 250;
  s.decisions.grants_per_week = 100;
  s.decisions.grant_rate = 0.4;
  s.decisions.grant_rate_sd = 0.1;
  s.housing.known = {{"2017-H1", 13000}};
  s.housing.later = 13000;
  s.spread.uncertainty_sd = 0.05;
  s.spread.permit_holders_extra_sd = 0.3;
  const forecast::Config c = stock_origin_config(seed, s);
  EXPECT_EQ(c.initial.procedure, 12000);
  EXPECT_EQ(c.initial.permit_holders, 5000);
  EXPECT_EQ(c.initial.dublin, 1000);
  EXPECT_EQ(c.initial.rejected, 2000);
  EXPECT_EQ(c.initial.grants_per_week, 100);
  EXPECT_EQ(c.initial.uncertainty_sd, 0.05);
  EXPECT_EQ(c.initial.permit_holders_extra_sd, 0.3);
  EXPECT_EQ(c.decisions.capacity_per_week.base, 250);
  EXPECT_TRUE(c.decisions.capacity_per_week.periods.empty());
  EXPECT_EQ(c.decisions.grant_rate.mean, 0.4);
  EXPECT_EQ(c.housing.taakstelling_default, 13000);
  EXPECT_EQ(c.housing.taakstelling.size(), 1u);
  EXPECT_TRUE(c.housing.programmes.empty());
  EXPECT_EQ(c.capacity.regular, kNonBindingCapacity);
  EXPECT_EQ(c.capacity.cno.places_per_region, 0);
  EXPECT_TRUE(c.capacity.tnv.empty());
  EXPECT_FALSE(c.capacity.adaptive.enabled);
  EXPECT_TRUE(c.levers.dublin.empty() && c.levers.ret.empty() && c.levers.inflow.empty());
  // Everything else is the seed's.
  EXPECT_EQ(c.dublin.share.mean, seed.dublin.share.mean);
  EXPECT_EQ(c.housing.realisation.mean, seed.housing.realisation.mean);
}

// Year ends 2016..2019 alternate 1000, 2000 (each yearly change +-ln 2), so
// the naive spread over a lead of about a year is ln 2 sqrt(365.25 / 365)
// sqrt(lead / 12): the permit point 2018-12-31 is that old at 2020-01-01.
// The occupancy of 2019-12-31 is a day old; one dated at the origin adds no
// spread; one of 2018-01-01 (24 months) more than a permit point a day old.
TEST(StockOrigin, InitialSpreadGrowsWithTheAgeOfThePoints) {
  const std::vector<Observation> s = {ob(ymd(2016, 12, 31), 1000), ob(ymd(2017, 12, 31), 2000),
                                      ob(ymd(2018, 12, 31), 1000), ob(ymd(2019, 12, 31), 2000)};
  const forecast::Date origin = ymd(2020, 1, 1);
  const double ln2 = std::log(2.0), base = 0.03;
  OriginStocks st;
  st.occupancy = s[3];
  st.permit_point = s[2];
  const double one_day = 1.0 / (365.25 / 12.0);
  const InitialSpread a = initial_spread(st, s, s, s, origin, base);
  EXPECT_NEAR(a.occupancy_age_months, one_day, 1e-12);
  const double year_scale = ln2 * std::sqrt(365.25 / 365.0);
  EXPECT_NEAR(a.occupancy_sd, naive_log_sd(s, s, origin, one_day).sd, 1e-15);
  EXPECT_NEAR(a.permit_sd, year_scale * std::sqrt(a.permit_age_months / 12.0), 1e-12);
  EXPECT_NEAR(a.uncertainty_sd, std::hypot(base, a.occupancy_sd), 1e-15);
  EXPECT_NEAR(std::hypot(a.uncertainty_sd, a.permit_holders_extra_sd),
              std::hypot(base, std::max(a.occupancy_sd, a.permit_sd)), 1e-12);
  // An occupancy dated at the origin adds nothing; an older one more than a
  // younger permit point: the permit holders get no extra then.
  st.occupancy = ob(origin, 1500);
  const InitialSpread b = initial_spread(st, s, s, s, origin, base);
  EXPECT_EQ(b.occupancy_sd, 0.0);
  EXPECT_EQ(b.uncertainty_sd, base);
  EXPECT_NEAR(b.permit_holders_extra_sd, a.permit_sd, 1e-12);
  st.occupancy = ob(ymd(2018, 1, 1), 1500);
  st.permit_point = s[3];
  const InitialSpread c = initial_spread(st, s, s, s, origin, base);
  EXPECT_GT(c.occupancy_sd, c.permit_sd);
  EXPECT_EQ(c.permit_holders_extra_sd, 0.0);
}

// Year ends 2016..2019 alternate 1000, 2000: each consecutive change is
// +-ln 2 over 365 days. Origin 2020-01-01; a value after it must not count.
TEST(StockObservations, NaiveSpreadFromChangesOfTheSameLength) {
  const std::vector<Observation> s = {ob(ymd(2016, 12, 31), 1000), ob(ymd(2017, 12, 31), 2000),
                                      ob(ymd(2018, 12, 31), 1000), ob(ymd(2019, 12, 31), 2000),
                                      ob(ymd(2020, 6, 1), 10)};
  const forecast::Date origin = ymd(2020, 1, 1);
  const double ln2 = std::log(2.0);
  // 12 months: the three one-year pairs, z = +-ln 2 / sqrt(365 / 365.25).
  const forecast::stock::NaiveSpread a = naive_log_sd(s, s, origin, 12.0);
  EXPECT_FALSE(a.year_end);
  EXPECT_EQ(a.changes, 3);
  EXPECT_NEAR(a.sd, ln2 * std::sqrt(365.25 / 365.0), 1e-12);
  // 24 months: two two-year pairs (no change) and the three-year pair
  // (36 months, counted in the last bin): z = {0, 0, ln 2 / sqrt(1095 / 365.25)}.
  const forecast::stock::NaiveSpread b = naive_log_sd(s, s, origin, 24.0);
  EXPECT_EQ(b.changes, 3);
  EXPECT_NEAR(b.sd, ln2 / std::sqrt(1095 / 365.25) / std::sqrt(3.0) * std::sqrt(2.0), 1e-12);
  // 3 months: no pair that short, so the year-end changes scaled by sqrt(3 / 12).
  const forecast::stock::NaiveSpread c = naive_log_sd(s, s, origin, 3.0);
  EXPECT_TRUE(c.year_end);
  EXPECT_EQ(c.changes, 3);
  EXPECT_NEAR(c.sd, ln2 / 2, 1e-12);
  // Before 2019: two year-end changes only.
  EXPECT_THROW(naive_log_sd(s, s, ymd(2018, 12, 31), 3.0), std::invalid_argument);
}

TEST(ForecastScore, PitCoverageAndCrps) {
  std::vector<double> x = {4, 1, 3, 2};
  const forecast::stock::ForecastScore a = score_ensemble(x, 2.0);
  EXPECT_DOUBLE_EQ(a.pit, (1 + 0.5) / 4);  // one below, one tie
  EXPECT_DOUBLE_EQ(a.median(), 2.5);
  EXPECT_TRUE(a.in50);  // [1.75, 3.25]
  EXPECT_TRUE(a.in80);
  // CRPS = mean |x - y| - (1 / 2) mean |x - x'| = 1 - 0.625.
  EXPECT_DOUBLE_EQ(a.crps, 0.375);
  // A point forecast: CRPS is the absolute error; PIT 1, 0.5 or 0.
  std::vector<double> p = {5};
  const forecast::stock::ForecastScore b = score_ensemble(p, 7);
  EXPECT_DOUBLE_EQ(b.crps, 2.0);
  EXPECT_DOUBLE_EQ(b.pit, 1.0);
  EXPECT_FALSE(b.in80);
  const forecast::stock::ForecastScore c = score_ensemble(p, 5);
  EXPECT_DOUBLE_EQ(c.pit, 0.5);
  EXPECT_TRUE(c.in50);
  ScoreSum sum;
  sum.add(b, 7);
  sum.add(c, 5);
  EXPECT_EQ(sum.n, 2);
  EXPECT_DOUBLE_EQ(sum.pit_share(), 0.5);
  EXPECT_DOUBLE_EQ(sum.cov50(), 0.5);
  EXPECT_DOUBLE_EQ(sum.mean_crps(), 1.0);
  EXPECT_DOUBLE_EQ(sum.bias(), -1.0);
  // Log-normal members: median exact, symmetric in log.
  const auto m = lognormal_members(100, 0.5, 1001);
  EXPECT_DOUBLE_EQ(m[500], 100.0);
  EXPECT_NEAR(std::log(m[0] / 100), -std::log(m[1000] / 100), 1e-12);
}

namespace {

std::filesystem::path shared_data() {
  return std::filesystem::path(CHAINSIM_TEST_DATA_DIR) / ".." / ".." / ".." / "shared" / "data";
}

// A copy of the shared data whose occupancy file is `occupancy_csv`.
std::filesystem::path data_with_occupancy(const std::string& name, const std::string& occupancy_csv) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("chainsim_stock_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& e : std::filesystem::directory_iterator(shared_data()))
    if (e.path().extension() == ".csv") std::filesystem::copy_file(e.path(), dir / e.path().filename());
  std::filesystem::remove(dir / "nl_coa_occupancy.csv");
  std::ofstream(dir / "nl_coa_occupancy.csv") << occupancy_csv;
  return dir;
}

app::BacktestOptions one_origin(const std::filesystem::path& data) {
  app::BacktestOptions o;
  o.data_dir = data;
  o.out_dir = data / "out";
  o.paths = o.stock_paths = 20;
  o.max_origins = 1;
  o.horizon = 3;
  return o;
}

}  // namespace

// Bad or missing stock data stop the backtest with an error that names the
// file, the key and what was expected, not an internal error.
TEST(StockBacktest, BadOccupancyDataNamesFileKeyAndExpectation) {
  if (!std::filesystem::exists(shared_data() / "nl_coa_occupancy.csv"))
    GTEST_SKIP() << "shared data not found at " << shared_data();
  const std::string header = "series,geo,period,value,unit,source,vintage,flag,note\n";
  const std::string ok =
      "coa_occupancy_31dec,NL,2019,27316,persons,x,,,\n"
      "coa_occupancy_year,NL,2018,22498,persons,x,,,\n"
      "coa_occupancy_point,NL,2020-06-01,27305,persons,x,,,\n"
      "coa_permit_holders_in_reception,NL,2019-11-11,5595,persons,x,,,\n";
  std::ostringstream log;
  {
    const auto dir = data_with_occupancy("period", header + ok + "coa_occupancy_point,NL,2021-13,27000,persons,x,,,\n");
    try {
      app::backtest(one_origin(dir), log);
      ADD_FAILURE() << "no error";
    } catch (const io::ConfigError& e) {
      EXPECT_EQ(e.file, "nl_coa_occupancy.csv");
      EXPECT_EQ(e.line, 6);
      EXPECT_EQ(e.key, "coa_occupancy_point.period");
      EXPECT_EQ(e.found, "2021-13");
      EXPECT_NE(e.allowed.find("YYYY-MM-DD"), std::string::npos) << e.what();
    }
    std::filesystem::remove_all(dir);
  }
  {
    // Nothing before the first origin (2015-01-01).
    const auto dir = data_with_occupancy("early", header + ok);
    try {
      app::backtest(one_origin(dir), log);
      ADD_FAILURE() << "no error";
    } catch (const io::ConfigError& e) {
      EXPECT_EQ(e.file, "nl_coa_occupancy.csv");
      EXPECT_NE(std::string(e.what()).find("2015-01"), std::string::npos) << e.what();
    }
    std::filesystem::remove_all(dir);
  }
}
