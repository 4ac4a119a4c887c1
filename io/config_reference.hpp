#pragma once
// The key reference of docs/configuration.md, made from the key table
// (core/model/key_table.hpp, io/config_keys.hpp) and the embedded seed: one Markdown
// table per TOML table with each key's type, unit, allowed values, the seed's
// value and its source (the seed's note), and meaning. The document holds
// each generated table between markers, so that it cannot drift from the
// table: a test compares it with update_key_reference(document).
#include <string>
#include <string_view>
#include <vector>

namespace chainsim::io {

// The Markdown table of the keys of one TOML table ("capacity.cno").
std::string key_reference_table(std::string_view table);

// The tables with keys, in order: every table of Config, then the entries of
// the arrays of tables ("housing.programme", "capacity.tnv").
std::vector<std::string> key_reference_tables();

// Every table as `print-config --reference` prints it: a heading per table.
std::string key_reference();

// `document` with the text between each pair of markers
//   <!-- key-table: TABLE -->  ...  <!-- /key-table -->
// replaced by key_reference_table(TABLE). Throws std::runtime_error naming a
// table that has keys but no marker, or a marker of a table without keys.
std::string update_key_reference(std::string_view document);

}  // namespace chainsim::io
