#include "io/config_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <span>
#include <stdexcept>

#include "core/model/variables.hpp"
#include "forecast/regions.hpp"
#include "io/config_keys.hpp"

namespace chainsim::io::detail {

namespace {

const std::string kPriorText = "a prior { mean = m, sd = s } or a number";
const std::string kPeriodText = "a period { from = DATE, to = DATE (optional), value = X }";

std::string variable_list() {
  std::string s;
  for (const auto& v : core::kVarInfo) s += (s.empty() ? "" : ", ") + std::string(v.name);
  return s;
}

const char* weekday_name(std::chrono::weekday w) {
  static const char* const names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  return names[w.c_encoding()];
}

std::string index_key(const std::string& key, std::size_t i) { return key + "[" + std::to_string(i) + "]"; }

// The names of a table's keys, for its list of allowed keys.
std::vector<std::string_view> key_names(const std::vector<const KeySpec*>& keys) {
  std::vector<std::string_view> out;
  for (const KeySpec* k : keys) out.push_back(k->key);
  return out;
}

class Reader {
 public:
  Reader(const View& root, std::string prefix, bool is_scenario,
         const std::map<std::string, double>& schedule_only_bases)
      : root_{&root, std::move(prefix)}, is_scenario_(is_scenario), schedule_only_bases_(schedule_only_bases) {}

  forecast::Config read() {
    std::vector<std::string_view> allowed;
    if (is_scenario_) allowed.push_back("name");
    for (const std::string& t : top_level_tables()) allowed.push_back(t);
    if (!is_scenario_) allowed.push_back("scenario");
    root_.allow_only(allowed);
    // In the table's order: run first (the schedules need run.start), initial
    // before housing (min_wait_weeks needs the waiting times).
    for (const std::string& t : top_level_tables()) read_table(root_.sub(t), t);
    return c_;
  }

 private:
  using Hook = void (Reader::*)(const Table&, const KeySpec&);

  // The week that contains a date (MODEL.md §10).
  std::int64_t week(forecast::Date d) const {
    const auto days = (d - c_.run.start).count();
    return days >= 0 ? days / 7 : -((-days + 6) / 7);
  }

  void read_table(const Table& t, std::string_view path) {
    const std::vector<const KeySpec*> keys = keys_of(path);
    t.allow_only(key_names(keys));
    for (const KeySpec* k : keys) read_key(t, *k);
  }

  void read_key(const Table& t, const KeySpec& k) {
    const std::string_view name = k.key;
    if (k.optional && t.find(name) == nullptr) return;  // absent: the member keeps its default
    switch (k.kind) {
      case KeyKind::Number: set(k, t.number(name, k.range)); break;
      case KeyKind::Integer: set(k, t.integer(name, k.bounds.lo, k.bounds.hi)); break;
      case KeyKind::Bool: set(k, read_bool(t.need(name, "true or false"), t.key(name))); break;
      case KeyKind::Prior: set(k, prior(t, name, k.family)); break;
      case KeyKind::Date: set(k, t.date(name)); break;
      case KeyKind::String: set(k, read_string(t.need(name, "a string"), t.key(name))); break;
      case KeyKind::Schedule:
        set(k, schedule(t.need(name, "a schedule (an array of periods)"), t.key(name), kNonNegative));
        break;
      case KeyKind::Capacity: set(k, capacity(t, name, schedule_only_bases_.at(k.path()))); break;
      case KeyKind::Table: read_table(t.sub(name), k.path()); break;
      case KeyKind::Tables:
      case KeyKind::Custom: (this->*hook(kReaders, k))(t, k); break;
    }
    if (const Hook check = hook(kChecks, k)) (this->*check)(t, k);
  }

  // Sets the key's member to a value read by the generic code.
  template <class V>
  void set(const KeySpec& k, V value) {
    std::visit(
        [&](auto member) {
          if constexpr (!std::is_same_v<decltype(member), std::monostate>) {
            using T = std::remove_reference_t<std::invoke_result_t<decltype(member), forecast::Config&>>;
            if constexpr (std::is_arithmetic_v<T> && std::is_arithmetic_v<V>) {
              member(c_) = static_cast<T>(value);
            } else if constexpr (std::is_same_v<T, V>) {
              member(c_) = std::move(value);
            } else {
              throw std::logic_error("key table: " + k.path() + " has a member of another type");
            }
          }
        },
        k.member);
  }

  struct HookEntry {
    std::string_view path;
    Hook hook;
  };
  // The key's entry in `hooks`, or nullptr. kReaders has an entry for every
  // key of kind CUSTOM or TABLES by construction (below).
  static Hook hook(std::span<const HookEntry> hooks, const KeySpec& k) {
    const std::string key_path = k.path();
    for (const HookEntry& h : hooks)
      if (h.path == key_path) return h.hook;
    return nullptr;
  }

  // ---- the keys read by code of their own ----------------------------------

  void regions(const Table& t, const KeySpec& k) {
    const std::string allowed = "\"national\" or \"safety-regions\"";
    const toml::node& r = t.need(k.key, allowed);
    const auto* s = r.as_string();
    if (s != nullptr && s->get() == "national") {
      c_.run.regions = forecast::RegionMode::National;
    } else if (s != nullptr && s->get() == "safety-regions") {
      c_.run.regions = forecast::RegionMode::SafetyRegions;
    } else {
      fail(r, t.key(k.key), allowed);
    }
  }

  void path(const Table& t, const KeySpec& k) {
    auto& file = c_.output.path;
    const std::string path_text = "a file name ending in .h5 (or .nc)";
    file = read_string(t.need(k.key, path_text), t.key(k.key));
    const auto ends = [&](std::string_view ext) { return file.size() > ext.size() && file.ends_with(ext); };
    if (!ends(".h5") && !ends(".nc")) fail(*t.find(k.key), t.key(k.key), path_text);
  }

  void ensemble(const Table& t, const KeySpec& k) {
    auto& ensemble = c_.output.ensemble;
    const std::string ens_text = "\"all\", [] or a list of output variable names: " + variable_list();
    const toml::node& e = t.need(k.key, ens_text);
    if (const auto* s = e.as_string(); s != nullptr && s->get() == "all") {
      for (const auto& v : core::kVarInfo) ensemble.emplace_back(v.name);
    } else if (const auto* a = e.as_array()) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        const toml::node& n = *a->get(i);
        const std::string key = index_key(t.key(k.key), i);
        const auto* name = n.as_string();
        const bool known = name != nullptr && std::any_of(core::kVarInfo.begin(), core::kVarInfo.end(),
                                                          [&](const auto& v) { return v.name == name->get(); });
        if (!known) fail(n, key, "an output variable name: " + variable_list());
        if (std::find(ensemble.begin(), ensemble.end(), name->get()) != ensemble.end()) {
          fail(n, key, "each variable at most once");
        }
        ensemble.push_back(name->get());
      }
    } else {
      fail(e, t.key(k.key), ens_text);
    }
  }

  void quantiles(const Table& t, const KeySpec& k) {
    auto& q = c_.output.quantiles;
    q = numbers(t, k.key, Range{0.0, 1.0, true, true}, true);
    for (std::size_t i = 1; i < q.size(); ++i) {
      if (!(q[i] > q[i - 1])) {
        fail(*t.find(k.key)->as_array()->get(i), index_key(t.key(k.key), i),
             "quantiles must be strictly increasing; the one before is " + readable(q[i - 1]));
      }
    }
  }

  void risk_levels(const Table& t, const KeySpec& k) {
    auto& r = c_.output.risk_levels;
    r = numbers(t, k.key, Range{0.0, 1.0, true, true}, false);
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (std::count(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(i), r[i]) > 0) {
        fail(*t.find(k.key)->as_array()->get(i), index_key(t.key(k.key), i), "each risk level at most once");
      }
    }
  }

  void periods(const Table& t, const KeySpec& k) {
    auto& periods = c_.output.periods;
    const std::string per_text = "\"quarter\", \"half-year\" or \"year\", each at most once";
    const toml::array& p = read_array(t.need(k.key, "an array"), t.key(k.key), per_text);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const toml::node& n = *p.get(i);
      const auto* s = n.as_string();
      std::optional<forecast::PeriodKind> kind;
      for (auto pk : {forecast::PeriodKind::Quarter, forecast::PeriodKind::HalfYear, forecast::PeriodKind::Year}) {
        if (s != nullptr && s->get() == period_name(pk)) kind = pk;
      }
      if (!kind || std::find(periods.begin(), periods.end(), *kind) != periods.end()) {
        fail(n, index_key(t.key(k.key), i), per_text);
      }
      periods.push_back(*kind);
    }
  }

  // An array of numbers, each in r.
  std::vector<double> numbers(const Table& t, std::string_view k, const Range& r, bool non_empty) const {
    const std::string what =
        (non_empty ? "a non-empty array of " : "an array of ") + std::string("numbers, each ") + r.text().substr(2);
    const toml::node& n = t.need(k, what);
    const toml::array& a = read_array(n, t.key(k), "numbers, each " + r.text().substr(2));
    if (non_empty && a.empty()) fail(n, t.key(k), what);
    std::vector<double> out;
    for (std::size_t i = 0; i < a.size(); ++i) out.push_back(read_number(*a.get(i), index_key(t.key(k), i), r));
    return out;
  }

  void permit_holders_over_14_weeks(const Table& t, const KeySpec& k) {
    auto& i = c_.initial;
    i.permit_holders_over_14_weeks = t.integer(k.key, 0, kMaxCount);
    if (*i.permit_holders_over_14_weeks > i.permit_holders) {
      fail(*t.find(k.key), t.key(k.key), "at most initial.permit_holders (" + std::to_string(i.permit_holders) + ")");
    }
  }

  void season(const Table& t, const KeySpec& k) {
    const std::string season_text = "exactly 12 monthly factors, each a finite number > 0";
    const toml::node& s = t.need(k.key, season_text);
    const toml::array& a = read_array(s, t.key(k.key), "12 monthly factors");
    if (a.size() != 12) fail(s, t.key(k.key), season_text);
    for (std::size_t m = 0; m < 12; ++m)
      c_.inflow.season[m] = read_number(*a.get(m), index_key(t.key(k.key), m), kPositive);
  }

  // A surge size is drawn only when surges can occur, and then needs a positive mean.
  void shock_mean(const Table& t, const KeySpec& k) {
    c_.inflow.shock_mean = t.number(k.key, c_.inflow.shock_probability > 0.0 ? kPositive : kNonNegative);
  }

  void taakstelling(const Table& t, const KeySpec& k) {
    auto& h = c_.housing;
    const Table q = t.sub(k.key);
    for (const auto& [key, v] : q.view->kids) {
      const bool half = key.size() == 7 && key[4] == '-' && key[5] == 'H' && (key[6] == '1' || key[6] == '2') &&
                        std::all_of(key.begin(), key.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; });
      if (key == "default") {
        h.taakstelling_default = read_number(*v.node, q.key(key), kNonNegative);
      } else if (half) {
        h.taakstelling[key] = read_number(*v.node, q.key(key), kNonNegative);
      } else {
        fail(*v.node, q.key(key),
             "unknown key; keys are half-years such as \"2023-H1\" or \"2023-H2\", or \"default\"");
      }
    }
    if (q.find("default") == nullptr) {
      fail_missing(*q.view->node, q.key("default"), "the persons per half-year without its own entry");
    }
  }

  // Calls entry(table, key) for each table of an array of tables, after
  // checking that it is one and allowing only the keys of its entries.
  template <class F>
  void each_entry(const Table& t, const KeySpec& k, const std::string& need_text, const std::string& of_what,
                  const std::string& entry_text, F entry) const {
    const std::string key = t.key(k.key);
    const toml::array& a = read_array(t.need(k.key, need_text), key, of_what);
    const std::vector<std::string_view> allowed = key_names(keys_of(k.path()));
    each_table(a, key, entry_text, allowed, [&](const toml::node& e, const Table& p, std::size_t) { entry(e, p); });
  }

  // Calls entry(node, table, index) for each entry of the array `a` at `key`,
  // after checking that it is a table (else `entry_text` is what was expected)
  // and allowing only the keys `allowed`.
  template <class F>
  static void each_table(const toml::array& a, const std::string& key, const std::string& entry_text,
                         std::span<const std::string_view> allowed, F entry) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      const toml::node& e = *a.get(i);
      const std::string ekey = index_key(key, i);
      if (!e.is_table()) fail(e, ekey, entry_text);
      const View ev = View::of(e);
      const Table p{&ev, ekey};
      p.allow_only(allowed);
      entry(e, p, i);
    }
  }

  void programmes(const Table& t, const KeySpec& k) {
    each_entry(t, k, "an array of programme tables", "programme tables ([[housing.programme]])", "a programme table",
               [&](const toml::node& e, const Table& p) {
                 forecast::HousingProgramme g;
                 g.name = read_string(p.need("name", "a string"), p.key("name"));
                 g.from = p.date("from");
                 if (p.find("weeks") != nullptr) g.weeks = static_cast<int>(p.integer("weeks", 1, kMaxDuration));
                 if (const toml::node* to = p.find("to")) {
                   g.to = read_date(*to, p.key("to"));
                   if (g.weeks) fail(*to, p.key("to"), "either 'weeks' or 'to', not both");
                   if (week(*g.to) <= week(g.from)) {
                     fail(*to, p.key("to"), "a date in a later week than 'from' (" + format_date(g.from) + ")");
                   }
                 }
                 if (p.find("persons") != nullptr) g.persons = p.number("persons", kNonNegative);
                 if (p.find("persons_per_year") != nullptr) {
                   if (g.persons) {
                     fail(*p.find("persons_per_year"), p.key("persons_per_year"),
                          "either 'persons' or 'persons_per_year', not both");
                   }
                   g.persons_per_year = p.number("persons_per_year", kNonNegative);
                 }
                 if (!g.persons && !g.persons_per_year) {
                   fail_missing(e, p.key("persons"), "a programme needs 'persons' or 'persons_per_year'");
                 }
                 if (g.persons && !g.weeks && !g.to) {
                   fail_missing(e, p.key("weeks"), "a programme with 'persons' needs 'weeks' or 'to'");
                 }
                 if (const toml::node* r = p.find("region")) {
                   g.region = read_string(*r, p.key("region"));
                   if (forecast::safety_region_index(g.region) < 0) {
                     fail(*r, p.key("region"), "a safety-region code VR01..VR25 (leave out for national)");
                   }
                 }
                 if (p.find("delivered") != nullptr) g.delivered = prior(p, "delivered", PriorFamily::Beta);
                 if (p.find("delay_weeks") != nullptr) g.delay_weeks = prior(p, "delay_weeks", PriorFamily::Gamma);
                 c_.housing.programmes.push_back(std::move(g));
               });
  }

  void changes(const Table& t, const KeySpec& k) {
    const toml::array& ch = read_array(t.need(k.key, "an array"), t.key(k.key), "changes { at = DATE, delta = N }");
    for (std::size_t i = 0; i < ch.size(); ++i) {
      const std::string ekey = index_key(t.key(k.key), i);
      if (!ch.get(i)->is_table()) fail(*ch.get(i), ekey, "a change { at = DATE, delta = N }");
      const View ev = View::of(*ch.get(i));
      const Table p{&ev, ekey};
      p.allow_only({"at", "delta"});
      c_.capacity.changes.push_back({p.date("at"), p.integer("delta", -kMaxCount, kMaxCount)});
    }
  }

  void tnv(const Table& t, const KeySpec& k) {
    auto& tnv = c_.capacity.tnv;
    each_entry(t, k, "an array", "facility tables ([[capacity.tnv]])", "a facility table",
               [&](const toml::node&, const Table& p) {
                 forecast::TnvLocation l;
                 l.name = read_string(p.need("name", "a string"), p.key("name"));
                 for (std::size_t j = 0; j < tnv.size(); ++j) {
                   if (tnv[j].name == l.name) {
                     fail(*p.find("name"), p.key("name"),
                          "a name not used by another facility (facility " + std::to_string(j) + " has it)");
                   }
                 }
                 l.places = p.integer("places", 0, kMaxCount);
                 l.from = p.date("from");
                 l.weeks = static_cast<int>(p.integer("weeks", 1, kMaxDuration));
                 tnv.push_back(std::move(l));
               });
  }

  // ---- checks after a key read by the generic code --------------------------

  void start_is_monday(const Table& t, const KeySpec& k) {
    const std::chrono::weekday wd{c_.run.start};
    if (wd != std::chrono::Monday) {
      fail(*t.find(k.key), t.key(k.key),
           std::string("a Monday (week 0 starts on it); this date is a ") + weekday_name(wd));
    }
  }

  void min_wait_needs_tracking(const Table& t, const KeySpec& k) {
    if (c_.housing.min_wait_weeks > 0 && !c_.initial.permit_holders_over_14_weeks) {
      fail(*t.find(k.key), t.key(k.key),
           "0 unless the waiting times are tracked (set initial.permit_holders_over_14_weeks)");
    }
  }

  void lower_below_upper(const Table& t, const KeySpec& k) {
    const auto& a = c_.capacity.adaptive;
    if (a.lower >= a.upper) {
      fail(*t.find(k.key), t.key(k.key), "a number below 'upper' (" + readable(a.upper) + "): 0 < lower < upper");
    }
  }

  // The reader of each key of kind CUSTOM or TABLES is the method named after
  // the key's member, listed here from the key table (a key of another kind
  // adds no entry); a new such key without its method stops the build at
  // its row of the key table.
#define CHAINSIM_READER_HOOK(kind, table, key, member, ...) CHAINSIM_READER_HOOK_##kind(table, key, member)
#define CHAINSIM_READER_HOOK_CUSTOM(table, key, member) {#table "." #key, &Reader::member},
#define CHAINSIM_READER_HOOK_TABLES CHAINSIM_READER_HOOK_CUSTOM
#define CHAINSIM_READER_HOOK_NUMBER(...)
#define CHAINSIM_READER_HOOK_INTEGER(...)
#define CHAINSIM_READER_HOOK_BOOL(...)
#define CHAINSIM_READER_HOOK_PRIOR(...)
#define CHAINSIM_READER_HOOK_DATE(...)
#define CHAINSIM_READER_HOOK_STRING(...)
#define CHAINSIM_READER_HOOK_SCHEDULE(...)
#define CHAINSIM_READER_HOOK_CAPACITY(...)
#define CHAINSIM_READER_HOOK_TABLE(...)
#define CHAINSIM_READER_HOOKS(list) list(CHAINSIM_READER_HOOK)
  static constexpr HookEntry kReaders[] = {CHAINSIM_CONFIG_KEY_LISTS(CHAINSIM_READER_HOOKS)};
#undef CHAINSIM_READER_HOOKS
#undef CHAINSIM_READER_HOOK
  static constexpr HookEntry kChecks[] = {
      {"run.start", &Reader::start_is_monday},
      {"housing.min_wait_weeks", &Reader::min_wait_needs_tracking},
      {"capacity.adaptive.lower", &Reader::lower_below_upper},
  };

  // ---- values of several keys -----------------------------------------------

  forecast::Prior prior(const Table& t, std::string_view k, PriorFamily family) const {
    const toml::node& n = t.need(k, kPriorText);
    const toml::node* mean_node = &n;
    const toml::node* sd_node = nullptr;
    std::string mean_key = t.key(k), sd_key;
    if (n.is_table()) {
      const Table p = t.sub(k);
      p.allow_only({"mean", "sd"});
      mean_node = &p.need("mean", "a finite number");
      sd_node = &p.need("sd", "a finite number >= 0");
      mean_key = p.key("mean");
      sd_key = p.key("sd");
    } else if (!n.is_number()) {
      fail(n, t.key(k), kPriorText);
    }
    forecast::Prior out;
    const Range mean_range = family == PriorFamily::Beta    ? kUnit
                             : family == PriorFamily::Gamma ? kNonNegative
                                                            : kAnyNumber;
    out.mean = read_number(*mean_node, mean_key, mean_range);
    if (sd_node != nullptr) out.sd = read_number(*sd_node, sd_key, kNonNegative);
    if (out.sd > 0.0 && family == PriorFamily::Beta) {
      if (out.mean <= 0.0 || out.mean >= 1.0) {
        fail(*mean_node, mean_key, "a Beta prior with sd > 0 needs 0 < mean < 1");
      }
      const double limit = out.mean * (1.0 - out.mean);
      if (out.sd * out.sd >= limit) {
        const std::string allowed =
            "a Beta prior needs sd² < mean·(1 − mean) = " + readable(limit) + "; found sd = " + readable(out.sd);
        // Point at the user's value: an sd inherited from the seed is not what
        // the user wrote, the mean they set is.
        if (from_seed(*sd_node) && !from_seed(*mean_node)) {
          fail(*mean_node, mean_key, allowed + " (sd from the seed defaults)");
        }
        fail(*sd_node, sd_key, allowed);
      }
    }
    if (out.sd > 0.0 && family == PriorFamily::Gamma && out.mean <= 0.0) {
      fail(*mean_node, mean_key, "a Gamma prior with sd > 0 needs mean > 0");
    }
    return out;
  }

  // A list of periods; periods may not overlap, compared on the weeks their
  // dates fall in (a date means its week, MODEL.md §10).
  forecast::Schedule schedule(const toml::node& n, const std::string& key, const Range& values) const {
    const toml::array& a = read_array(n, key, "periods { from = DATE, to = DATE, value = X }");
    forecast::Schedule out;
    struct Span {
      std::int64_t from, to;
      std::size_t index;
    };
    std::vector<Span> spans;
    std::vector<const toml::node*> from_nodes;
    static constexpr std::string_view kPeriodKeys[] = {"from", "to", "value"};
    each_table(a, key, kPeriodText, kPeriodKeys, [&](const toml::node&, const Table& p, std::size_t i) {
      forecast::Period period;
      period.from = p.date("from");
      if (const toml::node* to = p.find("to")) {
        period.to = read_date(*to, p.key("to"));
        if (week(*period.to) <= week(period.from)) {
          fail(*to, p.key("to"), "a date in a later week than 'from' (" + format_date(period.from) + ")");
        }
      }
      period.value = p.number("value", values);
      spans.push_back({week(period.from), period.to ? week(*period.to) : std::numeric_limits<std::int64_t>::max(), i});
      from_nodes.push_back(p.find("from"));
      out.push_back(period);
    });
    // Sorted by first week, periods overlap iff one starts before the latest end so far.
    std::sort(spans.begin(), spans.end(),
              [](const Span& x, const Span& y) { return x.from != y.from ? x.from < y.from : x.index < y.index; });
    for (std::size_t j = 1, latest = 0; j < spans.size(); ++j) {
      if (spans[j].from < spans[latest].to) {
        // Report the period that comes later in the file, naming the earlier one.
        const bool j_later = spans[j].index > spans[latest].index;
        const Span& mine = j_later ? spans[j] : spans[latest];
        const Span& theirs = j_later ? spans[latest] : spans[j];
        const forecast::Period& o = out[theirs.index];
        fail(*from_nodes[mine.index], index_key(key, mine.index) + ".from",
             "periods of one schedule must not overlap (a date means its week); this period "
             "overlaps period " +
                 std::to_string(theirs.index) + " (from " + format_date(o.from) +
                 (o.to ? " to " + format_date(*o.to) : std::string(", open-ended")) + ")");
      }
      if (spans[j].to > spans[latest].to) latest = j;
    }
    return out;
  }

  // A number, a schedule, or { value = N, schedule = [...] }. Given only as a
  // schedule, the value outside its periods is the seed's default for the key
  // (forecast/seed.toml's registration and decisions capacity_per_week), not a
  // value from a layer below: each statement of the key defines it completely.
  forecast::TimeVarying capacity(const Table& t, std::string_view k, double schedule_only_base) const {
    const std::string text =
        "a number >= 0, a schedule [{ from = DATE, to = DATE, value = X }, ...], or "
        "{ value = N, schedule = [...] }";
    const toml::node& n = t.need(k, text);
    forecast::TimeVarying out{schedule_only_base, {}};
    if (n.is_number()) {
      out.base = read_number(n, t.key(k), kNonNegative);
    } else if (n.is_array()) {
      out.periods = schedule(n, t.key(k), kNonNegative);
    } else if (n.is_table()) {
      const Table ct = t.sub(k);
      ct.allow_only({"value", "schedule"});
      if (ct.find("value") != nullptr) out.base = ct.number("value", kNonNegative);
      if (const toml::node* s = ct.find("schedule")) out.periods = schedule(*s, ct.key("schedule"), kNonNegative);
    } else {
      fail(n, t.key(k), text);
    }
    return out;
  }

  const Table root_;
  bool is_scenario_;
  const std::map<std::string, double>& schedule_only_bases_;
  forecast::Config c_;
};

}  // namespace

bool from_seed(const toml::node& n) { return n.source().path != nullptr && *n.source().path == kSeedSource; }

std::string readable(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string period_name(forecast::PeriodKind p) {
  switch (p) {
    case forecast::PeriodKind::Quarter: return "quarter";
    case forecast::PeriodKind::HalfYear: return "half-year";
    case forecast::PeriodKind::Year: return "year";
  }
  return "";
}

forecast::Config read_config(const View& root, std::string prefix, bool is_scenario,
                             const std::map<std::string, double>& schedule_only_bases) {
  return Reader(root, std::move(prefix), is_scenario, schedule_only_bases).read();
}

}  // namespace chainsim::io::detail
