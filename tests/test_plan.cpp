// `chainsim plan` (docs/plan.md): the monotone search against brute force,
// the seed's plan re-simulated with fresh seeds, and the command's outputs:
// the plan as a configuration that `validate` and `run` accept and that
// reproduces the plan's probabilities, refused outputs, and command-line errors.
#include <gtest/gtest.h>

#include "forecast/calendar.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/plan.hpp"
#include "forecast/resolve.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"
#include "io/h5file.hpp"
#include "process_helpers.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace chainsim;
namespace fs = std::filesystem;
using chainsim::testing::TempDir;

// ---------------------------------------------------------------------------
// The search itself

TEST(PlanSearch, SmallestMeetingMatchesBruteForceOnMonotonePredicates) {
  // Every threshold, guess and limit on a small grid, against the first k
  // that meets; each k is evaluated at most once.
  for (std::int64_t limit = 0; limit <= 40; ++limit)
    for (std::int64_t threshold = 0; threshold <= 45; ++threshold)
      for (std::int64_t guess = -3; guess <= 45; guess += 2) {
        std::map<std::int64_t, int> calls;
        const auto meets = [&](std::int64_t k) {
          EXPECT_GE(k, 0);
          EXPECT_LE(k, limit);
          ++calls[k];
          return k >= threshold;
        };
        const auto found = forecast::smallest_meeting(meets, guess, limit);
        if (threshold > limit) {
          EXPECT_FALSE(found.has_value()) << "limit " << limit << " threshold " << threshold;
        } else {
          ASSERT_TRUE(found.has_value()) << "limit " << limit << " threshold " << threshold;
          EXPECT_EQ(*found, threshold) << "limit " << limit << " guess " << guess;
        }
        for (const auto& [k, n] : calls) EXPECT_EQ(n, 1) << "k " << k << " evaluated " << n << " times";
      }
}

TEST(PlanSearch, SmallestMeetingNeedsFewEvaluationsFromAGoodGuess) {
  int calls = 0;
  const auto meets = [&](std::int64_t k) { return ++calls, k >= 1000; };
  EXPECT_EQ(forecast::smallest_meeting(meets, 1000, 100000), 1000);
  EXPECT_EQ(calls, 2);  // the guess meets, one below it does not
  calls = 0;
  EXPECT_EQ(forecast::smallest_meeting(meets, 0, 100000), 1000);
  EXPECT_LE(calls, 2 * 17 + 1);  // galloping up, then bisection: logarithmic
}

// A small case: the seed nationally over 65 weeks, 300 paths, places in
// effect at once (lead time 0), and the CNO phase-out off, under which more
// regular capacity never raises the shortfall on any path (docs/model.md §8):
// the probability of a shortfall is then monotone in the places added, and
// the first grid value that meets the risk is what brute force finds.
forecast::Config small_case() {
  forecast::Config c = io::load_seed().scenarios.front();
  c.run.regions = forecast::RegionMode::National;
  c.run.weeks = 65;
  c.run.paths = 300;
  c.capacity.cno.phaseout.weeks = 0;
  return c;
}

forecast::EnsembleOptions options_of(const forecast::Config& c) {
  forecast::EnsembleOptions eo;
  eo.paths = c.run.paths;
  eo.seed = c.run.seed;
  return eo;
}

// P(shortfall in some week of each quarter), by the engine's own summary of
// a whole run from week 0: nothing of the plan's machinery.
std::vector<double> quarter_shortfall_probability(const forecast::Config& c) {
  const forecast::Ensemble e = forecast::simulate_ensemble(resolve(c), options_of(c));
  const auto periods = forecast::run_periods(c.run.start, c.run.weeks, {forecast::PeriodKind::Quarter});
  return forecast::summarize("x", e, periods, forecast::SummaryOptions{{0.5}, {0.05}, {}})
      .periods.shortfall_probability;
}

TEST(PlanSearch, CapacityPerPeriodMatchesBruteForceOnASmallCase) {
  const forecast::Config base = small_case();
  forecast::PlanOptions o;
  o.risk = 0.05;
  o.lead_weeks = 0;
  o.capacity_step = 250;
  const forecast::Plan plan = make_plan(base, o);
  const auto periods = forecast::run_periods(base.run.start, base.run.weeks, {forecast::PeriodKind::Quarter});
  ASSERT_EQ(plan.capacity.size(), periods.size());

  // Period by period, with the earlier periods' places as the plan decided
  // them: scan 0, 250, 500, ... places from the period's first week; the
  // first value that meets the risk must be the plan's.
  forecast::Config fixed = base;
  std::int64_t periods_with_places = 0;
  for (std::size_t k = 0; k < periods.size(); ++k) {
    const forecast::Date from = forecast::monday_of(base.run.start, periods[k].first_week);
    double last = 2.0;
    std::int64_t first_meeting = -1;
    for (std::int64_t places = 0; first_meeting < 0; places += o.capacity_step) {
      forecast::Config c = fixed;
      if (places > 0) c.capacity.changes.push_back({from, places});
      const double p = quarter_shortfall_probability(c)[k];
      EXPECT_LE(p, last) << periods[k].label << ": not monotone at " << places << " places";
      last = p;
      if (p <= o.risk) first_meeting = places;
      ASSERT_LE(places, 200000) << periods[k].label << ": brute force found no capacity";
    }
    EXPECT_EQ(plan.capacity[k].added, first_meeting) << periods[k].label;
    EXPECT_EQ(plan.capacity[k].effective_week, periods[k].first_week);
    EXPECT_LE(plan.capacity[k].p_planned, o.risk) << periods[k].label;
    if (first_meeting > 0) {
      fixed.capacity.changes.push_back({from, first_meeting});
      ++periods_with_places;
    }
  }
  EXPECT_GE(periods_with_places, 2) << "the case must exercise the search";
  // The plan's probabilities are those of its configuration run from week 0.
  const std::vector<double> p = quarter_shortfall_probability(plan.planned);
  for (std::size_t k = 0; k < periods.size(); ++k) EXPECT_EQ(plan.capacity[k].p_planned, p[k]) << periods[k].label;
}

// P(permit holders <= target in week t), by a whole run from week 0.
double quota_probability(const forecast::Config& c, int week, double target) {
  const forecast::Ensemble e = forecast::simulate_ensemble(resolve(c), options_of(c));
  const auto s = e.column(core::Var::PermitHolders, week);
  return static_cast<double>(std::count_if(s.begin(), s.end(), [&](std::int32_t v) { return v <= target; })) /
         static_cast<double>(s.size());
}

TEST(PlanSearch, QuotaMatchesBruteForceOnASmallCase) {
  const forecast::Config base = small_case();
  forecast::PlanOptions o;
  o.risk = 0.05;
  o.lead_weeks = 0;
  o.quota_step = 500;
  o.quota = forecast::QuotaGoal{8000, std::chrono::sys_days{std::chrono::year{2023} / 6 / 30}};
  const forecast::Plan plan = make_plan(base, o);
  const forecast::QuotaPlan& q = plan.quota;
  ASSERT_EQ(q.status, forecast::PlanStatus::Met);
  EXPECT_EQ(q.half_years, (std::vector<std::string>{"2022-H2", "2023-H1"}));
  EXPECT_EQ(q.week, forecast::week_of(base.run.start, o.quota->by));
  // Every quota on the grid from 0 up to the plan's, set for the same half-years.
  double last = -1;
  std::int64_t first_meeting = -1;
  for (std::int64_t quota = 0; quota <= static_cast<std::int64_t>(q.quota); quota += o.quota_step) {
    forecast::Config c = base;
    for (const auto& h : q.half_years) c.housing.taakstelling[h] = static_cast<double>(quota);
    const double p = quota_probability(c, q.week, o.quota->target);
    EXPECT_GE(p, last) << "not monotone at a quota of " << quota;
    last = p;
    if (first_meeting < 0 && 1 - p <= o.risk) first_meeting = quota;
    if (quota == static_cast<std::int64_t>(q.quota)) {
      EXPECT_EQ(p, q.p_planned);
    }
  }
  EXPECT_EQ(first_meeting, static_cast<std::int64_t>(q.quota));
  EXPECT_GT(q.quota, 0.0);
  EXPECT_LT(q.p_reference, 1 - o.risk) << "the configuration's own quotas must miss the target for a real test";
}

// ---------------------------------------------------------------------------
// The seed's plan, re-simulated with fresh seeds

// The plan is searched with the seed's seed and 1,000 paths, then its
// configuration is run with another seed and 2,000 paths. The search picks the
// smallest capacity whose estimated P(shortfall) is at most alpha, so the true
// probability at that capacity exceeds alpha by at most a few standard errors
// of the search's estimate; the fresh estimate adds its own. Each period is
// checked at alpha + 4 sd of the difference of the two estimates (sd from
// alpha(1 - alpha) and both path counts): the false-alarm rate of one check
// when the true probability is alpha is P(Z > 4) = 3.2e-5, about 7e-4 over
// the 21 quarters and the quota target together. The seeds are fixed, so the
// outcome is the same on every run.
TEST(PlanFreshSeeds, TheSeedPlanMeetsItsTargetsWithFreshSeeds) {
  forecast::Config base = io::load_seed().scenarios.front();
  base.run.paths = 1000;
  forecast::PlanOptions o;
  o.risk = 0.05;
  o.quota = forecast::QuotaGoal{6500, std::chrono::sys_days{std::chrono::year{2023} / 12 / 31}};
  const forecast::Plan plan = make_plan(base, o);
  ASSERT_EQ(plan.quota.status, forecast::PlanStatus::Met) << "the default quota target is reachable on the seed";

  forecast::Config fresh = plan.planned;
  fresh.run.seed = base.run.seed + 7919;
  fresh.run.paths = 2000;
  const auto periods = forecast::run_periods(fresh.run.start, fresh.run.weeks, {forecast::PeriodKind::Quarter});
  const forecast::Ensemble e = forecast::simulate_ensemble(forecast::resolve(fresh), options_of(fresh));
  const auto p = forecast::summarize("fresh", e, periods, forecast::SummaryOptions{{0.5}, {0.05}, {}})
                     .periods.shortfall_probability;
  const double sd = std::sqrt(o.risk * (1 - o.risk) * (1.0 / 1000 + 1.0 / 2000));
  const double bound = o.risk + 4 * sd;
  std::int64_t added = 0, checked = 0, reference_above = 0;
  ASSERT_EQ(plan.capacity.size(), periods.size());
  for (std::size_t k = 0; k < periods.size(); ++k) {
    const forecast::CapacityPeriodPlan& pk = plan.capacity[k];
    added += pk.added;
    if (pk.p_reference > bound) ++reference_above;
    if (pk.status != forecast::PlanStatus::Met) continue;  // the plan says it cannot reach these (lead time)
    ++checked;
    std::cout << periods[k].label << ": +" << pk.added << " places, P(shortfall) " << pk.p_planned << " (search), "
              << p[k] << " (fresh seed)\n";
    EXPECT_LE(p[k], bound) << periods[k].label << ": " << pk.added << " places added, P = " << pk.p_planned
                           << " in the search, " << p[k] << " with a fresh seed";
  }
  EXPECT_GT(added, 0);
  EXPECT_GE(checked, 18) << "all periods but the first ones, which the lead time puts out of reach";
  EXPECT_GE(reference_above, 5) << "without the plan the bound must fail in some periods, or the check has no power";

  // The quota: P(at most 6,500 permit holders waiting on the date) >= 1 - alpha.
  const auto s = e.column(core::Var::PermitHolders, plan.quota.week);
  const double met = static_cast<double>(std::count_if(s.begin(), s.end(), [](std::int32_t v) { return v <= 6500; })) /
                     static_cast<double>(s.size());
  std::cout << "quota " << plan.quota.quota << ": P(target met) " << plan.quota.p_planned << " (search), " << met
            << " (fresh seed); " << added << " places added in all\n";
  EXPECT_GE(met, 1 - bound) << "quota " << plan.quota.quota << ": P = " << plan.quota.p_planned << " in the search, "
                            << met << " with a fresh seed";
  EXPECT_LT(plan.quota.p_reference, 1 - bound) << "the configuration's own quotas must miss the target";
}

// ---------------------------------------------------------------------------
// The command

using chainsim::testing::read_bytes;
using chainsim::testing::run_command;
using chainsim::testing::write_bytes;

std::string chainsim_cmd() { return chainsim::testing::quote(chainsim::testing::chainsim_binary()); }

// A small run over the seed: national, two years, 300 paths.
const char* kSmallConfig =
    "[run]\nname = \"plan-test\"\nweeks = 104\npaths = 300\nregions = \"national\"\n"
    "[output]\npath = \"plan-test.h5\"\n";

TEST(PlanCommand, ItsConfigurationIsAcceptedByRunAndReproducesThePlansProbabilities) {
  TempDir dir("chainsim-plan");
  const fs::path io_dir = dir.path() / "io";
  fs::create_directories(io_dir);
  fs::create_directories(dir.path() / "work");
  const fs::path work = dir.path() / "work";
  write_bytes(work / "small.toml", kSmallConfig);

  const auto r = run_command(chainsim_cmd() + " plan small.toml --out p.h5 --quota-by 2023-12-31", work, io_dir);
  ASSERT_EQ(r.rc, 0) << chainsim::testing::describe(r);
  for (const char* f :
       {"p.h5", "p.toml", "p.plan.csv", "p.plan.md", "p.planning.csv", "p.comparison.csv", "p.h5.run.json"})
    EXPECT_TRUE(fs::exists(work / f)) << f;
  EXPECT_NE(r.out.find("housing quota:"), std::string::npos) << r.out;

  // validate and run take the plan's configuration.
  const auto v = run_command(chainsim_cmd() + " validate p.toml", work, io_dir);
  EXPECT_EQ(v.rc, 0) << chainsim::testing::describe(v);
  EXPECT_NE(v.out.find("valid (2 scenario(s))"), std::string::npos) << v.out;
  const auto run = run_command(chainsim_cmd() + " run p.toml --out q.h5 --quiet", work, io_dir);
  ASSERT_EQ(run.rc, 0) << chainsim::testing::describe(run);

  // Period by period, scenario "plan" of the run has the plan's probabilities,
  // as has the forecast inside the plan's own file.
  const auto plan_file = io::h5::File::open_read(work / "p.h5");
  const auto labels = plan_file.read_strings("plan_period");
  const auto planned = plan_file.read_variable<double>("plan_shortfall_probability");
  const auto added = plan_file.read_variable<std::int64_t>("plan_places_added");
  ASSERT_EQ(labels.size(), planned.size());
  ASSERT_GE(labels.size(), 8u);
  std::int64_t total = 0;
  for (auto a : added) total += a;
  EXPECT_GT(total, 0) << "the small case must add places";
  for (const fs::path& f : {work / "p.h5", work / "q.h5"}) {
    const auto file = io::h5::File::open_read(f);
    const auto scenarios = file.read_strings("scenario");
    ASSERT_EQ(scenarios, (std::vector<std::string>{"baseline", "plan"}));
    const auto periods = file.read_strings("period");
    const auto p = file.read_variable<double>("shortfall_probability");  // (scenario, period)
    for (std::size_t k = 0; k < labels.size(); ++k) {
      const auto it = std::find(periods.begin(), periods.end(), labels[k]);
      ASSERT_NE(it, periods.end()) << labels[k];
      const auto j = static_cast<std::size_t>(it - periods.begin());
      EXPECT_EQ(p[periods.size() + j], planned[k]) << f << " " << labels[k];
    }
  }

  // The table: a header, one row per quarter and one per half-year of the quota.
  const std::string csv = read_bytes(work / "p.plan.csv");
  EXPECT_EQ(csv.substr(0, csv.find(',')), "lever");
  const auto rows = std::count(csv.begin(), csv.end(), '\n');
  const auto halves = plan_file.shape("plan_quota").at(0);
  EXPECT_EQ(static_cast<std::size_t>(rows), 1 + labels.size() + halves);

  // Again without --force: refused before anything is simulated, nothing changed.
  const std::string before = read_bytes(work / "p.plan.csv");
  const auto again = run_command(chainsim_cmd() + " plan small.toml --out p.h5 --quota-by 2023-12-31", work, io_dir);
  EXPECT_EQ(again.rc, 73) << chainsim::testing::describe(again);
  EXPECT_NE(again.err.find("chainsim: output "), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("use --force"), std::string::npos) << again.err;
  EXPECT_EQ(read_bytes(work / "p.plan.csv"), before);
}

TEST(PlanCommand, BadOptionsAreCommandLineErrors) {
  TempDir dir("chainsim-plan-cli");
  const fs::path io_dir = dir.path() / "io";
  fs::create_directories(io_dir);
  fs::create_directories(dir.path() / "work");
  const fs::path work = dir.path() / "work";
  const struct {
    std::string args, message;
  } cases[] = {
      {"--risk 0", "chainsim: --risk: expected a number strictly between 0 and 1, got '0'"},
      {"--risk 1", "chainsim: --risk: expected a number strictly between 0 and 1, got '1'"},
      {"--risk abc", "chainsim: --risk: expected a number strictly between 0 and 1, got 'abc'"},
      {"--risk 0.05 --period year", "chainsim: --period: expected quarter or half-year, got 'year'"},
      {"--quota-by 2023-02-29", "chainsim: --quota-by: expected a date YYYY-MM-DD that exists, got '2023-02-29'"},
      {"--quota-by 2040-01-01", "chainsim: --quota-by: expected a date in the run, from 2022-06-20 to 2027-06-13"},
      {"--out plan.csv", "chainsim: --out: expected a file name ending in .h5 or .nc, got 'plan.csv'"},
  };
  for (const auto& c : cases) {
    const auto r = run_command(chainsim_cmd() + " plan " + c.args, work, io_dir);
    EXPECT_EQ(r.rc, 64) << c.args << "\n" << chainsim::testing::describe(r);
    EXPECT_EQ(r.err.rfind(c.message, 0), 0u) << c.args << ": " << r.err;
    EXPECT_TRUE(fs::is_empty(work)) << c.args << ": a refused command writes nothing";
  }
}

}  // namespace
