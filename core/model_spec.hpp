#pragma once
// Everything the weekly kernel needs to simulate one scenario, with dates
// already turned into week indices and schedules into per-week tables.
// Built by forecast/resolve from a Config; the kernel never sees a date,
// a file or a configuration key.
#include <cstdint>
#include <vector>

namespace chainsim::core {

// A prior over a per-path parameter: mean and sd (sd == 0: fixed at the mean).
// The family (Beta, Gamma, normal) is fixed by the parameter (MODEL.md §10).
struct PriorSpec {
  double mean = 0.0;
  double sd = 0.0;
};

struct AdaptiveSpec {
  bool enabled = false;
  double upper = 0.0;
  double lower = 0.0;
  int weeks = 1;
  std::int64_t step = 0;
  int lead_weeks = 0;
  std::int64_t floor = 0;
};

// A housing programme whose delivery is uncertain: its weekly supply as
// announced, per week and region ([t * R + r]), scaled per path by a delivered
// share and shifted by a start delay (docs/model.md, "Programme delivery").
struct ProgrammeSpec {
  std::vector<double> rate;   // as announced, [t * R + r]
  PriorSpec delivered;        // share delivered ~ Beta (sd 0: fixed)
  PriorSpec delay_weeks;      // start delay ~ Gamma, rounded down (sd 0: fixed)
};

// Decision capacity that follows the backlog (docs/model.md, "Decision capacity").
struct DecisionResponseSpec {
  bool enabled = false;
  double target_weeks = 1.0;
  double adjust_weeks = 1.0;
  double max_per_week = 0.0;
};
// (Its floor per week is ModelSpec::decision_capacity_floor.)

// The quota rule for half-years without a configured quota.
struct QuotaRuleSpec {
  bool enabled = false;
  double share = 1.0;
  int lookback_weeks = 26;
};

struct ModelSpec {
  int weeks = 0;                     // T
  int regions = 1;                   // R: 1 (national) or 25
  std::vector<double> region_share;  // p_r, size R, sums to 1

  // Initial state at the start of week 0.
  std::int64_t initial_queue = 0;
  std::int64_t initial_dublin = 0;   // spread over cohort ages
  std::int64_t initial_procedure = 0;
  std::int64_t initial_rejected = 0;
  std::vector<std::int64_t> initial_permit_holders;  // per region (largest remainders)
  double initial_grants_per_week = 0.0;              // grant history before week 0
  double initial_uncertainty_sd = 0.0;               // log sd of per-path factors on the stocks
  bool track_waiting = false;                        // waiting-time ages of permit holders
  std::vector<std::int64_t> initial_waiting_over_14; // per region, when track_waiting

  // Inflow (MODEL.md §4.1).
  PriorSpec level;            // alpha ~ normal
  PriorSpec trend;            // beta  ~ normal, per year
  double level_trend_correlation = 0.0;
  double ar_phi = 0.0;
  double ar_sigma = 0.0;
  double shock_probability = 0.0;
  double shock_mean = 0.0;    // kappa
  double shock_decay = 0.0;   // psi
  double repeat_share = 0.0;
  PriorSpec start_deviation;  // x at week 0 ~ normal
  std::vector<double> log_season;   // per week: log season factor of the week's month
  std::vector<double> m_inflow;     // per week multipliers (1 outside lever periods)
  std::vector<double> m_nareis;
  std::vector<double> m_dublin;
  std::vector<double> m_return;
  std::vector<double> m_guardian;

  // Registration and Dublin.
  std::vector<double> registration_capacity;  // Rcap(t) per week
  PriorSpec dublin_share;     // f_dub ~ Beta
  PriorSpec transfer_share;   // p_tr ~ Beta (share transferred within the deadline)
  double abscond_weekly = 0.0;
  int dublin_deadline_weeks = 26;

  // Decisions.
  std::vector<double> decision_capacity;  // c(t) per week
  PriorSpec grant_rate;       // g ~ Beta
  DecisionResponseSpec decision_response;
  std::vector<double> decision_capacity_floor;  // per week: a scheduled capacity period's value, else min_per_week
  double decision_capacity_sd = 0.0;  // per-path productivity factor, log sd
  double withdrawn_share = 0.0;       // w
  double grant_drift_weekly_sd = 0.0; // per week, on logit(g)
  double minors_share = 0.0;  // a_amv
  double to_guardian = 0.0;   // q_guardian before the guardian multiplier

  // Rejected.
  double return_weekly = 0.0;
  double leave_weekly = 0.0;

  // Family reunification.
  PriorSpec nareis_per_grant;        // nu ~ Gamma
  std::vector<double> lag_weights;   // w_k, k = 1..L (index k-1), sums to 1
  double into_reception = 0.0;       // q_nr

  // Housing.
  PriorSpec realisation;             // rho ~ Beta
  double regional_sd = 0.0;          // tau
  std::vector<double> quota_rate;       // [t * R + r] = H(half(t)) p_r / weeks_in_half(t)
  std::vector<double> programme_rate;   // [t * R + r] weekly programme supply (programmes as announced)
  std::vector<ProgrammeSpec> uncertain_programmes;  // programmes with uncertain delivery (not in programme_rate)
  double half_year_sd = 0.0;            // realisation factor per half-year and region, log sd
  int min_wait_weeks = 0;               // housed only after this many weeks (needs track_waiting)
  bool carry_over = false;              // unmet quota carried to the next half-year
  QuotaRuleSpec quota_rule;
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
  std::int64_t cno_places_per_region = 0;
  int cno_regions = 25;              // CNO is per safety region, also in national mode
  int cno_from_week = 0;             // open for cno_from_week <= t < cno_until_week
  int cno_until_week = 0;
  double cno_staff_per_region_per_day = 0.0;
  double cno_phaseout_margin = 0.0;
  int cno_phaseout_weeks = 0;        // <= 0 disables the phase-out rule
  std::vector<std::int64_t> tnv_capacity;  // per week
  AdaptiveSpec adaptive;

  // Costs, euro per place-week (capacity) or person-week (shortfall).
  double cost_regular = 0.0;
  double cost_cno = 0.0;
  double cost_tnv = 0.0;
  double cost_shortfall = 0.0;
};

}  // namespace chainsim::core
