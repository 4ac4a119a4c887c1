// Scenario semantics a user can predict (issue 20): a list in a layer replaces
// the list below it, `<list>_add` appends to it; the per-scenario report of
// every resolved value that differs from the baseline; and the notices for a
// valid file that probably does not do what its author meant.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "io/config_toml.hpp"
#include "io/config_warnings.hpp"
#include "io/scenario_diff.hpp"

namespace {

using namespace chainsim;
using namespace chainsim::io;

std::vector<std::string> tnv_names(const forecast::Config& c) {
  std::vector<std::string> out;
  for (const auto& l : c.capacity.tnv) out.push_back(l.name);
  return out;
}

std::vector<std::string> texts(const std::vector<ValueChange>& v) {
  std::vector<std::string> out;
  for (const auto& c : v) out.push_back(c.text());
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

const std::string kOwnRun = "[run]\nname = \"mine\"\n[output]\npath = \"mine.h5\"\n";

const std::string kCruiseShip4 = "name = \"cruise ship 4\"\nplaces = 1000\nfrom = 2022-10-03\nweeks = 26\n";

// ---- lists: replace, or append with _add --------------------------------------

TEST(ScenarioLists, AListInAScenarioReplacesTheBaseList) {
  const auto set = load_config_text(
      kOwnRun + "[[scenario]]\nname = \"one ship\"\n[[scenario.capacity.tnv]]\n" + kCruiseShip4, "f.toml");
  EXPECT_EQ(tnv_names(set.scenarios[1]), std::vector<std::string>{"cruise ship 4"});
}

TEST(ScenarioLists, TheAddFormAppendsToTheBaseList) {
  const auto set = load_config_text(
      kOwnRun + "[[scenario]]\nname = \"four ships\"\n[[scenario.capacity.tnv_add]]\n" + kCruiseShip4, "f.toml");
  EXPECT_EQ(tnv_names(set.scenarios[0]), (std::vector<std::string>{"cruise ship 1", "cruise ship 2", "cruise ship 3"}));
  EXPECT_EQ(tnv_names(set.scenarios[1]),
            (std::vector<std::string>{"cruise ship 1", "cruise ship 2", "cruise ship 3", "cruise ship 4"}));
  // The resolved file (print-config) loads back to the same configurations.
  const auto again = load_config_text(to_toml(set), "resolved.toml");
  ASSERT_EQ(again.scenarios.size(), 2u);
  EXPECT_EQ(to_toml(again.scenarios[1]), to_toml(set.scenarios[1]));
}

TEST(ScenarioLists, TheAddFormWorksInTheBaseAndForInlineLists) {
  const auto set = load_config_text(kOwnRun + "[[capacity.tnv_add]]\n" + kCruiseShip4 +
                                        "[levers]\ninflow_add = [{ from = 2023-01-02, value = 1.3 }]\n",
                                    "f.toml");
  EXPECT_EQ(set.scenarios[0].capacity.tnv.size(), 4u);
  ASSERT_EQ(set.scenarios[0].levers.inflow.size(), 1u);
  EXPECT_DOUBLE_EQ(set.scenarios[0].levers.inflow[0].value, 1.3);
}

TEST(ScenarioLists, ScenarioAddKeepsTheSeedsScenarios) {
  const auto set = load_config_text("[run]\npaths = 500\n[[scenario_add]]\nname = \"mine\"\n", "f.toml");
  EXPECT_EQ(set.names,
            (std::vector<std::string>{"baseline", "no-crisis-measures", "dublin-and-return-restored", "mine"}));
  const auto plain = load_config_text("[run]\npaths = 500\n", "f.toml");
  EXPECT_EQ(plain.names, std::vector<std::string>{"baseline"});
}

TEST(ScenarioLists, AnAddedEntryIsReportedAtItsOwnLine) {
  // Line 6 of the file is the bad places of the added entry.
  const std::string text = kOwnRun +
                           "[[scenario]]\nname = \"s\"\n[[scenario.capacity.tnv_add]]\nplaces = -5\n"
                           "name = \"x\"\nfrom = 2022-10-03\nweeks = 26\n";
  try {
    load_config_text(text, "f.toml");
    FAIL() << "accepted a negative number of places";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file, "f.toml");
    EXPECT_EQ(e.line, 8) << e.what();
    EXPECT_NE(e.key.find("scenario[s].capacity.tnv["), std::string::npos) << e.what();
  }
}

TEST(ScenarioLists, MisusedAddFormsAreErrors) {
  const auto error = [](const std::string& text) -> std::string {
    try {
      load_config_text(text, "f.toml");
    } catch (const ConfigError& e) {
      return e.key + " | " + e.allowed;
    }
    return "accepted";
  };
  // Both forms of one list.
  EXPECT_NE(error("[capacity]\ntnv = []\ntnv_add = []\n").find("not both"), std::string::npos);
  // _add beside something that is not a list.
  EXPECT_NE(error("[capacity]\nregular_add = [1]\n").find("capacity.regular is not a list"), std::string::npos);
  EXPECT_NE(error("[capacity]\nships_add = [1]\n").find("capacity.ships is not a list"), std::string::npos);
  // _add with something other than a list.
  EXPECT_NE(
      error("[[scenario]]\nname = \"s\"\n[scenario.capacity]\ntnv_add = 3\n").find("scenario[s].capacity.tnv_add"),
      std::string::npos);
}

// ---- the per-scenario report -----------------------------------------------

TEST(ScenarioDiff, NamesEachChangedValue) {
  const auto set = load_config_text(
      kOwnRun +
          "[[capacity.tnv]]\nname = \"cruise ship 1\"\nplaces = 1000\nfrom = 2022-07-01\nweeks = 26\n"
          "[[scenario]]\nname = \"two ships\"\n[[scenario.capacity.tnv_add]]\nname = \"cruise ship 2\"\n"
          "places = 1000\nfrom = 2022-08-01\nweeks = 26\n"
          "[[scenario]]\nname = \"bigger ship\"\n[[scenario.capacity.tnv]]\nname = \"cruise ship 1\"\n"
          "places = 2000\nfrom = 2022-07-01\nweeks = 26\n[scenario.levers]\n"
          "inflow = [{ from = 2023-01-02, value = 1.3 }]\n"
          "[[scenario]]\nname = \"same\"\n",
      "f.toml");
  const auto two = texts(scenario_changes(set.scenarios[0], set.scenarios[1]));
  EXPECT_EQ(two.size(), 2u) << joined(two);
  EXPECT_TRUE(contains(two, "capacity.tnv: [cruise ship 1] → [cruise ship 1, cruise ship 2]")) << joined(two);
  EXPECT_TRUE(contains(two,
                       "capacity.tnv[cruise ship 2]: added { from = 2022-08-01, name = \"cruise ship 2\", "
                       "places = 1000, weeks = 26 }"))
      << joined(two);

  const auto bigger = texts(scenario_changes(set.scenarios[0], set.scenarios[2]));
  EXPECT_TRUE(contains(bigger, "capacity.tnv[cruise ship 1].places: 1000 → 2000")) << joined(bigger);
  EXPECT_TRUE(contains(bigger, "levers.inflow: [] → [{ from = 2023-01-02, value = 1.3 }]")) << joined(bigger);
  EXPECT_EQ(bigger.size(), 2u) << joined(bigger);

  EXPECT_TRUE(scenario_changes(set.scenarios[0], set.scenarios[3]).empty());
  const auto report = scenario_change_report(set);
  EXPECT_TRUE(contains(report, "scenario \"same\" does not differ from the baseline")) << joined(report);
  EXPECT_TRUE(contains(report, "scenario \"two ships\" differs from the baseline in 2 values:")) << joined(report);
}

TEST(ScenarioDiff, TheSeedsScenariosShowWhatTheyChange) {
  const auto seed = load_seed();
  const auto none = texts(scenario_changes(seed.scenarios[0], seed.scenarios[1]));
  EXPECT_TRUE(contains(none, "capacity.tnv: [cruise ship 1, cruise ship 2, cruise ship 3] → []")) << joined(none);
  EXPECT_TRUE(contains(none, "capacity.cno.places_per_region: 225 → 0")) << joined(none);
  const auto dublin = texts(scenario_changes(seed.scenarios[0], seed.scenarios[2]));
  EXPECT_TRUE(contains(dublin, "levers.dublin: [] → [{ from = 2023-01-02, value = 2.0 }]")) << joined(dublin);
  EXPECT_EQ(dublin.size(), 2u) << joined(dublin);
}

TEST(ScenarioDiff, AnOutputNameThatIsNotUtf8DoesNotStopTheReport) {
  // --out may name a file in bytes that are not UTF-8; the run's pre-flight
  // refuses it with its own message, which the report must not pre-empt.
  forecast::ScenarioSet seed = load_seed();
  for (auto& c : seed.scenarios) c.output.path = "c\xff.h5";
  EXPECT_NO_THROW(scenario_change_report(seed));
  EXPECT_EQ(scenario_changes(seed.scenarios[0], seed.scenarios[2]).size(), 2u);
}

// ---- notices ---------------------------------------------------------------

std::vector<std::string> notices(const std::string& text, bool warnings) {
  std::vector<std::string> out;
  for (const auto& n : config_notices(load_config_text(text, "f.toml"), load_seed()))
    if (n.warning == warnings) out.push_back(n.text);
  return out;
}

bool any_has(const std::vector<std::string>& v, const std::string& part) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

TEST(ConfigNotices, TheSeedHasNone) {
  EXPECT_TRUE(config_notices(load_seed(), load_seed()).empty());
  EXPECT_TRUE(notices(kOwnRun + "[[scenario_add]]\nname = \"x\"\n", true).empty());
}

TEST(ConfigNotices, AFileKeepingTheSeedsNameAndDroppingItsScenarios) {
  const auto w = notices("[run]\npaths = 500\n", true);
  EXPECT_TRUE(any_has(w, "run.name is the seed's \"seed-2022-06\"")) << joined(w);
  EXPECT_TRUE(any_has(w, "output.path is the seed's")) << joined(w);
  const auto n = notices("[run]\npaths = 500\n", false);
  EXPECT_TRUE(any_has(n, "no-crisis-measures, dublin-and-return-restored are not run")) << joined(n);
  EXPECT_TRUE(notices(kOwnRun, true).empty()) << joined(notices(kOwnRun, true));
}

TEST(ConfigNotices, DatesOutsideTheHorizon) {
  // The seed runs 260 weeks from 2022-06-20; with 52 weeks it ends on 2023-06-18.
  const std::string text =
      "[run]\nname = \"mine\"\nweeks = 52\n[output]\npath = \"mine.h5\"\n"
      "[[capacity.tnv_add]]\nname = \"late ship\"\nplaces = 1000\n"
      "from = 2024-01-01\nweeks = 26\n"
      "[levers]\ndublin = [{ from = 2025-01-06, value = 2.0 }]\n"
      "[[housing.programme_add]]\nname = \"early homes\"\nfrom = 2022-01-03\n"
      "persons = 100.0\nweeks = 10\n";
  const auto w = notices(text, true);
  EXPECT_TRUE(any_has(w, "capacity.tnv[late ship] opens on 2024-01-01, after the last simulated week")) << joined(w);
  EXPECT_TRUE(any_has(w, "levers.dublin[0] starts on 2025-01-06, after the last simulated week")) << joined(w);
  EXPECT_TRUE(any_has(w, "housing.programme[early homes] starts on 2022-01-03, before run.start 2022-06-20"))
      << joined(w);
}

TEST(ConfigNotices, TheSeedsEntriesOutsideAShortRunAreNotTheUsersDoing) {
  // Three weeks leave most of the seed's TNV locations, capacity steps and
  // programmes after the run: the file did not write them, so no warning.
  const std::string shortrun = "[run]\nname = \"mine\"\nweeks = 3\n[output]\npath = \"mine.h5\"\n";
  EXPECT_TRUE(notices(shortrun, true).empty()) << joined(notices(shortrun, true));
  const auto w = notices(shortrun + "[[capacity.tnv_add]]\n" + kCruiseShip4, true);
  ASSERT_EQ(w.size(), 1u) << joined(w);
  EXPECT_TRUE(any_has(w, "capacity.tnv[cruise ship 4] opens on 2022-10-03")) << joined(w);
}

TEST(ConfigNotices, OutputInAMissingFolder) {
  const auto w = notices("[run]\nname = \"x\"\n[output]\npath = \"no-such-folder-7f3a/x.h5\"\n", true);
  EXPECT_TRUE(any_has(w, "the folder no-such-folder-7f3a does not exist")) << joined(w);
}

}  // namespace
