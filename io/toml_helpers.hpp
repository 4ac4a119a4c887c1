#pragma once
// Building blocks of the configuration loader (io/config_toml.cpp): a merged
// view of layered TOML documents, and typed reads that turn every problem into
// a ConfigError with file, line, key, the value found and what is allowed.
// Internal to the io library.
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "forecast/config.hpp"
#include "io/errors.hpp"

namespace chainsim::io::detail {

// Parses TOML text; a syntax error (or text that is not UTF-8) becomes a
// ConfigError with the parser's line and description. Every node of the result
// records `source` as its file, which is how messages name the file a value
// came from ("<seed defaults>" for the embedded seed).
toml::table parse_toml(std::string_view text, const std::string& source);

// Several parsed documents merged without copying them: toml++ does not keep a
// node's source region when the node is copied, and the loader needs that
// region (file and line) for every value it reports on. A View points at the
// nodes of the documents, which must outlive it. Tables merge key by key; any
// other node replaces what was below it as a whole (arrays included).
struct View {
  const toml::node* node = nullptr;               // the value, or the table last merged in
  std::map<std::string, View, std::less<>> kids;  // entries, when node is a table

  static View of(const toml::node& n);
  // Merges the entries of `t` over this view (which must be a table view).
  void overlay(const toml::table& t);
  bool is_table() const { return node != nullptr && node->is_table(); }

 private:
  static View of(const toml::node& n, int depth);
  void overlay(const toml::table& t, int depth);
};

// The value as TOML text for messages (shortened when long).
std::string render(const toml::node& n);
// A double that reads back as the same double, always as a TOML float.
std::string format_double(double x);
std::string format_date(forecast::Date d);
// A TOML basic string literal, quotes and escapes included.
std::string quote_string(std::string_view s);

[[noreturn]] void fail(const toml::node& n, const std::string& key, const std::string& allowed);
[[noreturn]] void fail_missing(const toml::node& table, const std::string& key, const std::string& allowed);

// An interval of allowed numbers (finite numbers only, always).
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  bool contains(double x) const;
  std::string text() const;  // "a finite number in [0, 1]", "a finite number >= 0", ...
};
inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr Range kAnyNumber{};
inline constexpr Range kNonNegative{0.0, kInf};
inline constexpr Range kPositive{0.0, kInf, true};
inline constexpr Range kUnit{0.0, 1.0};  // probabilities and shares

double read_number(const toml::node& n, const std::string& key, const Range& r);
std::int64_t read_integer(const toml::node& n, const std::string& key, std::int64_t lo,
                          std::int64_t hi = std::numeric_limits<std::int64_t>::max());
bool read_bool(const toml::node& n, const std::string& key);
std::string read_string(const toml::node& n, const std::string& key);
// A TOML local date, or an ISO week string "2023-W02" (= that week's Monday).
forecast::Date read_date(const toml::node& n, const std::string& key);
const toml::array& read_array(const toml::node& n, const std::string& key, const std::string& of_what);

// A table of the merged view being read, with its dotted key for messages.
struct Table {
  const View* view = nullptr;
  std::string path;  // "" for the document root

  std::string key(std::string_view k) const;
  const toml::node* find(std::string_view k) const;  // nullptr when absent
  const toml::node& need(std::string_view k, const std::string& allowed) const;
  Table sub(std::string_view k) const;  // a table entry, required
  // Rejects any key not listed, naming the allowed keys.
  void allow_only(std::initializer_list<std::string_view> keys) const;
  void allow_only(std::span<const std::string_view> keys) const;

  double number(std::string_view k, const Range& r) const { return read_number(need(k, r.text()), key(k), r); }
  std::int64_t integer(std::string_view k, std::int64_t lo,
                       std::int64_t hi = std::numeric_limits<std::int64_t>::max()) const;
  forecast::Date date(std::string_view k) const { return read_date(need(k, "a date"), key(k)); }
};

}  // namespace chainsim::io::detail
