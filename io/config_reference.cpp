#include "io/config_reference.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "io/config_docs.hpp"
#include "io/config_keys.hpp"
#include "io/config_toml.hpp"
#include "io/table_writer.hpp"

namespace chainsim::io {

namespace {

constexpr std::string_view kOpen = "<!-- key-table: ";
constexpr std::string_view kClose = "<!-- /key-table -->";

// A number of a bound as the reference writes it: 20,000 and 1,000,000,000.
std::string grouped(std::int64_t x) {
  const std::string digits = std::to_string(x < 0 ? -x : x);
  std::string out = x < 0 ? "−" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    // A comma before each group of three from the right, in numbers of five digits and more.
    if (digits.size() > 4 && i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string type_text(const KeySpec& k) {
  switch (k.kind) {
    case KeyKind::Number: return "number";
    case KeyKind::Integer: return "integer";
    case KeyKind::Bool: return "boolean";
    case KeyKind::Prior:
      return k.family == PriorFamily::Beta    ? "prior, Beta"
             : k.family == PriorFamily::Gamma ? "prior, Gamma"
                                              : "prior, normal";
    case KeyKind::Date: return "date";
    case KeyKind::String: return "string";
    case KeyKind::Schedule: return "schedule";
    case KeyKind::Capacity: return "capacity (number, schedule or table)";
    case KeyKind::Table: return "table";
    case KeyKind::Tables: return "array of tables";
    case KeyKind::Custom: return std::string(k.custom.type);
  }
  return "";
}

std::string allowed_text(const KeySpec& k) {
  switch (k.kind) {
    case KeyKind::Number: {
      // "a finite number in [0, 1]" -> "[0, 1]", "a finite number >= 0" -> "≥ 0"
      std::string t = k.range.text();
      for (std::string_view lead : {"a finite number in ", "a finite number "})
        if (t.starts_with(lead)) {
          t.erase(0, lead.size());
          break;
        }
      if (t.starts_with(">=")) t.replace(0, 2, "≥");
      if (t.starts_with("<=")) t.replace(0, 2, "≤");
      return t == "a finite number" ? "finite" : t;
    }
    case KeyKind::Integer:
      if (k.bounds.hi == std::numeric_limits<std::int64_t>::max()) return "≥ " + grouped(k.bounds.lo);
      return grouped(k.bounds.lo) + ".." + grouped(k.bounds.hi);
    case KeyKind::Bool: return "`true` or `false`";
    case KeyKind::Prior: return "see Priors";
    case KeyKind::Date: return "a date";
    case KeyKind::String: return "a string";
    case KeyKind::Schedule: return "periods with values ≥ 0";
    case KeyKind::Capacity: return "values ≥ 0";
    case KeyKind::Table:
    case KeyKind::Tables: return "see below";
    case KeyKind::Custom: return std::string(k.custom.allowed);
  }
  return "";
}

std::string cell(std::string_view s) { return s.empty() ? "—" : markdown_cell(s); }

std::string markdown_row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) out += " " + c + " |";
  return out + "\n";
}

// Text in backticks (appended, not concatenated: GCC 12 warns falsely on the latter, -Wrestrict).
std::string code(std::string_view v) { return std::string("`").append(v).append("`"); }
std::string code_or_dash(const std::optional<std::string>& v) { return v ? code(*v) : "—"; }

bool is_element_table(std::string_view table) {
  return std::any_of(element_keys().begin(), element_keys().end(), [&](const KeySpec& k) { return k.table == table; });
}

}  // namespace

std::vector<std::string> key_reference_tables() {
  std::vector<std::string> out;
  for (const auto* list : {&config_keys(), &element_keys()})
    for (const KeySpec& k : *list)
      if (out.empty() || out.back() != k.table) out.emplace_back(k.table);
  return out;
}

std::string key_reference_table(std::string_view table) {
  static const forecast::Config seed = load_seed().scenarios.front();
  static const forecast::Config initial{};
  static const std::map<std::string, std::string> notes = seed_notes();
  const bool element = is_element_table(table);
  std::vector<std::string> header{"key", "type", "unit", "allowed"};
  if (!element) header.push_back("seed");
  header.push_back("meaning");
  if (!element) header.push_back("the seed's note");
  std::string out = markdown_row(header) + markdown_row(std::vector<std::string>(header.size(), "---"));
  for (const KeySpec* k : keys_of(table)) {
    std::string allowed = allowed_text(*k);
    if (k->optional) {
      const std::optional<std::string> absent = element ? std::nullopt : key_value(initial, *k);
      allowed += "; may be absent";
      if (absent) allowed.append(" (= ").append(code(*absent)).append(")");
    }
    std::vector<std::string> row{code(k->key), cell(type_text(*k)), cell(key_unit(k->path())), cell(allowed)};
    if (!element) {
      const bool below = k->kind == KeyKind::Tables || (k->kind == KeyKind::Table && k->style == TableStyle::Header);
      row.push_back(below ? "see below" : cell(code_or_dash(key_value(seed, *k))));
    }
    row.push_back(cell(k->doc));
    if (!element) {
      const auto note = notes.find(k->path());
      row.push_back(cell(note == notes.end() ? "" : note->second));
    }
    out += markdown_row(row);
  }
  return out;
}

std::string key_reference() {
  std::string out;
  for (const std::string& t : key_reference_tables()) {
    if (!out.empty()) out += "\n";
    const std::string name = is_element_table(t) ? std::string("[").append(t).append("]") : t;
    out.append("### `[").append(name).append("]`\n\n");
    out += key_reference_table(t);
  }
  return out;
}

std::string update_key_reference(std::string_view document) {
  std::string out;
  std::vector<std::string> seen;
  std::size_t pos = 0;
  for (std::size_t open; (open = document.find(kOpen, pos)) != std::string_view::npos;) {
    const std::size_t name_end = document.find(" -->", open);
    const std::size_t close = document.find(kClose, open);
    if (name_end == std::string_view::npos || close == std::string_view::npos || close < name_end)
      throw std::runtime_error("a key-table marker without its end marker");
    const std::string table(document.substr(open + kOpen.size(), name_end - open - kOpen.size()));
    if (keys_of(table).empty()) throw std::runtime_error("key-table marker of a table without keys: " + table);
    seen.push_back(table);
    const std::size_t body = document.find('\n', name_end) + 1;
    out += document.substr(pos, body - pos);
    out += key_reference_table(table);
    pos = close;
  }
  out += document.substr(pos);
  for (const std::string& t : key_reference_tables())
    if (std::find(seen.begin(), seen.end(), t) == seen.end())
      throw std::runtime_error("the key reference has no table of [" + t + "] (marker <!-- key-table: " + t + " -->)");
  return out;
}

}  // namespace chainsim::io
