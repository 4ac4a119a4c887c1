#include "forecast/initial_state.hpp"

#include <cmath>

namespace chainsim::forecast {

// The operations and their order are those `chainsim calibrate` has always
// used, so the seed's numbers stay byte-identical (Calibration tests).
DublinSteadyState steady_state_dublin(double first_applications_per_week, double repeat_share, double dublin_share,
                                      double transfer_share, double abscond_weekly, int deadline_weeks) {
  DublinSteadyState s;
  s.transfer_hazard = 1.0 - std::pow(1.0 - transfer_share, 1.0 / deadline_weeks);
  double stay = 0;
  for (int a = 0; a < deadline_weeks; ++a) stay += std::pow((1.0 - s.transfer_hazard) * (1.0 - abscond_weekly), a);
  s.expected_weeks = stay;
  s.registrations_per_week = first_applications_per_week * (1.0 + repeat_share);
  s.stock = static_cast<std::int64_t>(std::llround(s.registrations_per_week * dublin_share * stay));
  return s;
}

std::int64_t steady_state_rejected(double rejections_per_week, double exit_hazard) {
  return static_cast<std::int64_t>(std::llround(rejections_per_week / exit_hazard));
}

}  // namespace chainsim::forecast
