#pragma once
// What each scenario changes, resolved value by resolved value (issue 20): the
// lines `chainsim validate` prints and `chainsim run` logs, so that a user sees
// what a scenario does before running it, e.g.
//
//   capacity.tnv: [cruise ship 1] → [cruise ship 1, cruise ship 2]
//   capacity.tnv[cruise ship 2]: added { from = 2022-08-01, name = "cruise ship 2", places = 1000, weeks = 26 }
//
// Keys are those of the resolved configuration (`chainsim print-config`).
// A list of tables whose entries have names (TNV locations, housing
// programmes) is compared by name: the list of names, each entry added or
// removed, and each field of an entry both sides have.
#include <string>
#include <vector>

#include "forecast/config.hpp"

namespace chainsim::io {

struct ValueChange {
  std::string key;           // "capacity.tnv", "levers.dublin", "capacity.tnv[cruise ship 2].places"
  std::string baseline;      // the value as TOML text; "" when the baseline has no such key
  std::string scenario;      // likewise for the scenario
  std::string text() const;  // "key: baseline → scenario" (or "key: added ...", "key: removed")
};

// Every resolved value in which `scenario` differs from `base`, in key order.
std::vector<ValueChange> scenario_changes(const forecast::Config& base, const forecast::Config& scenario);

// Per scenario of the set, a heading and its changes, one per line, for validate and run.
std::vector<std::string> scenario_change_report(const forecast::ScenarioSet& set);

}  // namespace chainsim::io
