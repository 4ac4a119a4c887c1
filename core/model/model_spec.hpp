#pragma once
// Everything the weekly kernel needs to simulate one scenario, with dates
// already turned into week indices and schedules into per-week tables.
// Built by forecast/resolve from a Config; the kernel never sees a date,
// a file or a configuration key. (core/model/key_table.hpp names the members that
// take a configured value as it is; the kernel does not read the table.)
#include <cstdint>
#include <vector>

#include "core/model/key_table.hpp"

namespace chainsim::core {

// A prior over a per-path parameter: mean and sd (sd == 0: fixed at the mean).
// The family (Beta, Gamma, normal) is fixed by the parameter (MODEL.md §10):
// Beta for probabilities and shares, Gamma for positive rates, normal for the
// inflow level and trend. The configuration (forecast/config.hpp) uses the same type.
struct Prior {
  double mean = 0.0;
  double sd = 0.0;
};

// The adaptive capacity rule (docs/model.md §6), as configured: its members
// are the keys of [capacity.adaptive] (core/model/key_table.hpp).
struct AdaptiveRule {
  CHAINSIM_KEYS_capacity_adaptive(CHAINSIM_KEY_MEMBER)
};

// The quota rule for half-years without a configured quota, as configured
// ([housing.quota_rule]).
struct QuotaRule {
  CHAINSIM_KEYS_housing_quota_rule(CHAINSIM_KEY_MEMBER)
};

// Declares the ModelSpec member of a key whose value the kernel takes as it is.
#define CHAINSIM_MODEL_MEMBER(kind, table, key, member, type, default_, check, presence, unit, doc, ...) \
  __VA_OPT__(type __VA_ARGS__ = default_;)
#define CHAINSIM_MODEL_MEMBERS(list) list(CHAINSIM_MODEL_MEMBER)

// A housing programme whose delivery is uncertain: its weekly supply as
// announced, per week and region ([t * R + r]), scaled per path by a delivered
// share and shifted by a start delay (docs/model.md, "Programme delivery").
struct ProgrammeSpec {
  std::vector<double> rate;  // as announced, [t * R + r]
  Prior delivered;           // share delivered ~ Beta (sd 0: fixed)
  Prior delay_weeks;         // start delay ~ Gamma, rounded down (sd 0: fixed)
};

// Decision capacity that follows the backlog (docs/model.md, "Decision capacity").
struct DecisionResponseSpec {
  bool enabled = false;
  double target_weeks = 1.0;
  double adjust_weeks = 1.0;
  double max_per_week = 0.0;
};
// (Its floor per week is ModelSpec::decision_capacity_floor.)

struct ModelSpec {
  // The configuration's values that the kernel takes as they are: one member
  // per key with a model column in core/model/key_table.hpp, named there (inflow.ar_phi
  // -> ar_phi, minors.share_of_grants -> minors_share, capacity.adaptive -> adaptive,
  // ...) and copied by forecast/resolve.cpp. Their meaning is the key's doc in
  // the table and in docs/configuration.md.
  CHAINSIM_CONFIG_KEY_LISTS(CHAINSIM_MODEL_MEMBERS)

  // Everything below is derived from the configuration by forecast/resolve.cpp.
  int weeks = 0;                     // T
  int regions = 1;                   // R: 1 (national) or 25
  std::vector<double> region_share;  // p_r, size R, sums to 1

  // Initial state at the start of week 0.
  std::vector<std::int64_t> initial_permit_holders;   // per region (largest remainders)
  bool track_waiting = false;                         // waiting-time ages of permit holders
  std::vector<std::int64_t> initial_waiting_over_14;  // per region, when track_waiting

  // Inflow (MODEL.md §4.1).
  double level_walk_sd = 0.0;      // sd of the local level's weekly step (log); 0: no local level
  std::vector<double> log_season;  // per week: log season factor of the week's month
  std::vector<double> m_inflow;    // per week multipliers (1 outside lever periods)
  std::vector<double> m_nareis;
  std::vector<double> m_dublin;
  std::vector<double> m_return;
  std::vector<double> m_guardian;

  // Registration and decisions.
  std::vector<double> registration_capacity;  // Rcap(t) per week
  std::vector<double> decision_capacity;      // c(t) per week
  DecisionResponseSpec decision_response;
  std::vector<double> decision_capacity_floor;  // per week: a scheduled capacity period's value, else min_per_week
  double grant_drift_weekly_sd = 0.0;           // per week, on logit(g)

  // Family reunification.
  std::vector<double> lag_weights;  // w_k, k = 1..L (index k-1), sums to 1

  // Housing.
  std::vector<double> quota_rate;                   // [t * R + r] = H(half(t)) p_r / weeks_in_half(t)
  std::vector<double> programme_rate;               // [t * R + r] weekly programme supply (programmes as announced)
  std::vector<ProgrammeSpec> uncertain_programmes;  // programmes with uncertain delivery (not in programme_rate)
  // Per week: the half-year's index (0 = the half-year of week 0), whether the
  // week is the first of its half-year (in the run), the Mondays in the
  // half-year, and the half-year's national quota (NaN: set by the rule).
  std::vector<int> half_index;
  std::vector<std::uint8_t> half_start;
  std::vector<double> half_weeks;
  std::vector<double> half_quota;
  double first_half_fraction = 1.0;  // share of week 0's half-year from week 0 on (its Mondays)

  // Capacity.
  std::vector<std::int64_t> regular_capacity;  // per week: regular + scheduled changes
  int cno_regions = 25;                        // CNO is per safety region, also in national mode
  int cno_from_week = 0;                       // open for cno_from_week <= t < cno_until_week
  int cno_until_week = 0;
  std::vector<std::int64_t> tnv_capacity;  // per week
};

}  // namespace chainsim::core
