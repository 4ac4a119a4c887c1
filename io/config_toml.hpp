#pragma once
// The scenario configuration in TOML (docs/configuration.md): loading with
// defaults and validation of every key (the layers here, each key in
// io/config_reader.cpp), and printing of the resolved configuration
// (io/config_printer.cpp); both follow the key table, core/model/key_table.hpp.
//
// A user file is deep-merged over the embedded seed scenario: tables merge key
// by key; any other value -- a number, a string, an array, an array of tables
// such as [[housing.programme]] -- replaces the default as a whole. The file
// inherits the seed's values but not the seed's [[scenario]] list. Each
// [[scenario]] of the file is merged the same way over the resolved base.
// Every problem is reported as a ConfigError naming file, line, key, the value
// found and what is allowed, before any simulation starts.
#include <filesystem>
#include <string>
#include <string_view>

#include "forecast/config.hpp"
#include "io/errors.hpp"

namespace chainsim::io {

// Files larger than this are rejected before parsing (guard against hostile input).
inline constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;

// The embedded seed scenario with its [[scenario]] list.
forecast::ScenarioSet load_seed();

// A configuration file over the seed defaults. Throws InputMissingError when the
// file does not exist or cannot be read, ConfigError when its content is wrong.
forecast::ScenarioSet load_config_file(const std::filesystem::path& file);

// The same for text in memory; source_name stands for the file in messages.
forecast::ScenarioSet load_config_text(std::string_view text, std::string source_name);

// One resolved configuration as TOML: every key, defaults filled in.
std::string to_toml(const forecast::Config& c);

// The base and every scenario as loadable TOML: each scenario is a [[scenario]]
// with the complete top-level sections in which it differs from the base, so
// that load_config_text(to_toml(s)) gives the same configurations.
std::string to_toml(const forecast::ScenarioSet& s);

}  // namespace chainsim::io
