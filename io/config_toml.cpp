#include "io/config_toml.hpp"

#include <fstream>
#include <map>

#include "forecast/embedded_data.hpp"
#include "io/config_keys.hpp"
#include "io/config_reader.hpp"
#include "io/list_additions.hpp"
#include "io/toml_helpers.hpp"

namespace chainsim::io {

namespace {

using namespace detail;

// The seed's value of each capacity key, by "table.key": the base of a
// capacity that is given only as a schedule.
std::map<std::string, double> seed_capacities(const toml::table& seed) {
  std::map<std::string, double> out;
  for (const KeySpec& k : config_keys()) {
    if (k.kind != KeyKind::Capacity) continue;
    const toml::node_view<const toml::node> n = seed.at_path(k.path());
    if (auto v = n.value<double>()) {
      out[k.path()] = *v;
    } else {
      out[k.path()] = n["value"].value<double>().value_or(0.0);
    }
  }
  return out;
}

// The keys of a merged view that do not come from the seed, with file:line.
// A table's entries are walked; any other value is one key (arrays of tables
// included: they replace the seed's list as a whole).
void record_user_keys(const View& v, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& [k, kid] : v.kids) {
    const std::string key = prefix.empty() ? k : prefix + "." + k;
    if (kid.is_table() && !kid.kids.empty()) {
      record_user_keys(kid, key, out);
    } else if (kid.node != nullptr && !from_seed(*kid.node)) {
      const auto& src = kid.node->source();
      out[key] = (src.path ? *src.path : std::string("?")) + ":" + std::to_string(src.begin.line);
    }
  }
}

// Base = seed (without its scenarios) + user file (if any); scenarios are the
// user's, or the seed's when there is no user file. A list replaces the list
// below it; `<list>_add` appends to it (io/list_additions.hpp), which the
// layers' tables are rewritten for first -- hence the mutable documents.
forecast::ScenarioSet resolve(toml::table& seed, toml::table* user, std::string source) {
  const std::map<std::string, double> capacities = seed_capacities(seed);

  View base = View::of(seed);
  toml::node* scenarios = seed.get("scenario");
  if (user != nullptr) {
    expand_list_additions(*user, base, "");  // [[scenario_add]] keeps the seed's scenarios
    base.overlay(*user);
    scenarios = user->get("scenario");
  }
  base.kids.erase("scenario");

  forecast::ScenarioSet set;
  set.source = std::move(source);
  record_user_keys(base, "", set.user_keys);
  set.names.push_back("baseline");
  set.scenarios.push_back(read_config(base, "", false, capacities));

  if (scenarios != nullptr) {
    read_array(*scenarios, "scenario", "scenario tables ([[scenario]] with a name)");  // checks it is a list
    toml::array& list = *scenarios->as_array();
    std::map<std::string, std::pair<std::size_t, int>> seen;  // name -> (index, line)
    for (std::size_t i = 0; i < list.size(); ++i) {
      toml::node& e = *list.get(i);
      const std::string ikey = "scenario[" + std::to_string(i) + "]";
      if (!e.is_table()) fail(e, ikey, "a scenario table ([[scenario]] with a name)");
      toml::table& st = *e.as_table();
      const toml::node* name_node = st.get("name");
      if (name_node == nullptr) fail_missing(st, ikey + ".name", "every scenario needs a name");
      const std::string name = read_string(*name_node, ikey + ".name");
      if (name.empty()) fail(*name_node, ikey + ".name", "a non-empty name");
      if (name == "baseline") {
        fail(*name_node, ikey + ".name", "a name other than \"baseline\", the name of the base");
      }
      if (auto it = seen.find(name); it != seen.end()) {
        fail(*name_node, ikey + ".name",
             "a name not used by another scenario (scenario " + std::to_string(it->second.first) + ", line " +
                 std::to_string(it->second.second) + ", has it)");
      }
      seen.emplace(name, std::pair{i, static_cast<int>(name_node->source().begin.line)});
      for (std::string_view shared : {"run", "output"}) {
        if (const toml::node* n = st.get(shared)) {
          fail(*n, "scenario[" + name + "]." + std::string(shared),
               "scenarios share run and output settings; set them in the base");
        }
      }
      expand_list_additions(st, base, "scenario[" + name + "].");
      View view = base;  // copies pointers only
      view.overlay(st);
      set.names.push_back(name);
      set.scenarios.push_back(read_config(view, "scenario[" + name + "]", true, capacities));
    }
  }
  set.resolved_toml = to_toml(set);
  return set;
}

toml::table parse_seed() { return parse_toml(forecast::embedded::seed_toml(), kSeedSource); }

}  // namespace

forecast::ScenarioSet load_seed() {
  toml::table seed = parse_seed();
  return resolve(seed, nullptr, "<embedded seed>");
}

forecast::ScenarioSet load_config_text(std::string_view text, std::string source_name) {
  if (text.size() > kMaxConfigBytes) {
    throw ConfigError(source_name, 0, "", "", "configuration file is larger than 1 MiB");
  }
  toml::table seed = parse_seed();
  toml::table user = parse_toml(text, source_name);
  return resolve(seed, &user, std::move(source_name));
}

forecast::ScenarioSet load_config_file(const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (ec || !fs::exists(status)) {
    throw InputMissingError("configuration file not found: " + file.string());
  }
  if (!fs::is_regular_file(status)) {
    throw InputMissingError("configuration path is not a regular file: " + file.string());
  }
  // Check the size before reading: a hostile file is not read into memory.
  const auto size = fs::file_size(file, ec);
  if (!ec && size > kMaxConfigBytes) {
    throw ConfigError(file.string(), 0, "", "", "configuration file is larger than 1 MiB");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputMissingError("cannot read configuration file: " + file.string());
  std::string text;
  // Read at most one byte past the limit, in case the file grew since the check.
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw InputMissingError("cannot read configuration file: " + file.string());
  text.resize(static_cast<std::size_t>(in.gcount()));
  return load_config_text(text, file.string());
}

}  // namespace chainsim::io
