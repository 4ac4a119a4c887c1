#pragma once
// Exact samplers for the distributions of MODEL.md §4, drawing from a
// RandomStream. Exact means: the law of the returned value is the named
// distribution (no normal approximations). Samplers are free functions with no
// hidden state and no allocation, so they are safe on the per-path hot path.
//
// Fast paths: a draw whose outcome is known (n = 0, p = 0, p = 1, lambda = 0)
// consumes no random numbers.
#include "core/random_stream.hpp"

#include <cstdint>
#include <span>

namespace chainsim::core {

// Standard normal N(0, 1).
double sample_normal(RandomStream& rs) noexcept;

// Exponential with the given mean (mean > 0).
double sample_exponential(RandomStream& rs, double mean) noexcept;

// Gamma with shape k > 0 and scale theta > 0.
double sample_gamma(RandomStream& rs, double shape, double scale) noexcept;

// Beta(a, b), a > 0, b > 0.
double sample_beta(RandomStream& rs, double a, double b) noexcept;

// Bernoulli(p), p in [0, 1].
bool sample_bernoulli(RandomStream& rs, double p) noexcept;

// Poisson(lambda), lambda >= 0.
std::int64_t sample_poisson(RandomStream& rs, double lambda) noexcept;

// Binomial(n, p), n >= 0, p in [0, 1].
std::int64_t sample_binomial(RandomStream& rs, std::int64_t n, double p) noexcept;

// Multinomial(n, probs): writes counts[i]; probs sum to 1 (within rounding),
// counts.size() == probs.size(). Conditional binomial method in index order.
void sample_multinomial(RandomStream& rs, std::int64_t n, std::span<const double> probs,
                        std::span<std::int64_t> counts) noexcept;

}  // namespace chainsim::core
