#pragma once
// Exact samplers for the distributions of MODEL.md §4, drawing from a
// RandomStream. Exact means: the law of the returned value is the named
// distribution (no normal approximations). Samplers are free functions with no
// hidden state and no allocation, so they are safe on the per-path hot path.
//
// Fast paths: a draw whose outcome is known (n = 0, p = 0, p = 1, lambda = 0)
// consumes no random numbers.
#include "core/random/random_stream.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace chainsim::core {

// Largest k a rejection sampler will ever return; proposals beyond it have
// probability far below 2^-1000 for the parameter ranges we support
// (lambda, n <= ~1e9) and are rejected, which also keeps the double -> int64
// conversion defined.
inline constexpr double kMaxCount = 0x1.0p62;

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

// A binomial success probability prepared once for many draws with the same p
// and different n (the Dublin cohorts of one week): the draws are identical to
// sample_binomial(rs, n, p), without recomputing what depends on p alone.
struct BinomialRate {
  double p = 0.0;      // as given
  double rare = 0.0;   // min(p, 1 - p): the sampler draws the rarer outcome
  bool flip = false;   // p > 1/2
  double log_q = 0.0;  // log(1 - rare)
};
BinomialRate prepare_binomial(double p) noexcept;
std::int64_t sample_binomial(RandomStream& rs, std::int64_t n, const BinomialRate& rate) noexcept;

// Multinomial(n, probs): writes counts[i]; probs sum to 1 (within rounding),
// counts.size() == probs.size(). Conditional binomial method in index order.
void sample_multinomial(RandomStream& rs, std::int64_t n, std::span<const double> probs,
                        std::span<std::int64_t> counts) noexcept;

// Multinomial category probabilities prepared once for many draws (the regional
// split of new permit holders uses the same population shares every week): the
// draws are identical to sample_multinomial(rs, n, probs, counts).
class MultinomialRates {
 public:
  MultinomialRates() = default;
  explicit MultinomialRates(std::span<const double> probs);
  std::size_t size() const noexcept { return conditional_.size(); }
  // The categories K, and the rate of category i < K - 1 given those before it.
  std::size_t categories() const noexcept { return probs_.size(); }
  const BinomialRate& conditional(std::size_t i) const noexcept { return conditional_[i]; }

 private:
  friend void sample_multinomial(RandomStream&, std::int64_t, const MultinomialRates&,
                                 std::span<std::int64_t>) noexcept;
  std::vector<BinomialRate> conditional_;  // Binomial(left, p_i / tail mass_i), i = 0..K-2
  std::vector<double> probs_;              // for the draw trace
};
void sample_multinomial(RandomStream& rs, std::int64_t n, const MultinomialRates& rates,
                        std::span<std::int64_t> counts) noexcept;

}  // namespace chainsim::core
