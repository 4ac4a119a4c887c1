#include "core/model/lag_weights.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace chainsim::core {
namespace {

// P(a, x) by its power series; converges quickly for x < a + 1.
double gamma_p_series(double a, double x) {
  double term = 1.0 / a;
  double sum = term;
  for (int n = 1; n < 10000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * 1e-17) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Q(a, x) = 1 − P(a, x) by its continued fraction (modified Lentz); for x >= a + 1.
double gamma_q_continued_fraction(double a, double x) {
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < 1e-16) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

}  // namespace

double regularized_gamma_p(double a, double x) {
  if (!(a > 0.0) || !(x >= 0.0)) throw std::domain_error("regularized_gamma_p: need a > 0, x >= 0");
  if (x == 0.0) return 0.0;
  if (x < a + 1.0) return gamma_p_series(a, x);
  return 1.0 - gamma_q_continued_fraction(a, x);
}

std::vector<double> nareis_lag_weights(double mean_weeks, double sd_weeks, int max_lag_weeks) {
  if (!(mean_weeks > 0.0) || !(sd_weeks > 0.0) || max_lag_weeks < 1)
    throw std::domain_error("nareis_lag_weights: need mean > 0, sd > 0, L >= 1");
  const double shape = (mean_weeks / sd_weeks) * (mean_weeks / sd_weeks);
  const double scale = sd_weeks * sd_weeks / mean_weeks;
  std::vector<double> w(static_cast<std::size_t>(max_lag_weeks));
  double previous = 0.0;  // F(0) = 0
  double total = 0.0;
  for (int k = 1; k <= max_lag_weeks; ++k) {
    const double current = regularized_gamma_p(shape, k / scale);
    w[static_cast<std::size_t>(k - 1)] = current - previous;
    total += current - previous;
    previous = current;
  }
  if (!(total > 0.0)) throw std::domain_error("nareis_lag_weights: the lag distribution has no mass in 1..L weeks");
  for (double& x : w) x /= total;
  return w;
}

}  // namespace chainsim::core
