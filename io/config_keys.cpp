#include "io/config_keys.hpp"

#include <type_traits>

#include "core/model/key_table.hpp"

namespace chainsim::io {
namespace {

// The table's default column names forecast's types as forecast/config.hpp sees them.
using detail::kNonNegative;
using detail::kPositive;
using detail::kUnit;
using forecast::RegionMode;

// The tokens of the table's kind and check columns.
constexpr KeyKind Kind_NUMBER = KeyKind::Number, Kind_INTEGER = KeyKind::Integer, Kind_BOOL = KeyKind::Bool,
                  Kind_PRIOR = KeyKind::Prior, Kind_DATE = KeyKind::Date, Kind_STRING = KeyKind::String,
                  Kind_SCHEDULE = KeyKind::Schedule, Kind_CAPACITY = KeyKind::Capacity, Kind_TABLE = KeyKind::Table,
                  Kind_TABLES = KeyKind::Tables, Kind_CUSTOM = KeyKind::Custom;
using Check_NUMBER = detail::Range;
using Check_INTEGER = IntBounds;
using Check_PRIOR = PriorFamily;
using Check_TABLE = TableStyle;
using Check_CUSTOM = CustomText;
using Check_BOOL = std::monostate;
using Check_DATE = std::monostate;
using Check_STRING = std::monostate;
using Check_SCHEDULE = std::monostate;
using Check_CAPACITY = std::monostate;
using Check_TABLES = std::monostate;
constexpr TableStyle Inline = TableStyle::Inline, Header = TableStyle::Header;
constexpr bool presence_required = false, presence_optional = true;

// The member as one of MemberRef's alternatives, or monostate for other types.
template <class F>
MemberRef member_ref(F f) {
  if constexpr (std::is_constructible_v<MemberRef, F>) {
    return MemberRef(f);
  } else {
    return std::monostate{};
  }
}

void set_check(KeySpec& k, const detail::Range& r) { k.range = r; }
void set_check(KeySpec& k, IntBounds b) { k.bounds = b; }
void set_check(KeySpec& k, PriorFamily f) { k.family = f; }
void set_check(KeySpec& k, TableStyle s) { k.style = s; }
void set_check(KeySpec& k, CustomText t) { k.custom = t; }
void set_check(KeySpec&, std::monostate) {}

template <class Check>
KeySpec make(KeyKind kind, std::string_view table, std::string_view key, bool optional, std::string_view unit,
             std::string_view doc, bool to_model, MemberRef member, void (*reset)(forecast::Config&), Check check) {
  KeySpec k{kind, table, key, optional, unit, doc, to_model, member, reset, {}, {}, {}, {}, {}};
  set_check(k, check);
  return k;
}

// The check column is a parenthesised list; it initialises its type with braces
// (clang before 16 has no parenthesised aggregate initialisation).
#define CHAINSIM_IO_UNPAREN(...) __VA_ARGS__
// A key reached from Config: c.table.member.
#define CHAINSIM_IO_KEY(kind, table, key, member, type, default_, check, presence, unit, doc, ...) \
  make(                                                                                            \
      Kind_##kind, #table, #key, presence_##presence, unit, doc, sizeof(#__VA_ARGS__) > 1,         \
      member_ref(+[](forecast::Config & c) -> auto& { return c.table.member; }),                   \
      +[](forecast::Config& c) {                                                                   \
        auto& m = c.table.member;                                                                  \
        const std::remove_reference_t<decltype(m)> initial = default_;                             \
        m = initial;                                                                               \
      },                                                                                           \
      Check_##kind{CHAINSIM_IO_UNPAREN check}),
// A key of an entry of an array of tables (read by the reader's own code).
#define CHAINSIM_IO_ELEMENT(kind, table, key, member, type, default_, check, presence, unit, doc, ...) \
  make(Kind_##kind, #table, #key, presence_##presence, unit, doc, false, std::monostate{}, nullptr,    \
       Check_##kind{CHAINSIM_IO_UNPAREN check}),
#define CHAINSIM_IO_KEYS(list) list(CHAINSIM_IO_KEY)
#define CHAINSIM_IO_ELEMENTS(list) list(CHAINSIM_IO_ELEMENT)

}  // namespace

const std::vector<KeySpec>& config_keys() {
  static const std::vector<KeySpec> keys{CHAINSIM_CONFIG_KEY_LISTS(CHAINSIM_IO_KEYS)};
  return keys;
}

const std::vector<KeySpec>& element_keys() {
  static const std::vector<KeySpec> keys{CHAINSIM_ELEMENT_KEY_LISTS(CHAINSIM_IO_ELEMENTS)};
  return keys;
}

std::vector<const KeySpec*> keys_of(std::string_view table) {
  std::vector<const KeySpec*> out;
  for (const auto* list : {&config_keys(), &element_keys()})
    for (const KeySpec& k : *list)
      if (k.table == table) out.push_back(&k);
  return out;
}

const KeySpec* find_key(std::string_view path) {
  for (const auto* list : {&config_keys(), &element_keys()})
    for (const KeySpec& k : *list)
      if (path.size() == k.table.size() + 1 + k.key.size() && path.starts_with(k.table) &&
          path[k.table.size()] == '.' && path.ends_with(k.key))
        return &k;
  return nullptr;
}

const std::vector<std::string>& top_level_tables() {
  static const std::vector<std::string> tables = [] {
    std::vector<std::string> out;
    for (const KeySpec& k : config_keys()) {
      const std::string top(k.table.substr(0, k.table.find('.')));
      if (out.empty() || out.back() != top) out.push_back(top);
    }
    return out;
  }();
  return tables;
}

void reset_optional_keys(forecast::Config& c) {
  for (const KeySpec& k : config_keys())
    if (k.optional) k.reset(c);
}

}  // namespace chainsim::io
