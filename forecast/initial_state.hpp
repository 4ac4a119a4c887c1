#pragma once
// Initial stocks that no series counts directly, derived by steady-state rules
// from flows and hazards. `chainsim calibrate` (the seed's initial state) and
// the stock backtest (each origin's initial state) both call these, so the two
// can never drift apart. Pure arithmetic: no data files, no configuration.
#include <cstdint>

namespace chainsim::forecast {

// Persons in the Dublin procedure when registrations have run at a constant
// rate for longer than the deadline: a cohort of `registrations_per_week x
// share` leaves each week by transfer (hazard h_tr, so that a share
// `transfer_share` of a cohort is transferred within the deadline if nobody
// absconds: 1 - (1 - h_tr)^deadline = transfer_share) or by absconding; the
// expected stay is the sum over ages a < deadline of the survival
// ((1 - h_tr)(1 - abscond))^a, and the stock is the weekly cohort times it.
struct DublinSteadyState {
  double registrations_per_week = 0.0;  // first + repeat applications a week
  double transfer_hazard = 0.0;         // h_tr, weekly
  double expected_weeks = 0.0;          // expected weeks in the procedure
  std::int64_t stock = 0;               // rounded to the nearest person
};
DublinSteadyState steady_state_dublin(double first_applications_per_week, double repeat_share, double dublin_share,
                                      double transfer_share, double abscond_weekly, int deadline_weeks);

// Rejected persons still in reception when rejections have run at a constant
// rate: the weekly inflow over the total weekly exit hazard (an expected stay
// of 1 / hazard weeks), rounded to the nearest person.
std::int64_t steady_state_rejected(double rejections_per_week, double exit_hazard);

}  // namespace chainsim::forecast
