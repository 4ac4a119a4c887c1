#pragma once
// Statistical references shared by the fixed-seed distribution tests: special
// functions (regularized incomplete gamma and beta, from Boost.Math), exact
// pmfs in long double, and the goodness-of-fit statistics with their p-values
// or critical values. Test-only code; none of it is used by the product.
#include <gtest/gtest.h>

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

namespace chainsim::testing {

// ---------------------------------------------------------------------------
// Special functions: Boost.Math's regularized incomplete gamma and beta, a
// well-kept implementation independent of the product's own continued
// fractions (core/sampling/binomial_inversion.cpp, core/model/lag_weights.cpp),
// so that a reference is never the code under test.

// Regularized lower incomplete gamma P(a, x) and upper Q(a, x) = 1 - P(a, x).
inline double reg_gamma_p(double a, double x) { return x <= 0.0 ? 0.0 : boost::math::gamma_p(a, x); }
inline double reg_gamma_q(double a, double x) { return x <= 0.0 ? 1.0 : boost::math::gamma_q(a, x); }

// Regularized incomplete beta I_x(a, b).
inline double reg_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  return boost::math::ibeta(a, b, x);
}

inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

inline double log_choose(std::int64_t n, std::int64_t k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

// ---------------------------------------------------------------------------
// Exact pmfs in long double. lgammal has ~1e-19 relative accuracy, so the
// cancellation in lgammal(n+1) - lgammal(k+1) - lgammal(n-k+1) costs at most
// |lgammal(n+1)| * 1e-19 relative: ~1.5e-15 at n = 2000, ~1e-9 at n = 1e9.

inline long double binomial_pmf_l(std::int64_t k, std::int64_t n, long double p) {
  if (k < 0 || k > n) return 0.0L;
  if (p <= 0.0L) return k == 0 ? 1.0L : 0.0L;
  if (p >= 1.0L) return k == n ? 1.0L : 0.0L;
  const long double nl = static_cast<long double>(n), kl = static_cast<long double>(k);
  return expl(lgammal(nl + 1) - lgammal(kl + 1) - lgammal(nl - kl + 1) + kl * logl(p) + (nl - kl) * log1pl(-p));
}
inline double binomial_pmf(std::int64_t k, std::int64_t n, double p) {
  return static_cast<double>(binomial_pmf_l(k, n, static_cast<long double>(p)));
}
inline double poisson_pmf(std::int64_t k, double lambda) {
  if (k < 0) return 0.0;
  const long double kl = static_cast<long double>(k), ll = lambda;
  return static_cast<double>(expl(kl * logl(ll) - ll - lgammal(kl + 1)));
}

// ---------------------------------------------------------------------------
// Goodness of fit

struct Gof {
  double stat = 0;
  int df = 0;
  double p_value = 0;
};

inline std::ostream& operator<<(std::ostream& os, const Gof& g) {
  return os << "stat=" << g.stat << " df=" << g.df << " p=" << g.p_value;
}

// Pearson chi-square of integer samples against `pmf` over the window [lo, hi]:
// values outside the window are folded into the end cells (the probability
// outside must be negligible: callers pick windows of >= 12 standard deviations
// or the whole support); consecutive values are merged left to right until each
// cell expects >= 5 draws, the remainder joining the last cell. Expected counts
// are summed in long double. p-value Q(df/2, X^2/2), exact (no tables).
inline Gof chi_square_discrete(const std::vector<std::int64_t>& xs, std::int64_t lo, std::int64_t hi,
                               const std::function<long double(std::int64_t)>& pmf) {
  const long double N = static_cast<long double>(xs.size());
  std::vector<double> observed(static_cast<std::size_t>(hi - lo + 1), 0.0);
  for (const std::int64_t x : xs) observed[static_cast<std::size_t>(std::clamp(x, lo, hi) - lo)] += 1;
  std::vector<double> cell_o, cell_e;
  double o = 0;
  long double e = 0;
  for (std::int64_t k = lo; k <= hi; ++k) {
    o += observed[static_cast<std::size_t>(k - lo)];
    e += N * pmf(k);
    if (e >= 5.0L) {
      cell_o.push_back(o);
      cell_e.push_back(static_cast<double>(e));
      o = 0;
      e = 0;
    }
  }
  if (!cell_o.empty()) {
    cell_o.back() += o;
    cell_e.back() += static_cast<double>(e);
  } else {
    cell_o.push_back(o);
    cell_e.push_back(static_cast<double>(e));
  }
  Gof g;
  for (std::size_t i = 0; i < cell_o.size(); ++i)
    g.stat += (cell_o[i] - cell_e[i]) * (cell_o[i] - cell_e[i]) / cell_e[i];
  g.df = static_cast<int>(cell_o.size()) - 1;
  g.p_value = g.df > 0 ? reg_gamma_q(0.5 * g.df, 0.5 * g.stat) : 1.0;
  return g;
}

// Kolmogorov-Smirnov of samples against a continuous CDF; p-value from the
// asymptotic Kolmogorov distribution with Stephens' small-sample correction
// (sqrt(n) + 0.12 + 0.11/sqrt(n)) D.
inline Gof ks_test(std::vector<double> xs, const std::function<double(double)>& cdf) {
  std::sort(xs.begin(), xs.end());
  const double n = static_cast<double>(xs.size());
  double d = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({d, f - i / n, (i + 1) / n - f});
  }
  const double sn = std::sqrt(n);
  const double lam = (sn + 0.12 + 0.11 / sn) * d;
  double q = 0;
  for (int j = 1; j <= 100; ++j) q += 2.0 * ((j & 1) ? 1 : -1) * std::exp(-2.0 * j * j * lam * lam);
  Gof g;
  g.stat = d;
  g.p_value = std::clamp(q, 0.0, 1.0);
  return g;
}

// Upper chi-square quantile X^2_{df, 1-alpha} by the Wilson-Hilferty cube-root
// approximation df (1 - 2/(9 df) + z sqrt(2/(9 df)))^3, z = Phi^-1(1 - alpha);
// relative error well below 1 % for df >= 10 (< 1e-3 for df >= 255): ample
// for a test threshold.
inline double chi_square_critical(double df, double z_upper) {
  const double h = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - h + z_upper * std::sqrt(h), 3);
}
constexpr double kZ999 = 3.090232306167813;  // Phi^-1(0.999): false-alarm rate 0.001

}  // namespace chainsim::testing
