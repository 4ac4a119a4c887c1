#pragma once
// The search behind `chainsim plan` (docs/plan.md), without I/O: for the base
// configuration of a run,
//  - the smallest half-yearly housing quota (one value for every half-year
//    that starts between the run's start and a date) such that the permit
//    holders waiting in reception in the week of that date are at most a
//    target with probability at least 1 - alpha; then, under that quota,
//  - per period (quarter or half-year), the smallest number of regular places
//    to add, ordered with a lead time, such that P(shortfall in some week of
//    the period) <= alpha.
// Every candidate is a re-simulation of the engine's own paths with the run's
// seed: common random numbers, so that the estimated probability moves only
// where a path's outcome moves, and the response is monotone path by path
// wherever the model is (docs/model.md §8). Paths are carried once to the
// week where a candidate starts to differ and continued from that state, so a
// candidate costs the weeks it can change, not the horizon.
#include "forecast/config.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/parallel.hpp"
#include "forecast/summaries.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chainsim::forecast {

// The smallest k in [0, limit] with meets(k), for a predicate that is false
// below some k* and true from k* on; nullopt when meets(limit) is false. It
// starts at `guess` (clamped to [0, limit]) and gallops away from it in
// doubling steps until the answer is bracketed, then bisects; each k is
// evaluated at most once.
std::optional<std::int64_t> smallest_meeting(const std::function<bool(std::int64_t)>& meets, std::int64_t guess,
                                             std::int64_t limit);

// Permit holders waiting in reception at most `target` in the week containing `by`.
struct QuotaGoal {
  double target = 0.0;
  Date by{};
};

struct PlanOptions {
  double risk = 0.05;                       // alpha
  PeriodKind period = PeriodKind::Quarter;  // quarter or half-year
  std::optional<int> lead_weeks;            // default: capacity.adaptive.lead_weeks
  std::int64_t capacity_step = 100;         // places: the capacity grid
  std::int64_t quota_step = 100;            // persons per half-year: the quota grid
  std::optional<QuotaGoal> quota;           // none: the configuration's quotas are kept
  Parallelism parallelism;
  // Paths and seed are the configuration's run.paths and run.seed.
};

enum class PlanStatus {
  Met,          // the target is met
  LeadTime,     // missed: places ordered now arrive too late for (some of) the period's weeks
  Unreachable,  // missed even at the largest value searched (see the note)
  NoLever,      // quota: no half-year starts between the run's start and the date
};
const char* plan_status_name(PlanStatus s);  // "met", "cannot reach: lead time", ...

struct CapacityPeriodPlan {
  PeriodInfo period;
  int effective_week = 0;        // places added for this period are in effect from this week on
  int order_week = 0;            // and are ordered in this week (effective_week - lead_weeks)
  bool orderable = true;         // false: no week of the period can be reached after the lead time
  std::int64_t added = 0;        // places added from effective_week on, for good
  std::int64_t total_added = 0;  // places the plan has added up to and including this period
  double added_place_weeks = 0;  // sum over the period's weeks of the added places in effect
  // P(shortfall in some week of the period): without any added place (the
  // plan's quota kept), and with the plan; and in the weeks before
  // effective_week only (what no order can change any more).
  double p_reference = 0, p_planned = 0, p_before_delivery = 0;
  // Expected shortfall person-weeks in the period, without and with the plan.
  double shortfall_person_weeks_reference = 0, shortfall_person_weeks_planned = 0;
  // Euro at the configured rates (docs/plan.md, "Costs"): the added places
  // (costs.regular_place_week), and the person-weeks the plan avoids priced at
  // the emergency rate (costs.cno_place_week) and at the shortfall rate
  // (costs.shortfall_person_week).
  double cost_added_places = 0, avoided_at_emergency_rate = 0, avoided_at_shortfall_rate = 0;
  PlanStatus status = PlanStatus::Met;
  int evaluations = 0;  // re-simulations of the period's weeks
};

struct QuotaPlan {
  bool searched = false;
  QuotaGoal goal;
  int week = 0;                         // the week containing goal.by
  std::vector<std::string> half_years;  // "2022-H2", ...: the half-years whose quota the plan sets
  double quota = 0;                     // persons per half-year
  double p_reference = 0;               // P(permit holders <= target) with the configuration's quotas
  double p_planned = 0;                 // with the plan's quota
  PlanStatus status = PlanStatus::Met;
  double largest_searched = 0;  // the largest quota tried (Unreachable)
  int evaluations = 0;
};

struct Plan {
  double risk = 0;
  PeriodKind period = PeriodKind::Quarter;
  int lead_weeks = 0;
  std::int64_t paths = 0;
  std::uint64_t seed = 0;
  std::int64_t capacity_step = 0;
  std::int64_t quota_step = 0;
  QuotaPlan quota;
  std::vector<CapacityPeriodPlan> capacity;  // in time order
  Config planned;                            // the base configuration with the plan applied (apply_plan)
};

// Progress lines for the log ("quota 13,500: P = 0.93"), optional.
using PlanProgress = std::function<void(const std::string&)>;

// Searches the plan for `base` (run.paths paths, run.seed). Throws
// std::invalid_argument for options the configuration cannot take (a date
// outside the run, a risk outside (0, 1)), ResolveError as resolve() does.
Plan make_plan(const Config& base, const PlanOptions& options, const PlanProgress& progress = {});

// `base` with the plan's capacity additions (capacity.changes, at the Monday
// of each effective week) and quota (housing.taakstelling of its half-years).
Config apply_plan(const Config& base, const QuotaPlan& quota, const std::vector<CapacityPeriodPlan>& capacity);

}  // namespace chainsim::forecast
