// Exact samplers (see samplers.hpp). Every function draws only from the
// RandomStream it is given, allocates nothing and keeps no state between calls.
//
// References
//   [H93b] W. Hörmann (1993), "The generation of binomial random variates",
//          J. Statist. Comput. Simul. 46, 101-110.             -> BTRD
//   [H93p] W. Hörmann (1993), "The transformed rejection method for generating
//          Poisson random variables", Insurance: Math. Econ. 12, 39-45. -> PTRS
//   [MT00] G. Marsaglia, W. W. Tsang (2000), "A simple method for generating
//          gamma variables", ACM TOMS 26(3), 363-372.
//   [L00]  C. Loader (2000), "Fast and accurate computation of binomial
//          probabilities" (saddle-point form of the log-pmf used below).
//
// RandomStream::uniform() is on the open interval (0, 1): midpoints of a
// 2^-52 grid, never 0 or 1 (core/random/random_stream.hpp, checked in
// tests/test_random_stream.cpp), so log(u) and log(1 - u) below are always
// finite and 1 - u is exact.
#include "core/sampling/samplers.hpp"

#include "core/sampling/draw_trace.hpp"  // CHAINSIM_DRAW_HOOK: nothing unless CHAINSIM_TRACE_DRAWS
#include "core/sampling/log_pmf.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace chainsim::core {
namespace {

// Binomial by sequential-search inversion, for p <= 1/2 and n p < 10.
// Starts at P(0) = (1-p)^n = exp(n log1p(-p)) >= exp(-15) here (because
// -log(1-p) <= p + p^2 <= 1.5 p for p <= 1/2), so it never underflows; the
// expected number of steps is 1 + n p. The recursion
// P(x) = P(x-1) (a/x - s), s = p/q, a = (n+1) s, is exact up to rounding.
// `log_q` is log1p(-p), passed in so that callers drawing many times with the
// same p compute it once.
std::int64_t binomial_inversion(RandomStream& rs, std::int64_t n, double p, double log_q) noexcept {
  const double q = 1.0 - p;
  const double s = p / q;
  const double a = (static_cast<double>(n) + 1.0) * s;
  const double r0 = std::exp(static_cast<double>(n) * log_q);
  for (;;) {
    double u = rs.uniform();
    double r = r0;
    std::int64_t x = 0;
    bool ok = true;
    while (u > r) {
      u -= r;
      ++x;
      r *= a / static_cast<double>(x) - s;
      // Only reachable when rounding left u above the computed total mass
      // (probability ~1e-15): start again with a fresh uniform rather than
      // return an impossible or wildly improbable value.
      if (x > n || !(r > 0.0)) {
        ok = false;
        break;
      }
    }
    if (ok) return x;
  }
}

// BTRD [H93b]: transformed rejection with decomposition, for p <= 1/2 and
// n p >= 10. Step numbers follow the paper. Expected uniforms per draw is about
// 1.2 (step 1 accepts with a single uniform ~86% of the time).
std::int64_t binomial_btrd(RandomStream& rs, std::int64_t n_int, double p) noexcept {
  const double n = static_cast<double>(n_int);
  const double q = 1.0 - p;
  const double npq = n * p * q;
  const double spq = std::sqrt(npq);
  // Setup, [H93b] Table 1.
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double vr = 0.92 - 4.2 / b;
  const double urvr = 0.86 * vr;
  const double m = std::floor((n + 1.0) * p);  // mode
  const double r = p / q;
  const double nr = (n + 1.0) * r;
  double log_fm = 0.0;  // log f(m), computed on first use in step 3.3
  bool have_log_fm = false;

  for (;;) {
    // Step 1: the centre of the hat lies entirely under f, accept at once.
    double v = rs.uniform();
    double u;
    if (v <= urvr) {
      u = v / vr - 0.43;
      return static_cast<std::int64_t>(std::floor((2.0 * a / (0.5 - std::fabs(u)) + b) * u + c));
    }
    // Step 2: generate (u, v) in the remaining region of the hat.
    if (v >= vr) {
      u = rs.uniform() - 0.5;
    } else {
      u = v / vr - 0.93;
      u = std::copysign(0.5, u) - u;
      v = rs.uniform() * vr;
    }
    // Step 3.0: transformed rejection.
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + c);
    if (!(k >= 0.0 && k <= n)) continue;  // also rejects inf/nan from us == 0
    v = v * alpha / (a / (us * us) + b);
    const double km = std::fabs(k - m);
    if (km <= 15.0) {
      // Step 3.1: evaluate f(k)/f(m) by the exact recursion
      // f(i)/f(i-1) = (n+1-i) p / (i q) = nr/i - r.
      double f = 1.0;
      if (m < k) {
        for (double i = m + 1.0; i <= k; i += 1.0) f *= nr / i - r;
      } else if (m > k) {
        for (double i = k + 1.0; i <= m; i += 1.0) v *= nr / i - r;
      }
      if (v <= f) return static_cast<std::int64_t>(k);
      continue;
    }
    // Step 3.2: squeeze on log(f(k)/f(m)) ~ -km^2 / (2 npq).
    v = std::log(v);
    const double rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
    const double t = -km * km / (2.0 * npq);
    if (v < t - rho) return static_cast<std::int64_t>(k);
    if (v > t + rho) continue;
    // Step 3.3: final test v <= log(f(k)/f(m)). [H93b] writes this with the
    // Stirling correction f_c; we evaluate the same quantity in Loader's
    // saddle-point form (stirlerr = f_c shifted by one, plus bd0), which is
    // algebraically identical but keeps full accuracy for n ~ 1e9, where the
    // paper's (n+1) log(nm/nk) and (m+1/2) log(...) terms lose ~1e-7 to
    // cancellation.
    if (!have_log_fm) {
      log_fm = binomial_logpmf(m, n, p, q);
      have_log_fm = true;
    }
    if (v <= binomial_logpmf(k, n, p, q) - log_fm) return static_cast<std::int64_t>(k);
  }
}

// Poisson by sequential-search inversion for lambda < 10: P(0) = e^-lambda
// >= e^-10, P(x) = P(x-1) lambda / x; expected 1 + lambda steps.
std::int64_t poisson_inversion(RandomStream& rs, double lambda) noexcept {
  const double p0 = std::exp(-lambda);
  for (;;) {
    double u = rs.uniform();
    double pk = p0;
    std::int64_t x = 0;
    while (u > pk) {
      u -= pk;
      ++x;
      pk *= lambda / static_cast<double>(x);
      if (!(pk > 0.0)) break;  // rounding left u above the total mass: retry
    }
    if (pk > 0.0) return x;
  }
}

// PTRS [H93p]: transformed rejection with squeeze, for lambda >= 10. The
// acceptance test compares against the exact log-pmf (poisson_logpmf), which
// stays accurate for lambda up to ~1e9 and beyond.
std::int64_t poisson_ptrs(RandomStream& rs, double lambda) noexcept {
  const double slam = std::sqrt(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rs.uniform() - 0.5;
    const double v = rs.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    // Step 2: squeeze acceptance (k >= 0 is guaranteed there for lambda >= 10).
    if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(k);
    // Step 3: reject k < 0 and the thin tails of the hat.
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (k > kMaxCount) continue;
    // Step 4: exact acceptance.
    if (std::log(v * inv_alpha / (a / (us * us) + b)) <= poisson_logpmf(k, lambda)) return static_cast<std::int64_t>(k);
  }
}

// Marsaglia-Tsang [MT00] for Gamma(shape, 1), shape >= 1.
double gamma_mt(RandomStream& rs, double shape) noexcept {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x;
    double v;
    do {
      x = sample_normal(rs);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rs.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;  // squeeze
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

// log of a Gamma(shape, 1) variate. For shape < 1 this uses the boost
// Gamma(shape) = Gamma(shape + 1) U^(1/shape) in log space, so that very small
// variates (which underflow as doubles when shape is small) keep their
// relative size; sample_beta needs that.
double log_gamma_variate(RandomStream& rs, double shape) noexcept {
  if (shape >= 1.0) return std::log(gamma_mt(rs, shape));
  const double g = gamma_mt(rs, shape + 1.0);
  return std::log(g) + std::log(rs.uniform()) / shape;
}

}  // namespace

double sample_normal(RandomStream& rs) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Normal, rs, 0, 0.0, 0.0);
  // Marsaglia polar method; the second variate of the pair is discarded so the
  // call keeps no state. Points are uniform in the open square (-1, 1)^2;
  // 2u - 1 is never exactly 0 for u from RandomStream::uniform().
  for (;;) {
    const double x = 2.0 * rs.uniform() - 1.0;
    const double y = 2.0 * rs.uniform() - 1.0;
    const double s = x * x + y * y;
    if (s < 1.0 && s > 0.0) return x * std::sqrt(-2.0 * std::log(s) / s);
  }
}

double sample_exponential(RandomStream& rs, double mean) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Exponential, rs, 0, mean, 0.0);
  return -mean * std::log(rs.uniform());  // uniform() is never 0 or 1
}

double sample_gamma(RandomStream& rs, double shape, double scale) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Gamma, rs, 0, shape, scale);
  if (shape >= 1.0) return scale * gamma_mt(rs, shape);
  // Boost for shape < 1 [MT00, section 6]: Gamma(shape+1) * U^(1/shape).
  const double g = gamma_mt(rs, shape + 1.0);
  return scale * g * std::exp(std::log(rs.uniform()) / shape);
}

double sample_beta(RandomStream& rs, double a, double b) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Beta, rs, 0, a, b);
  if (a >= 1.0 && b >= 1.0) {
    const double x = gamma_mt(rs, a);
    const double y = gamma_mt(rs, b);
    return x / (x + y);
  }
  // X / (X + Y) = 1 / (1 + exp(log Y - log X)), in log space because X or Y can
  // underflow to 0 for small shapes.
  const double lx = log_gamma_variate(rs, a);
  const double ly = log_gamma_variate(rs, b);
  return 1.0 / (1.0 + std::exp(ly - lx));
}

bool sample_bernoulli(RandomStream& rs, double p) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Bernoulli, rs, 0, p, 0.0);
  if (!(p > 0.0)) return false;
  if (p >= 1.0) return true;
  return rs.uniform() < p;
}

std::int64_t sample_poisson(RandomStream& rs, double lambda) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Poisson, rs, 0, lambda, 0.0);
  if (!(lambda > 0.0)) return 0;
  return lambda < 10.0 ? poisson_inversion(rs, lambda) : poisson_ptrs(rs, lambda);
}

std::int64_t sample_binomial(RandomStream& rs, std::int64_t n, double p) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Binomial, rs, n, p, 0.0);
  if (n <= 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return n;
  // Symmetry: sample the count of the rarer outcome.
  const bool flip = p > 0.5;
  const double pp = flip ? 1.0 - p : p;
  const std::int64_t k =
      static_cast<double>(n) * pp < 10.0 ? binomial_inversion(rs, n, pp, std::log1p(-pp)) : binomial_btrd(rs, n, pp);
  return flip ? n - k : k;
}

BinomialRate prepare_binomial(double p) noexcept {
  BinomialRate r;
  r.p = p;
  r.flip = p > 0.5;
  r.rare = r.flip ? 1.0 - p : p;
  r.log_q = (r.rare > 0.0 && r.rare < 1.0) ? std::log1p(-r.rare) : 0.0;
  return r;
}

std::int64_t sample_binomial(RandomStream& rs, std::int64_t n, const BinomialRate& rate) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Binomial, rs, n, rate.p, 1.0);  // b = 1: with a prepared rate
  if (n <= 0 || !(rate.p > 0.0)) return 0;
  if (rate.p >= 1.0) return n;
  const std::int64_t k = static_cast<double>(n) * rate.rare < 10.0 ? binomial_inversion(rs, n, rate.rare, rate.log_q)
                                                                   : binomial_btrd(rs, n, rate.rare);
  return rate.flip ? n - k : k;
}

namespace {

// The conditional binomial method shared by both multinomial samplers:
// counts[i] ~ Binomial(left, conditional i), stopping when nothing is left; the
// last category takes the remainder. `draw(i, left)` draws category i.
template <class Draw>
void conditional_binomials(std::int64_t n, std::size_t K, std::span<std::int64_t> counts, Draw&& draw) noexcept {
  std::int64_t left = std::max<std::int64_t>(n, 0);
  for (std::size_t i = 0; i < K; ++i) {
    if (left == 0) {
      std::fill(counts.begin() + static_cast<std::ptrdiff_t>(i), counts.begin() + static_cast<std::ptrdiff_t>(K), 0);
      return;
    }
    if (i + 1 == K) {
      counts[i] = left;  // last category takes the remainder
      return;
    }
    const std::int64_t x = draw(i, left);
    counts[i] = x;
    left -= x;
  }
}

}  // namespace

void sample_multinomial(RandomStream& rs, std::int64_t n, std::span<const double> probs,
                        std::span<std::int64_t> counts) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Multinomial, rs, n, 0.0, 0.0, probs);
  const std::size_t K = std::min(probs.size(), counts.size());
  if (K == 0) return;
  // Conditional binomial method: counts[i] ~ Binomial(left, probs[i] / mass_i),
  // where mass_i = sum_{j >= i} probs[j]. The tail sums are accumulated from
  // the back so that mass_i is exact where it matters: a category followed
  // only by zero-probability categories gets conditional probability exactly 1,
  // and the tail masses do not suffer the cancellation of 1 - prefix sums.
  constexpr std::size_t kStackCategories = 64;
  double tail[kStackCategories];
  const bool tabulated = K <= kStackCategories;
  if (tabulated) {
    double s = 0.0;
    for (std::size_t i = K; i-- > 0;) {
      s += std::max(probs[i], 0.0);
      tail[i] = s;
    }
  }
  conditional_binomials(n, K, counts, [&](std::size_t i, std::int64_t left) {
    double mass;
    if (tabulated) {
      mass = tail[i];
    } else {  // rare: many categories; recompute the tail sum (no allocation)
      mass = 0.0;
      for (std::size_t j = K; j-- > i;) mass += std::max(probs[j], 0.0);
    }
    const double pi = std::max(probs[i], 0.0);
    const double pc = mass > 0.0 ? std::min(pi / mass, 1.0) : 0.0;
    return sample_binomial(rs, left, pc);
  });
}

}  // namespace chainsim::core

namespace chainsim::core {

MultinomialRates::MultinomialRates(std::span<const double> probs) : probs_(probs.begin(), probs.end()) {
  // The same conditional probabilities as sample_multinomial computes per draw.
  const std::size_t K = probs.size();
  std::vector<double> tail(K);
  double s = 0.0;
  for (std::size_t i = K; i-- > 0;) {
    s += std::max(probs[i], 0.0);
    tail[i] = s;
  }
  for (std::size_t i = 0; i + 1 < K; ++i) {
    const double pi = std::max(probs[i], 0.0);
    conditional_.push_back(prepare_binomial(tail[i] > 0.0 ? std::min(pi / tail[i], 1.0) : 0.0));
  }
}

void sample_multinomial(RandomStream& rs, std::int64_t n, const MultinomialRates& rates,
                        std::span<std::int64_t> counts) noexcept {
  CHAINSIM_DRAW_HOOK(DrawKind::Multinomial, rs, n, 0.0, 0.0, std::span<const double>(rates.probs_));
  const std::size_t K = rates.probs_.size();
  if (K == 0) return;
  conditional_binomials(
      n, K, counts, [&](std::size_t i, std::int64_t left) { return sample_binomial(rs, left, rates.conditional_[i]); });
}

}  // namespace chainsim::core
