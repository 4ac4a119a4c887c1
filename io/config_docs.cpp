#include "io/config_docs.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <utility>

#include "forecast/embedded_data.hpp"
#include "io/config_keys.hpp"

namespace chainsim::io {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// The position of a comment's '#' in a TOML line, outside strings; npos if none.
std::size_t comment_at(std::string_view line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      return i;
    }
  }
  return std::string_view::npos;
}

// Calls f(section, key, value, comment) for each "key = value" line of TOML
// text whose key is a bare key (as the project writes them).
template <class F>
void for_each_key_line(std::string_view text, F f) {
  std::string section;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t hash = comment_at(line);
    const std::string code = trim(line.substr(0, hash));
    const std::string note = hash == std::string_view::npos ? "" : trim(line.substr(hash + 1));
    if (code.starts_with("[")) {
      section = trim(std::string_view(code).substr(code.starts_with("[[") ? 2 : 1));
      section = section.substr(0, section.find(']'));
      f(section, std::string(), code, note);
      continue;
    }
    const std::size_t eq = code.find('=');
    if (eq == std::string::npos) {
      f(section, std::string(), code, note);
      continue;
    }
    f(section, trim(std::string_view(code).substr(0, eq)), code, note);
    if (pos > text.size()) break;
  }
}

}  // namespace

std::string key_unit(std::string_view key) {
  const KeySpec* k = find_key(key);
  if (k == nullptr) return {};
  if (k->kind != KeyKind::Table || k->style != TableStyle::Inline) return std::string(k->unit);
  // An inline table: the units of its keys, each once ("share, weeks").
  std::string units;
  for (const KeySpec* sub : keys_of(k->path())) {
    const std::string u = key_unit(sub->path());
    if (u.empty() || (", " + units + ", ").find(", " + u + ", ") != std::string::npos) continue;
    units += (units.empty() ? "" : ", ") + u;
  }
  return units;
}

std::map<std::string, std::string> seed_notes() {
  std::map<std::string, std::string> notes;
  for_each_key_line(forecast::embedded::seed_toml(), [&](const std::string& section, const std::string& key,
                                                         const std::string&, const std::string& note) {
    if (key.empty() || note.empty() || section.starts_with("scenario")) return;
    notes.emplace(section + "." + key, note);  // the first entry of an array of tables
  });
  return notes;
}

std::string annotate(const forecast::ScenarioSet& set) {
  const std::map<std::string, std::string> notes = seed_notes();
  // A key set by the user, directly or through one of its sub-keys (a prior's mean).
  // (or through a list it replaced as a whole: "capacity.tnv" for "capacity.tnv.places").
  const auto user_line = [&](const std::string& key) -> std::string {
    if (const auto it = set.user_keys.lower_bound(key);
        it != set.user_keys.end() && (it->first == key || it->first.starts_with(key + ".")))
      return it->second;
    for (std::string k = key; k.find('.') != std::string::npos;) {
      k.erase(k.rfind('.'));
      if (const auto it = set.user_keys.find(k); it != set.user_keys.end()) return it->second;
    }
    return "";
  };
  std::ostringstream out;
  bool in_scenarios = false;
  for_each_key_line(set.resolved_toml, [&](const std::string& section, const std::string& key, const std::string& code,
                                           const std::string& note) {
    if (section.starts_with("scenario")) in_scenarios = true;
    if (key.empty() || in_scenarios) {
      out << code << (note.empty() ? "" : (code.empty() ? "# " : "  # ") + note) << "\n";
      return;
    }
    const std::string full = section + "." + key;
    std::string comment;
    if (const std::string unit = key_unit(full); !unit.empty()) comment = "[" + unit + "] ";
    if (const std::string line = user_line(full); !line.empty()) {
      comment += "from " + line;
    } else if (const auto it = notes.find(full); it != notes.end()) {
      comment += it->second.starts_with("seed") ? it->second : "seed: " + it->second;
    } else {
      comment += "seed";
    }
    out << code << "  # " << comment << "\n";
  });
  std::string s = out.str();
  while (s.ends_with("\n\n")) s.pop_back();
  return s;
}

std::vector<std::string> inherited_calibrated_keys(const forecast::ScenarioSet& set) {
  std::vector<std::string> out;
  if (set.user_keys.empty()) return out;  // the embedded seed, or a file that states nothing
  for (const auto& [key, note] : seed_notes()) {
    if (!note.starts_with("data")) continue;
    const auto it = set.user_keys.lower_bound(key);
    const bool stated = it != set.user_keys.end() && (it->first == key || it->first.starts_with(key + "."));
    if (!stated) out.push_back(key);
  }
  return out;
}

}  // namespace chainsim::io
