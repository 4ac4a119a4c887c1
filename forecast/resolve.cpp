#include "forecast/resolve.hpp"

#include "core/sampling/prior_points.hpp"
#include "core/model/lag_weights.hpp"
#include "forecast/calendar.hpp"
#include "forecast/regions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace chainsim::forecast {
namespace {

constexpr double kWeeksPerYear = 52.1775;

// First and last-exclusive week of a period, clipped to [0, T).
struct WeekRange {
  int begin, end;
};

WeekRange clip(int begin, int end, int T) { return {std::clamp(begin, 0, T), std::clamp(end, 0, T)}; }

std::vector<double> expand(const Schedule& schedule, double base, Date start, int T) {
  std::vector<double> out(static_cast<std::size_t>(T), base);
  for (const Period& p : schedule) {
    const WeekRange w = clip(week_of(start, p.from), p.to ? week_of(start, *p.to) : T, T);
    for (int t = w.begin; t < w.end; ++t) out[static_cast<std::size_t>(t)] = p.value;
  }
  return out;
}

// Copies a key's value to its ModelSpec member, for the keys with a model
// column in core/model/key_table.hpp.
#define CHAINSIM_COPY_TO_MODEL(kind, table, key, member, type, default_, check, presence, unit, doc, ...) \
  __VA_OPT__(s.__VA_ARGS__ = c.table.member;)
#define CHAINSIM_COPY_LIST_TO_MODEL(list) list(CHAINSIM_COPY_TO_MODEL)

}  // namespace

std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& shares) {
  const std::size_t n = shares.size();
  std::vector<std::int64_t> out(n);
  std::vector<double> remainder(n);
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double exact = static_cast<double>(total) * shares[i];
    out[i] = static_cast<std::int64_t>(std::floor(exact));
    remainder[i] = exact - static_cast<double>(out[i]);
    assigned += out[i];
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; assigned < total; k = (k + 1) % n, ++assigned) ++out[order[k]];
  return out;
}

core::ModelSpec resolve(const Config& c) {
  core::ModelSpec s;
  CHAINSIM_CONFIG_KEY_LISTS(CHAINSIM_COPY_LIST_TO_MODEL)  // the values the kernel takes as they are
  if (s.sobol_parameters && !core::sobol_points_available())
    throw ResolveError("run.sobol_parameters",
                       "true needs Boost, which this chainsim was built without "
                       "(install libboost-dev, scripts/bootstrap, and rebuild)");
  const Date start = c.run.start;
  const int T = c.run.weeks;
  const auto Tu = static_cast<std::size_t>(T);
  s.weeks = T;

  // Regions. CNO places are per safety region even in national mode (one pool).
  const std::vector<double> vr_shares = safety_region_shares();
  if (c.run.regions == RegionMode::National) {
    s.regions = 1;
    s.region_share = {1.0};
  } else {
    s.regions = static_cast<int>(vr_shares.size());
    s.region_share = vr_shares;
  }
  const int R = s.regions;
  const auto Ru = static_cast<std::size_t>(R);
  s.cno_regions = static_cast<int>(vr_shares.size());

  // Initial state.
  s.initial_permit_holders = apportion(c.initial.permit_holders, s.region_share);
  if (c.initial.permit_holders_over_14_weeks) {
    s.track_waiting = true;
    s.initial_waiting_over_14 = apportion(*c.initial.permit_holders_over_14_weeks, s.region_share);
  }

  // Inflow.
  s.level_walk_sd = c.inflow.level_walk_sd / std::sqrt(kWeeksPerYear);
  s.log_season.resize(Tu);
  for (int t = 0; t < T; ++t)
    s.log_season[static_cast<std::size_t>(t)] =
        std::log(c.inflow.season[static_cast<std::size_t>(month_of(monday_of(start, t)) - 1)]);
  s.m_inflow = expand(c.levers.inflow, 1.0, start, T);
  s.m_nareis = expand(c.levers.nareis, 1.0, start, T);
  s.m_dublin = expand(c.levers.dublin, 1.0, start, T);
  s.m_return = expand(c.levers.ret, 1.0, start, T);
  s.m_guardian = expand(c.levers.guardian, 1.0, start, T);

  // Registration and decisions.
  s.registration_capacity =
      expand(c.registration.capacity_per_week.periods, c.registration.capacity_per_week.base, start, T);
  s.decision_capacity = expand(c.decisions.capacity_per_week.periods, c.decisions.capacity_per_week.base, start, T);
  {
    const auto& r = c.decisions.response;
    s.decision_response = {r.enabled, r.target_weeks, r.adjust_weeks, r.max_per_week};
    // The rule's floor: a scheduled period of capacity_per_week (a decided
    // staffing level) where one is active, else min_per_week.
    s.decision_capacity_floor = expand(c.decisions.capacity_per_week.periods, r.min_per_week, start, T);
  }
  // A random walk with sd sigma per sqrt(year) has sd sigma / sqrt(52.1775) a week.
  s.grant_drift_weekly_sd = c.decisions.grant_drift_sd / std::sqrt(kWeeksPerYear);

  // Family reunification.
  s.lag_weights = core::nareis_lag_weights(c.nareis.lag_mean_weeks, c.nareis.lag_sd_weeks, c.nareis.max_lag_weeks);

  // Housing: the half-yearly quota spread over the Mondays of its half-year,
  // split by population share; programmes spread evenly over their weeks.
  s.quota_rate.assign(Tu * Ru, 0.0);
  s.programme_rate.assign(Tu * Ru, 0.0);
  s.half_index.assign(Tu, 0);
  s.half_start.assign(Tu, 0);
  s.half_weeks.assign(Tu, 0.0);
  s.half_quota.assign(Tu, 0.0);
  for (int t = 0; t < T; ++t) {
    const Date monday = monday_of(start, t);
    const std::string half = half_label(monday);
    const auto it = c.housing.taakstelling.find(half);
    const bool configured = it != c.housing.taakstelling.end();
    const double H = configured ? it->second : c.housing.taakstelling_default;
    const double per_week = H / mondays_in_half(monday);
    const auto tu = static_cast<std::size_t>(t);
    const bool first = t == 0 || half != half_label(monday_of(start, t - 1));
    s.half_start[tu] = first ? 1 : 0;
    s.half_index[tu] = t == 0 ? 0 : s.half_index[tu - 1] + (first ? 1 : 0);
    s.half_weeks[tu] = mondays_in_half(monday);
    s.half_quota[tu] = configured || !s.quota_rule.enabled ? H : std::numeric_limits<double>::quiet_NaN();
    for (int r = 0; r < R; ++r)
      s.quota_rate[static_cast<std::size_t>(t) * Ru + static_cast<std::size_t>(r)] =
          per_week * s.region_share[static_cast<std::size_t>(r)];
  }
  {
    // The Mondays of week 0's half-year from week 0 on, whatever the horizon.
    const std::string half0 = half_label(start);
    int left = 0;
    while (half_label(monday_of(start, left)) == half0) ++left;
    s.first_half_fraction = static_cast<double>(left) / mondays_in_half(start);
  }
  for (const HousingProgramme& p : c.housing.programmes) {
    const int from = week_of(start, p.from);
    int until = T;  // exclusive
    if (p.weeks) until = from + *p.weeks;
    else if (p.to) until = week_of(start, *p.to);
    double weekly;
    if (p.persons) {
      const int n = until - from;
      if (n <= 0) throw ResolveError("housing.programme." + p.name, "spreads its persons over no weeks");
      weekly = *p.persons / n;
    } else {
      weekly = *p.persons_per_year / kWeeksPerYear;
    }
    // Region weights: national programmes by population share; a regional one
    // goes to its region (in national mode, to the one national pool).
    std::vector<double> weight(Ru, 0.0);
    if (p.region.empty()) {
      weight = s.region_share;
    } else if (R == 1) {
      weight[0] = 1.0;
    } else {
      const int idx = safety_region_index(p.region);
      if (idx < 0) throw ResolveError("housing.programme.region", "unknown safety region " + p.region);
      weight[static_cast<std::size_t>(idx)] = 1.0;
    }
    // A programme whose delivery is uncertain keeps its own table (as
    // announced), scaled and shifted per path by the kernel.
    const bool uncertain =
        p.delivered.sd > 0.0 || p.delivered.mean != 1.0 || p.delay_weeks.mean != 0.0 || p.delay_weeks.sd > 0.0;
    std::vector<double>* table = &s.programme_rate;
    if (uncertain) {
      s.uncertain_programmes.push_back({std::vector<double>(Tu * Ru, 0.0), p.delivered, p.delay_weeks});
      table = &s.uncertain_programmes.back().rate;
    }
    const WeekRange w = clip(from, until, T);
    for (int t = w.begin; t < w.end; ++t)
      for (std::size_t r = 0; r < Ru; ++r) (*table)[static_cast<std::size_t>(t) * Ru + r] += weekly * weight[r];
  }

  // Capacity.
  s.regular_capacity.assign(Tu, c.capacity.regular);
  for (const CapacityChange& ch : c.capacity.changes) {
    const WeekRange w = clip(week_of(start, ch.at), T, T);
    for (int t = w.begin; t < w.end; ++t) s.regular_capacity[static_cast<std::size_t>(t)] += ch.delta;
  }
  for (int t = 0; t < T; ++t)
    if (s.regular_capacity[static_cast<std::size_t>(t)] < 0)
      throw ResolveError("capacity.changes", "regular capacity falls below zero in week " + std::to_string(t) + " (" +
                                                 iso_date(monday_of(start, t)) + ")");
  s.cno_from_week = week_of(start, c.capacity.cno.from);
  s.cno_until_week = s.cno_from_week + c.capacity.cno.weeks;
  s.tnv_capacity.assign(Tu, 0);
  for (const TnvLocation& loc : c.capacity.tnv) {
    const int from = week_of(start, loc.from);
    const WeekRange w = clip(from, from + loc.weeks, T);
    for (int t = w.begin; t < w.end; ++t) s.tnv_capacity[static_cast<std::size_t>(t)] += loc.places;
  }
  return s;
}

}  // namespace chainsim::forecast
