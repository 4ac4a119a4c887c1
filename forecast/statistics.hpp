#pragma once
// Exact statistics over all paths (MODEL.md §10): mean, sd with n − 1, and
// quantiles with linear interpolation (Hyndman–Fan type 7), computed exactly
// as numpy.quantile(method="linear") computes them, so the two agree bit for bit.
#include <cstdint>
#include <span>
#include <vector>

namespace chainsim::forecast {

// Type-7 quantile of sorted values (ascending), q in [0, 1].
double quantile_sorted(std::span<const double> sorted, double q) noexcept;

struct ColumnStats {
  double mean = 0.0;
  double sd = 0.0;  // n − 1 denominator; 0 for a single path
};

// Mean and sd by two passes in index order (deterministic).
ColumnStats mean_sd(std::span<const double> values) noexcept;

// Writes the type-7 quantiles at probs of the values in `scratch` (a copy of
// them, which it reorders; not necessarily sorted afterwards) into out.
void quantiles_of(std::vector<double>& scratch, std::span<const double> probs, std::span<double> out);

// Mean, sd and quantiles of integer values (a column of person counts), the same
// numbers as converting to double and using mean_sd and quantiles_of, computed
// without a full sort: a histogram pass (one bucket per value when the values
// span a narrow range, else buckets of 2^k values), then exact selection among
// the values of only the buckets that hold the order statistics needed.
// `scratch` and `counts` are reused buffers.
ColumnStats int_column_stats(std::span<const std::int32_t> values, std::span<const double> probs, std::span<double> out,
                             std::vector<std::int32_t>& scratch, std::vector<std::uint32_t>& counts);

// int_column_stats of each of several columns of one length: stats[c], and
// the quantiles of column c in out[c·Q, (c + 1)·Q) for Q = probs.size(); the
// same bits. Faster than one column at a time: the sums of squares of four
// columns are taken side by side, each still in index order.
void int_columns_stats(std::span<const std::span<const std::int32_t>> columns, std::span<const double> probs,
                       std::span<double> out, std::span<ColumnStats> stats, std::vector<std::int32_t>& scratch,
                       std::vector<std::uint32_t>& counts);

// Smallest c with (number of values > c) / n <= alpha, for ascending values.
double capacity_needed(std::span<const double> sorted, double alpha) noexcept;

// The 0-based ranks of the order statistics that quantile_sorted(·, q) reads
// (one or two), appended to `ranks`; and the one capacity_needed(·, alpha) returns.
void add_quantile_ranks(std::size_t n, double q, std::vector<std::size_t>& ranks);
std::size_t capacity_needed_rank(std::size_t n, double alpha) noexcept;

// Reorders `values` so that each of the 0-based `ranks` holds the value a full
// ascending sort puts there (the others in no particular order): functions of
// sorted values that read only those ranks then return what they return after
// a full sort. Selection in ascending rank, O(n) per rank instead of a sort.
void select_ranks(std::vector<double>& values, std::vector<std::size_t> ranks);

}  // namespace chainsim::forecast
