// The resolved configuration as TOML (io/config_toml.hpp's to_toml), key by
// key in the order of the key table (io/config_keys.hpp): the text of
// `print-config` and of every output file's stored configuration.
#include <optional>
#include <sstream>
#include <stdexcept>

#include "io/config_keys.hpp"
#include "io/config_reader.hpp"
#include "io/config_toml.hpp"

namespace chainsim::io {

namespace {

using namespace detail;

std::string prior_text(const forecast::Prior& p) {
  return "{ mean = " + format_double(p.mean) + ", sd = " + format_double(p.sd) + " }";
}

std::string schedule_text(const forecast::Schedule& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += i == 0 ? " " : ", ";
    out += "{ from = " + format_date(s[i].from);
    if (s[i].to) out += ", to = " + format_date(*s[i].to);
    out += ", value = " + format_double(s[i].value) + " }";
  }
  return out + (s.empty() ? "]" : " ]");
}

template <class Range, class F>
std::string list_text(const Range& v, F f) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i == 0 ? "" : ", ") + f(v[i]);
  return out + "]";
}

// The value of one key as TOML; nullopt when the key is left out (an absent
// optional count).
std::optional<std::string> value_text(double x) { return format_double(x); }
std::optional<std::string> value_text(std::int64_t x) { return std::to_string(x); }
std::optional<std::string> value_text(int x) { return std::to_string(x); }
std::optional<std::string> value_text(std::uint64_t x) { return std::to_string(x); }
std::optional<std::string> value_text(bool b) { return b ? "true" : "false"; }
std::optional<std::string> value_text(const forecast::Prior& p) { return prior_text(p); }
std::optional<std::string> value_text(const forecast::Date& d) { return format_date(d); }
std::optional<std::string> value_text(const std::string& s) { return quote_string(s); }
std::optional<std::string> value_text(const forecast::Schedule& s) { return schedule_text(s); }
std::optional<std::string> value_text(const forecast::TimeVarying& t) {
  if (t.periods.empty()) return format_double(t.base);
  return "{ value = " + format_double(t.base) + ", schedule = " + schedule_text(t.periods) + " }";
}
std::optional<std::string> value_text(forecast::RegionMode r) {
  return r == forecast::RegionMode::National ? "\"national\"" : "\"safety-regions\"";
}
std::optional<std::string> value_text(const std::vector<std::string>& v) { return list_text(v, quote_string); }
std::optional<std::string> value_text(const std::vector<double>& v) { return list_text(v, format_double); }
std::optional<std::string> value_text(const forecast::MonthFactors& v) { return list_text(v, format_double); }
std::optional<std::string> value_text(const std::vector<forecast::PeriodKind>& v) {
  return list_text(v, [](forecast::PeriodKind p) { return quote_string(period_name(p)); });
}
std::optional<std::string> value_text(const forecast::OptionalCount& n) {
  if (!n) return std::nullopt;
  return std::to_string(*n);
}
std::optional<std::string> value_text(const forecast::Changes& v) {
  return list_text(v, [](const forecast::CapacityChange& ch) {
    return "{ at = " + format_date(ch.at) + ", delta = " + std::to_string(ch.delta) + " }";
  });
}

// The TOML of the whole table `path` of c: its keys, then its sub-tables with
// a header and its arrays of tables. `prefix` is "" or "scenario." (overlays).
class TablePrinter {
 public:
  TablePrinter(const forecast::Config& c, const std::string& prefix)
      : c_(const_cast<forecast::Config&>(c)), prefix_(prefix) {}

  void body(std::string_view path) {
    const std::vector<const KeySpec*> keys = keys_of(path);
    for (const KeySpec* k : keys) {
      if (k->kind == KeyKind::Table && k->style == TableStyle::Header) continue;
      if (k->kind == KeyKind::Tables) {
        if (entries(*k) == 0) kv(k->key, "[]");  // an empty list cannot be written as [[...]] tables
        continue;
      }
      if (const std::optional<std::string> v = text_of(*k)) kv(k->key, *v);
    }
    for (const KeySpec* k : keys) {
      if (k->kind == KeyKind::Table && k->style == TableStyle::Header) {
        o_ << "\n[" << prefix_ << k->path() << "]\n";
        body(k->path());
      } else if (k->kind == KeyKind::Tables) {
        array_of_tables(*k);
      }
    }
  }

  std::string str() const { return o_.str(); }

  // A key's value as TOML; an inline table's too. nullopt when left out.
  std::optional<std::string> text_of(const KeySpec& k) const {
    if (k.kind == KeyKind::Table) return inline_table(k.path());
    return value(k);
  }

 private:
  void kv(std::string_view k, const std::string& v) { o_ << k << " = " << v << "\n"; }

  std::optional<std::string> value(const KeySpec& k) const {
    if (k.path() == "housing.taakstelling") {
      std::string q = "{ ";
      for (const auto& [half, v] : c_.housing.taakstelling) q += quote_string(half) + " = " + format_double(v) + ", ";
      return q + "default = " + format_double(c_.housing.taakstelling_default) + " }";
    }
    return std::visit(
        [&](auto member) -> std::optional<std::string> {
          if constexpr (std::is_same_v<decltype(member), std::monostate>) {
            throw std::logic_error("key table: no member to print for " + k.path());
          } else {
            return value_text(member(c_));
          }
        },
        k.member);
  }

  std::string inline_table(std::string_view path) const {
    std::string out = "{ ";
    for (const KeySpec* k : keys_of(path)) {
      if (out.size() > 2) out += ", ";
      out += std::string(k->key) + " = " + value(*k).value_or("");
    }
    return out + " }";
  }

  std::size_t entries(const KeySpec& k) const {
    return k.path() == "housing.programme" ? c_.housing.programmes.size() : c_.capacity.tnv.size();
  }

  void array_of_tables(const KeySpec& k) {
    const std::string header = "\n[[" + prefix_ + k.path() + "]]\n";
    if (k.path() == "housing.programme") {
      for (const auto& g : c_.housing.programmes) {
        o_ << header;
        kv("name", quote_string(g.name));
        kv("from", format_date(g.from));
        if (g.weeks) kv("weeks", std::to_string(*g.weeks));
        if (g.to) kv("to", format_date(*g.to));
        if (g.persons) kv("persons", format_double(*g.persons));
        if (g.persons_per_year) kv("persons_per_year", format_double(*g.persons_per_year));
        if (!g.region.empty()) kv("region", quote_string(g.region));
        kv("delivered", prior_text(g.delivered));
        kv("delay_weeks", prior_text(g.delay_weeks));
      }
    } else {
      for (const auto& l : c_.capacity.tnv) {
        o_ << header;
        kv("name", quote_string(l.name));
        kv("places", std::to_string(l.places));
        kv("from", format_date(l.from));
        kv("weeks", std::to_string(l.weeks));
      }
    }
  }

  forecast::Config& c_;  // read only; the key table's members take a Config&
  const std::string& prefix_;
  std::ostringstream o_;
};

}  // namespace

std::optional<std::string> key_value(const forecast::Config& c, const KeySpec& k) {
  TablePrinter p(c, "");
  return p.text_of(k);
}

namespace {

// One top-level table as TOML; `prefix` is "" or "scenario." (for overlays).
std::string section_text(const forecast::Config& c, const std::string& name, const std::string& prefix) {
  TablePrinter p(c, prefix);
  p.body(name);
  return "[" + prefix + name + "]\n" + p.str();
}

}  // namespace

std::string to_toml(const forecast::Config& c) {
  std::string out;
  for (const auto& s : top_level_tables()) {
    if (!out.empty()) out += '\n';
    out += section_text(c, s, "");
  }
  return out;
}

std::string to_toml(const forecast::ScenarioSet& s) {
  std::string out = "# chainsim resolved configuration: every key, defaults filled in.\n";
  if (s.scenarios.empty()) return out;
  const forecast::Config& base = s.scenarios.front();
  out += '\n';
  out += to_toml(base);
  const std::vector<std::string>& sections = top_level_tables();
  for (std::size_t i = 1; i < s.scenarios.size(); ++i) {
    out += "\n[[scenario]]\nname = " + quote_string(s.names[i]) + "\n";
    // Run and output are shared; every other section is written whole where it
    // differs, which fully defines it over the base (tables merge, arrays replace).
    for (std::size_t k = 2; k < sections.size(); ++k) {
      const std::string mine = section_text(s.scenarios[i], sections[k], "");
      if (mine != section_text(base, sections[k], "")) {
        out += '\n';
        out += section_text(s.scenarios[i], sections[k], "scenario.");
      }
    }
  }
  return out;
}

}  // namespace chainsim::io
