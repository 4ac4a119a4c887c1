#include "io/config_warnings.hpp"

#include <algorithm>
#include <filesystem>

#include "io/table_writer.hpp"
#include "io/toml_helpers.hpp"

namespace chainsim::io {

namespace {

using detail::format_date;

struct Horizon {
  forecast::Date start, end;  // end: the day after the last simulated week
  std::string text() const { return format_date(start) + " to " + format_date(end - std::chrono::days{1}); }
};

// Warnings about one configuration's dated entries.
std::vector<std::string> date_warnings(const forecast::Config& c) {
  std::vector<std::string> out;
  const Horizon h{c.run.start, c.run.start + std::chrono::days{7 * std::int64_t{c.run.weeks}}};
  const std::string horizon = " (the run simulates " + h.text() + ")";
  const auto schedule = [&](const forecast::Schedule& s, const std::string& key) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::string k = key + "[" + std::to_string(i) + "]";
      if (s[i].from >= h.end) {
        out.push_back(k + " starts on " + format_date(s[i].from) + ", after the last simulated week" + horizon +
                      ": it has no effect");
      } else if (s[i].to && *s[i].to <= h.start) {
        out.push_back(k + " ends on " + format_date(*s[i].to) + ", before run.start" + horizon + ": it has no effect");
      }
    }
  };
  schedule(c.levers.inflow, "levers.inflow");
  schedule(c.levers.dublin, "levers.dublin");
  schedule(c.levers.ret, "levers.return");
  schedule(c.levers.nareis, "levers.nareis");
  schedule(c.levers.guardian, "levers.guardian");
  schedule(c.registration.capacity_per_week.periods, "registration.capacity_per_week.schedule");
  schedule(c.decisions.capacity_per_week.periods, "decisions.capacity_per_week.schedule");
  for (std::size_t i = 0; i < c.capacity.changes.size(); ++i) {
    if (c.capacity.changes[i].at >= h.end) {
      out.push_back("capacity.changes[" + std::to_string(i) + "] is on " + format_date(c.capacity.changes[i].at) +
                    ", after the last simulated week" + horizon + ": it has no effect");
    }
  }
  for (const auto& l : c.capacity.tnv) {
    const std::string k = "capacity.tnv[" + one_line(l.name) + "]";
    if (l.from >= h.end) {
      out.push_back(k + " opens on " + format_date(l.from) + ", after the last simulated week" + horizon +
                    ": it adds no places");
    } else if (l.from + std::chrono::days{7 * std::int64_t{l.weeks}} <= h.start) {
      out.push_back(k + " closes before run.start" + horizon + ": it adds no places");
    }
  }
  if (c.capacity.cno.places_per_region > 0 && c.capacity.cno.from >= h.end) {
    out.push_back("capacity.cno opens on " + format_date(c.capacity.cno.from) + ", after the last simulated week" +
                  horizon + ": it adds no places");
  }
  for (const auto& g : c.housing.programmes) {
    const std::string k = "housing.programme[" + one_line(g.name) + "]";
    if (g.from < h.start) {
      out.push_back(k + " starts on " + format_date(g.from) + ", before run.start " + format_date(h.start) +
                    ": the homes it would have delivered before the start are not counted");
    } else if (g.from >= h.end) {
      out.push_back(k + " starts on " + format_date(g.from) + ", after the last simulated week" + horizon +
                    ": it houses no one");
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + one_line(x);
  return s;
}

}  // namespace

std::vector<ConfigNotice> config_notices(const forecast::ScenarioSet& set, const forecast::ScenarioSet& seed) {
  std::vector<ConfigNotice> out;
  if (set.scenarios.empty()) return out;
  const forecast::Config& base = set.scenarios.front();
  const bool user_file = set.source != seed.source;

  if (user_file && !seed.scenarios.empty()) {
    const forecast::Config& s = seed.scenarios.front();
    if (base.run.name == s.run.name) {
      out.push_back({true, "run.name is the seed's \"" + s.run.name +
                               "\": give your file its own [run] name so that its outputs are not taken for the "
                               "seed's"});
    }
    if (base.output.path == s.output.path) {
      out.push_back({true, "output.path is the seed's \"" + s.output.path +
                               "\": this run's output would replace the seed's; set [output] path (or --out)"});
    }
  }
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(base.output.path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    out.push_back({true, "output.path \"" + base.output.path + "\": the folder " + parent.string() +
                             " does not exist (run will fail unless it is created or --out names another)"});
  }

  // Dated entries the file inherits from the seed are not the user's doing (a
  // short --weeks leaves the seed's later entries outside the run): only the
  // warnings the seed itself would not give under the same calendar are shown.
  std::vector<std::string> inherited;
  if (!seed.scenarios.empty()) {
    for (forecast::Config s : seed.scenarios) {
      s.run.start = base.run.start;
      s.run.weeks = base.run.weeks;
      for (auto& w : date_warnings(s)) inherited.push_back(std::move(w));
    }
  }
  const auto known = [](const std::vector<std::string>& v, const std::string& w) {
    return std::find(v.begin(), v.end(), w) != v.end();
  };
  std::vector<std::string> base_warnings;
  for (auto& w : date_warnings(base)) {
    if (known(inherited, w)) continue;
    out.push_back({true, w});
    base_warnings.push_back(w);
  }
  for (std::size_t i = 1; i < set.scenarios.size(); ++i) {
    for (const auto& w : date_warnings(set.scenarios[i])) {
      if (known(base_warnings, w) || known(inherited, w)) continue;
      out.push_back({true, "scenario \"" + one_line(set.names[i]) + "\": " + w});
    }
  }

  if (user_file) {
    std::vector<std::string> dropped;
    for (std::size_t i = 1; i < seed.names.size(); ++i)
      if (std::find(set.names.begin(), set.names.end(), seed.names[i]) == set.names.end())
        dropped.push_back(seed.names[i]);
    if (!dropped.empty()) {
      const std::string what =
          set.names.size() > 1 ? "its [[scenario]] list replaces the seed's" : "it has no [[scenario]]";
      out.push_back({false, set.source + ": " + what + ", so the seed's scenarios " + join(dropped) +
                                " are not run ([[scenario_add]] instead of [[scenario]] keeps them)"});
    }
  }
  return out;
}

}  // namespace chainsim::io
