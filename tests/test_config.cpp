// Tests of the configuration loader (io/config_toml): the seed defaults, merging
// of partial files and scenarios, the printed TOML round trip, and the messages
// for malformed configurations (each must name the key, what is allowed and
// the line, CONFIG.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/model/variables.hpp"
#include "io/config_docs.hpp"
#include "io/config_toml.hpp"

namespace {

using namespace chainsim;
using namespace chainsim::io;
using namespace std::chrono;

const std::filesystem::path kData = CHAINSIM_TEST_DATA_DIR;

forecast::Date ymd(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / day{d}}; }

// ---- the seed ---------------------------------------------------------------

TEST(ConfigSeed, HasTheValuesOfConfigMd) {
  const forecast::ScenarioSet s = load_seed();
  EXPECT_EQ(s.source, "<embedded seed>");
  ASSERT_EQ(s.scenarios.size(), 3u);
  const forecast::Config& c = s.scenarios[0];

  EXPECT_EQ(c.run.name, "seed-2022-06");
  EXPECT_EQ(c.run.start, ymd(2022, 6, 20));
  EXPECT_EQ(c.run.weeks, 260);
  EXPECT_EQ(c.run.paths, 10000);
  EXPECT_EQ(c.run.seed, 20220620u);
  EXPECT_EQ(c.run.regions, forecast::RegionMode::SafetyRegions);
  EXPECT_EQ(c.output.path, "seed-2022-06.h5");
  EXPECT_EQ(c.output.ensemble,
            (std::vector<std::string>{"occupancy", "shortfall", "permit_holders", "capacity", "first_applications"}));
  EXPECT_EQ(c.output.quantiles.size(), 7u);
  EXPECT_EQ(c.output.periods.size(), 3u);
  EXPECT_EQ(c.initial.permit_holders, 14000);
  EXPECT_DOUBLE_EQ(c.inflow.level.mean, 5.5817);  // calibrated seed (chainsim calibrate)
  EXPECT_DOUBLE_EQ(c.inflow.level.sd, 0.2519);
  EXPECT_DOUBLE_EQ(c.inflow.trend_per_year.mean, 0.0);  // the slope is not distinguished from 0
  EXPECT_DOUBLE_EQ(c.inflow.start_deviation.mean, 0.6002);
  EXPECT_DOUBLE_EQ(c.inflow.season[9], 1.250);
  EXPECT_DOUBLE_EQ(c.inflow.ar_phi, 0.9765);
  EXPECT_DOUBLE_EQ(c.registration.capacity_per_week.base, 1000000);
  EXPECT_TRUE(c.registration.capacity_per_week.periods.empty());
  EXPECT_DOUBLE_EQ(c.decisions.capacity_per_week.base, 349);  // closures: 297 decisions / (1 - withdrawn share)
  EXPECT_TRUE(c.decisions.response.enabled);
  EXPECT_DOUBLE_EQ(c.dublin.share.mean, 0.3571);
  EXPECT_DOUBLE_EQ(c.dublin.share.sd, 0.0780);
  EXPECT_EQ(c.dublin.deadline_weeks, 26);
  EXPECT_DOUBLE_EQ(c.nareis.per_grant.mean, 0.9739);
  EXPECT_EQ(c.nareis.max_lag_weeks, 156);

  EXPECT_EQ(c.housing.taakstelling, (std::map<std::string, double>{{"2022-H1", 10000}, {"2022-H2", 13500}}));
  EXPECT_DOUBLE_EQ(c.housing.taakstelling_default, 13500);
  ASSERT_EQ(c.housing.programmes.size(), 5u);  // the relocation, flex homes 2022 (2), flex and transformation from 2024
  const forecast::HousingProgramme& p = c.housing.programmes[0];
  EXPECT_EQ(p.name, "accelerated relocation to intermediate facilities");
  EXPECT_EQ(p.from, ymd(2022, 6, 27));
  EXPECT_EQ(p.weeks, 6);
  EXPECT_EQ(p.persons, 7500.0);
  EXPECT_FALSE(p.persons_per_year.has_value());
  EXPECT_EQ(p.region, "");

  EXPECT_EQ(c.capacity.regular, 42000);
  ASSERT_EQ(c.capacity.changes.size(),
            7u);  // COA's capacity decision of May 2022: 45,000, then +1,000 a month to 51,000
  EXPECT_EQ(c.capacity.changes[0].at, ymd(2022, 7, 1));
  EXPECT_EQ(c.capacity.changes[0].delta, 3000);
  EXPECT_EQ(c.capacity.changes[6].at, ymd(2022, 12, 31));
  EXPECT_EQ(c.capacity.cno.places_per_region, 225);
  EXPECT_EQ(c.capacity.cno.from, ymd(2022, 7, 1));
  EXPECT_EQ(c.capacity.cno.weeks, 26);
  EXPECT_DOUBLE_EQ(c.capacity.cno.staff_per_region_per_day, 30);
  EXPECT_DOUBLE_EQ(c.capacity.cno.phaseout.margin, 0.05);
  EXPECT_EQ(c.capacity.cno.phaseout.weeks, 4);
  ASSERT_EQ(c.capacity.tnv.size(), 3u);  // "enkele" locations: three, a month apart
  EXPECT_EQ(c.capacity.tnv[0].name, "cruise ship 1");
  EXPECT_EQ(c.capacity.tnv[0].places, 1000);
  EXPECT_EQ(c.capacity.tnv[0].from, ymd(2022, 7, 1));
  EXPECT_EQ(c.capacity.tnv[0].weeks, 26);
  EXPECT_EQ(c.capacity.tnv[2].from, ymd(2022, 9, 1));
  EXPECT_FALSE(c.capacity.adaptive.enabled);
  EXPECT_DOUBLE_EQ(c.capacity.adaptive.upper, 0.98);
  EXPECT_EQ(c.capacity.adaptive.floor, 30000);
  EXPECT_DOUBLE_EQ(c.costs.regular_place_week, 521);
  EXPECT_DOUBLE_EQ(c.costs.cno_place_week, 1027);
  EXPECT_TRUE(c.levers.inflow.empty());
  EXPECT_TRUE(c.levers.ret.empty());
}

TEST(ConfigSeed, HasItsScenarios) {
  const forecast::ScenarioSet s = load_seed();
  ASSERT_EQ(s.names, (std::vector<std::string>{"baseline", "no-crisis-measures", "dublin-and-return-restored"}));
  const forecast::Config& base = s.scenarios[0];
  const forecast::Config& none = s.scenarios[1];
  EXPECT_EQ(none.capacity.cno.places_per_region, 0);
  EXPECT_EQ(none.capacity.cno.from, base.capacity.cno.from);  // the rest of the table is inherited
  // Without the crisis measures: no relocation, no extra flex homes, no cruise ships.
  ASSERT_EQ(none.housing.programmes.size(), 3u);
  EXPECT_EQ(none.housing.programmes[0].name, "flex homes 2022, planned");
  EXPECT_TRUE(none.capacity.tnv.empty());
  EXPECT_TRUE(none.levers.dublin.empty());

  const forecast::Config& restored = s.scenarios[2];
  ASSERT_EQ(restored.levers.dublin.size(), 1u);
  EXPECT_EQ(restored.levers.dublin[0].from, ymd(2023, 1, 2));
  EXPECT_FALSE(restored.levers.dublin[0].to.has_value());
  EXPECT_DOUBLE_EQ(restored.levers.dublin[0].value, 2.0);
  ASSERT_EQ(restored.levers.ret.size(), 1u);
  EXPECT_DOUBLE_EQ(restored.levers.ret[0].value, 1.5);
  EXPECT_TRUE(restored.levers.inflow.empty());
  EXPECT_EQ(restored.capacity.cno.places_per_region, 225);
}

TEST(ConfigSeed, ResolvedTomlIsStoredInTheSet) {
  const forecast::ScenarioSet s = load_seed();
  EXPECT_EQ(s.resolved_toml, to_toml(s));
  EXPECT_NE(s.resolved_toml.find("[[scenario]]\nname = \"no-crisis-measures\""), std::string::npos);
}

// ---- merging ----------------------------------------------------------------

TEST(ConfigMerge, EmptyFileIsTheSeedBaseWithoutScenarios) {
  const forecast::ScenarioSet e = load_config_text("", "empty.toml");
  const forecast::ScenarioSet s = load_seed();
  EXPECT_EQ(e.source, "empty.toml");
  ASSERT_EQ(e.names, std::vector<std::string>{"baseline"});
  EXPECT_EQ(to_toml(e.scenarios[0]), to_toml(s.scenarios[0]));
}

TEST(ConfigMerge, PartialFileOverridesOnlyItsKeysAndArraysReplace) {
  const forecast::ScenarioSet s = load_config_file(kData / "good" / "partial.toml");
  const forecast::ScenarioSet seed_set = load_seed();
  const forecast::Config& seed = seed_set.scenarios[0];
  ASSERT_EQ(s.names, (std::vector<std::string>{"baseline", "no-housing"}));
  const forecast::Config& c = s.scenarios[0];

  EXPECT_EQ(c.run.paths, 500);
  EXPECT_EQ(c.run.weeks, seed.run.weeks);  // inherited
  EXPECT_EQ(c.run.name, seed.run.name);
  EXPECT_DOUBLE_EQ(c.dublin.share.mean, 0.3);
  EXPECT_DOUBLE_EQ(c.dublin.share.sd, 0.0780);  // tables merge key by key
  EXPECT_DOUBLE_EQ(c.decisions.capacity_per_week.base, 349);
  ASSERT_EQ(c.decisions.capacity_per_week.periods.size(), 1u);
  EXPECT_EQ(c.decisions.capacity_per_week.periods[0].to, ymd(2023, 7, 3));
  EXPECT_DOUBLE_EQ(c.decisions.capacity_per_week.periods[0].value, 900);
  EXPECT_EQ(c.housing.taakstelling.size(), 3u);
  EXPECT_DOUBLE_EQ(c.housing.taakstelling.at("2023-H1"), 20000);
  EXPECT_DOUBLE_EQ(c.housing.taakstelling_default, 13500);
  ASSERT_EQ(c.capacity.changes.size(), 1u);
  EXPECT_EQ(c.capacity.changes[0].delta, 5000);
  ASSERT_EQ(c.capacity.tnv.size(), 2u);  // arrays of tables replace the seed's list
  EXPECT_EQ(c.capacity.tnv[0].name, "ship A");
  EXPECT_EQ(c.capacity.tnv[0].from, ymd(2022, 10, 3));  // "2022-W40"
  EXPECT_EQ(c.capacity.tnv[1].places, 750);
  ASSERT_EQ(c.levers.inflow.size(), 1u);
  EXPECT_TRUE(c.levers.dublin.empty());
  EXPECT_EQ(c.capacity.cno.places_per_region, seed.capacity.cno.places_per_region);
  EXPECT_EQ(c.housing.programmes.size(), seed.housing.programmes.size());

  const forecast::Config& sc = s.scenarios[1];
  EXPECT_TRUE(sc.housing.programmes.empty());
  EXPECT_EQ(sc.capacity.tnv.size(), 2u);  // scenarios overlay the resolved base
  EXPECT_DOUBLE_EQ(sc.dublin.share.mean, 0.3);
}

TEST(ConfigMerge, EnsembleAllExpandsToEveryVariable) {
  const forecast::ScenarioSet s = load_config_text("[output]\nensemble = \"all\"\n", "all.toml");
  const auto& e = s.scenarios[0].output.ensemble;
  ASSERT_EQ(e.size(), core::kNumVars);
  for (std::size_t i = 0; i < e.size(); ++i) EXPECT_EQ(e[i], core::kVarInfo[i].name);
  EXPECT_TRUE(load_config_text("[output]\nensemble = []\n", "x.toml").scenarios[0].output.ensemble.empty());
}

TEST(ConfigMerge, CapacityFormsAndAdjacentPeriods) {
  const forecast::ScenarioSet s = load_config_text(R"(
[registration]
capacity_per_week = { value = 2000, schedule = [{ from = 2022-07-04, to = 2022-08-03, value = 3000 },
                                                { from = 2022-08-01, value = 4000 }] }
[decisions]
capacity_per_week = 650
)",
                                                   "cap.toml");
  const forecast::Config& c = s.scenarios[0];
  // 2022-08-03 is in the week of Monday 2022-08-01: the periods touch, not overlap.
  EXPECT_DOUBLE_EQ(c.registration.capacity_per_week.base, 2000);
  EXPECT_EQ(c.registration.capacity_per_week.periods.size(), 2u);
  EXPECT_DOUBLE_EQ(c.decisions.capacity_per_week.base, 650);
  EXPECT_TRUE(c.decisions.capacity_per_week.periods.empty());

  // Given only as a schedule, the value outside the periods is the seed's.
  const forecast::Config only =
      load_config_text(
          "[registration]\ncapacity_per_week = { schedule = [{ from = 2022-07-04, value = 5 }] }\n"
          "[decisions]\ncapacity_per_week = [{ from = 2022-07-04, value = 900 }]\n",
          "sched.toml")
          .scenarios[0];
  EXPECT_DOUBLE_EQ(only.registration.capacity_per_week.base, 1000000);
  EXPECT_DOUBLE_EQ(only.decisions.capacity_per_week.base, 349);
  EXPECT_EQ(only.decisions.capacity_per_week.periods.size(), 1u);
}

// ---- round trip -------------------------------------------------------------

void expect_same(const forecast::ScenarioSet& a, const forecast::ScenarioSet& b) {
  ASSERT_EQ(a.names, b.names);
  for (std::size_t i = 0; i < a.scenarios.size(); ++i) {
    EXPECT_EQ(to_toml(a.scenarios[i]), to_toml(b.scenarios[i])) << a.names[i];
  }
  EXPECT_EQ(a.resolved_toml, b.resolved_toml);
}

TEST(ConfigRoundTrip, Seed) {
  const forecast::ScenarioSet s = load_seed();
  const forecast::ScenarioSet r = load_config_text(to_toml(s), "resolved.toml");
  expect_same(s, r);
  const forecast::Config& a = s.scenarios[1];
  const forecast::Config& b = r.scenarios[1];
  EXPECT_EQ(a.capacity.cno.places_per_region, b.capacity.cno.places_per_region);
  EXPECT_EQ(a.housing.programmes[0].persons, b.housing.programmes[0].persons);
  EXPECT_EQ(s.scenarios[2].levers.ret[0].from, r.scenarios[2].levers.ret[0].from);
}

TEST(ConfigRoundTrip, PartialFileWithEmptyListsAndSchedules) {
  const forecast::ScenarioSet s = load_config_file(kData / "good" / "partial.toml");
  expect_same(s, load_config_text(s.resolved_toml, "resolved.toml"));
}

TEST(ConfigRoundTrip, NumbersAreExact) {
  const forecast::ScenarioSet s = load_config_text(R"(
[inflow]
level = { mean = 6.300000000000001, sd = 0.30000000000000004 }
ar_sigma = 1e-300
[costs]
regular_place_week = 521.1538461538462
[capacity]
tnv = []
[[housing.programme]]
name = "flex \"homes\" \\ 2024"
from = 2024-01-01
persons_per_year = 15000.5
region = "VR13"
[[scenario]]
name = "s"
[scenario.capacity]
regular = 50000
[scenario.levers]
guardian = [{ from = 2023-01-02, to = 2024-01-01, value = 0.1 }]
)",
                                                   "exact.toml");
  const forecast::ScenarioSet r = load_config_text(s.resolved_toml, "resolved.toml");
  expect_same(s, r);
  EXPECT_EQ(r.scenarios[0].inflow.level.mean, 6.300000000000001);
  EXPECT_EQ(r.scenarios[0].inflow.level.sd, 0.30000000000000004);
  EXPECT_EQ(r.scenarios[0].inflow.ar_sigma, 1e-300);
  EXPECT_EQ(r.scenarios[0].costs.regular_place_week, 521.1538461538462);
  EXPECT_EQ(r.scenarios[0].housing.programmes[0].name, "flex \"homes\" \\ 2024");
  EXPECT_EQ(r.scenarios[1].capacity.regular, 50000);
  EXPECT_TRUE(r.scenarios[1].capacity.tnv.empty());
}

// ---- malformed configurations -------------------------------------------------

struct Bad {
  const char* label;
  const char* text;
  const char* key;      // expected ConfigError::key
  const char* allowed;  // expected to occur in ConfigError::allowed
  int line;             // expected line
  const char* file = "bad.toml";
};

void PrintTo(const Bad& b, std::ostream* os) { *os << b.label; }

class ConfigBad : public testing::TestWithParam<Bad> {};

TEST_P(ConfigBad, NamesKeyAllowedAndLine) {
  const Bad& b = GetParam();
  try {
    load_config_text(b.text, "bad.toml");
    FAIL() << "no error for: " << b.text;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key, b.key) << e.what();
    EXPECT_NE(e.allowed.find(b.allowed), std::string::npos) << e.what();
    EXPECT_EQ(e.line, b.line) << e.what();
    EXPECT_EQ(e.file, b.file) << e.what();
    // what() is "<file>:<line>: key '<key>' = <found>: <allowed>".
    const std::string head = std::string(b.file) + ":" + std::to_string(b.line) + ": ";
    EXPECT_EQ(std::string(e.what()).rfind(head, 0), 0u) << e.what();
    if (*b.key != '\0') {
      EXPECT_NE(std::string(e.what()).find("key '" + std::string(b.key) + "'"), std::string::npos);
    }
  }
}

const Bad kBad[] = {
    {"syntax", "[run\nweeks = 3\n", "", "TOML syntax error", 1},
    {"unknown_table", "\n[runn]\nweeks = 3\n", "runn",
     "unknown key; allowed keys at the top level: run, output, initial", 2},
    {"unknown_key", "[run]\nweek = 3\n", "run.week",
     "unknown key; allowed keys in [run]: name, start, weeks, paths, seed, regions, sobol_parameters", 2},
    {"string_for_number", "[rejected]\nleave_weekly = \"0.1\"\n", "rejected.leave_weekly", "a finite number in [0, 1]",
     2},
    {"float_for_integer", "[run]\npaths = 1.5\n", "run.paths", "an integer in 1..100000000", 2},
    {"nan", "[inflow]\nar_sigma = nan\n", "inflow.ar_sigma", "a finite number >= 0", 2},
    {"inf", "[costs]\n\ncno_place_week = inf\n", "costs.cno_place_week", "a finite number >= 0", 3},
    {"negative_paths", "[run]\npaths = -5\n", "run.paths", "an integer in 1..100000000", 2},
    {"zero_weeks", "[run]\nweeks = 0\n", "run.weeks", "an integer in 1..1560", 2},
    {"absurd_weeks", "[run]\nweeks = 100000\n", "run.weeks", "an integer in 1..1560", 2},
    {"probability_above_1", "[rejected]\nreturn_weekly = 1.5\n", "rejected.return_weekly", "a finite number in [0, 1]",
     2},
    {"beta_sd_impossible", "[dublin]\nshare = { mean = 0.2, sd = 0.6 }\n", "dublin.share.sd",
     "a Beta prior needs sd² < mean·(1 − mean) = 0.16", 2},
    {"beta_mean_against_seed_sd", "[dublin]\nshare.mean = 0.9995\n", "dublin.share.mean",
     "found sd = 0.078 (sd from the seed defaults)", 2},
    {"scenario_prior_table_without_mean",  // a table replaces the base's plain number
     "[dublin]\nshare = 0.9995\n[[scenario]]\nname = \"s\"\n[scenario.dublin]\nshare.sd = 0.1\n",
     "scenario[s].dublin.share.mean", "a finite number", 6},
    {"beta_mean_at_bound", "[decisions]\ngrant_rate = { mean = 1.0, sd = 0.1 }\n", "decisions.grant_rate.mean",
     "a Beta prior with sd > 0 needs 0 < mean < 1", 2},
    {"gamma_mean_zero", "[nareis]\nper_grant = { mean = 0, sd = 0.1 }\n", "nareis.per_grant.mean",
     "a Gamma prior with sd > 0 needs mean > 0", 2},
    {"prior_wrong_type", "[housing]\nrealisation = \"high\"\n", "housing.realisation",
     "a prior { mean = m, sd = s } or a number", 2},
    {"start_not_monday", "[run]\nstart = 2022-06-23\n", "run.start", "a Monday", 2},
    {"start_weekday_named", "[run]\nstart = 2022-06-23\n", "run.start", "this date is a Thursday", 2},
    {"bad_date_string", "[capacity.cno]\nfrom = \"next summer\"\n", "capacity.cno.from",
     "a date such as 2022-07-01, or an ISO week such as \"2023-W02\"", 2},
    {"bad_iso_week", "[[capacity.tnv]]\nname = \"x\"\nplaces = 1\nfrom = \"2022-W53\"\nweeks = 2\n",
     "capacity.tnv[0].from", "an ISO week", 4},
    {"impossible_date", "[capacity.cno]\nfrom = 2022-02-30\n", "", "TOML syntax error", 2},
    {"date_time_for_date", "[capacity.cno]\nfrom = 2022-07-01T10:00:00\n", "capacity.cno.from", "a date such as", 2},
    {"overlapping_lever_periods",
     "[levers]\ninflow = [{ from = 2023-01-02, to = 2023-03-06, value = 0.8 },\n"
     "          { from = 2023-02-06, value = 0.5 }]\n",
     "levers.inflow[1].from", "must not overlap", 3},
    {"overlap_reported_on_later_period",  // 2023-03-21 lies in the week after 2023-03-13
     "[levers]\nnareis = [{ from = 2023-03-13, value = 0.5 },\n"
     "  { from = 2023-01-02, to = 2023-03-21, value = 0.8 }]\n",
     "levers.nareis[1].from", "overlaps period 0", 3},
    {"to_before_from", "[levers]\nreturn = [{ from = 2023-03-06, to = 2023-01-02, value = 2 }]\n",
     "levers.return[0].to", "a date in a later week than 'from' (2023-03-06)", 2},
    {"to_in_same_week", "[levers]\nreturn = [{ from = 2023-03-06, to = 2023-03-10, value = 2 }]\n",
     "levers.return[0].to", "a later week", 2},
    {"lever_negative", "[levers]\ndublin = [{ from = 2023-03-06, value = -1 }]\n", "levers.dublin[0].value",
     "a finite number >= 0", 2},
    {"period_unknown_key", "[levers]\ndublin = [{ from = 2023-03-06, factor = 2 }]\n", "levers.dublin[0].factor",
     "allowed keys in [levers.dublin[0]]: from, to, value", 2},
    {"capacity_schedule_overlap",
     "[decisions]\ncapacity_per_week = { value = 800, schedule = [\n"
     "  { from = 2023-01-02, value = 900 },\n  { from = 2023-06-05, value = 1000 }] }\n",
     "decisions.capacity_per_week.schedule[1].from", "must not overlap", 4},
    {"capacity_wrong_type", "[registration]\ncapacity_per_week = true\n", "registration.capacity_per_week",
     "a number >= 0, a schedule", 2},
    {"duplicate_scenario_names", "[[scenario]]\nname = \"a\"\n[[scenario]]\nname = \"a\"\n", "scenario[1].name",
     "a name not used by another scenario (scenario 0, line 2", 4},
    {"scenario_named_baseline", "[[scenario]]\nname = \"baseline\"\n", "scenario[0].name", "other than \"baseline\"",
     2},
    {"scenario_without_name", "[[scenario]]\n[scenario.levers]\ninflow = []\n", "scenario[0].name",
     "every scenario needs a name", 1},
    {"scenario_changes_run", "[[scenario]]\nname = \"long\"\n[scenario.run]\nweeks = 520\n", "scenario[long].run",
     "scenarios share run and output settings", 3},
    {"scenario_changes_output", "[[scenario]]\nname = \"o\"\noutput.path = \"o.h5\"\n", "scenario[o].output",
     "scenarios share run and output settings", 3},
    {"scenario_unknown_key", "[[scenario]]\nname = \"s\"\n[scenario.dublin]\nsahre = 0.1\n", "scenario[s].dublin.sahre",
     "allowed keys in [scenario[s].dublin]: share", 4},
    {"scenario_invalid_value", "[[scenario]]\nname = \"s\"\n[scenario.capacity.adaptive]\nstep = 0\n",
     "scenario[s].capacity.adaptive.step", "an integer in 1..1000000000", 4},
    {"unknown_ensemble_variable", "[output]\nensemble = [\"occupancy\", \"ocupancy\"]\n", "output.ensemble[1]",
     "an output variable name: first_applications, repeat_applications", 2},
    {"ensemble_bad_string", "[output]\nensemble = \"none\"\n", "output.ensemble",
     "\"all\", [] or a list of output variable names", 2},
    {"quantiles_not_increasing", "[output]\nquantiles = [0.1, 0.5, 0.5, 0.9]\n", "output.quantiles[2]",
     "strictly increasing", 2},
    {"quantiles_empty", "[output]\nquantiles = []\n", "output.quantiles", "a non-empty array", 2},
    {"quantile_one", "[output]\nquantiles = [0.5, 1.0]\n", "output.quantiles[1]", "a finite number in (0, 1)", 2},
    {"period_unknown", "[output]\nperiods = [\"month\"]\n", "output.periods[0]",
     "\"quarter\", \"half-year\" or \"year\"", 2},
    {"risk_level_zero", "[output]\nrisk_levels = [0.0]\n", "output.risk_levels[0]", "a finite number in (0, 1)", 2},
    {"season_wrong_length", "[inflow]\nseason = [1, 1, 1]\n", "inflow.season", "exactly 12 monthly factors", 2},
    {"season_zero_factor", "[inflow]\nseason = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]\n", "inflow.season[5]",
     "a finite number > 0", 2},
    {"programme_persons_and_rate",
     "[[housing.programme]]\nname = \"p\"\nfrom = 2023-01-02\nweeks = 4\npersons = 10\n"
     "persons_per_year = 100\n",
     "housing.programme[0].persons_per_year", "either 'persons' or 'persons_per_year'", 6},
    {"programme_persons_without_duration", "[[housing.programme]]\nname = \"p\"\nfrom = 2023-01-02\npersons = 10\n",
     "housing.programme[0].weeks", "needs 'weeks' or 'to'", 1},
    {"programme_unknown_region",
     "[[housing.programme]]\nname = \"p\"\nfrom = 2023-01-02\npersons_per_year = 10\n"
     "region = \"VR26\"\n",
     "housing.programme[0].region", "a safety-region code VR01..VR25", 5},
    {"programme_missing_from", "[[housing.programme]]\nname = \"p\"\npersons_per_year = 10\n",
     "housing.programme[0].from", "a date", 1},
    {"taakstelling_bad_key", "[housing]\ntaakstelling = { \"2022-H3\" = 100 }\n", "housing.taakstelling.2022-H3",
     "half-years such as \"2023-H1\"", 2},
    {"taakstelling_negative", "[housing]\ntaakstelling = { default = -1 }\n", "housing.taakstelling.default",
     "a finite number >= 0", 2},
    {"adaptive_lower_not_below_upper", "[capacity.adaptive]\nlower = 0.9\nupper = 0.9\n", "capacity.adaptive.lower",
     "0 < lower < upper", 2},
    {"ar_phi_one", "[inflow]\nar_phi = 1\n", "inflow.ar_phi", "a finite number in (-1, 1)", 2},
    {"shock_mean_zero", "[inflow]\nshock_mean = 0\n", "inflow.shock_mean", "a finite number > 0", 2},
    {"correlation_above_one", "[inflow]\nlevel_trend_correlation = 1.5\n", "inflow.level_trend_correlation",
     "a finite number in [-1, 1]", 2},
    {"output_path_not_h5", "[output]\npath = \"results.csv\"\n", "output.path", "a file name ending in .h5 (or .nc)",
     2},
    {"regions_unknown", "[run]\nregions = \"provinces\"\n", "run.regions", "\"national\" or \"safety-regions\"", 2},
    {"deadline_zero", "[dublin]\ndeadline_weeks = 0\n", "dublin.deadline_weeks", "an integer in 1..104", 2},
    {"max_lag_too_long", "[nareis]\nmax_lag_weeks = 600\n", "nareis.max_lag_weeks", "an integer in 1..520", 2},
    {"phaseout_margin_one", "[capacity.cno]\nphaseout = { margin = 1.0 }\n", "capacity.cno.phaseout.margin",
     "a finite number in [0, 1)", 2},
    {"tnv_duplicate_names",
     "[[capacity.tnv]]\nname = \"ship\"\nplaces = 1\nfrom = 2022-08-01\nweeks = 2\n"
     "[[capacity.tnv]]\nname = \"ship\"\nplaces = 1\nfrom = 2022-09-05\nweeks = 2\n",
     "capacity.tnv[1].name", "a name not used by another facility", 7},
    {"tnv_zero_weeks", "[[capacity.tnv]]\nname = \"ship\"\nplaces = 1\nfrom = 2022-08-01\nweeks = 0\n",
     "capacity.tnv[0].weeks", "an integer in 1..20000", 5},
    {"change_float_delta", "[capacity]\nchanges = [{ at = 2023-01-02, delta = 10.5 }]\n", "capacity.changes[0].delta",
     "an integer", 2},
    {"table_expected", "run = 5\n", "run", "a table", 1},
    {"binary_junk",
     "\x7f"
     "ELF\x02\x01\x01\x00\xff\xfe\x00\x00",
     "", "TOML syntax error", 1},
    {"invalid_utf8", "[run]\nname = \"\xc3\x28\"\n", "", "TOML syntax error", 2},
};

INSTANTIATE_TEST_SUITE_P(Cases, ConfigBad, testing::ValuesIn(kBad),
                         [](const testing::TestParamInfo<Bad>& i) { return i.param.label; });

TEST(ConfigBadFile, BinaryJunkWithNulBytes) {
  const std::string junk("\x00\x01\x02garbage\x00\xff", 12);
  EXPECT_THROW(load_config_text(junk, "junk.toml"), ConfigError);
}

TEST(ConfigBadFile, LargerThanOneMiB) {
  const std::string big(kMaxConfigBytes + 1, '#');
  try {
    load_config_text(big, "big.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "big.toml: configuration file is larger than 1 MiB");
  }
  const auto path = std::filesystem::temp_directory_path() / "chainsim_test_config_big.toml";
  {
    std::ofstream out(path, std::ios::binary);
    out << big;
  }
  try {
    load_config_file(path);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than 1 MiB"), std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST(ConfigBadFile, MissingFileIsInputMissing) {
  EXPECT_THROW(load_config_file(kData / "good" / "does-not-exist.toml"), InputMissingError);
  EXPECT_THROW(load_config_file(kData), InputMissingError);  // a directory
}

TEST(ConfigBadFile, DeeplyNestedKeysDoNotCrash) {
  // toml++ itself overflows the stack on ~50,000 levels; the loader refuses first.
  for (int levels : {500, 5000, 100000}) {
    std::string deep = "a";
    for (int i = 0; i < levels; ++i) deep += ".a";
    EXPECT_THROW(load_config_text("\n" + deep + " = 1\n", "deep.toml"), ConfigError) << levels;
  }
  try {
    load_config_text("[run]\n" + std::string(2000, '.') + "\n", "deep.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line, 2);
    EXPECT_NE(e.allowed.find("keys nested this deeply are refused"), std::string::npos);
  }
  // Hostile nesting of values is stopped by the parser.
  EXPECT_THROW(load_config_text("a = " + std::string(300, '[') + std::string(300, ']'), "deep.toml"), ConfigError);
}

TEST(ConfigBadFile, MessageFormat) {
  try {
    load_config_text("[dublin]\nshare = { mean = 0.2, sd = 0.6 }\n", "seed.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "seed.toml:2: key 'dublin.share.sd' = 0.6: a Beta prior needs sd² < "
                 "mean·(1 − mean) = 0.16; found sd = 0.6");
    EXPECT_EQ(e.found, "0.6");
  }
}

}  // namespace

namespace chainsim {
namespace {

// print-config: each key with its unit and source; still loads as the same configuration.
TEST(ConfigDocs, AnnotatedConfigurationNamesUnitsAndSourcesAndLoadsBack) {
  const forecast::ScenarioSet set = io::load_config_text("[inflow]\nlevel = { mean = 6.1, sd = 0.2 }\n", "mine.toml");
  const std::string text = io::annotate(set);
  EXPECT_NE(text.find("level = { mean = 6.1, sd = 0.2 }  # [log persons/week] from mine.toml:2"), std::string::npos)
      << text.substr(0, 2000);
  // A key the file does not state: the seed's own note on its source.
  EXPECT_NE(text.find("ar_phi = "), std::string::npos);
  EXPECT_NE(text.find("  # [1 per week] seed: data: "), std::string::npos) << text.substr(0, 3000);
  const forecast::ScenarioSet again = io::load_config_text(text, "printed.toml");
  ASSERT_EQ(again.scenarios.size(), set.scenarios.size());
  EXPECT_EQ(io::to_toml(again.scenarios[0]), io::to_toml(set.scenarios[0]));
}

// A file with its own level and trend priors inherits the seed's other
// calibrated inflow values (the AR dynamics, the starting deviation): they are
// named, so the run's log can say so.
TEST(ConfigDocs, InheritedCalibratedKeysAreListed) {
  const forecast::ScenarioSet set = io::load_config_text(
      "[inflow]\nlevel = { mean = 6.1, sd = 0.2 }\ntrend_per_year = { mean = 0.0, sd = 0.01 }\n", "mine.toml");
  const auto keys = io::inherited_calibrated_keys(set);
  const auto has = [&](const std::string& k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  EXPECT_TRUE(has("inflow.ar_phi"));
  EXPECT_TRUE(has("inflow.start_deviation"));
  EXPECT_FALSE(has("inflow.level"));
  EXPECT_FALSE(has("inflow.trend_per_year"));
  EXPECT_TRUE(io::inherited_calibrated_keys(io::load_seed()).empty());
  EXPECT_EQ(io::key_unit("decisions.withdrawn_share"), "share of closures");
}

}  // namespace
}  // namespace chainsim
