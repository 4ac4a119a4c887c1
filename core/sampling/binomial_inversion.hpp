#pragma once
// Binomial draws by exact inversion of the CDF with a single uniform, searching
// from the mode. Unlike rejection samplers (BTRD), inversion is monotone: for a
// fixed uniform the result never decreases when n or p increases, and n minus
// the result never decreases when n increases. Flows that must respond
// monotonically to a lever under common random numbers (returns and departures
// of rejected persons: a higher return multiplier never increases the rejected
// stock on any path, MODEL.md §8) use this sampler.
#include "core/random/random_stream.hpp"

#include <cstdint>

namespace chainsim::core {

// Regularised incomplete beta I_x(a, b), a > 0, b > 0, 0 <= x <= 1.
double regularized_beta(double x, double a, double b) noexcept;

// Binomial(n, p) by inversion of u = rs.uniform(); consumes exactly one uniform
// unless the outcome is known (n == 0, p == 0 or p == 1: none).
std::int64_t sample_binomial_inversion(RandomStream& rs, std::int64_t n, double p) noexcept;

// The same with the uniform given (for tests of monotonicity).
std::int64_t binomial_quantile(double u, std::int64_t n, double p) noexcept;

}  // namespace chainsim::core
