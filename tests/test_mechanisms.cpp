// The mechanisms added after the first model (docs/model.md, "Changes from
// the first specification"), each against a closed form or a brute-force
// re-computation from the recorded flows. Each runs alone, on the seed
// scenario in national mode with every other later mechanism off.
//
// Statistical checks are z-tests at |z| < 4 with fixed seeds: a false alarm
// has probability about 6e-5 per check (normal approximation of sums of many
// independent draws).
#include "core/model/path_kernel.hpp"
#include "forecast/resolve.hpp"
#include "io/config_toml.hpp"
#include "model_fixtures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace chainsim {
namespace {

using core::Var;
using testing::PathRecord;

constexpr double kZ = 4.0;

forecast::Config national_first_model(int weeks) {
  forecast::Config c = testing::first_model(io::load_seed().scenarios.at(0));
  c.run.regions = forecast::RegionMode::National;
  c.run.weeks = weeks;
  return c;
}

std::vector<PathRecord> run_paths(const core::ModelSpec& spec, std::uint64_t seed, int paths) {
  core::PathWorkspace ws(spec);
  std::vector<PathRecord> out;
  for (int p = 0; p < paths; ++p) out.push_back(testing::run_path(spec, seed, static_cast<std::uint64_t>(p), ws));
  return out;
}

// E[exp(a + b Z)] for Z ~ N(0, 1).
double lognormal_mean(double a, double b) { return std::exp(a + 0.5 * b * b); }

TEST(InflowStart, FirstWeekMeanIsThatOfTheDrawnStartingDeviation) {
  // No AR noise, no surges, no trend: log lambda_0 = level + season_0 + phi x_0,
  // x_0 ~ N(m, s). Then E[F_0] = exp(level + season_0) E[exp(phi x_0)] and
  // Var[F_0] = E[lambda] + Var[lambda] (a Poisson mixture).
  forecast::Config c = national_first_model(1);
  c.inflow.ar_sigma = 0.0;
  c.inflow.shock_probability = 0.0;
  c.inflow.level = {5.9, 0.0};
  c.inflow.trend_per_year = {0.0, 0.0};
  c.inflow.level_trend_correlation = 0.0;
  c.inflow.start_deviation = {0.5, 0.3};
  const core::ModelSpec spec = forecast::resolve(c);
  const double phi = c.inflow.ar_phi;
  const double base = 5.9 + spec.log_season[0];
  const double mean = lognormal_mean(base + phi * 0.5, phi * 0.3);
  const double second = lognormal_mean(2.0 * (base + phi * 0.5), 2.0 * phi * 0.3);
  const double var = mean + (second - mean * mean);
  const int n = 20000;
  double sum = 0.0;
  for (const auto& rec : run_paths(spec, 7, n)) sum += static_cast<double>(rec.at(Var::FirstApplications, 0));
  const double z = (sum / n - mean) / std::sqrt(var / n);
  EXPECT_LT(std::abs(z), kZ) << "mean " << sum / n << " expected " << mean;

  // A fixed start (sd 0): F_0 ~ Poisson(exp(level + season_0 + phi m)).
  c.inflow.start_deviation = {0.5, 0.0};
  const double lambda = std::exp(base + phi * 0.5);
  double fixed = 0.0;
  for (const auto& rec : run_paths(resolve(c), 7, 4000))
    fixed += static_cast<double>(rec.at(Var::FirstApplications, 0));
  EXPECT_LT(std::abs((fixed / 4000 - lambda) / std::sqrt(lambda / 4000)), kZ);
}

// The local level (C11): with no AR noise, no surges and a level so high that
// Poisson noise is negligible (1/lambda ~ 2e-5 against a variance of 0.03 or
// more), log F_t - level - season_t is the level l_t after t + 1 steps of
// l <- phi l + sigma e: mean 0 and variance sigma^2 (1 - phi^2(t+1)) / (1 -
// phi^2), or sigma^2 (t + 1) for a random walk. The sample variance of n
// normal values has sd V sqrt(2 / (n - 1)).
void expect_local_level_law(double walk_sd_per_sqrt_year, double walk_phi) {
  forecast::Config c = national_first_model(52);
  c.inflow.ar_sigma = 0.0;
  c.inflow.shock_probability = 0.0;
  c.inflow.level = {11.0, 0.0};
  c.inflow.trend_per_year = {0.0, 0.0};
  c.inflow.level_trend_correlation = 0.0;
  c.inflow.level_walk_sd = walk_sd_per_sqrt_year;
  c.inflow.level_walk_phi = walk_phi;
  const core::ModelSpec spec = forecast::resolve(c);
  const double sigma = walk_sd_per_sqrt_year / std::sqrt(52.1775);
  const int n = 4000;
  const auto recs = run_paths(spec, 11, n);
  for (int t : {0, 12, 51}) {
    const double steps = t + 1.0;
    const double var = walk_phi < 1.0
                           ? sigma * sigma * (1.0 - std::pow(walk_phi, 2.0 * steps)) / (1.0 - walk_phi * walk_phi)
                           : sigma * sigma * steps;
    double sum = 0.0, sum2 = 0.0;
    for (const auto& rec : recs) {
      const double l = std::log(static_cast<double>(rec.at(Var::FirstApplications, t))) - 11.0 -
                       spec.log_season[static_cast<std::size_t>(t)];
      sum += l;
      sum2 += l * l;
    }
    const double mean = sum / n;
    const double sample_var = (sum2 - n * mean * mean) / (n - 1);
    EXPECT_LT(std::abs(mean / std::sqrt(var / n)), kZ) << "week " << t << " mean " << mean;
    EXPECT_LT(std::abs((sample_var - var) / (var * std::sqrt(2.0 / (n - 1)))), kZ)
        << "week " << t << " variance " << sample_var << " expected " << var;
  }
}

TEST(LocalLevel, RandomWalkVarianceGrowsLinearly) { expect_local_level_law(0.4, 1.0); }
TEST(LocalLevel, PersistentLevelVarianceLevelsOff) { expect_local_level_law(0.6, 0.98); }

TEST(LocalLevel, OffDrawsNothingAndChangesNoOtherStream) {
  // level_walk_sd = 0 gives the first model's draws: the same first
  // applications path by path as a configuration without the key.
  forecast::Config c = national_first_model(30);
  const auto base = run_paths(forecast::resolve(c), 5, 50);
  c.inflow.level_walk_sd = 0.0;
  c.inflow.level_walk_phi = 0.5;  // ignored when the sd is 0
  const auto off = run_paths(resolve(c), 5, 50);
  for (std::size_t p = 0; p < base.size(); ++p) EXPECT_EQ(base[p].national, off[p].national) << "path " << p;
}

TEST(DecisionCapacity, FollowsTheBacklogWithALagAsTheRuleSays) {
  // Re-computes the rule from the recorded flows: the backlog before the
  // decisions, the partial adjustment, the clamp; then C ~ Poisson(c).
  forecast::Config c = national_first_model(156);
  c.decisions.response = {true, 20.0, 8.0, 5000.0, 0.0};
  c.initial.procedure = 40000;  // a backlog the rule must work off
  const core::ModelSpec spec = forecast::resolve(c);
  const int n = 300;
  double deviation = 0.0, variance = 0.0;
  double peak_c = 0.0, last_year_c = 0.0;
  for (int p = 0; p < n; ++p) {
    core::PathWorkspace ws(spec);
    const PathRecord rec = testing::run_path(spec, c.run.seed, static_cast<std::uint64_t>(p), ws);
    core::PathState st(spec);
    core::init_path(spec, c.run.seed, static_cast<std::uint64_t>(p), st);
    std::int64_t A = st.stocks().procedure;
    double cap = spec.decision_capacity[0];
    for (int t = 0; t < spec.weeks; ++t) {
      const std::int64_t backlog =
          A + rec.at(Var::Registered, t) - rec.at(Var::DublinClaims, t) + rec.at(Var::DublinExpired, t);
      const double floor = spec.decision_capacity_floor[static_cast<std::size_t>(t)];
      cap = std::clamp(cap + (static_cast<double>(backlog) / 20.0 - cap) / 8.0, floor, std::max(floor, 5000.0));
      deviation += static_cast<double>(rec.at(Var::DecisionCapacity, t)) - cap;
      variance += cap;
      peak_c = std::max(peak_c, cap);
      if (t >= 104) last_year_c += cap / 52.0 / n;
      A = rec.at(Var::Procedure, t);
    }
  }
  EXPECT_LT(std::abs(deviation / std::sqrt(variance)), kZ);
  // The capacity rises to work off the backlog, and falls again once it is gone.
  EXPECT_GT(peak_c, 2.0 * spec.decision_capacity[0]);
  EXPECT_LT(last_year_c, 0.75 * peak_c);
}

TEST(Withdrawals, AreABinomialShareOfTheClosures) {
  forecast::Config c = national_first_model(104);
  c.decisions.withdrawn_share = 0.2;
  const core::ModelSpec spec = forecast::resolve(c);
  double withdrawn = 0.0, closures = 0.0;
  for (const auto& rec : run_paths(spec, 11, 400))
    for (int t = 0; t < spec.weeks; ++t) {
      withdrawn += static_cast<double>(rec.at(Var::Withdrawn, t));
      closures += static_cast<double>(rec.at(Var::Withdrawn, t) + rec.at(Var::Decisions, t));
    }
  ASSERT_GT(closures, 0.0);
  EXPECT_LT(std::abs((withdrawn - 0.2 * closures) / std::sqrt(closures * 0.2 * 0.8)), kZ);
}

TEST(GrantDrift, GrantShareFollowsTheLogitRandomWalk) {
  // g fixed at 0.75; logit(g_t) = logit(0.75) + u_t with u_t ~ N(0, (t+1) s^2 / 52.1775)
  // after t + 1 weekly steps. E[g_t] by quadrature of the logistic over that normal.
  forecast::Config c = national_first_model(104);
  c.decisions.grant_rate = {0.75, 0.0};
  c.decisions.grant_drift_sd = 0.6;
  const core::ModelSpec spec = forecast::resolve(c);
  const int t = 103;
  const double sd = 0.6 * std::sqrt((t + 1) / 52.1775);
  double expected = 0.0, weight = 0.0;
  for (int i = -4000; i <= 4000; ++i) {
    const double z = i / 500.0;
    const double w = std::exp(-0.5 * z * z);
    expected += w / (1.0 + std::exp(-(std::log(3.0) + sd * z)));
    weight += w;
  }
  expected /= weight;
  std::vector<double> shares;
  for (const auto& rec : run_paths(spec, 13, 3000))
    if (rec.at(Var::Decisions, t) > 0)
      shares.push_back(static_cast<double>(rec.at(Var::Grants, t)) / static_cast<double>(rec.at(Var::Decisions, t)));
  double m = 0.0, v = 0.0;
  for (double s : shares) m += s;
  m /= static_cast<double>(shares.size());
  for (double s : shares) v += (s - m) * (s - m);
  v /= static_cast<double>(shares.size() - 1);
  EXPECT_LT(std::abs((m - expected) / std::sqrt(v / static_cast<double>(shares.size()))), kZ)
      << "mean share " << m << " expected " << expected;
  // Without drift the mean stays at 0.75, clearly apart from the drifted mean.
  EXPECT_GT(0.75 - expected, 0.01);
}

// National, nobody runs out of permit holders to house: the quota is what binds.
forecast::Config housing_case() {
  forecast::Config c = national_first_model(156);
  c.initial.permit_holders = 500000;
  c.housing.programmes.clear();
  c.housing.realisation = {0.5, 0.0};
  return c;
}

// Sum of x over weeks [a, b).
std::int64_t sum_weeks(const PathRecord& rec, Var v, int a, int b) {
  std::int64_t s = 0;
  for (int t = a; t < b; ++t) s += rec.at(v, t);
  return s;
}

TEST(HousingQuota, UnmetQuotaCarriesOverExactly) {
  // task_h = H_h (x the share of week 0's half-year from week 0 on) + backlog_h;
  // backlog_{h+1} = task_h - housed_h while permit holders are plenty.
  forecast::Config c = housing_case();
  c.housing.carry_over = true;
  const core::ModelSpec spec = forecast::resolve(c);
  for (const auto& rec : run_paths(spec, 17, 20)) {
    double backlog = 0.0;
    int start = 0;
    for (int t = 1; t < spec.weeks; ++t) {
      if (!spec.half_start[static_cast<std::size_t>(t)]) continue;
      const double share = spec.half_index[static_cast<std::size_t>(start)] == 0 ? spec.first_half_fraction : 1.0;
      const double task = spec.half_quota[static_cast<std::size_t>(start)] * share + backlog;
      backlog = task - static_cast<double>(sum_weeks(rec, Var::Housed, start, t));
      EXPECT_NEAR(static_cast<double>(rec.at(Var::HousingBacklog, t)), backlog, 0.5 + 1e-9) << "week " << t;
      start = t;
    }
    EXPECT_GT(backlog, 1000.0);  // realisation 0.5: half of each task is left over
  }
}

TEST(HousingQuota, RuleSetsTheQuotaFromRecentNewPermitHolders) {
  // Half-years without their own quota: H = share x (mean new permit holders
  // of the lookback weeks before the half-year) x its Mondays. Read back through
  // the carry-over identity task_h = backlog_{h+1} + housed_h.
  forecast::Config c = housing_case();
  c.housing.carry_over = true;
  c.housing.quota_rule = {true, 1.5, 13};
  const core::ModelSpec spec = forecast::resolve(c);
  int checked = 0;
  for (const auto& rec : run_paths(spec, 19, 20)) {
    int start = 0;
    for (int t = 1; t < spec.weeks; ++t) {
      if (!spec.half_start[static_cast<std::size_t>(t)]) continue;
      const auto su = static_cast<std::size_t>(start);
      if (std::isnan(spec.half_quota[su]) && start >= 13) {
        const double recent = static_cast<double>(sum_weeks(rec, Var::PermitHoldersNew, start - 13, start)) / 13.0;
        const double H = 1.5 * recent * spec.half_weeks[su];
        const double task = static_cast<double>(rec.at(Var::HousingBacklog, t) + sum_weeks(rec, Var::Housed, start, t));
        EXPECT_NEAR(task, H + static_cast<double>(rec.at(Var::HousingBacklog, start)), 1.0 + 1e-9) << "week " << start;
        ++checked;
      }
      start = t;
    }
  }
  EXPECT_GT(checked, 40);
}

// The weeks of the first whole half-year of the run: [first, end).
std::pair<int, int> first_whole_half_year(const core::ModelSpec& spec) {
  int first = -1;
  for (int t = 1; t < spec.weeks; ++t) {
    if (!spec.half_start[static_cast<std::size_t>(t)]) continue;
    if (first >= 0) return {first, t};
    first = t;
  }
  return {-1, -1};
}

TEST(HousingQuota, HalfYearFactorsAreMeanOneWithTheVarianceOfBoth) {
  // National mode, realisation fixed: a whole half-year's housed ~ Poisson(rho phi H)
  // with phi = exp(s_n z_n - s_n^2/2) exp(s z - s^2/2), so y = housed / (rho H) has
  // E[y] = 1 and Var[y] = exp(s_n^2 + s^2) - 1 + 1 / (rho H).
  forecast::Config c = housing_case();
  c.run.weeks = 60;
  c.housing.half_year_national_sd = 0.3;
  c.housing.half_year_sd = 0.2;
  const core::ModelSpec spec = forecast::resolve(c);
  const auto [a, b] = first_whole_half_year(spec);
  ASSERT_GT(a, 0);
  const double expected = 0.5 * spec.half_quota[static_cast<std::size_t>(a)];
  const int n = 400;
  std::vector<double> y;
  for (const auto& rec : run_paths(spec, 29, n))
    y.push_back(static_cast<double>(sum_weeks(rec, Var::Housed, a, b)) / expected);
  double m = 0.0, v = 0.0;
  for (double x : y) m += x;
  m /= n;
  for (double x : y) v += (x - m) * (x - m);
  v /= n - 1;
  const double var = std::expm1(0.3 * 0.3 + 0.2 * 0.2) + 1.0 / expected;
  EXPECT_LT(std::abs(m - 1.0) / std::sqrt(var / n), kZ) << "mean " << m;
  // The sample variance of a log-normal-like y: its own sd is about var sqrt((kurt - 1) / n);
  // at these sds the excess kurtosis is below 3, so sd(v) < var sqrt(5 / n).
  EXPECT_LT(std::abs(v - var) / (var * std::sqrt(5.0 / n)), kZ) << "variance " << v << " expected " << var;
}

TEST(HousingQuota, NationalHalfYearFactorIsSharedByEveryRegion) {
  // 25 regions, no regional spread: each region's housed in a whole half-year is
  // Poisson(rho phi H p_r) with ONE phi for all regions, so given the total the
  // regions split it by p_r alone: a chi-square with 24 degrees of freedom
  // (false alarm 6e-5 at 60.2 per path-half-year). Independent regional factors
  // with the same sd would give chi-square values in the thousands.
  forecast::Config c = housing_case();
  c.run.regions = forecast::RegionMode::SafetyRegions;
  c.run.weeks = 60;
  c.housing.regional_sd = 0.0;
  c.housing.half_year_national_sd = 0.5;
  const core::ModelSpec spec = forecast::resolve(c);
  const auto [a, b] = first_whole_half_year(spec);
  ASSERT_GT(a, 0);
  ASSERT_EQ(spec.regions, 25);
  double total_spread = 0.0;
  for (const auto& rec : run_paths(spec, 31, 10)) {
    std::vector<double> housed(25, 0.0);
    double total = 0.0;
    for (int r = 0; r < 25; ++r) {
      for (int t = a; t < b; ++t)
        housed[static_cast<std::size_t>(r)] += static_cast<double>(rec.at(core::RegionalVar::Housed, t, r));
      total += housed[static_cast<std::size_t>(r)];
    }
    double chi2 = 0.0;
    for (int r = 0; r < 25; ++r) {
      const double e = total * spec.region_share[static_cast<std::size_t>(r)];
      chi2 += (housed[static_cast<std::size_t>(r)] - e) * (housed[static_cast<std::size_t>(r)] - e) / e;
    }
    EXPECT_LT(chi2, 60.2) << "the regions' half-year factors differ";
    total_spread += std::abs(std::log(total / (0.5 * spec.half_quota[static_cast<std::size_t>(a)])));
  }
  EXPECT_GT(total_spread / 10, 0.1);  // the national factor does vary (E|log phi + 1/8| is about 0.4)
}

TEST(ProgrammeDelivery, DeliveredShareAndStartDelay) {
  forecast::Config c = national_first_model(40);
  c.initial.permit_holders = 500000;
  c.housing.taakstelling.clear();
  c.housing.taakstelling_default = 0.0;
  forecast::HousingProgramme g;
  g.name = "test";
  g.from = c.run.start + std::chrono::days(14);  // week 2
  g.weeks = 6;
  g.persons = 6000.0;
  g.delivered = {0.5, 0.0};
  g.delay_weeks = {10.0, 0.0};
  c.housing.programmes = {g};
  const core::ModelSpec spec = forecast::resolve(c);
  double in_window = 0.0;
  const int n = 200;
  for (const auto& rec : run_paths(spec, 23, n))
    for (int t = 0; t < spec.weeks; ++t) {
      const bool delivering = t >= 12 && t < 18;  // weeks 2..7 shifted by 10
      if (!delivering) EXPECT_EQ(rec.at(Var::Housed, t), 0) << "week " << t;
      else in_window += static_cast<double>(rec.at(Var::Housed, t));
    }
  // Poisson(0.5 x 1000) a week for six weeks.
  EXPECT_LT(std::abs((in_window - n * 3000.0) / std::sqrt(n * 3000.0)), kZ);

  // An uncertain share: E[total] = mean x persons, Var = sd^2 persons^2 + E[total].
  c.housing.programmes[0].delivered = {0.6, 0.15};
  c.housing.programmes[0].delay_weeks = {0.0, 0.0};
  const core::ModelSpec spec2 = resolve(c);
  double total = 0.0;
  const int n2 = 2000;
  for (const auto& rec : run_paths(spec2, 29, n2))
    total += static_cast<double>(sum_weeks(rec, Var::Housed, 0, spec2.weeks));
  const double var = 0.15 * 0.15 * 6000.0 * 6000.0 + 3600.0;
  EXPECT_LT(std::abs((total / n2 - 3600.0) / std::sqrt(var / n2)), kZ);
}

// An independent first-in-first-out queue of (entry week, persons), fed with
// the recorded new permit holders and emptied by the recorded housed; with a
// minimum wait, nobody younger than it may leave.
void expect_first_in_first_out(int min_wait) {
  forecast::Config c = national_first_model(104);
  c.initial.permit_holders_over_14_weeks = 5000;
  c.housing.min_wait_weeks = min_wait;
  const core::ModelSpec spec = forecast::resolve(c);
  for (const auto& rec : run_paths(spec, 31, 30)) {
    std::deque<std::pair<int, std::int64_t>> queue;  // oldest first
    queue.emplace_back(-100, 5000);
    const std::int64_t rest = c.initial.permit_holders - 5000;
    for (int e = -14; e <= -1; ++e) {
      // rest / 14 each; the remainder one each to the youngest entry weeks.
      const std::int64_t extra = (-e) <= rest % 14 ? 1 : 0;
      queue.emplace_back(e, rest / 14 + extra);
    }
    for (int t = 0; t < spec.weeks; ++t) {
      queue.emplace_back(t, rec.at(Var::PermitHoldersNew, t));
      std::int64_t housed = rec.at(Var::Housed, t);
      while (housed > 0) {
        ASSERT_GE(t - queue.front().first, min_wait) << "housed before the minimum wait, week " << t;
        const std::int64_t take = std::min(housed, queue.front().second);
        queue.front().second -= take;
        housed -= take;
        if (queue.front().second == 0) queue.pop_front();
      }
      std::int64_t over = 0;
      for (const auto& [entered, persons] : queue)
        if (t - entered > 14) over += persons;
      ASSERT_EQ(rec.at(Var::PermitHoldersWaitingOver14Weeks, t), over) << "week " << t;
    }
  }
}

TEST(WaitingTimes, FirstInFirstOutAsRecomputedFromTheFlows) { expect_first_in_first_out(0); }

TEST(WaitingTimes, NobodyIsHousedBeforeTheMinimumWait) {
  expect_first_in_first_out(10);
  // And the minimum wait binds: with it, fewer are housed in the first weeks.
  forecast::Config c = national_first_model(20);
  c.initial.permit_holders_over_14_weeks = 0;
  const PathRecord free = run_paths(forecast::resolve(c), 3, 1).front();
  c.housing.min_wait_weeks = 14;
  const PathRecord bound = run_paths(resolve(c), 3, 1).front();
  EXPECT_LT(sum_weeks(bound, Var::Housed, 0, 20), sum_weeks(free, Var::Housed, 0, 20));
}

TEST(InitialState, UncertainStocksAreUnbiased) {
  forecast::Config c = national_first_model(1);
  c.initial.uncertainty_sd = 0.2;
  const core::ModelSpec spec = forecast::resolve(c);
  const int n = 5000;
  double sum = 0.0;
  core::PathState st(spec);
  for (int p = 0; p < n; ++p) {
    core::init_path(spec, c.run.seed, static_cast<std::uint64_t>(p), st);
    sum += static_cast<double>(st.stocks().procedure);
  }
  const double A0 = static_cast<double>(spec.initial_procedure);
  const double sd = A0 * std::sqrt(std::exp(0.04) - 1.0);
  EXPECT_LT(std::abs((sum / n - A0) / (sd / std::sqrt(n))), kZ);
}

// permit_holders_extra_sd widens the permit holders' factor alone: its log sd
// is hypot(uncertainty_sd, extra), the other stocks draw exactly as without it
// (same stream, same sd), and extra = 0 gives the permit holders as before.
// The sample sd of n normal log factors has sd about s / sqrt(2n).
TEST(InitialState, PermitHoldersExtraSpreadWidensOnlyThePermitHolders) {
  forecast::Config c = national_first_model(1);
  c.initial.uncertainty_sd = 0.1;
  const core::ModelSpec base = forecast::resolve(c);
  c.initial.permit_holders_extra_sd = 0.2;
  const core::ModelSpec wide = forecast::resolve(c);
  const double P0 = static_cast<double>(base.initial_permit_holders.front());
  ASSERT_GT(P0, 1000.0);
  const int n = 4000;
  double s1 = 0.0, s2 = 0.0;
  core::PathState a(base), b(wide);
  for (int p = 0; p < n; ++p) {
    core::init_path(base, c.run.seed, static_cast<std::uint64_t>(p), a);
    core::init_path(wide, c.run.seed, static_cast<std::uint64_t>(p), b);
    const auto sa = a.stocks(), sb = b.stocks();
    ASSERT_EQ(sa.dublin, sb.dublin);
    ASSERT_EQ(sa.procedure, sb.procedure);
    ASSERT_EQ(sa.rejected, sb.rejected);
    const double x = std::log(static_cast<double>(sb.permit_holders.front()) / P0);
    s1 += x;
    s2 += x * x;
  }
  const double expected = std::hypot(0.1, 0.2);
  const double mean = s1 / n, sd = std::sqrt((s2 - n * mean * mean) / (n - 1));
  EXPECT_LT(std::abs(mean + 0.5 * expected * expected) / (expected / std::sqrt(n)), kZ);
  EXPECT_LT(std::abs(sd - expected) / (expected / std::sqrt(2.0 * n)), kZ);
  // Only the extra sd present: Dublin, procedure and rejected as given.
  c.initial.uncertainty_sd = 0.0;
  const core::ModelSpec only = forecast::resolve(c);
  core::init_path(only, c.run.seed, 7, b);
  EXPECT_EQ(b.stocks().procedure, only.initial_procedure);
  EXPECT_EQ(b.stocks().rejected, only.initial_rejected);
  EXPECT_NE(b.stocks().permit_holders.front(), only.initial_permit_holders.front());
}

}  // namespace
}  // namespace chainsim
