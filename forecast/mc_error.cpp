#include "forecast/mc_error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace chainsim::forecast {

double mean_standard_error(double sd, std::size_t n) noexcept {
  if (n < 2) return 0.0;
  return sd / std::sqrt(static_cast<double>(n));
}

double probability_standard_error(double p, std::size_t n) noexcept {
  if (n == 0) return 0.0;
  const double v = p * (1.0 - p);
  return v > 0.0 ? std::sqrt(v / static_cast<double>(n)) : 0.0;
}

OrderStatisticRanks quantile_interval_ranks(std::size_t n, double q) noexcept {
  if (n == 0) return {};
  const double nd = static_cast<double>(n);
  const double centre = nd * q;
  const double half = kMcIntervalZ * std::sqrt(nd * q * (1.0 - q));
  // B counts the paths at or below the true quantile: x_(l) <= xi iff B >= l,
  // x_(u) > xi iff B < u, so [x_(l), x_(u)] covers xi with P(l <= B <= u - 1).
  const double lo = std::floor(centre - half);
  const double hi = std::ceil(centre + half) + 1.0;
  auto clip = [&](double r) { return static_cast<std::size_t>(std::clamp(r, 1.0, nd)); };
  return {clip(lo), clip(hi)};
}

QuantileInterval quantile_interval(std::span<const double> sorted, double q) noexcept {
  if (sorted.empty()) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  const OrderStatisticRanks r = quantile_interval_ranks(sorted.size(), q);
  return {sorted[r.low - 1], sorted[r.high - 1]};
}

double relative_error(double standard_error, double estimate) noexcept {
  if (standard_error == 0.0) return 0.0;
  if (estimate == 0.0) return std::numeric_limits<double>::infinity();
  return std::fabs(standard_error / estimate);
}

}  // namespace chainsim::forecast
