#include "io/scenario_diff.hpp"

#include <map>
#include <set>

#include "io/config_toml.hpp"
#include "io/table_writer.hpp"
#include "io/toml_helpers.hpp"

namespace chainsim::io {

namespace {

using detail::format_double;
using detail::quote_string;

struct Entry {
  std::string value;
  bool element = false;  // a whole named entry of a list ("capacity.tnv[cruise ship 2]")
};
using Flat = std::map<std::string, Entry>;

std::string render(const toml::node& n) {
  if (const auto* s = n.as_string()) return quote_string(s->get());
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) return format_double(f->get());
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* d = n.as_date()) {
    const toml::date v = d->get();
    return detail::format_date(forecast::Date{std::chrono::year{v.year} / v.month / v.day});
  }
  if (const auto* a = n.as_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < a->size(); ++i) out += (i ? ", " : "") + render(*a->get(i));
    return out + "]";
  }
  if (const auto* t = n.as_table()) {
    std::string out = "{ ";
    bool first = true;
    for (auto&& [k, v] : *t) {
      out += (first ? "" : ", ") + std::string(k.str()) + " = " + render(v);
      first = false;
    }
    return out + (first ? "}" : " }");
  }
  return "?";
}

// The names of a list of tables when every entry has a distinct string name.
std::optional<std::vector<std::string>> entry_names(const toml::array& a) {
  if (a.empty()) return std::nullopt;
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& e : a) {
    const auto* t = e.as_table();
    const auto* name = t == nullptr ? nullptr : t->get_as<std::string>("name");
    if (name == nullptr || !seen.insert(name->get()).second) return std::nullopt;
    names.push_back(name->get());
  }
  return names;
}

void flatten(const toml::node& n, const std::string& key, Flat& out) {
  if (const auto* t = n.as_table()) {
    for (auto&& [k, v] : *t) flatten(v, key.empty() ? std::string(k.str()) : key + "." + std::string(k.str()), out);
    return;
  }
  if (const auto* a = n.as_array()) {
    if (const auto names = entry_names(*a)) {
      // Names bare, as a reader says them: [cruise ship 1, cruise ship 2].
      std::string list = "[";
      for (std::size_t i = 0; i < names->size(); ++i) list += (i ? ", " : "") + one_line((*names)[i]);
      out[key] = {list + "]", false};
      for (std::size_t i = 0; i < names->size(); ++i) {
        const std::string ekey = key + "[" + one_line((*names)[i]) + "]";
        out[ekey] = {render(*a->get(i)), true};
        flatten(*a->get(i), ekey, out);
      }
      return;
    }
  }
  out[key] = {render(n), false};
}

Flat flat(forecast::Config c) {
  // Scenarios share [run] and [output]; and --out may name a file in bytes
  // that are not UTF-8, which the TOML text could not hold.
  c.run.name.clear();
  c.output.path.clear();
  Flat out;
  flatten(detail::parse_toml(to_toml(c), "<resolved>"), "", out);
  return out;
}

// "capacity.tnv[cruise ship 2].places" -> "capacity.tnv[cruise ship 2]"; "" outside an entry.
std::string entry_of(const std::string& key) {
  const auto close = key.rfind("].");
  return close == std::string::npos ? std::string() : key.substr(0, close + 1);
}

}  // namespace

std::string ValueChange::text() const {
  if (baseline.empty()) return key + ": added " + scenario;
  if (scenario.empty()) return key + ": removed (was " + baseline + ")";
  return key + ": " + baseline + " → " + scenario;
}

std::vector<ValueChange> scenario_changes(const forecast::Config& base, const forecast::Config& scenario) {
  const Flat b = flat(base), s = flat(scenario);
  std::vector<ValueChange> out;
  const auto visit = [&](const std::string& key) {
    const auto bi = b.find(key), si = s.find(key);
    const bool in_b = bi != b.end(), in_s = si != s.end();
    if (in_b && in_s) {
      // A named entry both sides have is compared field by field.
      if (!bi->second.element && bi->second.value != si->second.value)
        out.push_back({key, bi->second.value, si->second.value});
      return;
    }
    const Flat& other = in_b ? s : b;
    const std::string entry = entry_of(key);
    if (!entry.empty() && !other.contains(entry)) return;  // inside an entry added or removed as a whole
    out.push_back({key, in_b ? bi->second.value : "", in_s ? si->second.value : ""});
  };
  std::set<std::string> keys;
  for (const auto& [k, v] : b) keys.insert(k);
  for (const auto& [k, v] : s) keys.insert(k);
  for (const auto& k : keys) visit(k);
  return out;
}

std::vector<std::string> scenario_change_report(const forecast::ScenarioSet& set) {
  std::vector<std::string> lines;
  if (set.scenarios.empty()) return lines;
  for (std::size_t i = 1; i < set.scenarios.size(); ++i) {
    const auto changes = scenario_changes(set.scenarios.front(), set.scenarios[i]);
    const std::string name = "scenario \"" + one_line(set.names[i]) + "\"";
    if (changes.empty()) {
      lines.push_back(name + " does not differ from the baseline");
      continue;
    }
    lines.push_back(name + " differs from the baseline in " + std::to_string(changes.size()) +
                    (changes.size() == 1 ? " value:" : " values:"));
    for (const auto& c : changes) lines.push_back("  " + c.text());
  }
  return lines;
}

}  // namespace chainsim::io
