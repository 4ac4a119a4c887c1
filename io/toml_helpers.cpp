#include "io/toml_helpers.hpp"
#include "io/text_escape.hpp"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <sstream>

namespace chainsim::io::detail {

namespace {

// Schema tables nest at most four deep (scenario.capacity.cno.phaseout); deeper
// tables can only be unknown keys, which are reported at a shallower level. Not
// descending further keeps hostile inputs (a.a.a.a... = 1) from exhausting the stack.
constexpr int kMaxViewDepth = 8;

std::string file_of(const toml::node& n) {
  const auto& p = n.source().path;
  return p ? *p : std::string("<unknown>");
}
int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

}  // namespace

std::string quote_string(std::string_view s) {
  // (Appended, not "\"" + ... + "\"": g++ 12 warns falsely (-Wrestrict) on that.)
  std::string out = "\"";
  out += escape_chars(s, {{'"', "\\\""}, {'\\', "\\\\"}}, "\\u%04X", true);
  out += '"';
  return out;
}

namespace {

std::string shorten(std::string s, std::size_t max) {
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

std::string shortest(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  // Whole numbers as digits (1000000, not the shorter 1e+06); otherwise the
  // shortest text that reads back as the same double.
  const auto format = std::trunc(x) == x && std::fabs(x) < 1e15 ? std::chars_format::fixed : std::chars_format::general;
  const auto r = std::to_chars(buf, buf + sizeof buf, x, format);
  return std::string(buf, r.ptr);
}

std::string join_keys(std::span<const std::string_view> keys) {
  std::string s;
  for (auto k : keys) {
    if (!s.empty()) s += ", ";
    s += k;
  }
  return s;
}

// Monday of ISO week `week` of ISO year `year`, if both are valid.
std::optional<forecast::Date> iso_week_monday(int year, int week) {
  using namespace std::chrono;
  const sys_days jan4 = sys_days{std::chrono::year{year} / January / 4};
  const sys_days monday1 = jan4 - days{weekday{jan4}.iso_encoding() - 1};
  const sys_days next_monday1 = [&] {
    const sys_days j4 = sys_days{std::chrono::year{year + 1} / January / 4};
    return j4 - days{weekday{j4}.iso_encoding() - 1};
  }();
  const int weeks_in_year = static_cast<int>((next_monday1 - monday1).count() / 7);
  if (week < 1 || week > weeks_in_year) return std::nullopt;
  return monday1 + days{7 * (week - 1)};
}

}  // namespace

toml::table parse_toml(std::string_view text, const std::string& source) {
  // toml++ recurses once per level of a dotted key (a.a.a... = 1) and overflows
  // the stack somewhere beyond 20,000 levels. A key lies on one line, so a cap
  // on the dots per line bounds the depth; real configurations have a handful.
  constexpr std::size_t kMaxDotsPerLine = 1000;
  std::size_t dots = 0;
  int line = 1;
  for (char ch : text) {
    if (ch == '\n') {
      ++line;
      dots = 0;
    } else if (ch == '.' && ++dots > kMaxDotsPerLine) {
      throw forecast::ConfigError(source, line, "", "",
                                  "more than 1000 '.' on one line: keys nested this deeply are refused");
    }
  }
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw forecast::ConfigError(source, static_cast<int>(e.source().begin.line), "", "",
                                "TOML syntax error: " + std::string(e.description()));
  }
}

View View::of(const toml::node& n) { return of(n, 0); }

View View::of(const toml::node& n, int depth) {
  View v;
  v.node = &n;
  if (const auto* t = n.as_table(); t != nullptr && depth < kMaxViewDepth) {
    for (auto&& [k, child] : *t) v.kids.emplace(std::string(k.str()), of(child, depth + 1));
  }
  return v;
}

void View::overlay(const toml::table& t) { overlay(t, 0); }

void View::overlay(const toml::table& t, int depth) {
  node = &t;  // messages about the table point at the latest definition
  if (depth >= kMaxViewDepth) return;
  for (auto&& [k, child] : t) {
    auto it = kids.find(k.str());
    if (it != kids.end() && it->second.is_table() && child.is_table()) {
      it->second.overlay(*child.as_table(), depth + 1);
    } else {
      kids.insert_or_assign(std::string(k.str()), of(child, depth + 1));
    }
  }
}

std::string format_double(double x) {
  std::string s = shortest(x);
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";  // keep it a TOML float
  return s;
}

std::string format_date(forecast::Date d) {
  const std::chrono::year_month_day ymd{d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string render(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return shorten(quote_string(n.as_string()->get()), 60);
    case toml::node_type::integer: return std::to_string(n.as_integer()->get());
    case toml::node_type::floating_point: return shortest(n.as_floating_point()->get());
    case toml::node_type::boolean: return n.as_boolean()->get() ? "true" : "false";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: {
      std::string s = "[";
      for (const auto& e : *n.as_array()) {
        if (s.size() > 1) s += ", ";
        s += render(e);
        if (s.size() > 80) break;
      }
      return shorten(s + "]", 80);
    }
    default: {  // dates and times: toml++ prints them as TOML
      std::ostringstream os;
      n.visit([&](const auto& v) { os << v; });
      return os.str();
    }
  }
}

void fail(const toml::node& n, const std::string& key, const std::string& allowed) {
  throw forecast::ConfigError(file_of(n), line_of(n), key, render(n), allowed);
}

void fail_missing(const toml::node& table, const std::string& key, const std::string& allowed) {
  throw forecast::ConfigError(file_of(table), line_of(table), key, "", allowed);
}

bool Range::contains(double x) const {
  if (!std::isfinite(x)) return false;
  const bool above = lo_open ? x > lo : x >= lo;
  const bool below = hi_open ? x < hi : x <= hi;
  return above && below;
}

std::string Range::text() const {
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (has_lo && has_hi) {
    return "a finite number in " + std::string(lo_open ? "(" : "[") + shortest(lo) + ", " + shortest(hi) +
           (hi_open ? ")" : "]");
  }
  if (has_lo) return "a finite number " + std::string(lo_open ? "> " : ">= ") + shortest(lo);
  if (has_hi) return "a finite number " + std::string(hi_open ? "< " : "<= ") + shortest(hi);
  return "a finite number";
}

double read_number(const toml::node& n, const std::string& key, const Range& r) {
  double x = 0.0;
  if (const auto* i = n.as_integer()) {
    x = static_cast<double>(i->get());
  } else if (const auto* f = n.as_floating_point()) {
    x = f->get();
  } else {
    fail(n, key, r.text());
  }
  if (!r.contains(x)) fail(n, key, r.text());
  return x;
}

std::int64_t read_integer(const toml::node& n, const std::string& key, std::int64_t lo, std::int64_t hi) {
  const std::string allowed = hi == std::numeric_limits<std::int64_t>::max()
                                  ? "an integer >= " + std::to_string(lo)
                                  : "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
  const auto* i = n.as_integer();
  if (i == nullptr || i->get() < lo || i->get() > hi) fail(n, key, allowed);
  return i->get();
}

bool read_bool(const toml::node& n, const std::string& key) {
  if (const auto* b = n.as_boolean()) return b->get();
  fail(n, key, "true or false");
}

std::string read_string(const toml::node& n, const std::string& key) {
  if (const auto* s = n.as_string()) return s->get();
  fail(n, key, "a string");
}

forecast::Date read_date(const toml::node& n, const std::string& key) {
  static const std::string allowed = "a date such as 2022-07-01, or an ISO week such as \"2023-W02\" (its Monday)";
  if (const auto* d = n.as_date()) {
    const toml::date v = d->get();
    const std::chrono::year_month_day ymd{std::chrono::year{v.year}, std::chrono::month{v.month},
                                          std::chrono::day{v.day}};
    if (!ymd.ok()) fail(n, key, allowed);  // toml++ checks this too; be safe
    return forecast::Date{ymd};
  }
  if (const auto* s = n.as_string()) {
    const std::string& t = s->get();
    // Exactly "YYYY-Www".
    const bool shape = t.size() == 8 && t[4] == '-' && t[5] == 'W' && std::isdigit(static_cast<unsigned char>(t[0])) &&
                       std::isdigit(static_cast<unsigned char>(t[1])) &&
                       std::isdigit(static_cast<unsigned char>(t[2])) &&
                       std::isdigit(static_cast<unsigned char>(t[3])) &&
                       std::isdigit(static_cast<unsigned char>(t[6])) && std::isdigit(static_cast<unsigned char>(t[7]));
    if (shape) {
      const int year = std::stoi(t.substr(0, 4)), week = std::stoi(t.substr(6, 2));
      if (year >= 1) {
        if (auto monday = iso_week_monday(year, week)) return *monday;
      }
    }
  }
  fail(n, key, allowed);
}

const toml::array& read_array(const toml::node& n, const std::string& key, const std::string& of_what) {
  if (const auto* a = n.as_array()) return *a;
  fail(n, key, "an array of " + of_what);
}

std::string Table::key(std::string_view k) const { return path.empty() ? std::string(k) : path + "." + std::string(k); }

const toml::node* Table::find(std::string_view k) const {
  auto it = view->kids.find(k);
  return it == view->kids.end() ? nullptr : it->second.node;
}

const toml::node& Table::need(std::string_view k, const std::string& allowed) const {
  const toml::node* n = find(k);
  if (n == nullptr) fail_missing(*view->node, key(k), allowed);
  return *n;
}

Table Table::sub(std::string_view k) const {
  const toml::node& n = need(k, "a table");
  if (!n.is_table()) fail(n, key(k), "a table");
  return Table{&view->kids.find(k)->second, key(k)};
}

void Table::allow_only(std::initializer_list<std::string_view> keys) const {
  allow_only(std::span<const std::string_view>(keys.begin(), keys.size()));
}

void Table::allow_only(std::span<const std::string_view> keys) const {
  for (const auto& [k, v] : view->kids) {
    bool known = false;
    for (auto a : keys) known = known || a == k;
    if (!known) {
      const std::string where = path.empty() ? "at the top level" : "in [" + path + "]";
      fail(*v.node, key(k), "unknown key; allowed keys " + where + ": " + join_keys(keys));
    }
  }
}

std::int64_t Table::integer(std::string_view k, std::int64_t lo, std::int64_t hi) const {
  return read_integer(need(k, "an integer"), key(k), lo, hi);
}

}  // namespace chainsim::io::detail
