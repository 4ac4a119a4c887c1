#pragma once
// Log-probabilities of the binomial and Poisson laws that keep their relative
// accuracy for counts up to ~1e9, in the saddle-point form of
//   [L00] C. Loader (2000), "Fast and accurate computation of binomial probabilities".
// Used by the rejection samplers' exact acceptance steps (samplers.cpp) and by
// the inversion sampler's start at the mode (binomial_inversion.cpp). Inline:
// they sit in hot loops of both.
#include <cmath>

namespace chainsim::core {

inline constexpr double k2Pi = 6.28318530717958647693;

// Stirling-series remainder of log(x!) for integer x >= 1:
//   stirlerr(x) = log(x!) - [(x + 1/2) log x - x + log(2 pi)/2].
// This is BTRD's correction f_c(k) = stirlerr(k + 1) [H93b, Table 2]. For
// x <= 10 the exact values are tabulated (f_c(0..9) of [H93b]); above that the
// asymptotic series 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7)
// + 1/(1188x^9) is used, whose truncation error at x = 11 is below 7e-15.
// kStirlerrTable[x - 1] = stirlerr(x) for x = 1..10 (also read by the SIMD
// lanes of core/sampling/poisson_lanes.cpp, which must give the same bits).
inline constexpr double kStirlerrTable[10] = {
    0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509,  0.01664469118982119,
    0.01387612882307075, 0.01189670994589177, 0.01041126526197209, 0.009255462182712733, 0.008330563433362871};
inline double stirlerr(double x) noexcept {
  if (x <= 10.0) return kStirlerrTable[static_cast<int>(x) - 1];
  const double r = 1.0 / x;
  const double r2 = r * r;
  return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
}

// Deviance term bd0(x, M) = x log(x / M) + M - x >= 0, computed without the
// catastrophic cancellation of the naive form when x is close to M [L00].
inline double bd0(double x, double M) noexcept {
  if (x == 0.0) return M;
  const double d = x - M;
  if (std::fabs(d) < 0.1 * (x + M)) {
    // x log(x/M) + M - x = d v + 2x sum_{j>=1} v^(2j+1) / (2j+1), v = d / (x + M).
    double v = d / (x + M);
    double s = d * v;
    double ej = 2.0 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      ej *= v;
      const double s1 = s + ej / (2 * j + 1);
      if (s1 == s) return s1;
      s = s1;
    }
    return s;
  }
  return x * std::log(x / M) + M - x;
}

// log P(X = k) for X ~ Poisson(lambda), k >= 0, with relative accuracy that does
// not degrade as lambda grows (no k log(lambda) - lambda - log k! cancellation).
inline double poisson_logpmf(double k, double lambda) noexcept {
  if (k == 0.0) return -lambda;
  return -stirlerr(k) - bd0(k, lambda) - 0.5 * std::log(k2Pi * k);
}

// log P(X = k) for X ~ Binomial(n, p), 0 <= k <= n, n >= 1, q = 1 - p [L00].
inline double binomial_logpmf(double k, double n, double p, double q) noexcept {
  if (k == 0.0) return n * std::log1p(-p);
  if (k == n) return n * std::log(p);
  const double nk = n - k;
  return stirlerr(n) - stirlerr(k) - stirlerr(nk) - bd0(k, n * p) - bd0(nk, n * q) +
         0.5 * std::log(n / (k2Pi * k * nk));
}

}  // namespace chainsim::core
