#pragma once
// What the stock backtest knows at one historical origin, and the engine's
// configuration built from it: the initial stocks (an observed occupancy
// apportioned to the chain's stocks), the decision rate and grant rate of the
// last published year or four quarters, and the housing task. Only data dated
// on or before the origin are used. Pure: the caller reads the data.
#include "forecast/config.hpp"
#include "forecast/initial_state.hpp"
#include "forecast/stock_observations.hpp"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace chainsim::forecast::stock {

// ---- initial stocks ----------------------------------------------------------

// The published stocks an origin starts from.
//  occupancy: the latest occupancy observation dated on or before the origin
//    (an observation at the origin when there is one; else the last one
//    before it, carried forward: never interpolated towards a later value,
//    which would use data published after the origin).
//  permit holders: the latest point dated on or before the origin when it is
//    at most 12 months old; otherwise occupancy x share, where share = the
//    latest permit-holder point before the origin (any age) over the
//    occupancy known at that point's date (same rule as above).
// Throws std::invalid_argument when no occupancy or no permit-holder point
// precedes the origin.
struct OriginStocks {
  Observation occupancy;
  double permit_holders = 0.0;
  Observation permit_point;        // the latest permit-holder point before the origin
  bool permit_from_share = false;  // true: permit_holders = share x occupancy
  double permit_share = 0.0;       // permit_point / occupancy at its date (when from share)
  Observation share_occupancy;     // that occupancy (when from share)
};
inline constexpr double kPermitPointMaxAgeMonths = 12.0;
OriginStocks stocks_at_origin(const std::vector<Observation>& occupancy, const std::vector<Observation>& permits,
                              Date origin);

// How uncertain the stocks an origin starts from are (docs/model.md C5): the
// base sd (sources disagreeing on the same stock, the seed's
// initial.uncertainty_sd) and, for a point older than the origin, the naive
// random walk's spread over its age (naive_log_sd of its own series, the
// baseline's rule): how far such a stock moves in that time.
//  uncertainty_sd = hypot(base, s_occupancy), s_occupancy over the age of
//    the occupancy observation (0 when dated at the origin);
//  permit_holders_extra_sd = sqrt(max(0, s_permit^2 - s_occupancy^2)), s_permit
//    over the age of the permit-holder point (also when the count comes from
//    its share: the share is as old as the point), so that the permit
//    holders' sd is hypot(base, max(s_occupancy, s_permit)).
struct InitialSpread {
  double occupancy_age_months = 0.0, permit_age_months = 0.0;
  double occupancy_sd = 0.0, permit_sd = 0.0;  // the naive spreads over those ages
  double uncertainty_sd = 0.0, permit_holders_extra_sd = 0.0;
  // The permit holders' factor's sd as the kernel forms it (model.md C5).
  double permit_holders_sd() const noexcept { return std::hypot(uncertainty_sd, permit_holders_extra_sd); }
};
InitialSpread initial_spread(const OriginStocks& stocks, const std::vector<Observation>& occupancy,
                             const std::vector<Observation>& permits, const std::vector<Observation>& year_end,
                             Date origin, double base_sd);

// Flows and hazards at the origin that the steady-state rules need.
struct ChainRates {
  double first_applications_per_week = 0.0;  // exp(alpha) x season of the origin's month
  double repeat_share = 0.0;
  // Dublin: share of registrations, share transferred, weekly absconding, deadline.
  double dublin_share = 0.0, transfer_share = 0.0, abscond_weekly = 0.0;
  int deadline_weeks = 0;
  double rejections_per_week = 0.0;
  double exit_hazard = 0.0;  // total weekly exit hazard of the rejected
};

// Apportionment of an observed occupancy: permit holders as given, Dublin and
// rejected by the seed's steady-state rules (forecast/initial_state.hpp), the
// procedure the residual. A negative residual is set to 0 and flagged (the
// occupancy at the origin is then the sum of the other three).
struct InitialState {
  std::int64_t occupancy = 0, permit_holders = 0, dublin = 0, rejected = 0, procedure = 0;
  DublinSteadyState dublin_rule;
  bool procedure_floored = false;
};
InitialState apportion_initial_state(std::int64_t occupancy, std::int64_t permit_holders, const ChainRates& rates);

// ---- decisions -------------------------------------------------------------

// First-instance decisions of one published period [begin, end).
struct DecisionPeriod {
  Date begin{}, end{};
  double positive = 0.0, total = 0.0;  // total = positive + rejected
  std::string label;                   // "2019-Q3", "2020"
  std::string source;                  // series and file
};

// Decision capacity (decisions a week), grants and rejections a week and the
// grant rate of the latest window that ends on or before the origin: four
// consecutive quarters or one calendar year, whichever ends later (the year
// on a tie: the seed's own source). The grant rate's sd is the sample sd of
// the yearly rates of the five calendar years ending with the last complete
// year before the origin (the seed's rule, 2017..2021, moved back); those of
// them that are published, at least two. Throws std::invalid_argument when no
// window or fewer than two years precede the origin.
struct DecisionRates {
  double decisions_per_week = 0.0, grants_per_week = 0.0, rejections_per_week = 0.0;
  double grant_rate = 0.0, grant_rate_sd = 0.0;
  std::string window;    // "2019-Q3..2020-Q2 (source)"
  std::string sd_years;  // "2015..2019"
};
DecisionRates decision_rates(const std::vector<DecisionPeriod>& quarters, const std::vector<DecisionPeriod>& years,
                             Date origin);

// ---- housing task ----------------------------------------------------------

// The taakstelling of half-years that have begun on or before the origin (a
// task is set 3-6 months before its half-year, so these were known); later
// half-years take the latest of them (the seed's "default = latest" rule).
// When none has begun by the origin: the steady-state task, the new permit
// holders a half-year at the origin's rates (new_permit_holders_per_week x
// 52.1775 / 2), which is what a task is set to house.
struct HousingTask {
  std::map<std::string, double> known;  // "2016-H2" -> persons
  double later = 0.0;                   // every other half-year
  bool steady_state = false;
  std::string rule;  // one line for the origins' table
};
HousingTask housing_task(const std::map<std::string, double>& tasks, Date origin, double new_permit_holders_per_week);

// ---- the configuration -----------------------------------------------------

// Regular capacity that never binds: occupancy, not shortfall, is scored, and
// the engine's flows do not depend on capacity.
inline constexpr std::int64_t kNonBindingCapacity = 1'000'000;

struct OriginSetup {
  InitialState initial;
  InitialSpread spread;
  DecisionRates decisions;
  HousingTask housing;
};

// `calibrated` is the seed configuration with the origin's inflow fit and run
// window already set (app::inflow_config, as the inflow backtest builds it), so
// every other key keeps the seed's value. Sets the initial stocks and their uncertainty, decision
// capacity and grant rate, grants a week (the family-reunification history),
// the housing task; removes the seed's 2022 policy: capacity changes, CNO, TNV,
// housing programmes, adaptive capacity and every lever.
Config stock_origin_config(Config calibrated, const OriginSetup& setup);

}  // namespace chainsim::forecast::stock
