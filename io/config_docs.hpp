#pragma once
// What a user needs to read a resolved configuration: each key's unit, where
// its value came from (their file and line, or the seed scenario with the
// seed's own note on its source), and which calibrated values a user file
// inherits without stating them. Used by `print-config` and by the log at the
// start of a run; docs/configuration.md's key reference is made from the same table.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "forecast/config.hpp"

namespace chainsim::io {

// The unit of a key ("section.key", array-of-tables keys as
// "housing.programme.persons"), from the key table (io/config_keys.hpp); empty
// when the key has none (names, flags).
std::string key_unit(std::string_view key);

// The note after '#' on each "key = value" line of the embedded seed, by
// "section.key" (the first entry of an array of tables gives its keys' notes).
std::map<std::string, std::string> seed_notes();

// Resolved TOML (to_toml of the set) with a comment after every key of the
// base: its unit, and "file:line" when the user's file set it, else the
// seed's note. Scenario overlays are printed as they are.
std::string annotate(const forecast::ScenarioSet& set);

// Keys of the base whose value comes from the seed's calibration (its note
// begins with "data") and that the user's file does not state. Empty for the
// embedded seed itself.
std::vector<std::string> inherited_calibrated_keys(const forecast::ScenarioSet& set);

}  // namespace chainsim::io
