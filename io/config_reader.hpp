#pragma once
// Reads one Config from a merged view of TOML layers, key by key as the key
// table (io/config_keys.hpp) describes them; keys of kind Custom and arrays of
// tables by code of their own. Internal to io/config_toml.cpp.
#include <map>
#include <string>

#include "forecast/config.hpp"
#include "io/toml_helpers.hpp"

namespace chainsim::io::detail {

// The base is read first, so an error found while reading a scenario was
// caused by that scenario's overlay; its keys then carry the prefix
// "scenario[<name>]". `schedule_only_bases` gives, by "table.key", the value
// of a capacity given only as a schedule outside its periods (the seed's).
forecast::Config read_config(const View& root, std::string prefix, bool is_scenario,
                             const std::map<std::string, double>& schedule_only_bases);

// The name under which the embedded seed's values are read: messages name it
// as their file, and a value's source tells whether the seed or the user set it.
inline constexpr const char* kSeedSource = "<seed defaults>";
bool from_seed(const toml::node& n);

// A number for a message: six significant digits (0.16, not 0.16000000000000003).
std::string readable(double x);
std::string period_name(forecast::PeriodKind p);

}  // namespace chainsim::io::detail
