#include "forecast/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace chainsim {

double quantile_sorted(std::span<const double> sorted, double q) noexcept {
  const std::size_t n = sorted.size();
  if (n == 0) return std::nan("");
  // numpy 'linear': virtual index (n − 1)·q; previous = floor; gamma = index − previous;
  // at or beyond the last index both neighbours are the last value.
  const double index = static_cast<double>(n - 1) * q;
  if (index >= static_cast<double>(n - 1)) return sorted[n - 1];
  if (index <= 0.0) return sorted[0];
  const double previous = std::floor(index);
  const auto lo = static_cast<std::size_t>(previous);
  const double gamma = index - previous;
  const double a = sorted[lo];
  const double b = sorted[lo + 1];
  const double diff = b - a;
  // numpy's _lerp: a + diff·gamma, but b − diff·(1 − gamma) when gamma >= 0.5.
  return gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
}

ColumnStats mean_sd(std::span<const double> values) noexcept {
  ColumnStats s;
  const std::size_t n = values.size();
  if (n == 0) return s;
  double sum = 0.0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(n);
  if (n > 1) {
    double ss = 0.0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(n - 1));
  }
  return s;
}

void quantiles_of(std::vector<double>& scratch, std::span<const double> probs, std::span<double> out) {
  std::sort(scratch.begin(), scratch.end());
  for (std::size_t i = 0; i < probs.size(); ++i) out[i] = quantile_sorted(scratch, probs[i]);
}

double capacity_needed(std::span<const double> sorted, double alpha) noexcept {
  const std::size_t n = sorted.size();
  if (n == 0) return std::nan("");
  // m = the largest number of paths allowed above c: m / n <= alpha.
  const double nd = static_cast<double>(n);
  auto m = static_cast<std::size_t>(std::floor(alpha * nd));
  while (m + 1 < n && static_cast<double>(m + 1) / nd <= alpha) ++m;
  while (m > 0 && static_cast<double>(m) / nd > alpha) --m;
  if (m >= n) m = n - 1;
  return sorted[n - 1 - m];
}

}  // namespace chainsim
