#pragma once
// Monte Carlo error of the ensemble's figures (issue 19 item 3): how far an
// estimate from n paths may be from the value an infinite ensemble would give.
// Pure functions of the per-path values, so that the output file, the planning
// table and `chainsim run --precision` compute them the same way.
//
//   mean of x          standard error  sd(x) / sqrt(n)          (sd with n - 1)
//   probability p      standard error  sqrt(p (1 - p) / n)      (binomial)
//   quantile q         95 % distribution-free interval [x_(l), x_(u)] between
//                      order statistics, l and u the binomial(n, q) ranks
//                      floor(n q - 1.96 s) and ceil(n q + 1.96 s) + 1 (1-based,
//                      s = sqrt(n q (1 - q))), clipped to [1, n]: the normal
//                      approximation of P(l <= B < u) = 0.95, B ~ binomial(n, q),
//                      the number of paths at or below the true quantile.
#include <cstddef>
#include <span>

namespace chainsim::forecast {

// z of the two-sided 95 % normal interval.
inline constexpr double kMcIntervalZ = 1.959963984540054;

// sd / sqrt(n); 0 for n < 2 (no spread to estimate from).
double mean_standard_error(double sd, std::size_t n) noexcept;

// sqrt(p (1 - p) / n); 0 for n == 0.
double probability_standard_error(double p, std::size_t n) noexcept;

// 1-based ranks [low, high] of the order statistics bounding the 95 % interval
// of the q quantile of n values (see above); {0, 0} for n == 0.
struct OrderStatisticRanks {
  std::size_t low = 0;
  std::size_t high = 0;
};
OrderStatisticRanks quantile_interval_ranks(std::size_t n, double q) noexcept;

// The interval's values from the sorted values; NaN for no values.
struct QuantileInterval {
  double low = 0.0;
  double high = 0.0;
};
QuantileInterval quantile_interval(std::span<const double> sorted, double q) noexcept;

// Relative standard error |se / estimate|; +inf when the estimate is 0 and
// the error is not (no relative precision can be claimed), 0 when both are.
double relative_error(double standard_error, double estimate) noexcept;

// What the output file's `mc_error_method` attribute says.
inline constexpr const char* kMcErrorMethod =
    "_mcse: Monte Carlo standard error; of a mean sd/sqrt(n) (sd with n - 1 denominator), of a probability "
    "sqrt(p(1-p)/n); _mc_low/_mc_high: distribution-free 95 % interval of a quantile between the order "
    "statistics of 1-based ranks floor(nq - 1.96 s) and ceil(nq + 1.96 s) + 1, s = sqrt(nq(1-q)), clipped to [1, n] "
    "(normal approximation of the binomial(n, q) ranks); n = paths";

}  // namespace chainsim::forecast
