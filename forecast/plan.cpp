#include "forecast/plan.hpp"

#include "core/model/byte_buffer.hpp"
#include "core/model/variables.hpp"
#include "forecast/calendar.hpp"
#include "forecast/resolve.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace chainsim::forecast {
namespace {

using core::Var;

// Memory for one window of simulated weeks; a candidate's weeks are simulated
// in as many windows as they need (results do not depend on the split).
constexpr std::size_t kWindowBudgetBytes = std::size_t{256} << 20;

// The largest quota the search tries, persons per half-year: a weekly supply
// of some 38,000, far above any number of permit holders the chain holds
// (docs/plan.md, "Limits").
constexpr double kLargestQuota = 1e6;

// The paths of a run, carried to some week and continued from there under
// other configurations. A saved state is what EnsembleRunner::save writes;
// an empty one means the start of week 0.
class Continuation {
 public:
  Continuation(const EnsembleOptions& options, int regions, int weeks)
      : options_(options),
        window_(0, 0, regions, options.paths),
        window_weeks_(window_weeks(weeks, regions, options.paths, kWindowBudgetBytes)) {}

  // Simulates `spec` from `state` to the start of week `end`, handing every
  // window of weeks to `on_window`; returns the state at `end` when asked.
  std::vector<char> run(const core::ModelSpec& spec, const std::vector<char>& state, int end,
                        const std::function<void(const Ensemble&)>& on_window, bool keep_state) {
    EnsembleRunner runner(spec, options_);
    if (!state.empty()) {
      core::ByteReader in(state);
      runner.restore(in);
    }
    while (runner.next_week() < end) {
      runner.next_window(std::min(window_weeks_, end - runner.next_week()), window_);
      if (on_window) on_window(window_);
    }
    if (!keep_state) return {};
    core::ByteWriter out;
    runner.save(out);
    return std::move(out.bytes());
  }

  std::int64_t paths() const noexcept { return options_.paths; }

 private:
  EnsembleOptions options_;
  Ensemble window_;
  int window_weeks_;
};

core::ModelSpec resolve_checked(const Config& c) { return resolve(c); }

// Per path and period: whether some week had a shortfall, and its person-weeks.
struct PeriodTally {
  std::vector<std::uint8_t> any;
  std::vector<double> person_weeks;
  explicit PeriodTally(std::int64_t paths)
      : any(static_cast<std::size_t>(paths), 0), person_weeks(static_cast<std::size_t>(paths), 0.0) {}
  double probability() const {
    std::int64_t n = 0;
    for (auto a : any) n += a;
    return static_cast<double>(n) / static_cast<double>(any.size());
  }
  double mean_person_weeks() const {
    double s = 0;
    for (double v : person_weeks) s += v;
    return s / static_cast<double>(person_weeks.size());
  }
};

// Adds the window's weeks in [from, to) to the tallies of their periods.
void tally(const Ensemble& w, const std::vector<int>& period_of_week, int from, int to,
           std::vector<PeriodTally>& tallies) {
  const int first = std::max(from, w.first_week()), end = std::min(to, w.end_week());
  for (int t = first; t < end; ++t) {
    const int k = period_of_week[static_cast<std::size_t>(t)];
    if (k < 0) continue;
    PeriodTally& pt = tallies[static_cast<std::size_t>(k)];
    const auto u = w.column(Var::Shortfall, t);
    for (std::size_t p = 0; p < u.size(); ++p) {
      pt.any[p] |= u[p] > 0 ? 1 : 0;
      pt.person_weeks[p] += u[p];
    }
  }
}

// P <= alpha as the run reports it (shortfall_probability = paths / n).
bool at_most(std::int64_t count, std::int64_t n, double alpha) {
  return static_cast<double>(count) / static_cast<double>(n) <= alpha;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// The first week of every half-year that starts in weeks [0, last], with its label.
std::vector<std::pair<int, std::string>> half_year_starts(Date start, int last) {
  std::vector<std::pair<int, std::string>> out;
  for (int t = 0; t <= last; ++t) {
    const std::string label = half_label(monday_of(start, t));
    if (label != half_label(monday_of(start, t - 1))) out.emplace_back(t, label);
  }
  return out;
}

QuotaPlan plan_quota(const Config& base, const QuotaGoal& goal, const PlanOptions& o, Continuation& paths,
                     const PlanProgress& progress) {
  QuotaPlan q;
  q.searched = true;
  q.goal = goal;
  q.week = week_of(base.run.start, goal.by);
  const std::int64_t n = paths.paths();
  // Permit holders above the target in the goal's week, from `state` (at week `from`).
  auto failures = [&](const Config& c, const std::vector<char>& state) {
    const core::ModelSpec spec = resolve_checked(c);
    std::int64_t above = 0;
    paths.run(
        spec, state, q.week + 1,
        [&](const Ensemble& w) {
          if (q.week < w.first_week() || q.week >= w.end_week()) return;
          for (const std::int32_t s : w.column(Var::PermitHolders, q.week))
            above += static_cast<double>(s) > goal.target;
        },
        false);
    return above;
  };
  const auto starts = half_year_starts(base.run.start, q.week);
  if (starts.empty()) {
    q.status = PlanStatus::NoLever;
    q.p_reference = q.p_planned = 1.0 - static_cast<double>(failures(base, {})) / static_cast<double>(n);
    q.evaluations = 1;
    return q;
  }
  for (const auto& [week, label] : starts) q.half_years.push_back(label);
  // The paths up to the first half-year the plan sets do not depend on its quota.
  const int from = starts.front().first;
  const std::vector<char> state = paths.run(resolve_checked(base), {}, from, {}, true);
  q.p_reference = 1.0 - static_cast<double>(failures(base, state)) / static_cast<double>(n);
  ++q.evaluations;

  std::map<std::int64_t, double> probability;  // by grid index
  auto with_quota = [&](double quota) {
    Config c = base;
    for (const auto& label : q.half_years) c.housing.taakstelling[label] = quota;
    return c;
  };
  auto meets = [&](std::int64_t k) {
    const double quota = static_cast<double>(k * o.quota_step);
    const std::int64_t above = failures(with_quota(quota), state);
    ++q.evaluations;
    probability[k] = 1.0 - static_cast<double>(above) / static_cast<double>(n);
    if (progress)
      progress("quota " + std::to_string(k * o.quota_step) +
               " a half-year: P(permit holders <= target) = " + std::to_string(probability[k]));
    return at_most(above, n, o.risk);
  };
  // Start from the configuration's quota of the first half-year the plan sets.
  const auto it = base.housing.taakstelling.find(q.half_years.front());
  const double configured = it != base.housing.taakstelling.end() ? it->second : base.housing.taakstelling_default;
  const std::int64_t limit = ceil_div(static_cast<std::int64_t>(kLargestQuota), o.quota_step);
  const auto k = smallest_meeting(meets, ceil_div(static_cast<std::int64_t>(configured), o.quota_step), limit);
  if (!k) {
    q.status = PlanStatus::Unreachable;
    q.largest_searched = static_cast<double>(limit * o.quota_step);
    q.p_planned = q.p_reference;  // the configuration's quotas stay
    return q;
  }
  q.quota = static_cast<double>(*k * o.quota_step);
  q.p_planned = probability.at(*k);
  return q;
}

// The capacity search, period by period in time order, on `cfg` (the
// configuration with the plan's quota).
std::vector<CapacityPeriodPlan> plan_capacity(const Config& cfg, const PlanOptions& o, int lead, Continuation& paths,
                                              const PlanProgress& progress) {
  const int T = cfg.run.weeks;
  const std::int64_t n = paths.paths();
  const std::vector<PeriodInfo> periods = run_periods(cfg.run.start, T, {o.period});
  std::vector<int> period_of_week(static_cast<std::size_t>(T), -1);
  for (std::size_t k = 0; k < periods.size(); ++k)
    for (int t = periods[k].first_week; t < periods[k].end_week; ++t)
      period_of_week[static_cast<std::size_t>(t)] = static_cast<int>(k);

  std::vector<CapacityPeriodPlan> plan(periods.size());
  // Without any added place: the reference of every period.
  std::vector<PeriodTally> reference(periods.size(), PeriodTally(n));
  paths.run(
      resolve_checked(cfg), {}, T, [&](const Ensemble& w) { tally(w, period_of_week, 0, T, reference); }, false);

  // The plan's own forecast, carried along as decisions are made: `state` is
  // every path at `state_week` under the places decided so far.
  std::vector<PeriodTally> planned(periods.size(), PeriodTally(n));
  std::vector<char> state;
  int state_week = 0;
  std::vector<CapacityPeriodPlan> decided;  // with added > 0, for apply_plan
  auto advance_to = [&](int week) {
    if (week <= state_week) return;
    const core::ModelSpec spec = resolve_checked(apply_plan(cfg, {}, decided));
    state = paths.run(
        spec, state, week, [&](const Ensemble& w) { tally(w, period_of_week, 0, T, planned); }, true);
    state_week = week;
  };

  std::int64_t total = 0;
  for (std::size_t k = 0; k < periods.size(); ++k) {
    const PeriodInfo& per = periods[k];
    CapacityPeriodPlan& pk = plan[k];
    pk.period = per;
    pk.effective_week = std::max(per.first_week, lead);
    pk.order_week = pk.effective_week - lead;
    pk.orderable = pk.effective_week < per.end_week;
    const int eff = std::min(pk.effective_week, per.end_week);
    advance_to(eff);
    pk.p_before_delivery = planned[k].probability();

    if (pk.orderable) {
      // Paths with a shortfall in the weeks places can still reach, for `places` added.
      std::vector<std::int64_t> excess;  // per path: the largest O - K over those weeks, at 0 added
      std::int64_t excess_without_cno = 0;
      std::map<std::int64_t, std::int64_t> failing;  // by grid index
      auto evaluate = [&](std::int64_t places) {
        std::vector<CapacityPeriodPlan> with = decided;
        CapacityPeriodPlan add = pk;
        add.added = places;
        if (places > 0) with.push_back(add);
        const core::ModelSpec spec = resolve_checked(apply_plan(cfg, {}, with));
        std::vector<std::uint8_t> any(static_cast<std::size_t>(n), 0);
        const bool first = places == 0;
        if (first) excess.assign(static_cast<std::size_t>(n), std::numeric_limits<std::int64_t>::min());
        paths.run(
            spec, state, per.end_week,
            [&](const Ensemble& w) {
              for (int t = w.first_week(); t < w.end_week(); ++t) {
                const auto u = w.column(Var::Shortfall, t);
                for (std::size_t p = 0; p < u.size(); ++p) any[p] |= u[p] > 0 ? 1 : 0;
                if (!first) continue;
                const auto occ = w.column(Var::Occupancy, t), cap = w.column(Var::Capacity, t);
                const auto cno = w.column(Var::CapacityCno, t);
                for (std::size_t p = 0; p < u.size(); ++p) {
                  excess[p] = std::max<std::int64_t>(excess[p], std::int64_t{occ[p]} - cap[p]);
                  excess_without_cno =
                      std::max<std::int64_t>(excess_without_cno, std::int64_t{occ[p]} - cap[p] + cno[p]);
                }
              }
            },
            false);
        ++pk.evaluations;
        std::int64_t count = 0;
        for (auto a : any) count += a;
        return count;
      };
      const std::int64_t at_zero = evaluate(0);
      failing[0] = at_zero;
      std::int64_t added = 0;
      if (!at_most(at_zero, n, o.risk)) {
        // Occupancy does not depend on capacity, so without the CNO phase-out
        // and the adaptive rule a path is short at `a` added places exactly
        // when its largest excess is above a: the guess is that quantile.
        // Re-simulation decides; the guess only saves evaluations.
        std::vector<std::int64_t> sorted = excess;
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        std::int64_t allowed = 0;  // paths that may still be short
        while (allowed + 1 <= n && at_most(allowed + 1, n, o.risk)) ++allowed;
        const std::int64_t guess = ceil_div(sorted[static_cast<std::size_t>(allowed)], o.capacity_step);
        // With as many places as the largest excess over regular and TNV
        // places, no path is short whatever the CNO does; the adaptive rule
        // (when on) can remove places again, hence the margin.
        std::int64_t limit = std::max<std::int64_t>(1, ceil_div(excess_without_cno, o.capacity_step));
        if (cfg.capacity.adaptive.enabled) limit = 2 * limit + ceil_div(cfg.capacity.adaptive.step, o.capacity_step);
        auto meets = [&](std::int64_t i) {
          const std::int64_t c = i == 0 ? at_zero : evaluate(i * o.capacity_step);
          failing[i] = c;
          return at_most(c, n, o.risk);
        };
        const auto found = smallest_meeting(meets, guess, limit);
        if (found) {
          added = *found * o.capacity_step;
        } else {
          pk.status = PlanStatus::Unreachable;
        }
      }
      pk.added = added;
      if (added > 0) decided.push_back(pk);
    }
    total += pk.added;
    pk.total_added = total;
    if (progress)
      progress(per.label + ": " + std::to_string(pk.added) + " places added (" + std::to_string(pk.evaluations) +
               " re-simulations of the period)");
  }
  advance_to(T);

  // The plan's probabilities, person-weeks and costs.
  std::int64_t in_effect = 0;
  std::vector<std::int64_t> added_at(static_cast<std::size_t>(T) + 1, 0);
  for (const auto& d : decided) added_at[static_cast<std::size_t>(d.effective_week)] += d.added;
  std::vector<std::int64_t> effect(static_cast<std::size_t>(T));
  for (int t = 0; t < T; ++t) effect[static_cast<std::size_t>(t)] = in_effect += added_at[static_cast<std::size_t>(t)];
  for (std::size_t k = 0; k < plan.size(); ++k) {
    CapacityPeriodPlan& pk = plan[k];
    pk.p_reference = reference[k].probability();
    pk.p_planned = planned[k].probability();
    pk.shortfall_person_weeks_reference = reference[k].mean_person_weeks();
    pk.shortfall_person_weeks_planned = planned[k].mean_person_weeks();
    for (int t = pk.period.first_week; t < pk.period.end_week; ++t)
      pk.added_place_weeks += static_cast<double>(effect[static_cast<std::size_t>(t)]);
    pk.cost_added_places = pk.added_place_weeks * cfg.costs.regular_place_week;
    const double avoided = pk.shortfall_person_weeks_reference - pk.shortfall_person_weeks_planned;
    pk.avoided_at_emergency_rate = avoided * cfg.costs.cno_place_week;
    pk.avoided_at_shortfall_rate = avoided * cfg.costs.shortfall_person_week;
    if (pk.status == PlanStatus::Met && !(pk.p_planned <= o.risk)) pk.status = PlanStatus::LeadTime;
  }
  return plan;
}

}  // namespace

std::optional<std::int64_t> smallest_meeting(const std::function<bool(std::int64_t)>& meets, std::int64_t guess,
                                             std::int64_t limit) {
  if (limit < 0) return std::nullopt;
  std::map<std::int64_t, bool> seen;
  auto test = [&](std::int64_t k) {
    const auto it = seen.find(k);
    if (it != seen.end()) return it->second;
    return seen[k] = meets(k);
  };
  std::int64_t lo = -1, hi = -1;  // meets(lo) false (or lo = -1), meets(hi) true
  const std::int64_t g = std::clamp<std::int64_t>(guess, 0, limit);
  if (test(g)) {
    hi = g;
    for (std::int64_t step = 1; hi > 0;) {  // down from the guess until one fails
      const std::int64_t k = std::max<std::int64_t>(0, hi - step);
      if (!test(k)) {
        lo = k;
        break;
      }
      hi = k;
      step *= 2;
    }
  } else {
    lo = g;
    for (std::int64_t step = 1;;) {  // up from the guess until one meets
      if (lo == limit) return std::nullopt;
      const std::int64_t k = std::min(limit, lo + step);
      if (test(k)) {
        hi = k;
        break;
      }
      lo = k;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (test(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

const char* plan_status_name(PlanStatus s) {
  switch (s) {
    case PlanStatus::Met: return "met";
    case PlanStatus::LeadTime: return "cannot reach: lead time";
    case PlanStatus::Unreachable: return "cannot reach";
    case PlanStatus::NoLever: return "cannot reach: no half-year starts before the date";
  }
  return "?";
}

Config apply_plan(const Config& base, const QuotaPlan& quota, const std::vector<CapacityPeriodPlan>& capacity) {
  Config c = base;
  if (quota.searched && quota.status == PlanStatus::Met)
    for (const auto& label : quota.half_years) c.housing.taakstelling[label] = quota.quota;
  for (const auto& p : capacity)
    if (p.added > 0) c.capacity.changes.push_back({monday_of(base.run.start, p.effective_week), p.added});
  return c;
}

Plan make_plan(const Config& base, const PlanOptions& o, const PlanProgress& progress) {
  if (!(o.risk > 0.0 && o.risk < 1.0)) throw std::invalid_argument("the risk must lie strictly between 0 and 1");
  if (o.period != PeriodKind::Quarter && o.period != PeriodKind::HalfYear)
    throw std::invalid_argument("plan periods are quarters or half-years");
  if (o.capacity_step < 1 || o.quota_step < 1) throw std::invalid_argument("grid steps must be at least 1");
  const int lead = o.lead_weeks.value_or(base.capacity.adaptive.lead_weeks);
  if (lead < 0) throw std::invalid_argument("the lead time must be at least 0 weeks");
  if (o.quota) {
    const int week = week_of(base.run.start, o.quota->by);
    if (week < 0 || week >= base.run.weeks)
      throw std::invalid_argument("the quota's date " + iso_date(o.quota->by) + " lies outside the run (" +
                                  iso_date(base.run.start) + " to " +
                                  iso_date(monday_of(base.run.start, base.run.weeks) - std::chrono::days{1}) + ")");
  }
  Plan plan;
  plan.risk = o.risk;
  plan.period = o.period;
  plan.lead_weeks = lead;
  plan.paths = base.run.paths;
  plan.seed = base.run.seed;
  plan.capacity_step = o.capacity_step;
  plan.quota_step = o.quota_step;

  EnsembleOptions eo;
  eo.paths = base.run.paths;
  eo.seed = base.run.seed;
  eo.parallelism = o.parallelism;
  const int regions = base.run.regions == RegionMode::National ? 1 : resolve(base).regions;
  Continuation paths(eo, regions, base.run.weeks);

  if (o.quota) plan.quota = plan_quota(base, *o.quota, o, paths, progress);
  const Config with_quota = apply_plan(base, plan.quota, {});
  plan.capacity = plan_capacity(with_quota, o, lead, paths, progress);
  plan.planned = apply_plan(base, plan.quota, plan.capacity);
  return plan;
}

}  // namespace chainsim::forecast
