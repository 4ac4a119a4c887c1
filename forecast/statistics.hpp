#pragma once
// Exact statistics over all paths (MODEL.md §10): mean, sd with n − 1, and
// quantiles with linear interpolation (Hyndman–Fan type 7), computed exactly
// as numpy.quantile(method="linear") computes them, so the two agree bit for bit.
#include <cstdint>
#include <span>
#include <vector>

namespace chainsim {

// Type-7 quantile of sorted values (ascending), q in [0, 1].
double quantile_sorted(std::span<const double> sorted, double q) noexcept;

struct ColumnStats {
  double mean = 0.0;
  double sd = 0.0;  // n − 1 denominator; 0 for a single path
};

// Mean and sd by two passes in index order (deterministic).
ColumnStats mean_sd(std::span<const double> values) noexcept;

// Sorts `scratch` (a copy of the values) and writes the quantiles at probs into out.
void quantiles_of(std::vector<double>& scratch, std::span<const double> probs, std::span<double> out);

// Smallest c with (number of values > c) / n <= alpha, for ascending values.
double capacity_needed(std::span<const double> sorted, double alpha) noexcept;

}  // namespace chainsim
