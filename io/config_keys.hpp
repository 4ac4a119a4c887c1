#pragma once
// The configuration's keys as data, made from core/model/key_table.hpp: what the
// reader (io/config_toml.cpp), `print-config` (io/config_docs.cpp) and the key
// reference of docs/configuration.md (io/config_reference.cpp) know of a key.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "forecast/config.hpp"
#include "io/toml_helpers.hpp"

namespace chainsim::io {

enum class KeyKind { Number, Integer, Bool, Prior, Date, String, Schedule, Capacity, Table, Tables, Custom };
enum class PriorFamily { Beta, Gamma, Normal };
enum class TableStyle { Inline, Header };  // `k = { ... }`, or a [table.k] header

// Sanity bounds that keep hostile values from overflowing downstream sums:
// person and place counts up to a billion, durations up to 20,000 weeks.
inline constexpr std::int64_t kMaxCount = 1'000'000'000;
inline constexpr std::int64_t kMaxDuration = 20'000;

struct IntBounds {
  std::int64_t lo = 0;
  std::int64_t hi = std::numeric_limits<std::int64_t>::max();
};

// How a key of kind Custom is shown in the reference.
struct CustomText {
  std::string_view type, allowed;
};

// The member a key sets, for the kinds the reader and printer handle alike.
template <class T>
using Member = T& (*)(forecast::Config&);
using MemberRef =
    std::variant<std::monostate, Member<double>, Member<int>, Member<std::int64_t>, Member<std::uint64_t>, Member<bool>,
                 Member<forecast::Prior>, Member<forecast::Date>, Member<std::string>, Member<forecast::Schedule>,
                 Member<forecast::TimeVarying>, Member<forecast::RegionMode>, Member<std::vector<std::string>>,
                 Member<std::vector<double>>, Member<std::vector<forecast::PeriodKind>>, Member<forecast::MonthFactors>,
                 Member<forecast::OptionalCount>, Member<forecast::Changes>>;

struct KeySpec {
  KeyKind kind;
  std::string_view table;  // "capacity.adaptive"
  std::string_view key;    // "upper"
  bool optional;           // may be absent: then the member keeps its default
  std::string_view unit;   // "" when none
  std::string_view doc;
  bool to_model;                             // the kernel takes the value as it is (ModelSpec member)
  MemberRef member;                          // monostate for tables and the keys of array entries
  void (*reset)(forecast::Config&);          // sets the member to its default; nullptr for array entries
  detail::Range range;                       // Number
  IntBounds bounds;                          // Integer
  PriorFamily family = PriorFamily::Normal;  // Prior
  TableStyle style = TableStyle::Inline;     // Table
  CustomText custom;                         // Custom

  std::string path() const { return std::string(table) + "." + std::string(key); }
};

// Every key reached from Config, tables in the order of the resolved
// configuration, keys in each table in their printed order.
const std::vector<KeySpec>& config_keys();
// The keys of the entries of arrays of tables ([[housing.programme]], [[capacity.tnv]]).
const std::vector<KeySpec>& element_keys();
// The keys of one table ("decisions.response"), in order; empty if none.
std::vector<const KeySpec*> keys_of(std::string_view table);
// The key "table.key" among both lists; nullptr if none.
const KeySpec* find_key(std::string_view path);
// The top-level tables in order ("run", "output", ...).
const std::vector<std::string>& top_level_tables();

// The value of a key reached from Config as `print-config` writes it (an
// inline table whole); nullopt when it is left out (an absent optional count).
// Made by io/config_printer.cpp.
std::optional<std::string> key_value(const forecast::Config& c, const KeySpec& k);

// Sets every optional key reached from Config to its default (its value when
// absent): the mechanisms added after the first model off.
void reset_optional_keys(forecast::Config& c);

}  // namespace chainsim::io
