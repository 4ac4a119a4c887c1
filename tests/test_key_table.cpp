// The key table (core/model/key_table.hpp, io/config_keys.hpp) against what it
// drives: the reader, the printer and docs/configuration.md's key reference.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "forecast/resolve.hpp"
#include "io/config_docs.hpp"
#include "io/config_keys.hpp"
#include "io/config_reader.hpp"
#include "io/config_reference.hpp"
#include "io/config_toml.hpp"
#include "model_fixtures.hpp"

namespace chainsim {
namespace {

const std::filesystem::path kReferenceDoc =
    std::filesystem::path(CHAINSIM_TEST_DATA_DIR) / ".." / ".." / "docs" / "configuration.md";

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The document's key tables are the table's: regenerate them with
// CHAINSIM_UPDATE_DOCS=1 ctest -R KeyTable.ReferenceDocumentIsUpToDate.
TEST(KeyTable, ReferenceDocumentIsUpToDate) {
  const std::string doc = read_text(kReferenceDoc);
  ASSERT_FALSE(doc.empty()) << kReferenceDoc;
  const std::string updated = io::update_key_reference(doc);
  if (updated != doc && std::getenv("CHAINSIM_UPDATE_DOCS") != nullptr) {
    std::ofstream(kReferenceDoc, std::ios::binary) << updated;
    return;
  }
  EXPECT_EQ(updated, doc) << "docs/configuration.md's key tables differ from core/model/key_table.hpp; rerun this "
                             "test with CHAINSIM_UPDATE_DOCS=1 to regenerate them";
}

TEST(KeyTable, ReferenceNeedsAMarkerForEveryTable) {
  EXPECT_THROW(io::update_key_reference("<!-- key-table: run -->\n<!-- /key-table -->\n"), std::runtime_error);
  EXPECT_THROW(io::update_key_reference("<!-- key-table: nosuch -->\n<!-- /key-table -->\n"), std::runtime_error);
}

TEST(KeyTable, PathsAreUniqueAndFound) {
  std::set<std::string> seen;
  for (const auto* list : {&io::config_keys(), &io::element_keys()}) {
    for (const io::KeySpec& k : *list) {
      EXPECT_TRUE(seen.insert(k.path()).second) << k.path();
      EXPECT_EQ(io::find_key(k.path()), &k) << k.path();
      EXPECT_FALSE(k.doc.empty()) << k.path();
    }
  }
  EXPECT_EQ(io::find_key("inflow.no_such_key"), nullptr);
  EXPECT_EQ(io::top_level_tables().front(), "run");
  EXPECT_EQ(io::top_level_tables().back(), "levers");
}

// Units: the table's, and an inline table's the units of its keys.
TEST(KeyTable, Units) {
  EXPECT_EQ(io::key_unit("decisions.withdrawn_share"), "share of closures");
  EXPECT_EQ(io::key_unit("housing.programme.persons_per_year"), "persons/year");
  EXPECT_EQ(io::key_unit("decisions.response"), "weeks, cases/week");
  EXPECT_EQ(io::key_unit("capacity.cno.phaseout"), "share, weeks");
  EXPECT_EQ(io::key_unit("run.name"), "");
  EXPECT_EQ(io::key_unit("no.such"), "");
}

// A document without the optional keys reads as their defaults, which is
// what reset_optional_keys (and so the first-model fixture) sets. (A user's
// file is laid over the seed, which states every key, so the reader itself is
// given the seed's resolved text without them; all at once, since one may
// need another: housing.min_wait_weeks > 0 needs the waiting times.)
TEST(KeyTable, AbsentOptionalKeysTakeTheirDefaults) {
  const std::string seed_text = io::to_toml(io::load_seed().scenarios.front());
  std::istringstream in(seed_text);
  std::string text, table;
  int removed = 0;
  for (std::string l; std::getline(in, l);) {
    if (l.starts_with("[")) table = l.substr(1, l.find(']') - 1);
    const io::KeySpec* k = io::find_key(table + "." + l.substr(0, l.find(" = ")));
    if (k != nullptr && k->optional && l.find(" = ") != std::string::npos) {
      ++removed;
      continue;
    }
    text += l + "\n";
  }
  EXPECT_GE(removed, 12);
  const toml::table doc = io::detail::parse_toml(text, "absent.toml");
  const io::detail::View view = io::detail::View::of(doc);
  const std::map<std::string, double> bases{{"registration.capacity_per_week", 0.0},
                                            {"decisions.capacity_per_week", 0.0}};
  const forecast::Config absent = io::detail::read_config(view, "", false, bases);
  forecast::Config reset = io::load_seed().scenarios.front();
  io::reset_optional_keys(reset);
  const forecast::Config defaults{};
  for (const io::KeySpec& k : io::config_keys()) {
    if (!k.optional) continue;
    EXPECT_EQ(io::key_value(absent, k), io::key_value(defaults, k)) << k.path();
    EXPECT_EQ(io::key_value(reset, k), io::key_value(defaults, k)) << k.path();
  }
}

// Every key the kernel takes as it is arrives in the ModelSpec unchanged.
TEST(KeyTable, ResolveCopiesTheModelColumn) {
  const forecast::Config c = testing::all_mechanisms_on(io::load_seed().scenarios.front());
  const core::ModelSpec s = forecast::resolve(c);
  EXPECT_EQ(s.ar_phi, c.inflow.ar_phi);
  EXPECT_EQ(s.minors_share, c.minors.share_of_grants);
  EXPECT_EQ(s.initial_queue, c.initial.registration_queue);
  EXPECT_EQ(s.dublin_deadline_weeks, c.dublin.deadline_weeks);
  EXPECT_EQ(s.grant_rate.sd, c.decisions.grant_rate.sd);
  EXPECT_EQ(s.quota_rule.lookback_weeks, c.housing.quota_rule.lookback_weeks);
  EXPECT_EQ(s.adaptive.lead_weeks, c.capacity.adaptive.lead_weeks);
  EXPECT_EQ(s.cno_phaseout_margin, c.capacity.cno.phaseout.margin);
  EXPECT_EQ(s.cost_shortfall, c.costs.shortfall_person_week);
  EXPECT_EQ(s.carry_over, c.housing.carry_over);
}

}  // namespace
}  // namespace chainsim
