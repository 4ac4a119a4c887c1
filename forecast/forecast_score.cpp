#include "forecast/forecast_score.hpp"

#include "forecast/calibration.hpp"
#include "forecast/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace chainsim::forecast::stock {

ForecastScore score_ensemble(std::vector<double>& x, double y) {
  std::sort(x.begin(), x.end());
  ForecastScore s;
  for (std::size_t i = 0; i < kScoreLevels.size(); ++i) s.q[i] = quantile_sorted(x, kScoreLevels[i]);
  const auto lo = std::lower_bound(x.begin(), x.end(), y), hi = std::upper_bound(x.begin(), x.end(), y);
  const double below = static_cast<double>(lo - x.begin()), equal = static_cast<double>(hi - lo);
  s.pit = (below + 0.5 * equal) / static_cast<double>(x.size());
  s.crps = calib::crps_sorted(x, y);
  s.in50 = y >= s.q[3] && y <= s.q[4];
  s.in80 = y >= s.q[2] && y <= s.q[5];
  return s;
}

std::vector<double> lognormal_members(double median, double sd, std::int64_t P) {
  std::vector<double> v(static_cast<std::size_t>(P));
  for (std::int64_t i = 0; i < P; ++i)
    v[static_cast<std::size_t>(i)] = median * std::exp(sd * calib::normal_quantile((i + 0.5) / static_cast<double>(P)));
  return v;
}

void ScoreSum::add(const ForecastScore& s, double y) noexcept {
  ++n;
  in50 += s.in50;
  in80 += s.in80;
  pit_above_half += s.pit > 0.5;
  crps += s.crps;
  abs_error += std::abs(s.median() - y);
  error += s.median() - y;
  rel_error += (s.median() - y) / y;
}

}  // namespace chainsim::forecast::stock
