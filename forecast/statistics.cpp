#include "forecast/statistics.hpp"

#include "core/random/philox_lanes.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>

namespace chainsim::forecast {

namespace {

// The order statistics a type-7 quantile needs: x[lo] and x[lo + 1] (or the
// last value alone), and the interpolation weight.
struct QuantileRanks {
  std::size_t lo = 0;
  bool single = true;  // only x[lo] is needed
  double gamma = 0.0;
};

QuantileRanks ranks_of(std::size_t n, double q) noexcept {
  // numpy 'linear': virtual index (n − 1)·q; previous = floor; gamma = index − previous;
  // at or beyond the last index both neighbours are the last value.
  const double index = static_cast<double>(n - 1) * q;
  if (index >= static_cast<double>(n - 1)) return {n - 1, true, 0.0};
  if (index <= 0.0) return {0, true, 0.0};
  const double previous = std::floor(index);
  return {static_cast<std::size_t>(previous), false, index - previous};
}

double interpolate(double a, double b, double gamma) noexcept {
  const double diff = b - a;
  // numpy's _lerp: a + diff·gamma, but b − diff·(1 − gamma) when gamma >= 0.5.
  return gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
}

}  // namespace

double quantile_sorted(std::span<const double> sorted, double q) noexcept {
  const std::size_t n = sorted.size();
  if (n == 0) return std::nan("");
  const QuantileRanks r = ranks_of(n, q);
  return r.single ? sorted[r.lo] : interpolate(sorted[r.lo], sorted[r.lo + 1], r.gamma);
}

namespace {

// What the quantile step needs of a column besides its values.
struct IntRange {
  std::int32_t lo = 0, hi = 0;
};

// Mean exactly as mean_sd computes it on the doubles, and the range. The sum
// is taken in integers: while |sum| < 2^53 every partial sum of mean_sd's loop
// is an integer that double holds exactly, so both give the same bits (and
// the integer loop vectorises). Longer columns keep mean_sd's loop. Inlined
// into one function per instruction set below.
[[gnu::always_inline]] inline double int_mean_body(std::span<const std::int32_t> values, IntRange& range) noexcept {
  const std::size_t n = values.size();
  std::int32_t lo_v = values[0], hi_v = values[0];
  std::int64_t isum = 0;
  for (std::int32_t v : values) {
    isum += v;
    lo_v = std::min(lo_v, v);
    hi_v = std::max(hi_v, v);
  }
  range = {lo_v, hi_v};
  if (n <= (std::size_t{1} << 21))  // n * 2^31 < 2^53
    return static_cast<double>(isum) / static_cast<double>(n);
  double sum = 0.0;
  for (std::int32_t v : values) sum += static_cast<double>(v);
  return sum / static_cast<double>(n);
}

// SSE2 has no 32-bit signed min and max and emulates them (compare and
// blend); AVX2 has them (vpminsd, vpmaxsd) and twice the width. Both give the
// same bits: the range and the integer sum are exact, and the long columns'
// double sum is the same chain in the same order. The choice follows the
// kernel's lanes (core::philox_best_isa: the CPU's widest, capped by
// `run --simd`), so `--simd off` runs no AVX2 code here either.
[[gnu::target("avx2")]] double int_mean_avx2(std::span<const std::int32_t> values, IntRange& range) noexcept {
  return int_mean_body(values, range);
}
double int_mean_baseline(std::span<const std::int32_t> values, IntRange& range) noexcept {
  return int_mean_body(values, range);
}
double int_mean(std::span<const std::int32_t> values, IntRange& range) noexcept {
  return core::philox_best_isa() >= core::PhiloxIsa::Avx2 ? int_mean_avx2(values, range)
                                                          : int_mean_baseline(values, range);
}

// The sums of squared deviations of K columns of length n, each in index
// order as mean_sd's loop takes it (the same bits), side by side: one
// column's additions form a chain in which each waits for the last (3-4
// cycles), so K chains advance in about the time of one.
template <std::size_t K>
void squared_deviations(const std::int32_t* const* columns, std::size_t n, const double* means, double* sums) noexcept {
  std::array<double, K> s{};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < K; ++k) {
      const double d = static_cast<double>(columns[k][i]) - means[k];
      s[k] += d * d;
    }
  for (std::size_t k = 0; k < K; ++k) sums[k] = s[k];
}

// Quantiles of one column whose range is known.
void int_quantiles(std::span<const std::int32_t> values, IntRange bounds, std::span<const double> probs,
                   std::span<double> out, std::vector<std::int32_t>& scratch, std::vector<std::uint32_t>& counts) {
  const std::size_t n = values.size();
  const std::int32_t lo_v = bounds.lo, hi_v = bounds.hi;
  // The ranks needed, ascending, each with the value found for it.
  std::vector<std::pair<std::size_t, std::int32_t>> need;
  need.reserve(2 * probs.size());
  for (double q : probs) {
    const QuantileRanks r = ranks_of(n, q);
    need.emplace_back(r.lo, 0);
    if (!r.single) need.emplace_back(r.lo + 1, 0);
  }
  std::sort(need.begin(), need.end());
  need.erase(std::unique(need.begin(), need.end()), need.end());

  // Bucket b holds the values with (v - lo) >> shift == b: one bucket per value
  // (counting) when the range is narrow, otherwise kBuckets buckets of 2^shift
  // values each. A histogram small enough for the L2 cache (at most 2^16
  // buckets, and not many more than values) finds each needed rank's bucket
  // and its rank within the bucket; a second pass collects only the values of
  // those few buckets, which are then selected exactly. Two linear passes
  // instead of nth_element over the whole column.
  const std::uint64_t kBuckets =
      std::clamp<std::uint64_t>(std::bit_ceil(static_cast<std::uint64_t>(n)), 1024, 1u << 16);
  const auto range = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi_v) - lo_v) + 1;
  int shift = 0;
  while ((range - 1) >> shift >= kBuckets) ++shift;
  const auto offset = [lo_v](std::int32_t v) {
    return static_cast<std::uint32_t>(static_cast<std::int64_t>(v) - lo_v);
  };
  const std::size_t buckets = static_cast<std::size_t>(((range - 1) >> shift) + 1);
  // A narrow histogram (few distinct values, each many times: most weekly
  // flows) is counted in four interleaved copies, summed after: neighbouring
  // equal values then increment different counters instead of each waiting
  // for the last increment of the same one. The copies fit in the L1 cache.
  constexpr std::size_t kCopies = 4, kNarrow = 2048;
  if (buckets <= kNarrow) {
    counts.assign(kCopies * buckets, 0);
    std::uint32_t* c = counts.data();
    std::size_t i = 0;
    for (; i + kCopies <= n; i += kCopies)
      for (std::size_t k = 0; k < kCopies; ++k) ++c[k * buckets + (offset(values[i + k]) >> shift)];
    for (; i < n; ++i) ++c[offset(values[i]) >> shift];
    for (std::size_t b = 0; b < buckets; ++b) c[b] += c[buckets + b] + c[2 * buckets + b] + c[3 * buckets + b];
    counts.resize(buckets);
  } else {
    counts.assign(buckets, 0);
    if (shift == 0)
      for (std::int32_t v : values) ++counts[offset(v)];
    else
      for (std::int32_t v : values) ++counts[offset(v) >> shift];
  }
  // Each needed rank: its bucket, and its rank among the bucket's values.
  std::vector<std::pair<std::size_t, std::size_t>> where(need.size());
  {
    std::size_t cumulative = 0, bucket = 0;
    for (std::size_t i = 0; i < need.size(); ++i) {
      while (cumulative + counts[bucket] <= need[i].first) cumulative += counts[bucket++];
      where[i] = {bucket, need[i].first - cumulative};
    }
  }
  if (shift == 0) {
    for (std::size_t i = 0; i < need.size(); ++i)
      need[i].second = static_cast<std::int32_t>(lo_v + static_cast<std::int64_t>(where[i].first));
  } else {
    // The distinct buckets needed (ascending, as the ranks are), their values
    // gathered one after the other in `scratch`.
    std::vector<std::size_t> wanted;
    for (const auto& w : where)
      if (wanted.empty() || wanted.back() != w.first) wanted.push_back(w.first);
    std::vector<std::size_t> start(wanted.size() + 1, 0);
    for (std::size_t j = 0; j < wanted.size(); ++j) start[j + 1] = start[j] + counts[wanted[j]];
    // Reuse the histogram as bucket -> 1 + index into `wanted` (0: not needed).
    std::fill(counts.begin(), counts.end(), 0u);
    for (std::size_t j = 0; j < wanted.size(); ++j) counts[wanted[j]] = static_cast<std::uint32_t>(j + 1);
    scratch.resize(start.back());
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (std::int32_t v : values) {
      const std::uint32_t j = counts[offset(v) >> shift];
      if (j != 0) scratch[fill[j - 1]++] = v;
    }
    // Within a bucket, select its needed ranks in ascending order: after
    // nth_element at k everything right of k is >= it.
    std::size_t j = 0;  // index of where[i]'s bucket in `wanted`
    auto first = scratch.begin() + static_cast<std::ptrdiff_t>(start[0]);
    for (std::size_t i = 0; i < need.size(); ++i) {
      if (wanted[j] != where[i].first) first = scratch.begin() + static_cast<std::ptrdiff_t>(start[++j]);
      const auto begin = scratch.begin() + static_cast<std::ptrdiff_t>(start[j]);
      const auto end = scratch.begin() + static_cast<std::ptrdiff_t>(start[j + 1]);
      const auto kth = begin + static_cast<std::ptrdiff_t>(where[i].second);
      std::nth_element(first, kth, end);
      need[i].second = *kth;
      first = kth;
    }
  }
  auto value_at = [&](std::size_t rank) {
    return static_cast<double>(
        std::lower_bound(need.begin(), need.end(), std::pair<std::size_t, std::int32_t>{rank, INT32_MIN})->second);
  };
  for (std::size_t i = 0; i < probs.size(); ++i) {
    const QuantileRanks r = ranks_of(n, probs[i]);
    out[i] = r.single ? value_at(r.lo) : interpolate(value_at(r.lo), value_at(r.lo + 1), r.gamma);
  }
}

}  // namespace

void int_columns_stats(std::span<const std::span<const std::int32_t>> columns, std::span<const double> probs,
                       std::span<double> out, std::span<ColumnStats> stats, std::vector<std::int32_t>& scratch,
                       std::vector<std::uint32_t>& counts) {
  if (out.size() < columns.size() * probs.size() || stats.size() < columns.size())
    throw std::invalid_argument("int_columns_stats: out or stats shorter than the columns need");
  const std::size_t Q = probs.size();
  // Four chains of additions side by side fill the additions' latency; more
  // columns at once measured slower (their values no longer stay in the L2
  // cache for the quantiles' pass).
  constexpr std::size_t kSideBySide = 4;
  std::array<IntRange, kSideBySide> ranges;
  std::array<double, kSideBySide> means{}, sums{};
  std::array<const std::int32_t*, kSideBySide> data{};
  for (std::size_t first = 0; first < columns.size(); first += kSideBySide) {
    const std::size_t K = std::min(kSideBySide, columns.size() - first);
    const std::size_t n = columns[first].size();
    for (std::size_t k = 0; k < K; ++k) {
      const auto c = columns[first + k];
      if (c.size() != n) throw std::invalid_argument("int_columns_stats: columns of different lengths");
      stats[first + k] = ColumnStats{};
      data[k] = c.data();
      if (n > 0) means[k] = int_mean(c, ranges[k]);
    }
    if (n == 0) {
      for (std::size_t i = first * Q; i < (first + K) * Q; ++i) out[i] = std::nan("");
      continue;
    }
    if (n > 1) {
      switch (K) {
        case 4: squared_deviations<4>(data.data(), n, means.data(), sums.data()); break;
        case 3: squared_deviations<3>(data.data(), n, means.data(), sums.data()); break;
        case 2: squared_deviations<2>(data.data(), n, means.data(), sums.data()); break;
        default: squared_deviations<1>(data.data(), n, means.data(), sums.data()); break;
      }
    }
    for (std::size_t k = 0; k < K; ++k) {
      ColumnStats& st = stats[first + k];
      st.mean = means[k];
      if (n > 1) st.sd = std::sqrt(sums[k] / static_cast<double>(n - 1));
      int_quantiles(columns[first + k], ranges[k], probs, out.subspan((first + k) * Q, Q), scratch, counts);
    }
  }
}

ColumnStats int_column_stats(std::span<const std::int32_t> values, std::span<const double> probs, std::span<double> out,
                             std::vector<std::int32_t>& scratch, std::vector<std::uint32_t>& counts) {
  ColumnStats st;
  int_columns_stats(std::span<const std::span<const std::int32_t>>(&values, 1), probs, out,
                    std::span<ColumnStats>(&st, 1), scratch, counts);
  return st;
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
  const std::size_t n = scratch.size();
  if (n == 0) {
    for (std::size_t i = 0; i < probs.size(); ++i) out[i] = std::nan("");
    return;
  }
  // Only the order statistics the quantiles need (as int_column_stats does).
  std::vector<std::size_t> ranks;
  ranks.reserve(2 * probs.size());
  for (double q : probs) add_quantile_ranks(n, q, ranks);
  select_ranks(scratch, std::move(ranks));
  for (std::size_t i = 0; i < probs.size(); ++i) out[i] = quantile_sorted(scratch, probs[i]);
}

void add_quantile_ranks(std::size_t n, double q, std::vector<std::size_t>& ranks) {
  if (n == 0) return;
  const QuantileRanks r = ranks_of(n, q);
  ranks.push_back(r.lo);
  if (!r.single) ranks.push_back(r.lo + 1);
}

void select_ranks(std::vector<double>& values, std::vector<std::size_t> ranks) {
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  // After nth_element at k everything right of k is >= x[k], so the next
  // (larger) rank is selected right of k, which leaves x[k] in place.
  auto first = values.begin();
  for (std::size_t rank : ranks) {
    if (rank >= values.size()) break;
    const auto kth = values.begin() + static_cast<std::ptrdiff_t>(rank);
    std::nth_element(first, kth, values.end());
    first = kth + 1;
  }
}

std::size_t capacity_needed_rank(std::size_t n, double alpha) noexcept {
  if (n == 0) return 0;
  // m = the largest number of paths allowed above c: m / n <= alpha.
  const double nd = static_cast<double>(n);
  auto m = static_cast<std::size_t>(std::floor(alpha * nd));
  while (m + 1 < n && static_cast<double>(m + 1) / nd <= alpha) ++m;
  while (m > 0 && static_cast<double>(m) / nd > alpha) --m;
  if (m >= n) m = n - 1;
  return n - 1 - m;
}

double capacity_needed(std::span<const double> sorted, double alpha) noexcept {
  if (sorted.empty()) return std::nan("");
  return sorted[capacity_needed_rank(sorted.size(), alpha)];
}

}  // namespace chainsim::forecast
