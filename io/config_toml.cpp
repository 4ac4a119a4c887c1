#include "io/config_toml.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/variables.hpp"
#include "forecast/embedded_data.hpp"
#include "forecast/regions.hpp"
#include "io/toml_helpers.hpp"

namespace chainsim::io {

namespace {

using namespace detail;

// Sanity bounds that keep hostile values from overflowing downstream sums:
// person and place counts up to a billion, durations up to 20,000 weeks.
constexpr std::int64_t kMaxCount = 1'000'000'000;
constexpr std::int64_t kMaxDuration = 20'000;

constexpr const char* kSeedSource = "<seed defaults>";

const std::string kPriorText = "a prior { mean = m, sd = s } or a number";
const std::string kPeriodText = "a period { from = DATE, to = DATE (optional), value = X }";

enum class PriorKind { Beta, Gamma, Normal };

std::string period_name(PeriodKind p) {
  switch (p) {
    case PeriodKind::Quarter: return "quarter";
    case PeriodKind::HalfYear: return "half-year";
    case PeriodKind::Year: return "year";
  }
  return "";
}

std::string variable_list() {
  std::string s;
  for (const auto& v : core::kVarInfo) s += (s.empty() ? "" : ", ") + std::string(v.name);
  return s;
}

// A number for a message: six significant digits (0.16, not 0.16000000000000003).
std::string readable(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

bool from_seed(const toml::node& n) {
  return n.source().path != nullptr && *n.source().path == kSeedSource;
}

const char* weekday_name(std::chrono::weekday w) {
  static const char* const names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};
  return names[w.c_encoding()];
}

// Reads one Config from a merged view. The base is read first, so an error
// found while reading a scenario was caused by that scenario's overlay; keys
// then carry the prefix "scenario[<name>]".
class Reader {
 public:
  Reader(const View& root, std::string prefix, bool is_scenario, double registration_default,
         double decisions_default)
      : root_{&root, std::move(prefix)},
        is_scenario_(is_scenario),
        registration_default_(registration_default),
        decisions_default_(decisions_default) {}

  Config read() {
    if (is_scenario_) {
      root_.allow_only({"name", "run", "output", "initial", "inflow", "registration", "dublin",
                        "decisions", "rejected", "nareis", "minors", "housing", "capacity",
                        "costs", "levers"});
    } else {
      root_.allow_only({"run", "output", "initial", "inflow", "registration", "dublin",
                        "decisions", "rejected", "nareis", "minors", "housing", "capacity",
                        "costs", "levers", "scenario"});
    }
    run();  // first: the schedules need run.start
    output();
    initial();
    inflow();
    single_sections();
    housing();
    capacity();
    levers();
    return c_;
  }

 private:
  // The week that contains a date (MODEL.md §10).
  std::int64_t week(Date d) const {
    const auto days = (d - c_.run.start).count();
    return days >= 0 ? days / 7 : -((-days + 6) / 7);
  }

  void run() {
    const Table t = root_.sub("run");
    t.allow_only({"name", "start", "weeks", "paths", "seed", "regions"});
    c_.run.name = read_string(t.need("name", "a string"), t.key("name"));
    c_.run.start = t.date("start");
    const std::chrono::weekday wd{c_.run.start};
    if (wd != std::chrono::Monday) {
      fail(*t.find("start"), t.key("start"),
           std::string("a Monday (week 0 starts on it); this date is a ") + weekday_name(wd));
    }
    c_.run.weeks = static_cast<int>(t.integer("weeks", 1, 1560));
    c_.run.paths = t.integer("paths", 1, 100'000'000);
    c_.run.seed = static_cast<std::uint64_t>(t.integer("seed", 0));
    const std::string allowed = "\"national\" or \"safety-regions\"";
    const toml::node& r = t.need("regions", allowed);
    const auto* s = r.as_string();
    if (s != nullptr && s->get() == "national") {
      c_.run.regions = RegionMode::National;
    } else if (s != nullptr && s->get() == "safety-regions") {
      c_.run.regions = RegionMode::SafetyRegions;
    } else {
      fail(r, t.key("regions"), allowed);
    }
  }

  void output() {
    const Table t = root_.sub("output");
    t.allow_only({"path", "ensemble", "quantiles", "periods", "risk_levels"});
    auto& o = c_.output;

    const std::string path_text = "a file name ending in .h5 (or .nc)";
    o.path = read_string(t.need("path", path_text), t.key("path"));
    const auto ends = [&](std::string_view ext) {
      return o.path.size() > ext.size() && o.path.ends_with(ext);
    };
    if (!ends(".h5") && !ends(".nc")) fail(*t.find("path"), t.key("path"), path_text);

    const std::string ens_text = "\"all\", [] or a list of output variable names: " + variable_list();
    const toml::node& e = t.need("ensemble", ens_text);
    if (const auto* s = e.as_string(); s != nullptr && s->get() == "all") {
      for (const auto& v : core::kVarInfo) o.ensemble.emplace_back(v.name);
    } else if (const auto* a = e.as_array()) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        const toml::node& n = *a->get(i);
        const std::string key = t.key("ensemble") + "[" + std::to_string(i) + "]";
        const auto* name = n.as_string();
        const bool known =
            name != nullptr && std::any_of(core::kVarInfo.begin(), core::kVarInfo.end(),
                                           [&](const auto& v) { return v.name == name->get(); });
        if (!known) fail(n, key, "an output variable name: " + variable_list());
        if (std::find(o.ensemble.begin(), o.ensemble.end(), name->get()) != o.ensemble.end()) {
          fail(n, key, "each variable at most once");
        }
        o.ensemble.push_back(name->get());
      }
    } else {
      fail(e, t.key("ensemble"), ens_text);
    }

    o.quantiles = numbers(t, "quantiles", Range{0.0, 1.0, true, true}, true);
    for (std::size_t i = 1; i < o.quantiles.size(); ++i) {
      if (!(o.quantiles[i] > o.quantiles[i - 1])) {
        fail(*t.find("quantiles")->as_array()->get(i),
             t.key("quantiles") + "[" + std::to_string(i) + "]",
             "quantiles must be strictly increasing; the one before is " +
                 readable(o.quantiles[i - 1]));
      }
    }
    o.risk_levels = numbers(t, "risk_levels", Range{0.0, 1.0, true, true}, false);
    for (std::size_t i = 0; i < o.risk_levels.size(); ++i) {
      if (std::count(o.risk_levels.begin(), o.risk_levels.begin() + i, o.risk_levels[i]) > 0) {
        fail(*t.find("risk_levels")->as_array()->get(i),
             t.key("risk_levels") + "[" + std::to_string(i) + "]", "each risk level at most once");
      }
    }

    const std::string per_text = "\"quarter\", \"half-year\" or \"year\", each at most once";
    const toml::array& p = read_array(t.need("periods", "an array"), t.key("periods"), per_text);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const toml::node& n = *p.get(i);
      const auto* s = n.as_string();
      std::optional<PeriodKind> kind;
      for (auto k : {PeriodKind::Quarter, PeriodKind::HalfYear, PeriodKind::Year}) {
        if (s != nullptr && s->get() == period_name(k)) kind = k;
      }
      const std::string key = t.key("periods") + "[" + std::to_string(i) + "]";
      if (!kind || std::find(o.periods.begin(), o.periods.end(), *kind) != o.periods.end()) {
        fail(n, key, per_text);
      }
      o.periods.push_back(*kind);
    }
  }

  // An array of numbers, each in r.
  std::vector<double> numbers(const Table& t, std::string_view k, const Range& r,
                              bool non_empty) const {
    const std::string what = (non_empty ? "a non-empty array of " : "an array of ") +
                             std::string("numbers, each ") + r.text().substr(2);
    const toml::node& n = t.need(k, what);
    const toml::array& a = read_array(n, t.key(k), "numbers, each " + r.text().substr(2));
    if (non_empty && a.empty()) fail(n, t.key(k), what);
    std::vector<double> out;
    for (std::size_t i = 0; i < a.size(); ++i) {
      out.push_back(read_number(*a.get(i), t.key(k) + "[" + std::to_string(i) + "]", r));
    }
    return out;
  }

  void initial() {
    const Table t = root_.sub("initial");
    t.allow_only({"registration_queue", "dublin", "procedure", "rejected", "permit_holders",
                  "grants_per_week", "uncertainty_sd", "permit_holders_over_14_weeks"});
    auto& i = c_.initial;
    i.registration_queue = t.integer("registration_queue", 0, kMaxCount);
    i.dublin = t.integer("dublin", 0, kMaxCount);
    i.procedure = t.integer("procedure", 0, kMaxCount);
    i.rejected = t.integer("rejected", 0, kMaxCount);
    i.permit_holders = t.integer("permit_holders", 0, kMaxCount);
    i.grants_per_week = t.number("grants_per_week", kNonNegative);
    i.uncertainty_sd = optional_number(t, "uncertainty_sd", Range{0.0, 2.0}, 0.0);
    if (t.find("permit_holders_over_14_weeks") != nullptr) {
      i.permit_holders_over_14_weeks = t.integer("permit_holders_over_14_weeks", 0, kMaxCount);
      if (*i.permit_holders_over_14_weeks > i.permit_holders) {
        fail(*t.find("permit_holders_over_14_weeks"), t.key("permit_holders_over_14_weeks"),
             "at most initial.permit_holders (" + std::to_string(i.permit_holders) + ")");
      }
    }
  }

  // A key that may be absent (a mechanism added after the first model: absent
  // means off, as in the first model).
  double optional_number(const Table& t, std::string_view k, const Range& r, double absent) const {
    return t.find(k) != nullptr ? t.number(k, r) : absent;
  }
  Prior optional_prior(const Table& t, std::string_view k, PriorKind kind, Prior absent) const {
    return t.find(k) != nullptr ? prior(t, k, kind) : absent;
  }

  Prior prior(const Table& t, std::string_view k, PriorKind kind) const {
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
    Prior out;
    const Range mean_range = kind == PriorKind::Beta    ? kUnit
                             : kind == PriorKind::Gamma ? kNonNegative
                                                        : kAnyNumber;
    out.mean = read_number(*mean_node, mean_key, mean_range);
    if (sd_node != nullptr) out.sd = read_number(*sd_node, sd_key, kNonNegative);
    if (out.sd > 0.0 && kind == PriorKind::Beta) {
      if (out.mean <= 0.0 || out.mean >= 1.0) {
        fail(*mean_node, mean_key, "a Beta prior with sd > 0 needs 0 < mean < 1");
      }
      const double limit = out.mean * (1.0 - out.mean);
      if (out.sd * out.sd >= limit) {
        const std::string allowed = "a Beta prior needs sd² < mean·(1 − mean) = " +
                                    readable(limit) + "; found sd = " + readable(out.sd);
        // Point at the user's value: an sd inherited from the seed is not what
        // the user wrote, the mean they set is.
        if (from_seed(*sd_node) && !from_seed(*mean_node)) {
          fail(*mean_node, mean_key, allowed + " (sd from the seed defaults)");
        }
        fail(*sd_node, sd_key, allowed);
      }
    }
    if (out.sd > 0.0 && kind == PriorKind::Gamma && out.mean <= 0.0) {
      fail(*mean_node, mean_key, "a Gamma prior with sd > 0 needs mean > 0");
    }
    return out;
  }

  void inflow() {
    const Table t = root_.sub("inflow");
    t.allow_only({"level", "trend_per_year", "level_trend_correlation", "season", "ar_phi",
                  "ar_sigma", "shock_probability", "shock_mean", "shock_decay", "repeat_share",
                  "start_deviation"});
    auto& f = c_.inflow;
    f.level = prior(t, "level", PriorKind::Normal);
    f.trend_per_year = prior(t, "trend_per_year", PriorKind::Normal);
    f.level_trend_correlation = t.number("level_trend_correlation", Range{-1.0, 1.0});
    const std::string season_text = "exactly 12 monthly factors, each a finite number > 0";
    const toml::node& s = t.need("season", season_text);
    const toml::array& a = read_array(s, t.key("season"), "12 monthly factors");
    if (a.size() != 12) fail(s, t.key("season"), season_text);
    for (std::size_t m = 0; m < 12; ++m) {
      f.season[m] = read_number(*a.get(m), t.key("season") + "[" + std::to_string(m) + "]",
                                kPositive);
    }
    f.ar_phi = t.number("ar_phi", Range{-1.0, 1.0, true, true});
    f.ar_sigma = t.number("ar_sigma", kNonNegative);
    f.shock_probability = t.number("shock_probability", kUnit);
    // A surge size is drawn only when surges can occur, and then needs a positive mean.
    f.shock_mean = t.number("shock_mean", f.shock_probability > 0.0 ? kPositive : kNonNegative);
    f.shock_decay = t.number("shock_decay", Range{0.0, 1.0, false, true});
    f.repeat_share = t.number("repeat_share", kNonNegative);  // a ratio, may exceed 1
    f.start_deviation = optional_prior(t, "start_deviation", PriorKind::Normal, Prior{});
  }

  // The flat sections: registration, dublin, decisions, rejected, nareis, minors, costs.
  void single_sections() {
    const Table r = root_.sub("registration");
    r.allow_only({"capacity_per_week"});
    c_.registration.capacity_per_week = capacity(r, "capacity_per_week", registration_default_);

    const Table d = root_.sub("dublin");
    d.allow_only({"share", "transfer_share", "abscond_weekly", "deadline_weeks"});
    c_.dublin.share = prior(d, "share", PriorKind::Beta);
    c_.dublin.transfer_share = prior(d, "transfer_share", PriorKind::Beta);
    c_.dublin.abscond_weekly = d.number("abscond_weekly", kUnit);
    c_.dublin.deadline_weeks = static_cast<int>(d.integer("deadline_weeks", 1, 104));

    const Table dec = root_.sub("decisions");
    dec.allow_only({"capacity_per_week", "grant_rate", "response", "capacity_sd", "withdrawn_share",
                    "grant_drift_sd"});
    c_.decisions.capacity_per_week = capacity(dec, "capacity_per_week", decisions_default_);
    c_.decisions.grant_rate = prior(dec, "grant_rate", PriorKind::Beta);
    if (dec.find("response") != nullptr) {
      const Table rt = dec.sub("response");
      rt.allow_only({"enabled", "target_weeks", "adjust_weeks", "max_per_week", "min_per_week"});
      auto& resp = c_.decisions.response;
      resp.enabled = read_bool(rt.need("enabled", "true or false"), rt.key("enabled"));
      resp.target_weeks = rt.number("target_weeks", Range{1.0, 1040.0});
      resp.adjust_weeks = rt.number("adjust_weeks", Range{1.0, 1040.0});
      resp.max_per_week = rt.number("max_per_week", kNonNegative);
      resp.min_per_week = optional_number(rt, "min_per_week", kNonNegative, 0.0);
    }
    c_.decisions.capacity_sd = optional_number(dec, "capacity_sd", Range{0.0, 2.0}, 0.0);
    c_.decisions.withdrawn_share = optional_number(dec, "withdrawn_share", kUnit, 0.0);
    c_.decisions.grant_drift_sd = optional_number(dec, "grant_drift_sd", Range{0.0, 5.0}, 0.0);

    const Table rej = root_.sub("rejected");
    rej.allow_only({"return_weekly", "leave_weekly"});
    c_.rejected.return_weekly = rej.number("return_weekly", kUnit);
    c_.rejected.leave_weekly = rej.number("leave_weekly", kUnit);

    const Table n = root_.sub("nareis");
    n.allow_only({"per_grant", "lag_mean_weeks", "lag_sd_weeks", "max_lag_weeks", "into_reception"});
    c_.nareis.per_grant = prior(n, "per_grant", PriorKind::Gamma);
    c_.nareis.lag_mean_weeks = n.number("lag_mean_weeks", kPositive);
    c_.nareis.lag_sd_weeks = n.number("lag_sd_weeks", kPositive);
    c_.nareis.max_lag_weeks = static_cast<int>(n.integer("max_lag_weeks", 1, 520));
    c_.nareis.into_reception = n.number("into_reception", kUnit);

    const Table m = root_.sub("minors");
    m.allow_only({"share_of_grants", "to_guardian"});
    c_.minors.share_of_grants = m.number("share_of_grants", kUnit);
    c_.minors.to_guardian = m.number("to_guardian", kUnit);

    const Table k = root_.sub("costs");
    k.allow_only({"regular_place_week", "cno_place_week", "tnv_place_week", "shortfall_person_week"});
    c_.costs.regular_place_week = k.number("regular_place_week", kNonNegative);
    c_.costs.cno_place_week = k.number("cno_place_week", kNonNegative);
    c_.costs.tnv_place_week = k.number("tnv_place_week", kNonNegative);
    c_.costs.shortfall_person_week = k.number("shortfall_person_week", kNonNegative);
  }

  // A list of periods; periods may not overlap, compared on the weeks their
  // dates fall in (a date means its week, MODEL.md §10).
  Schedule schedule(const toml::node& n, const std::string& key, const Range& values) const {
    const toml::array& a = read_array(n, key, "periods { from = DATE, to = DATE, value = X }");
    Schedule out;
    struct Span { std::int64_t from, to; std::size_t index; };
    std::vector<Span> spans;
    std::vector<const toml::node*> from_nodes;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const toml::node& e = *a.get(i);
      const std::string ekey = key + "[" + std::to_string(i) + "]";
      if (!e.is_table()) fail(e, ekey, kPeriodText);
      const View ev = View::of(e);
      const Table p{&ev, ekey};
      p.allow_only({"from", "to", "value"});
      Period period;
      period.from = p.date("from");
      if (const toml::node* to = p.find("to")) {
        period.to = read_date(*to, p.key("to"));
        if (week(*period.to) <= week(period.from)) {
          fail(*to, p.key("to"), "a date in a later week than 'from' (" +
                                     format_date(period.from) + ")");
        }
      }
      period.value = p.number("value", values);
      spans.push_back({week(period.from),
                       period.to ? week(*period.to) : std::numeric_limits<std::int64_t>::max(), i});
      from_nodes.push_back(p.find("from"));
      out.push_back(period);
    }
    // Sorted by first week, periods overlap iff one starts before the latest end so far.
    std::sort(spans.begin(), spans.end(), [](const Span& x, const Span& y) {
      return x.from != y.from ? x.from < y.from : x.index < y.index;
    });
    for (std::size_t j = 1, latest = 0; j < spans.size(); ++j) {
      if (spans[j].from < spans[latest].to) {
        // Report the period that comes later in the file, naming the earlier one.
        const bool j_later = spans[j].index > spans[latest].index;
        const Span& mine = j_later ? spans[j] : spans[latest];
        const Span& theirs = j_later ? spans[latest] : spans[j];
        const Period& o = out[theirs.index];
        fail(*from_nodes[mine.index], key + "[" + std::to_string(mine.index) + "].from",
             "periods of one schedule must not overlap (a date means its week); this period "
             "overlaps period " + std::to_string(theirs.index) + " (from " + format_date(o.from) +
                 (o.to ? " to " + format_date(*o.to) : std::string(", open-ended")) + ")");
      }
      if (spans[j].to > spans[latest].to) latest = j;
    }
    return out;
  }

  // A number, a schedule, or { value = N, schedule = [...] }. Given only as a
  // schedule, the value outside its periods is the seed's default for the key
  // (registration 1000000, decisions 700), not a value from a layer below:
  // each statement of the key defines it completely.
  TimeVarying capacity(const Table& t, std::string_view k, double schedule_only_base) const {
    const std::string text =
        "a number >= 0, a schedule [{ from = DATE, to = DATE, value = X }, ...], or "
        "{ value = N, schedule = [...] }";
    const toml::node& n = t.need(k, text);
    TimeVarying out{schedule_only_base, {}};
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

  void housing() {
    const Table t = root_.sub("housing");
    t.allow_only({"realisation", "regional_sd", "taakstelling", "programme", "half_year_sd", "carry_over",
                  "quota_rule", "min_wait_weeks"});
    auto& h = c_.housing;
    h.realisation = prior(t, "realisation", PriorKind::Beta);
    h.regional_sd = t.number("regional_sd", kNonNegative);
    h.half_year_sd = optional_number(t, "half_year_sd", Range{0.0, 2.0}, 0.0);
    if (const toml::node* co = t.find("carry_over")) h.carry_over = read_bool(*co, t.key("carry_over"));
    if (const toml::node* mw = t.find("min_wait_weeks")) {
      h.min_wait_weeks = static_cast<int>(t.integer("min_wait_weeks", 0, 14));
      if (h.min_wait_weeks > 0 && !c_.initial.permit_holders_over_14_weeks) {
        fail(*mw, t.key("min_wait_weeks"),
             "0 unless the waiting times are tracked (set initial.permit_holders_over_14_weeks)");
      }
    }
    if (t.find("quota_rule") != nullptr) {
      const Table qr = t.sub("quota_rule");
      qr.allow_only({"enabled", "share", "lookback_weeks"});
      h.quota_rule.enabled = read_bool(qr.need("enabled", "true or false"), qr.key("enabled"));
      h.quota_rule.share = qr.number("share", Range{0.0, 10.0});
      h.quota_rule.lookback_weeks = static_cast<int>(qr.integer("lookback_weeks", 1, 520));
    }

    const Table q = t.sub("taakstelling");
    for (const auto& [k, v] : q.view->kids) {
      const bool half = k.size() == 7 && k[4] == '-' && k[5] == 'H' && (k[6] == '1' || k[6] == '2') &&
                        std::all_of(k.begin(), k.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; });
      if (k == "default") {
        h.taakstelling_default = read_number(*v.node, q.key(k), kNonNegative);
      } else if (half) {
        h.taakstelling[k] = read_number(*v.node, q.key(k), kNonNegative);
      } else {
        fail(*v.node, q.key(k),
             "unknown key; keys are half-years such as \"2023-H1\" or \"2023-H2\", or \"default\"");
      }
    }
    if (q.find("default") == nullptr) {
      fail_missing(*q.view->node, q.key("default"), "the persons per half-year without its own entry");
    }

    const std::string pkey = t.key("programme");
    const toml::array& a = read_array(t.need("programme", "an array of programme tables"), pkey,
                                      "programme tables ([[housing.programme]])");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const toml::node& e = *a.get(i);
      const std::string ekey = pkey + "[" + std::to_string(i) + "]";
      if (!e.is_table()) fail(e, ekey, "a programme table");
      const View ev = View::of(e);
      const Table p{&ev, ekey};
      p.allow_only({"name", "from", "weeks", "to", "persons", "persons_per_year", "region", "delivered",
                    "delay_weeks"});
      HousingProgramme g;
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
        if (safety_region_index(g.region) < 0) {
          fail(*r, p.key("region"), "a safety-region code VR01..VR25 (leave out for national)");
        }
      }
      g.delivered = optional_prior(p, "delivered", PriorKind::Beta, Prior{1.0, 0.0});
      g.delay_weeks = optional_prior(p, "delay_weeks", PriorKind::Gamma, Prior{0.0, 0.0});
      h.programmes.push_back(std::move(g));
    }
  }

  void capacity() {
    const Table t = root_.sub("capacity");
    t.allow_only({"regular", "changes", "cno", "tnv", "adaptive"});
    auto& k = c_.capacity;
    k.regular = t.integer("regular", 0, kMaxCount);

    const toml::array& ch = read_array(t.need("changes", "an array"), t.key("changes"),
                                       "changes { at = DATE, delta = N }");
    for (std::size_t i = 0; i < ch.size(); ++i) {
      const std::string ekey = t.key("changes") + "[" + std::to_string(i) + "]";
      if (!ch.get(i)->is_table()) fail(*ch.get(i), ekey, "a change { at = DATE, delta = N }");
      const View ev = View::of(*ch.get(i));
      const Table p{&ev, ekey};
      p.allow_only({"at", "delta"});
      k.changes.push_back({p.date("at"), p.integer("delta", -kMaxCount, kMaxCount)});
    }

    const Table cno = t.sub("cno");
    cno.allow_only({"places_per_region", "from", "weeks", "staff_per_region_per_day", "phaseout"});
    k.cno.places_per_region = cno.integer("places_per_region", 0, kMaxCount);
    k.cno.from = cno.date("from");
    k.cno.weeks = static_cast<int>(cno.integer("weeks", 0, kMaxDuration));
    k.cno.staff_per_region_per_day = cno.number("staff_per_region_per_day", kNonNegative);
    const Table ph = cno.sub("phaseout");
    ph.allow_only({"margin", "weeks"});
    k.cno.phaseout_margin = ph.number("margin", Range{0.0, 1.0, false, true});
    k.cno.phaseout_weeks = static_cast<int>(ph.integer("weeks", -kMaxDuration, kMaxDuration));  // <= 0 disables

    const toml::array& tnv = read_array(t.need("tnv", "an array"), t.key("tnv"),
                                        "facility tables ([[capacity.tnv]])");
    for (std::size_t i = 0; i < tnv.size(); ++i) {
      const std::string ekey = t.key("tnv") + "[" + std::to_string(i) + "]";
      if (!tnv.get(i)->is_table()) fail(*tnv.get(i), ekey, "a facility table");
      const View ev = View::of(*tnv.get(i));
      const Table p{&ev, ekey};
      p.allow_only({"name", "places", "from", "weeks"});
      TnvLocation l;
      l.name = read_string(p.need("name", "a string"), p.key("name"));
      for (std::size_t j = 0; j < k.tnv.size(); ++j) {
        if (k.tnv[j].name == l.name) {
          fail(*p.find("name"), p.key("name"),
               "a name not used by another facility (facility " + std::to_string(j) + " has it)");
        }
      }
      l.places = p.integer("places", 0, kMaxCount);
      l.from = p.date("from");
      l.weeks = static_cast<int>(p.integer("weeks", 1, kMaxDuration));
      k.tnv.push_back(std::move(l));
    }

    const Table ad = t.sub("adaptive");
    ad.allow_only({"enabled", "upper", "lower", "weeks", "step", "lead_weeks", "floor"});
    auto& a = k.adaptive;
    a.enabled = read_bool(ad.need("enabled", "true or false"), ad.key("enabled"));
    a.upper = ad.number("upper", kPositive);
    a.lower = ad.number("lower", kPositive);
    if (a.lower >= a.upper) {
      fail(*ad.find("lower"), ad.key("lower"),
           "a number below 'upper' (" + readable(a.upper) + "): 0 < lower < upper");
    }
    a.weeks = static_cast<int>(ad.integer("weeks", 1, kMaxDuration));
    a.step = ad.integer("step", 1, kMaxCount);
    a.lead_weeks = static_cast<int>(ad.integer("lead_weeks", 0, kMaxDuration));
    a.floor = ad.integer("floor", 0, kMaxCount);
  }

  void levers() {
    const Table t = root_.sub("levers");
    t.allow_only({"inflow", "dublin", "return", "nareis", "guardian"});
    const auto lever = [&](std::string_view k) {
      return schedule(t.need(k, "a schedule (an array of periods)"), t.key(k), kNonNegative);
    };
    c_.levers.inflow = lever("inflow");
    c_.levers.dublin = lever("dublin");
    c_.levers.ret = lever("return");
    c_.levers.nareis = lever("nareis");
    c_.levers.guardian = lever("guardian");
  }

  const Table root_;
  bool is_scenario_;
  double registration_default_, decisions_default_;
  Config c_;
};

// The seed's value of a capacity key, used as the base of a capacity that is
// given only as a schedule.
double seed_capacity(const toml::table& seed, std::string_view section) {
  const toml::node_view<const toml::node> n = seed[section]["capacity_per_week"];
  if (auto v = n.value<double>()) return *v;
  return n["value"].value<double>().value_or(0.0);
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
// user's, or the seed's when there is no user file.
ScenarioSet resolve(const toml::table& seed, const toml::table* user, std::string source) {
  const double reg_default = seed_capacity(seed, "registration");
  const double dec_default = seed_capacity(seed, "decisions");

  View base = View::of(seed);
  base.kids.erase("scenario");
  const toml::node* scenarios = seed.get("scenario");
  if (user != nullptr) {
    base.overlay(*user);
    base.kids.erase("scenario");
    scenarios = user->get("scenario");
  }

  ScenarioSet set;
  set.source = std::move(source);
  record_user_keys(base, "", set.user_keys);
  set.names.push_back("baseline");
  set.scenarios.push_back(Reader(base, "", false, reg_default, dec_default).read());

  if (scenarios != nullptr) {
    const toml::array& list =
        read_array(*scenarios, "scenario", "scenario tables ([[scenario]] with a name)");
    std::map<std::string, std::pair<std::size_t, int>> seen;  // name -> (index, line)
    for (std::size_t i = 0; i < list.size(); ++i) {
      const toml::node& e = *list.get(i);
      const std::string ikey = "scenario[" + std::to_string(i) + "]";
      if (!e.is_table()) fail(e, ikey, "a scenario table ([[scenario]] with a name)");
      const toml::table& st = *e.as_table();
      const toml::node* name_node = st.get("name");
      if (name_node == nullptr) fail_missing(st, ikey + ".name", "every scenario needs a name");
      const std::string name = read_string(*name_node, ikey + ".name");
      if (name.empty()) fail(*name_node, ikey + ".name", "a non-empty name");
      if (name == "baseline") {
        fail(*name_node, ikey + ".name", "a name other than \"baseline\", the name of the base");
      }
      if (auto it = seen.find(name); it != seen.end()) {
        fail(*name_node, ikey + ".name",
             "a name not used by another scenario (scenario " + std::to_string(it->second.first) +
                 ", line " + std::to_string(it->second.second) + ", has it)");
      }
      seen.emplace(name, std::pair{i, static_cast<int>(name_node->source().begin.line)});
      for (std::string_view shared : {"run", "output"}) {
        if (const toml::node* n = st.get(shared)) {
          fail(*n, "scenario[" + name + "]." + std::string(shared),
               "scenarios share run and output settings; set them in the base");
        }
      }
      View view = base;  // copies pointers only
      view.overlay(st);
      set.names.push_back(name);
      set.scenarios.push_back(
          Reader(view, "scenario[" + name + "]", true, reg_default, dec_default).read());
    }
  }
  set.resolved_toml = to_toml(set);
  return set;
}

toml::table parse_seed() { return parse_toml(embedded::seed_toml(), kSeedSource); }

// ---- printing -------------------------------------------------------------

std::string prior_text(const Prior& p) {
  return "{ mean = " + format_double(p.mean) + ", sd = " + format_double(p.sd) + " }";
}

std::string schedule_text(const Schedule& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += i == 0 ? " " : ", ";
    out += "{ from = " + format_date(s[i].from);
    if (s[i].to) out += ", to = " + format_date(*s[i].to);
    out += ", value = " + format_double(s[i].value) + " }";
  }
  return out + (s.empty() ? "]" : " ]");
}

std::string capacity_text(const TimeVarying& t) {
  if (t.periods.empty()) return format_double(t.base);
  return "{ value = " + format_double(t.base) + ", schedule = " + schedule_text(t.periods) + " }";
}

template <class T, class F>
std::string list_text(const std::vector<T>& v, F f) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i == 0 ? "" : ", ") + f(v[i]);
  return out + "]";
}

const std::vector<std::string> kSections = {
    "run",    "output",  "initial", "inflow", "registration", "dublin", "decisions",
    "rejected", "nareis", "minors", "housing", "capacity",     "costs",  "levers"};

// One top-level section as TOML; `prefix` is "" or "scenario." (for overlays).
std::string section_text(const Config& c, const std::string& name, const std::string& prefix) {
  std::ostringstream o;
  const auto kv = [&](const char* k, const std::string& v) { o << k << " = " << v << "\n"; };
  const auto num = [](double x) { return format_double(x); };
  const auto i64 = [](std::int64_t x) { return std::to_string(x); };
  o << "[" << prefix << name << "]\n";
  if (name == "run") {
    kv("name", quote_string(c.run.name));
    kv("start", format_date(c.run.start));
    kv("weeks", i64(c.run.weeks));
    kv("paths", i64(c.run.paths));
    kv("seed", std::to_string(c.run.seed));
    kv("regions", c.run.regions == RegionMode::National ? "\"national\"" : "\"safety-regions\"");
  } else if (name == "output") {
    kv("path", quote_string(c.output.path));
    kv("ensemble", list_text(c.output.ensemble, quote_string));
    kv("quantiles", list_text(c.output.quantiles, num));
    kv("periods", list_text(c.output.periods, [](PeriodKind p) { return quote_string(period_name(p)); }));
    kv("risk_levels", list_text(c.output.risk_levels, num));
  } else if (name == "initial") {
    kv("registration_queue", i64(c.initial.registration_queue));
    kv("dublin", i64(c.initial.dublin));
    kv("procedure", i64(c.initial.procedure));
    kv("rejected", i64(c.initial.rejected));
    kv("permit_holders", i64(c.initial.permit_holders));
    kv("grants_per_week", num(c.initial.grants_per_week));
    kv("uncertainty_sd", num(c.initial.uncertainty_sd));
    if (c.initial.permit_holders_over_14_weeks)
      kv("permit_holders_over_14_weeks", i64(*c.initial.permit_holders_over_14_weeks));
  } else if (name == "inflow") {
    const auto& f = c.inflow;
    kv("level", prior_text(f.level));
    kv("trend_per_year", prior_text(f.trend_per_year));
    kv("level_trend_correlation", num(f.level_trend_correlation));
    kv("season", list_text(std::vector<double>(f.season.begin(), f.season.end()), num));
    kv("ar_phi", num(f.ar_phi));
    kv("ar_sigma", num(f.ar_sigma));
    kv("shock_probability", num(f.shock_probability));
    kv("shock_mean", num(f.shock_mean));
    kv("shock_decay", num(f.shock_decay));
    kv("repeat_share", num(f.repeat_share));
    kv("start_deviation", prior_text(f.start_deviation));
  } else if (name == "registration") {
    kv("capacity_per_week", capacity_text(c.registration.capacity_per_week));
  } else if (name == "dublin") {
    kv("share", prior_text(c.dublin.share));
    kv("transfer_share", prior_text(c.dublin.transfer_share));
    kv("abscond_weekly", num(c.dublin.abscond_weekly));
    kv("deadline_weeks", i64(c.dublin.deadline_weeks));
  } else if (name == "decisions") {
    kv("capacity_per_week", capacity_text(c.decisions.capacity_per_week));
    kv("grant_rate", prior_text(c.decisions.grant_rate));
    const auto& resp = c.decisions.response;
    kv("response", std::string("{ enabled = ") + (resp.enabled ? "true" : "false") +
                       ", target_weeks = " + num(resp.target_weeks) + ", adjust_weeks = " +
                       num(resp.adjust_weeks) + ", max_per_week = " + num(resp.max_per_week) +
                       ", min_per_week = " + num(resp.min_per_week) + " }");
    kv("capacity_sd", num(c.decisions.capacity_sd));
    kv("withdrawn_share", num(c.decisions.withdrawn_share));
    kv("grant_drift_sd", num(c.decisions.grant_drift_sd));
  } else if (name == "rejected") {
    kv("return_weekly", num(c.rejected.return_weekly));
    kv("leave_weekly", num(c.rejected.leave_weekly));
  } else if (name == "nareis") {
    kv("per_grant", prior_text(c.nareis.per_grant));
    kv("lag_mean_weeks", num(c.nareis.lag_mean_weeks));
    kv("lag_sd_weeks", num(c.nareis.lag_sd_weeks));
    kv("max_lag_weeks", i64(c.nareis.max_lag_weeks));
    kv("into_reception", num(c.nareis.into_reception));
  } else if (name == "minors") {
    kv("share_of_grants", num(c.minors.share_of_grants));
    kv("to_guardian", num(c.minors.to_guardian));
  } else if (name == "housing") {
    const auto& h = c.housing;
    kv("realisation", prior_text(h.realisation));
    kv("regional_sd", num(h.regional_sd));
    std::string q = "{ ";
    for (const auto& [k, v] : h.taakstelling) q += quote_string(k) + " = " + num(v) + ", ";
    kv("taakstelling", q + "default = " + num(h.taakstelling_default) + " }");
    kv("half_year_sd", num(h.half_year_sd));
    kv("carry_over", h.carry_over ? "true" : "false");
    kv("min_wait_weeks", i64(h.min_wait_weeks));
    kv("quota_rule", std::string("{ enabled = ") + (h.quota_rule.enabled ? "true" : "false") +
                         ", share = " + num(h.quota_rule.share) +
                         ", lookback_weeks = " + i64(h.quota_rule.lookback_weeks) + " }");
    // An empty list cannot be written as [[...]] tables.
    if (h.programmes.empty()) kv("programme", "[]");
    for (const auto& g : h.programmes) {
      o << "\n[[" << prefix << "housing.programme]]\n";
      kv("name", quote_string(g.name));
      kv("from", format_date(g.from));
      if (g.weeks) kv("weeks", i64(*g.weeks));
      if (g.to) kv("to", format_date(*g.to));
      if (g.persons) kv("persons", num(*g.persons));
      if (g.persons_per_year) kv("persons_per_year", num(*g.persons_per_year));
      if (!g.region.empty()) kv("region", quote_string(g.region));
      kv("delivered", prior_text(g.delivered));
      kv("delay_weeks", prior_text(g.delay_weeks));
    }
  } else if (name == "capacity") {
    const auto& k = c.capacity;
    kv("regular", i64(k.regular));
    kv("changes", list_text(k.changes, [](const CapacityChange& ch) {
         return "{ at = " + format_date(ch.at) + ", delta = " + std::to_string(ch.delta) + " }";
       }));
    if (k.tnv.empty()) kv("tnv", "[]");
    o << "\n[" << prefix << "capacity.cno]\n";
    kv("places_per_region", i64(k.cno.places_per_region));
    kv("from", format_date(k.cno.from));
    kv("weeks", i64(k.cno.weeks));
    kv("staff_per_region_per_day", num(k.cno.staff_per_region_per_day));
    kv("phaseout", "{ margin = " + num(k.cno.phaseout_margin) + ", weeks = " +
                       i64(k.cno.phaseout_weeks) + " }");
    for (const auto& l : k.tnv) {
      o << "\n[[" << prefix << "capacity.tnv]]\n";
      kv("name", quote_string(l.name));
      kv("places", i64(l.places));
      kv("from", format_date(l.from));
      kv("weeks", i64(l.weeks));
    }
    const auto& a = k.adaptive;
    o << "\n[" << prefix << "capacity.adaptive]\n";
    kv("enabled", a.enabled ? "true" : "false");
    kv("upper", num(a.upper));
    kv("lower", num(a.lower));
    kv("weeks", i64(a.weeks));
    kv("step", i64(a.step));
    kv("lead_weeks", i64(a.lead_weeks));
    kv("floor", i64(a.floor));
  } else if (name == "costs") {
    kv("regular_place_week", num(c.costs.regular_place_week));
    kv("cno_place_week", num(c.costs.cno_place_week));
    kv("tnv_place_week", num(c.costs.tnv_place_week));
    kv("shortfall_person_week", num(c.costs.shortfall_person_week));
  } else if (name == "levers") {
    kv("inflow", schedule_text(c.levers.inflow));
    kv("dublin", schedule_text(c.levers.dublin));
    kv("return", schedule_text(c.levers.ret));
    kv("nareis", schedule_text(c.levers.nareis));
    kv("guardian", schedule_text(c.levers.guardian));
  }
  return o.str();
}

}  // namespace

ScenarioSet load_seed() {
  const toml::table seed = parse_seed();
  return resolve(seed, nullptr, "<embedded seed>");
}

ScenarioSet load_config_text(std::string_view text, std::string source_name) {
  if (text.size() > kMaxConfigBytes) {
    throw ConfigError(source_name, 0, "", "", "configuration file is larger than 1 MiB");
  }
  const toml::table seed = parse_seed();
  const toml::table user = parse_toml(text, source_name);
  return resolve(seed, &user, std::move(source_name));
}

ScenarioSet load_config_file(const std::filesystem::path& file) {
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

std::string to_toml(const Config& c) {
  std::string out;
  for (const auto& s : kSections) {
    if (!out.empty()) out += '\n';
    out += section_text(c, s, "");
  }
  return out;
}

std::string to_toml(const ScenarioSet& s) {
  std::string out = "# chainsim resolved configuration: every key, defaults filled in.\n";
  if (s.scenarios.empty()) return out;
  const Config& base = s.scenarios.front();
  out += '\n';
  out += to_toml(base);
  for (std::size_t i = 1; i < s.scenarios.size(); ++i) {
    out += "\n[[scenario]]\nname = " + quote_string(s.names[i]) + "\n";
    // Run and output are shared; every other section is written whole where it
    // differs, which fully defines it over the base (tables merge, arrays replace).
    for (std::size_t k = 2; k < kSections.size(); ++k) {
      const std::string mine = section_text(s.scenarios[i], kSections[k], "");
      if (mine != section_text(base, kSections[k], "")) {
        out += '\n';
        out += section_text(s.scenarios[i], kSections[k], "scenario.");
      }
    }
  }
  return out;
}

}  // namespace chainsim::io
