#pragma once
// The table of configuration keys: one row per key, the only place a key's
// facts are written down (docs/adding-a-key.md). Each list below is an
// X-macro: CHAINSIM_KEYS_<table>(X) calls X once per key of that TOML table,
// in the order the keys are printed and documented.
//
//   X(kind, table, key, member, type, default, check, presence, unit, doc [, model])
//
// kind      how the key is read, printed and documented (io/config_keys.hpp):
//           NUMBER, INTEGER, BOOL, PRIOR, DATE, STRING, SCHEDULE, CAPACITY,
//           TABLE (a sub-table with a list of its own), TABLES (an array of
//           tables), CUSTOM (read and printed by code of its own in io/)
// table     the TOML table, also the path of the member in Config (c.table.member)
// key       the TOML key;  member: the C++ member;  type: its C++ type
// default   the member's initial value; for an optional key, its value when absent
// check     what is allowed, in parentheses: NUMBER (an io Range), INTEGER (lo[, hi]),
//           PRIOR (its family), TABLE (Inline or Header), CUSTOM ("type", "allowed")
// presence  required, or optional (absent = the default: a mechanism added after
//           the first model is off when its key is absent)
// unit      printed by `print-config`; doc: the meaning, for docs/configuration.md
// model     the ModelSpec member that receives the value unchanged, if any: the
//           member is declared (core/model/model_spec.hpp) and copied (forecast/resolve.cpp)
//           from this column. Keys without it are turned into the kernel's terms
//           by forecast/resolve.cpp.
//
// Core expands only the columns type, member, default and model; the other
// columns are io's, which core does not include. Commas inside a column need
// parentheses or a type alias (forecast/config.hpp's Quotas, MonthFactors).

// clang-format off
// The first key of the sub-table of a mechanism that can be switched: `enabled`
// (the sub-table itself is optional; absent, the mechanism is off).
#define CHAINSIM_KEY_SWITCH(X, table) X(BOOL, table, enabled, enabled, bool, false, (), required, "", "switch")

#define CHAINSIM_KEYS_run(X) \
  X(STRING,  run, name,    name,    std::string,   {}, (), required, "", "name of the run, stored in the output") \
  X(DATE,    run, start,   start,   Date,          {}, (), required, "date (a Monday)", "Monday of week 0") \
  X(INTEGER, run, weeks,   weeks,   int,           0,  (1, 1560), required, "weeks", "horizon `T`") \
  X(INTEGER, run, paths,   paths,   std::int64_t,  0,  (1, 100'000'000), required, "paths", "Monte Carlo paths") \
  X(INTEGER, run, seed,    seed,    std::uint64_t, 0,  (0), required, "", "random seed (model.md §5)") \
  X(CUSTOM,  run, regions, regions, RegionMode, RegionMode::SafetyRegions, \
    ("string", "`\"national\"` or `\"safety-regions\"`"), required, "", \
    "one national pool (`R = 1`) or the 25 safety regions with population shares from `data/nl_safety_regions.csv`") \
  X(BOOL,    run, sobol_parameters, sobol_parameters, bool, false, (), optional, "", \
    "draw the per-path parameters (every prior) from scrambled Sobol' points instead of independent streams: " \
    "the same laws, a lower Monte Carlo error for figures that follow the parameters (model.md §12)", \
    sobol_parameters)

#define CHAINSIM_KEYS_output(X) \
  X(CUSTOM, output, path, path, std::string, {}, ("string", "a file name ending in `.h5` or `.nc`"), required, "", \
    "the output file; tables and manifest are written beside it") \
  X(CUSTOM, output, ensemble, ensemble, std::vector<std::string>, {}, \
    ("`\"all\"`, or array of strings", "output variable names (model.md §7), each at most once; `[]` for none"), \
    required, "", "per-path series to store") \
  X(CUSTOM, output, quantiles, quantiles, std::vector<double>, {}, \
    ("array of numbers", "non-empty; each in (0, 1); strictly increasing"), required, "probabilities", \
    "weekly quantiles over paths") \
  X(CUSTOM, output, periods, periods, std::vector<PeriodKind>, {}, \
    ("array of strings", "`\"quarter\"`, `\"half-year\"`, `\"year\"`, each at most once; may be empty"), required, "", \
    "periods of the period summaries and planning table") \
  X(CUSTOM, output, risk_levels, risk_levels, std::vector<double>, {}, \
    ("array of numbers", "each in (0, 1), each at most once; may be empty"), required, "probabilities", \
    "`α` of \"capacity needed so that P(shortfall in the period) ≤ α\"")

#define CHAINSIM_KEYS_initial(X) \
  X(INTEGER, initial, registration_queue, registration_queue, std::int64_t, 0, (0, kMaxCount), required, "persons", \
    "`W`, arrived and not yet registered", initial_queue) \
  X(INTEGER, initial, dublin, dublin, std::int64_t, 0, (0, kMaxCount), required, "persons", \
    "Dublin stock, spread evenly over the cohort ages", initial_dublin) \
  X(INTEGER, initial, procedure, procedure, std::int64_t, 0, (0, kMaxCount), required, "persons", \
    "`A`, in the national procedure", initial_procedure) \
  X(INTEGER, initial, rejected, rejected, std::int64_t, 0, (0, kMaxCount), required, "persons", \
    "`X`, rejected and still in reception", initial_rejected) \
  X(INTEGER, initial, permit_holders, permit_holders, std::int64_t, 0, (0, kMaxCount), required, "persons", \
    "permit holders in reception, apportioned to regions by population (largest remainders)") \
  X(NUMBER, initial, grants_per_week, grants_per_week, double, 0.0, (kNonNegative), required, "persons/week", \
    "grants in each of the `L` weeks before week 0 (family-reunification history); also the weekly new permit " \
    "holders before week 0 for the quota rule", initial_grants_per_week) \
  X(NUMBER, initial, uncertainty_sd, uncertainty_sd, double, 0.0, (0.0, 2.0), optional, "log sd", \
    "sd of the mean-one log-normal factor on each initial stock (Dublin, procedure, rejected, permit holders), " \
    "drawn per path: the stocks at the origin are estimates (model.md C5); 0: the stocks as given", \
    initial_uncertainty_sd) \
  X(NUMBER, initial, permit_holders_extra_sd, permit_holders_extra_sd, double, 0.0, (0.0, 2.0), optional, "log sd", \
    "extra sd of the permit holders' factor, added to `uncertainty_sd` in quadrature: a permit-holder count " \
    "older than the origin (model.md C5); 0: the permit holders as uncertain as the other stocks", \
    initial_permit_holders_extra_sd) \
  X(CUSTOM, initial, permit_holders_over_14_weeks, permit_holders_over_14_weeks, OptionalCount, {}, \
    ("integer", "0..`permit_holders`"), optional, "persons", \
    "those of the initial permit holders who have waited more than 14 weeks; present switches on the waiting " \
    "times (model.md C8, output `permit_holders_waiting_over_14_weeks`)")

#define CHAINSIM_KEYS_inflow(X) \
  X(PRIOR, inflow, level, level, Prior, {}, (PriorFamily::Normal), required, "log persons/week", \
    "`α`, the long-run log weekly rate without season, AR and surge", level) \
  X(PRIOR, inflow, trend_per_year, trend_per_year, Prior, {}, (PriorFamily::Normal), required, "log per year", \
    "`β`, the trend of the log rate", trend) \
  X(NUMBER, inflow, level_trend_correlation, level_trend_correlation, double, 0.0, (-1.0, 1.0), required, "1", \
    "correlation `c` of the per-path draws of `α` and `β` (model.md §4.0); 0 draws them independently", \
    level_trend_correlation) \
  X(CUSTOM, inflow, season, season, MonthFactors, {}, ("array of 12 numbers", "exactly 12, each > 0"), required, \
    "factor per calendar month", \
    "multiplicative factor of each calendar month (January first), applied by the month of the week's Monday; " \
    "not renormalised by the reader") \
  X(NUMBER, inflow, ar_phi, ar_phi, double, 0.0, (-1.0, 1.0, true, true), required, "1 per week", \
    "`φ` of the AR(1) deviation `x`", ar_phi) \
  X(NUMBER, inflow, ar_sigma, ar_sigma, double, 0.0, (kNonNegative), required, "log, per week", \
    "`σ`, innovation sd of `x`", ar_sigma) \
  X(NUMBER, inflow, shock_probability, shock_probability, double, 0.0, (kUnit), required, "per week", \
    "`p_shock`, probability of a surge onset", shock_probability) \
  X(CUSTOM, inflow, shock_mean, shock_mean, double, 0.0, ("number", "> 0 if `shock_probability > 0`, else ≥ 0"), \
    required, "log", "`κ`, mean of the exponential surge size", shock_mean) \
  X(NUMBER, inflow, shock_decay, shock_decay, double, 0.0, (0.0, 1.0, false, true), required, "1 per week", \
    "`ψ`, weekly decay of the surge state `j`", shock_decay) \
  X(NUMBER, inflow, repeat_share, repeat_share, double, 0.0, (kNonNegative), required, \
    "repeat per first application", "`r_rep`, repeat applications per first application (a ratio, may exceed 1)", \
    repeat_share) \
  X(PRIOR, inflow, start_deviation, start_deviation, Prior, {}, (PriorFamily::Normal), optional, "log", \
    "`x_0`, the AR(1) deviation at week 0, drawn per path: the recent observed deviation of log inflow from " \
    "the long-run line (model.md C1); `{ mean = 0, sd = 0 }`: `x` starts at 0", start_deviation) \
  X(NUMBER, inflow, level_walk_sd, level_walk_sd, double, 0.0, (0.0, 5.0), optional, "log per sqrt(year)", \
    "sd of the innovations of the local level `l`, a random walk added to log inflow to which the AR(1) " \
    "deviation reverts (model.md C11); 0 switches it off") \
  X(NUMBER, inflow, level_walk_phi, level_walk_phi, double, 1.0, (0.0, 1.0), optional, "1 per week", \
    "weekly persistence of the local level; 1 makes a random walk", level_walk_phi)

#define CHAINSIM_KEYS_registration(X) \
  X(CAPACITY, registration, capacity_per_week, capacity_per_week, TimeVarying, {}, (), required, "persons/week", \
    "`Rcap(t)`, registrations possible per week; a fractional value is rounded down")

#define CHAINSIM_KEYS_dublin(X) \
  X(PRIOR, dublin, share, share, Prior, {}, (PriorFamily::Beta), required, "share of registered", \
    "`f_dub`, share of the registered who enter the Dublin procedure", dublin_share) \
  X(PRIOR, dublin, transfer_share, transfer_share, Prior, {}, (PriorFamily::Beta), required, \
    "share within the deadline", \
    "`p_tr`, share transferred within the deadline (with no absconding); gives the weekly hazard " \
    "`h_tr = 1 − (1 − p_tr)^(1/d)`", transfer_share) \
  X(NUMBER, dublin, abscond_weekly, abscond_weekly, double, 0.0, (kUnit), required, "per week", \
    "`h_ab`, weekly probability of absconding", abscond_weekly) \
  X(INTEGER, dublin, deadline_weeks, deadline_weeks, int, 26, (1, 104), required, "weeks", \
    "`d`; those not transferred or absconded by then move to the national procedure", dublin_deadline_weeks)

#define CHAINSIM_KEYS_decisions(X) \
  X(CAPACITY, decisions, capacity_per_week, capacity_per_week, TimeVarying, {}, (), required, "cases/week", \
    "`c(t)`, mean of the Poisson weekly capacity to close cases (decisions and withdrawals; with `response` on, " \
    "the starting capacity)") \
  X(PRIOR, decisions, grant_rate, grant_rate, Prior, {}, (PriorFamily::Beta), required, "share of decisions", \
    "`g`, share of decisions that grant a permit", grant_rate) \
  X(TABLE, decisions, response, response, Response, {}, (Inline), optional, "", \
    "decision capacity that follows the backlog (model.md C2); absent: the configured capacity as it is") \
  X(NUMBER, decisions, capacity_sd, capacity_sd, double, 0.0, (0.0, 2.0), optional, "log sd", \
    "sd of the path's mean-one productivity factor on the decision capacity (C2)", decision_capacity_sd) \
  X(NUMBER, decisions, withdrawn_share, withdrawn_share, double, 0.0, (kUnit), optional, "share of closures", \
    "share of the week's closures without a decision (withdrawn, otherwise closed; they leave reception) (C3)", \
    withdrawn_share) \
  X(NUMBER, decisions, grant_drift_sd, grant_drift_sd, double, 0.0, (0.0, 5.0), optional, "logit per sqrt(year)", \
    "sd of the random walk on logit(grant rate) (C4)")

#define CHAINSIM_KEYS_decisions_response(X) \
  CHAINSIM_KEY_SWITCH(X, decisions.response) \
  X(NUMBER, decisions.response, target_weeks, target_weeks, double, 26.0, (1.0, 1040.0), required, "weeks", \
    "capacity aims at clearing the backlog in this many weeks: each week `c ← c + (A'/target_weeks − c)/adjust_weeks`") \
  X(NUMBER, decisions.response, adjust_weeks, adjust_weeks, double, 13.0, (1.0, 1040.0), required, "weeks", \
    "mean lag of the adjustment (partial adjustment `1/adjust_weeks` a week)") \
  X(NUMBER, decisions.response, max_per_week, max_per_week, double, 0.0, (kNonNegative), required, "cases/week", \
    "capacity never above this, unless the floor is higher") \
  X(NUMBER, decisions.response, min_per_week, min_per_week, double, 0.0, (kNonNegative), optional, "cases/week", \
    "the floor where no scheduled period of `capacity_per_week` is active (such a period is the floor where it is)")

#define CHAINSIM_KEYS_rejected(X) \
  X(NUMBER, rejected, return_weekly, return_weekly, double, 0.0, (kUnit), required, "per week", \
    "`h_ret`, verified departure (the return lever multiplies it)", return_weekly) \
  X(NUMBER, rejected, leave_weekly, leave_weekly, double, 0.0, (kUnit), required, "per week", \
    "`h_l`, leaving without verified departure, for those who do not return", leave_weekly)

#define CHAINSIM_KEYS_nareis(X) \
  X(PRIOR, nareis, per_grant, per_grant, Prior, {}, (PriorFamily::Gamma), required, "arrivals per grant", \
    "`ν`, family members arriving per grant", nareis_per_grant) \
  X(NUMBER, nareis, lag_mean_weeks, lag_mean_weeks, double, 0.0, (kPositive), required, "weeks", \
    "mean of the gamma lag from grant to arrival") \
  X(NUMBER, nareis, lag_sd_weeks, lag_sd_weeks, double, 0.0, (kPositive), required, "weeks", \
    "its standard deviation") \
  X(INTEGER, nareis, max_lag_weeks, max_lag_weeks, int, 0, (1, 520), required, "weeks", \
    "`L`, the lag is truncated to 1..L and renormalised") \
  X(NUMBER, nareis, into_reception, into_reception, double, 0.0, (kUnit), required, "share of arrivals", \
    "`q_nr`, share of arriving family members who enter reception", into_reception)

#define CHAINSIM_KEYS_minors(X) \
  X(NUMBER, minors, share_of_grants, share_of_grants, double, 0.0, (kUnit), required, "share of grants", \
    "`a_amv`, unaccompanied minors among the grants", minors_share) \
  X(NUMBER, minors, to_guardian, to_guardian, double, 0.0, (kUnit), required, "share of minors", \
    "`q_guardian`, share of them placed with the guardian organisation (the guardian lever multiplies it)", \
    to_guardian)

#define CHAINSIM_KEYS_housing(X) \
  X(PRIOR, housing, realisation, realisation, Prior, {}, (PriorFamily::Beta), required, "share of the quota", \
    "`ρ`, the share of the quota municipalities realise", realisation) \
  X(NUMBER, housing, regional_sd, regional_sd, double, 0.0, (kNonNegative), required, "log sd", \
    "`τ`, spread of the regional realisation `ρ_r = ρ·exp(τ z_r − τ²/2)`; used only with safety regions", \
    regional_sd) \
  X(CUSTOM, housing, taakstelling, taakstelling, Quotas, {}, \
    ("table", "keys `\"YYYY-H1\"`, `\"YYYY-H2\"` (four-digit year) and `default`, values ≥ 0; `default` required"), \
    required, "persons per half-year", \
    "`H(half)`, the national quota, spread evenly over the Mondays of its half-year and over regions by " \
    "population; `default` for the half-years without an entry of their own") \
  X(NUMBER, housing, half_year_sd, half_year_sd, double, 0.0, (0.0, 2.0), optional, "log sd", \
    "sd of the mean-one realisation factor of each half-year and region (model.md C6)", half_year_sd) \
  X(NUMBER, housing, half_year_national_sd, half_year_national_sd, double, 0.0, (0.0, 2.0), optional, "log sd", \
    "sd of the mean-one realisation factor of each half-year shared by all regions, on top of `half_year_sd` " \
    "(model.md C6)", half_year_national_sd) \
  X(BOOL, housing, carry_over, carry_over, bool, false, (), optional, "", \
    "unmet quota of a half-year is added to the next half-year's task, never more than those waiting (C6)", \
    carry_over) \
  X(INTEGER, housing, min_wait_weeks, min_wait_weeks, int, 0, (0, 14), optional, "weeks", \
    "a permit holder can be housed only after this many weeks in reception (matching time) (C10); > 0 needs " \
    "`initial.permit_holders_over_14_weeks`", min_wait_weeks) \
  X(TABLE, housing, quota_rule, quota_rule, core::QuotaRule, {}, (Inline), optional, "", \
    "the quota of a half-year without its own `taakstelling` entry set from the expected new permit holders " \
    "instead of `default` (C6); absent: off", quota_rule) \
  X(TABLES, housing, programme, programmes, Programmes, {}, (), required, "", "`[[housing.programme]]` tables, below")

#define CHAINSIM_KEYS_housing_quota_rule(X) \
  CHAINSIM_KEY_SWITCH(X, housing.quota_rule) \
  X(NUMBER, housing.quota_rule, share, share, double, 1.0, (0.0, 10.0), required, "share", \
    "quota = `share` × the expected new permit holders of the half-year") \
  X(INTEGER, housing.quota_rule, lookback_weeks, lookback_weeks, int, 26, (1, 520), required, "weeks", \
    "expected = mean weekly new permit holders over these weeks × the Mondays of the half-year")

// The keys of one [[housing.programme]] (HousingProgramme, read by io's own code).
#define CHAINSIM_KEYS_housing_programme(X) \
  X(STRING, housing.programme, name, name, std::string, {}, (), required, "", "label") \
  X(DATE, housing.programme, from, from, Date, {}, (), required, "date", "first week of supply") \
  X(INTEGER, housing.programme, weeks, weeks, int, 0, (1, kMaxDuration), optional, "weeks", \
    "duration; not with `to`") \
  X(DATE, housing.programme, to, to, Date, {}, (), optional, "date", \
    "end (exclusive), a later week than `from`; not with `weeks`") \
  X(NUMBER, housing.programme, persons, persons, double, 0.0, (kNonNegative), optional, "persons", \
    "total, spread evenly over the weeks; not with `persons_per_year`; needs `weeks` or `to`") \
  X(NUMBER, housing.programme, persons_per_year, persons_per_year, double, 0.0, (kNonNegative), optional, \
    "persons/year", "a rate, `persons_per_year / 52.1775` a week; open-ended unless `weeks` or `to` is given") \
  X(STRING, housing.programme, region, region, std::string, {}, (), optional, "", \
    "a safety-region code `VR01`..`VR25`; absent: national, split over the regions by population (in national " \
    "mode a regional programme goes to the national pool)") \
  X(PRIOR, housing.programme, delivered, delivered, Prior, (Prior{1.0, 0.0}), (PriorFamily::Beta), optional, \
    "share", "the share of the announced persons delivered, drawn per path (model.md C7)") \
  X(PRIOR, housing.programme, delay_weeks, delay_weeks, Prior, {}, (PriorFamily::Gamma), optional, "weeks", \
    "the start delay, drawn per path and rounded down to whole weeks (C7)")

#define CHAINSIM_KEYS_capacity(X) \
  X(INTEGER, capacity, regular, regular, std::int64_t, 0, (0, kMaxCount), required, "places", \
    "regular reception places") \
  X(CUSTOM, capacity, changes, changes, Changes, {}, \
    ("array of `{ at = DATE, delta = N }`", \
     "`delta` an integer in −10^9..10^9; regular capacity must stay ≥ 0 in every week"), \
    required, "places", "permanent changes from `week(at)` on (from week 0 if earlier)") \
  X(TABLE, capacity, cno, cno, Cno, {}, (Header), required, "", \
    "crisis emergency reception, the same number of places in each of the 25 safety regions (also in national " \
    "mode, as one pool)") \
  X(TABLES, capacity, tnv, tnv, TnvLocations, {}, (), required, "", \
    "large temporary facilities (`[[capacity.tnv]]`, below)") \
  X(TABLE, capacity, adaptive, adaptive, core::AdaptiveRule, {}, (Header), required, "", \
    "the adaptive rule (model.md §6); every key is checked also when the rule is off", adaptive)

#define CHAINSIM_KEYS_capacity_cno(X) \
  X(INTEGER, capacity.cno, places_per_region, places_per_region, std::int64_t, 0, (0, kMaxCount), required, \
    "places per region", "places per region; 0: no CNO", cno_places_per_region) \
  X(DATE, capacity.cno, from, from, Date, {}, (), required, "date", "opening (the week containing it)") \
  X(INTEGER, capacity.cno, weeks, weeks, int, 0, (0, kMaxDuration), required, "weeks", \
    "weeks open (0: never open)") \
  X(NUMBER, capacity.cno, staff_per_region_per_day, staff_per_region_per_day, double, 0.0, (kNonNegative), \
    required, "staff", "staff per region per day, for `cno_staff_days`", cno_staff_per_region_per_day) \
  X(TABLE, capacity.cno, phaseout, phaseout, Phaseout, {}, (Inline), required, "", \
    "close the CNO for good after `weeks` consecutive weeks with occupancy below " \
    "`(regular + TNV capacity)·(1 − margin)`")

#define CHAINSIM_KEYS_capacity_cno_phaseout(X) \
  X(NUMBER, capacity.cno.phaseout, margin, margin, double, 0.0, (0.0, 1.0, false, true), required, "share", \
    "the margin below the other capacity", cno_phaseout_margin) \
  X(INTEGER, capacity.cno.phaseout, weeks, weeks, int, 0, (-kMaxDuration, kMaxDuration), required, "weeks", \
    "consecutive weeks needed; ≤ 0 disables the phase-out", cno_phaseout_weeks)

// The keys of one [[capacity.tnv]] (TnvLocation, read by io's own code).
#define CHAINSIM_KEYS_capacity_tnv(X) \
  X(STRING, capacity.tnv, name, name, std::string, {}, (), required, "", \
    "label; not used by another facility") \
  X(INTEGER, capacity.tnv, places, places, std::int64_t, 0, (0, kMaxCount), required, "places", "places while open") \
  X(DATE, capacity.tnv, from, from, Date, {}, (), required, "date", "opening (the week containing it)") \
  X(INTEGER, capacity.tnv, weeks, weeks, int, 0, (1, kMaxDuration), required, "weeks", "weeks open")

#define CHAINSIM_KEYS_capacity_adaptive(X) \
  CHAINSIM_KEY_SWITCH(X, capacity.adaptive) \
  X(NUMBER, capacity.adaptive, upper, upper, double, 0.0, (kPositive), required, "share of capacity", \
    "order places after `weeks` weeks with occupancy above `upper · K`") \
  X(NUMBER, capacity.adaptive, lower, lower, double, 0.0, (kPositive), required, "share of capacity", \
    "remove places after `weeks` weeks with occupancy below `lower · K`; below `upper`") \
  X(INTEGER, capacity.adaptive, weeks, weeks, int, 1, (1, kMaxDuration), required, "weeks", \
    "consecutive weeks needed") \
  X(INTEGER, capacity.adaptive, step, step, std::int64_t, 0, (1, kMaxCount), required, "places", "places per order") \
  X(INTEGER, capacity.adaptive, lead_weeks, lead_weeks, int, 0, (0, kMaxDuration), required, "weeks", \
    "an order placed in week `t` takes effect in week `t + 1 + lead_weeks`") \
  X(INTEGER, capacity.adaptive, floor, floor, std::int64_t, 0, (0, kMaxCount), required, "places", \
    "removals never take regular capacity below this")

#define CHAINSIM_KEYS_costs(X) \
  X(NUMBER, costs, regular_place_week, regular_place_week, double, 0.0, (kNonNegative), required, \
    "euro per place-week", "a regular place (capacity is paid whether used or not)", cost_regular) \
  X(NUMBER, costs, cno_place_week, cno_place_week, double, 0.0, (kNonNegative), required, \
    "euro per place-week", "a crisis emergency (CNO) place", cost_cno) \
  X(NUMBER, costs, tnv_place_week, tnv_place_week, double, 0.0, (kNonNegative), required, \
    "euro per place-week", "a place in a large temporary facility (TNV)", cost_tnv) \
  X(NUMBER, costs, shortfall_person_week, shortfall_person_week, double, 0.0, (kNonNegative), required, \
    "euro per person-week", "a person in reception above capacity", cost_shortfall)

#define CHAINSIM_KEYS_levers(X) \
  X(SCHEDULE, levers, inflow, inflow, Schedule, {}, (), required, "multiplier", \
    "multiplies the weekly inflow rate `λ` (first and repeat applications); not clamped (the rate is capped at " \
    "10^8 a week)") \
  X(SCHEDULE, levers, dublin, dublin, Schedule, {}, (), required, "multiplier", \
    "multiplies the weekly Dublin transfer hazard `h_tr`; the product clamped to [0, 1]") \
  X(SCHEDULE, levers, return, ret, Schedule, {}, (), required, "multiplier", \
    "multiplies the weekly return hazard `rejected.return_weekly`; the product clamped to [0, 1]") \
  X(SCHEDULE, levers, nareis, nareis, Schedule, {}, (), required, "multiplier", \
    "multiplies family reunification per grant `ν`; not clamped") \
  X(SCHEDULE, levers, guardian, guardian, Schedule, {}, (), required, "multiplier", \
    "multiplies the share of unaccompanied minors placed with the guardian, `minors.to_guardian`; the product " \
    "clamped to [0, 1]")

// Every list whose keys are members reached from Config (c.table.member), in
// the order of the resolved configuration: top-level tables in the order they
// are printed, each sub-table after the table that holds it.
#define CHAINSIM_CONFIG_KEY_LISTS(L)                                                              \
  L(CHAINSIM_KEYS_run) L(CHAINSIM_KEYS_output) L(CHAINSIM_KEYS_initial) L(CHAINSIM_KEYS_inflow)    \
  L(CHAINSIM_KEYS_registration) L(CHAINSIM_KEYS_dublin) L(CHAINSIM_KEYS_decisions)                 \
  L(CHAINSIM_KEYS_decisions_response) L(CHAINSIM_KEYS_rejected) L(CHAINSIM_KEYS_nareis)            \
  L(CHAINSIM_KEYS_minors) L(CHAINSIM_KEYS_housing) L(CHAINSIM_KEYS_housing_quota_rule)             \
  L(CHAINSIM_KEYS_capacity) L(CHAINSIM_KEYS_capacity_cno) L(CHAINSIM_KEYS_capacity_cno_phaseout)   \
  L(CHAINSIM_KEYS_capacity_adaptive) L(CHAINSIM_KEYS_costs) L(CHAINSIM_KEYS_levers)
// clang-format on

// The lists of the entries of arrays of tables (documented, read by io's own code).
#define CHAINSIM_ELEMENT_KEY_LISTS(L) L(CHAINSIM_KEYS_housing_programme) L(CHAINSIM_KEYS_capacity_tnv)

// Declares a key's member: `type member = default;`.
#define CHAINSIM_KEY_MEMBER(kind, table, key, member, type, default_, ...) type member = default_;
