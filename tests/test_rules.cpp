// The capacity rules, costs and staffing of MODEL.md §6 and §10, and the
// resolution of dates and schedules into weekly tables, on small hand-built
// cases whose outcome is known exactly.
#include "core/model/lag_weights.hpp"
#include "forecast/calendar.hpp"
#include "forecast/regions.hpp"
#include "forecast/resolve.hpp"
#include "io/config_toml.hpp"
#include "model_fixtures.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <numeric>

namespace chainsim {
namespace {

using core::Var;
using namespace std::chrono;

// A chain frozen at `occupancy` persons: nothing arrives, nothing leaves.
core::ModelSpec frozen(int T, std::int64_t occupancy, std::int64_t regular) {
  core::ModelSpec s = testing::minimal_spec(T);
  s.initial_procedure = occupancy;  // decision capacity is 0 in the minimal spec
  s.regular_capacity.assign(static_cast<std::size_t>(T), regular);
  return s;
}

testing::PathRecord run(const core::ModelSpec& s) {
  core::PathWorkspace ws(s);
  return testing::run_path(s, 1, 0, ws);
}

TEST(CnoRule, OpensOnScheduleAndPhasesOutAfterKQuietWeeksForGood) {
  core::ModelSpec s = frozen(30, 1000, 2000);
  s.cno_places_per_region = 10;
  s.cno_from_week = 2;
  s.cno_until_week = 22;
  s.cno_staff_per_region_per_day = 30;
  s.cno_phaseout_margin = 0.05;  // threshold (2000 + 0)(1 - 0.05) = 1900 > 1000: quiet every week
  s.cno_phaseout_weeks = 4;
  const auto rec = run(s);
  for (int t = 0; t < 30; ++t) {
    const bool open = t >= 2 && t < 6;  // quiet weeks 2..5 -> closed from week 6 on, for good
    EXPECT_EQ(rec.at(Var::CapacityCno, t), open ? 250 : 0) << "week " << t;
    EXPECT_EQ(rec.at(Var::CnoStaffDays, t), open ? 30 * 7 * 25 : 0) << "week " << t;
  }
}

TEST(CnoRule, StaysOpenForItsDurationWhenOccupancyIsHighOrTheRuleIsOff) {
  core::ModelSpec busy = frozen(30, 1950, 2000);  // 1950 >= 1900: never quiet
  busy.cno_places_per_region = 10;
  busy.cno_from_week = 2;
  busy.cno_until_week = 22;
  busy.cno_phaseout_margin = 0.05;
  busy.cno_phaseout_weeks = 4;
  core::ModelSpec off = busy;
  off.initial_procedure = 10;
  off.cno_phaseout_weeks = 0;  // <= 0 disables the rule
  for (const auto& s : {busy, off}) {
    const auto rec = run(s);
    for (int t = 0; t < 30; ++t) EXPECT_EQ(rec.at(Var::CapacityCno, t), (t >= 2 && t < 22) ? 250 : 0) << t;
  }
}

TEST(AdaptiveRule, OrdersAfterKWeeksTakeEffectAfterTheLeadTimeAndRespectTheFloor) {
  core::ModelSpec s = frozen(60, 1000, 1000);
  s.adaptive = {true, 0.98, 0.85, 3, 1000, 5, 1500};
  const auto rec = run(s);
  // O = 1000 > 0.98 * 1000 in weeks 0, 1, 2: the first order (+1000) is placed in
  // week 2 and takes effect in week 2 + 1 + 5 = 8; a second in week 5 -> week 11.
  for (int t = 0; t < 8; ++t) EXPECT_EQ(rec.at(Var::CapacityRegular, t), 1000) << t;
  EXPECT_EQ(rec.at(Var::CapacityRegular, 8), 2000);
  EXPECT_EQ(rec.at(Var::CapacityRegular, 11), 3000);
  // Afterwards occupancy is far below 0.85 K: removals follow, never below the floor.
  std::int64_t lowest = 1 << 30;
  for (int t = 12; t < 60; ++t) lowest = std::min(lowest, rec.at(Var::CapacityRegular, t));
  EXPECT_EQ(lowest, 1500);
  EXPECT_EQ(rec.at(Var::CapacityRegular, 59), 1500);
  // Every change is a whole step, or the remainder down to the floor.
  for (int t = 1; t < 60; ++t) {
    const auto d = rec.at(Var::CapacityRegular, t) - rec.at(Var::CapacityRegular, t - 1);
    EXPECT_TRUE(d == 0 || d == 1000 || d == -1000 || d == -500) << "week " << t << " change " << d;
  }
}

TEST(Costs, WeeklyCostIsCapacityTimesRatesPlusShortfall) {
  core::ModelSpec s = frozen(10, 1500, 1000);
  s.tnv_capacity.assign(10, 200);
  s.cno_places_per_region = 4;
  s.cno_from_week = 0;
  s.cno_until_week = 10;
  s.cost_regular = 521;
  s.cost_cno = 1027;
  s.cost_tnv = 1000;
  s.cost_shortfall = 2000;
  const auto rec = run(s);
  for (int t = 0; t < 10; ++t) {
    EXPECT_EQ(rec.at(Var::Capacity, t), 1000 + 100 + 200);
    EXPECT_EQ(rec.at(Var::Shortfall, t), 200);
    EXPECT_DOUBLE_EQ(rec.cost[static_cast<std::size_t>(t)], 521.0 * 1000 + 1027.0 * 100 + 1000.0 * 200 + 2000.0 * 200);
  }
}

TEST(Calendar, WeeksMonthsAndHalfYears) {
  const forecast::Date start = sys_days{2022y / June / 20};
  EXPECT_EQ(weekday{start}, Monday);
  EXPECT_EQ(forecast::week_of(start, sys_days{2022y / July / 1}), 1);  // the Monday-start week containing it
  EXPECT_EQ(forecast::week_of(start, sys_days{2022y / June / 19}), -1);
  EXPECT_EQ(forecast::week_of(start, sys_days{2022y / June / 26}), 0);
  EXPECT_EQ(forecast::mondays_in_half(sys_days{2022y / July / 5}), 26);  // Jul-Dec 2022: 4 Jul .. 26 Dec
  EXPECT_EQ(forecast::mondays_in_half(sys_days{2024y / January / 1}), 26);
  EXPECT_EQ(forecast::mondays_in_half(sys_days{2018y / December / 31}), 27);  // 2 Jul .. 31 Dec 2018
  EXPECT_EQ(forecast::half_label(sys_days{2022y / June / 27}), "2022-H1");
}

TEST(Resolve, SeedScheduleTablesFollowTheLetter) {
  const forecast::Config c = io::load_seed().scenarios[0];
  const core::ModelSpec s = forecast::resolve(c);
  ASSERT_EQ(s.regions, 25);
  const double share_sum = std::accumulate(s.region_share.begin(), s.region_share.end(), 0.0);
  EXPECT_NEAR(share_sum, 1.0, 1e-12);
  // 14,000 permit holders apportioned by largest remainders: exact total.
  EXPECT_EQ(std::accumulate(s.initial_permit_holders.begin(), s.initial_permit_holders.end(), std::int64_t{0}), 14000);
  // Accelerated relocation: 7,500 over 6 weeks from 2022-06-27 (week 1), split by p_r, as
  // announced (its delivery is uncertain, so it has its own table, scaled per path).
  ASSERT_EQ(s.uncertain_programmes.size(), c.housing.programmes.size());
  EXPECT_EQ(c.housing.programmes[0].name, "accelerated relocation to intermediate facilities");
  for (int t = 0; t < 10; ++t) {
    double total = 0;
    for (int r = 0; r < 25; ++r) total += s.uncertain_programmes[0].rate[static_cast<std::size_t>(t * 25 + r)];
    EXPECT_NEAR(total, (t >= 1 && t < 7) ? 1250.0 : 0.0, 1e-9) << t;
  }
  // Quota: week 0 (20 June) is in 2022-H1 (10,000 over 26 Mondays); week 2 (4 July) in 2022-H2.
  double h1 = 0, h2 = 0;
  for (int r = 0; r < 25; ++r) {
    h1 += s.quota_rate[static_cast<std::size_t>(r)];
    h2 += s.quota_rate[static_cast<std::size_t>(2 * 25 + r)];
  }
  EXPECT_NEAR(h1, 10000.0 / 26, 1e-9);
  EXPECT_NEAR(h2, 13500.0 / 26, 1e-9);
  // CNO from 1 July 2022 (week 1) for 26 weeks; three TNV locations of 1,000 places for 26
  // weeks from 1 July (week 1), 1 August (week 6) and 1 September (week 10).
  EXPECT_EQ(s.cno_from_week, 1);
  EXPECT_EQ(s.cno_until_week, 27);
  EXPECT_EQ(s.tnv_capacity[0], 0);
  EXPECT_EQ(s.tnv_capacity[1], 1000);
  EXPECT_EQ(s.tnv_capacity[6], 2000);
  EXPECT_EQ(s.tnv_capacity[10], 3000);
  EXPECT_EQ(s.tnv_capacity[27], 2000);
  EXPECT_EQ(s.tnv_capacity[32], 1000);
  EXPECT_EQ(s.tnv_capacity[36], 0);
  // COA's capacity decision: 42,000 + 3,000 from 1 July (week 1), 51,000 from 31 December (week 27).
  EXPECT_EQ(s.regular_capacity[0], 42000);
  EXPECT_EQ(s.regular_capacity[1], 45000);
  EXPECT_EQ(s.regular_capacity[27], 51000);
  // Season of the week's Monday: week 0 is in June, week 2 in July.
  EXPECT_DOUBLE_EQ(s.log_season[0], std::log(c.inflow.season[5]));
  EXPECT_DOUBLE_EQ(s.log_season[2], std::log(c.inflow.season[6]));
}

TEST(Resolve, LeversApplyFromTheirWeekOnly) {
  const forecast::ScenarioSet set = io::load_seed();
  const core::ModelSpec s = forecast::resolve(set.scenarios[2]);  // dublin-and-return-restored, from 2023-01-02
  const int w = forecast::week_of(set.scenarios[2].run.start, sys_days{2023y / January / 2});
  EXPECT_EQ(s.m_dublin[static_cast<std::size_t>(w - 1)], 1.0);
  EXPECT_EQ(s.m_dublin[static_cast<std::size_t>(w)], 2.0);
  EXPECT_EQ(s.m_return[static_cast<std::size_t>(w)], 1.5);
  EXPECT_EQ(s.m_return.back(), 1.5);
  EXPECT_EQ(s.m_inflow[static_cast<std::size_t>(w)], 1.0);
}

TEST(Resolve, CapacityBelowZeroIsRefusedWithTheKey) {
  forecast::Config c = io::load_seed().scenarios[0];
  c.capacity.changes = {{sys_days{2023y / January / 2}, -50000}};
  try {
    forecast::resolve(c);
    FAIL() << "expected ResolveError";
  } catch (const forecast::ResolveError& e) {
    EXPECT_EQ(e.key, "capacity.changes");
    EXPECT_NE(std::string(e.what()).find("below zero"), std::string::npos);
  }
}

TEST(Apportion, LargestRemaindersGiveTheExactTotal) {
  EXPECT_EQ(forecast::apportion(10, {0.5, 0.3, 0.2}), (std::vector<std::int64_t>{5, 3, 2}));
  EXPECT_EQ(forecast::apportion(10, {0.34, 0.33, 0.33}), (std::vector<std::int64_t>{4, 3, 3}));
  EXPECT_EQ(forecast::apportion(2, {1.0 / 3, 1.0 / 3, 1.0 / 3}),
            (std::vector<std::int64_t>{1, 1, 0}));  // ties: lower index
}

TEST(LagWeights, DiscretisedGammaSumsToOneWithTheConfiguredMean) {
  const auto w = core::nareis_lag_weights(40, 20, 156);
  ASSERT_EQ(w.size(), 156u);
  EXPECT_NEAR(std::accumulate(w.begin(), w.end(), 0.0), 1.0, 1e-12);
  double mean = 0;
  for (std::size_t k = 0; k < w.size(); ++k) mean += (k + 1) * w[k];
  // Interval-censored to whole weeks: mean about 40 + 0.5 (tolerance 0.3 week).
  EXPECT_NEAR(mean, 40.5, 0.3);
  // Exponential (shape 1): w_k ∝ e^{-(k-1)/m} − e^{-k/m}, a geometric sequence.
  const auto e = core::nareis_lag_weights(10, 10, 50);
  for (std::size_t k = 1; k < e.size(); ++k) EXPECT_NEAR(e[k] / e[k - 1], std::exp(-0.1), 1e-12);
}

TEST(RegularizedGamma, KnownValues) {
  EXPECT_NEAR(core::regularized_gamma_p(1.0, 2.0), 1.0 - std::exp(-2.0), 1e-14);
  EXPECT_NEAR(core::regularized_gamma_p(0.5, 2.0), std::erf(std::sqrt(2.0)), 1e-14);
  // Integer shape: Q(3, x) = e^{-x}(1 + x + x²/2); here deep in the upper tail.
  EXPECT_NEAR(core::regularized_gamma_p(3.0, 30.0), 1.0 - std::exp(-30.0) * (1 + 30 + 450), 1e-15);
  EXPECT_NEAR(core::regularized_gamma_p(3.0, 0.5), 1.0 - std::exp(-0.5) * (1 + 0.5 + 0.125), 1e-15);
}

TEST(Regions, TwentyFiveSafetyRegionsWithPopulations) {
  const auto& r = forecast::safety_regions();
  ASSERT_EQ(r.size(), 25u);
  EXPECT_EQ(r.front().code, "VR01");
  EXPECT_EQ(r.back().code, "VR25");
  std::int64_t total = 0;
  for (const auto& x : r) total += x.population;
  EXPECT_EQ(total, 17590672);  // CBS 70072ned, NL on 1 January 2022 (data/nl_safety_regions.csv)
  EXPECT_EQ(forecast::safety_region_index("VR13"), 12);
  EXPECT_EQ(forecast::safety_region_index("VR26"), -1);
}

}  // namespace
}  // namespace chainsim
