#include "forecast/sobol_indices.hpp"

#include "forecast/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

namespace chainsim::forecast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Per-row terms of the estimators, so that an estimate for any row weights
// (all ones: the design; bootstrap multiplicities: a replicate) is a few
// weighted sums. The output is centred on its mean first, so that the
// variance is not a small difference of large sums.
struct RowTerms {
  std::size_t n = 0;
  std::vector<double> sum;                 // (f_A - c) + (f_B - c)
  std::vector<double> square;              // (f_A - c)^2 + (f_B - c)^2
  std::vector<std::vector<double>> first;  // per group: (f_B - c)(f_ABi - f_A)
  std::vector<std::vector<double>> total;  // per group: (f_A - f_ABi)^2
};

RowTerms row_terms(std::span<const double> f_a, std::span<const double> f_b,
                   const std::vector<std::span<const double>>& f_ab, double centre) {
  RowTerms t;
  t.n = f_a.size();
  t.sum.resize(t.n);
  t.square.resize(t.n);
  for (std::size_t j = 0; j < t.n; ++j) {
    const double a = f_a[j] - centre, b = f_b[j] - centre;
    t.sum[j] = a + b;
    t.square[j] = a * a + b * b;
  }
  t.first.assign(f_ab.size(), std::vector<double>(t.n));
  t.total.assign(f_ab.size(), std::vector<double>(t.n));
  for (std::size_t i = 0; i < f_ab.size(); ++i)
    for (std::size_t j = 0; j < t.n; ++j) {
      const double da = f_a[j] - f_ab[i][j];
      t.first[i][j] = (f_b[j] - centre) * (f_ab[i][j] - f_a[j]);
      t.total[i][j] = da * da;
    }
  return t;
}

double weighted_sum(const std::vector<double>& v, const std::vector<std::uint32_t>* w) {
  double s = 0.0;
  if (!w) {
    for (double x : v) s += x;
  } else {
    for (std::size_t j = 0; j < v.size(); ++j) s += static_cast<double>((*w)[j]) * v[j];
  }
  return s;
}

struct Estimates {
  double variance;
  std::vector<double> first, total;
};

// The estimates with row j counted w[j] times (every row once without w).
Estimates estimate(const RowTerms& t, const std::vector<std::uint32_t>* w) {
  const double n = static_cast<double>(t.n);
  const double m = weighted_sum(t.sum, w) / (2 * n);
  // Unbiased variance of the 2N values of A and B.
  const double var = (weighted_sum(t.square, w) / (2 * n) - m * m) * (2 * n) / (2 * n - 1);
  Estimates e{var, std::vector<double>(t.first.size(), kNaN), std::vector<double>(t.first.size(), kNaN)};
  if (!(var > 0.0)) return e;
  for (std::size_t i = 0; i < t.first.size(); ++i) {
    e.first[i] = weighted_sum(t.first[i], w) / n / var;
    e.total[i] = weighted_sum(t.total[i], w) / n / (2 * var);
  }
  return e;
}

// Percentile interval of the finite replicates (NaN when there are none).
std::pair<double, double> percentile_interval(std::vector<double>& reps, double level) {
  reps.erase(std::remove_if(reps.begin(), reps.end(), [](double v) { return !std::isfinite(v); }), reps.end());
  if (reps.empty()) return {kNaN, kNaN};
  std::sort(reps.begin(), reps.end());
  const double tail = (1.0 - level) / 2;
  return {quantile_sorted(reps, tail), quantile_sorted(reps, 1.0 - tail)};
}

}  // namespace

SobolIndices sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                           const std::vector<std::span<const double>>& f_ab, const BootstrapOptions& options) {
  const std::size_t n = f_a.size();
  if (n < 2 || f_b.size() != n)
    throw std::invalid_argument("sobol_indices: f_A and f_B need the same number of rows, at least 2");
  for (const auto& f : f_ab)
    if (f.size() != n) throw std::invalid_argument("sobol_indices: every f_AB needs as many rows as f_A");
  if (!(options.level > 0.0 && options.level < 1.0) || options.replicates < 1)
    throw std::invalid_argument("sobol_indices: the bootstrap needs replicates >= 1 and 0 < level < 1");

  double centre = 0.0;
  for (std::size_t j = 0; j < n; ++j) centre += f_a[j] + f_b[j];
  centre /= static_cast<double>(2 * n);
  const RowTerms terms = row_terms(f_a, f_b, f_ab, centre);
  const Estimates point = estimate(terms, nullptr);

  SobolIndices out;
  out.mean = centre;
  out.variance = point.variance;
  const std::size_t groups = f_ab.size();
  out.first.resize(groups);
  out.total.resize(groups);
  if (!(point.variance > 0.0)) {
    for (std::size_t i = 0; i < groups; ++i) out.first[i] = out.total[i] = {kNaN, kNaN, kNaN};
    return out;
  }

  // Bootstrap: each replicate draws N rows with replacement, as multiplicities.
  // mt19937_64's output is fixed by the standard and the row is drawn from it
  // by a multiply-shift (no std:: distribution, whose algorithm is not), so
  // the intervals are the same on every platform.
  const auto reps = static_cast<std::size_t>(options.replicates);
  std::vector<std::vector<double>> first_reps(groups, std::vector<double>(reps));
  std::vector<std::vector<double>> total_reps(groups, std::vector<double>(reps));
  std::mt19937_64 rng(options.seed);
  std::vector<std::uint32_t> weights(n);
  for (std::size_t r = 0; r < reps; ++r) {
    std::fill(weights.begin(), weights.end(), 0u);
    for (std::size_t k = 0; k < n; ++k) {
      const auto row = static_cast<std::size_t>((static_cast<unsigned __int128>(rng()) * n) >> 64);
      ++weights[row];
    }
    const Estimates e = estimate(terms, &weights);
    for (std::size_t i = 0; i < groups; ++i) {
      first_reps[i][r] = e.first[i];
      total_reps[i][r] = e.total[i];
    }
  }
  for (std::size_t i = 0; i < groups; ++i) {
    const auto [fl, fh] = percentile_interval(first_reps[i], options.level);
    const auto [tl, th] = percentile_interval(total_reps[i], options.level);
    out.first[i] = {point.first[i], fl, fh};
    out.total[i] = {point.total[i], tl, th};
  }
  return out;
}

}  // namespace chainsim::forecast
