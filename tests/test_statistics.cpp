// The exact statistics: type-7 quantiles as numpy computes them, the integer
// fast path (counting or selection) equal bit for bit to sorting, capacity
// needed at a risk level.
#include "forecast/statistics.hpp"

#include "core/random/philox_lanes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstdint>
#include <cmath>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

namespace chainsim {
namespace {

TEST(Quantiles, NumpyLinearOnKnownValues) {
  // numpy.quantile([1, 2, 3, 4], [0, .1, .5, .75, 1]) = [1, 1.3, 2.5, 3.25, 4]
  const std::vector<double> x{1, 2, 3, 4};
  EXPECT_EQ(forecast::quantile_sorted(x, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(forecast::quantile_sorted(x, 0.1), 1.3);
  EXPECT_EQ(forecast::quantile_sorted(x, 0.5), 2.5);
  EXPECT_EQ(forecast::quantile_sorted(x, 0.75), 3.25);
  EXPECT_EQ(forecast::quantile_sorted(x, 1.0), 4.0);
  const std::vector<double> one{7};
  EXPECT_EQ(forecast::quantile_sorted(one, 0.3), 7.0);
}

TEST(Quantiles, IntegerFastPathEqualsSortingBitForBit) {
  std::mt19937_64 rng(42);
  const std::vector<double> probs{0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0};
  std::vector<std::int32_t> scratch;
  std::vector<std::uint32_t> counts;
  // Narrow ranges (counting), wide ranges (selection), constant columns, one value, many ties.
  for (int n : {1, 2, 3, 10, 97, 1000, 4096})
    for (std::int64_t range : {1LL, 5LL, 100LL, 5000LL, 2000000000LL}) {
      std::uniform_int_distribution<std::int64_t> d(0, range - 1);
      std::vector<std::int32_t> v(static_cast<std::size_t>(n));
      for (auto& x : v) x = static_cast<std::int32_t>(d(rng) - range / 2);
      std::vector<double> sorted(v.begin(), v.end());
      const forecast::ColumnStats reference = forecast::mean_sd(sorted);
      std::vector<double> selected = sorted;  // quantiles_of's selection, on doubles
      std::sort(sorted.begin(), sorted.end());
      std::vector<double> expected(probs.size()), got(probs.size()), got_double(probs.size());
      for (std::size_t i = 0; i < probs.size(); ++i) expected[i] = forecast::quantile_sorted(sorted, probs[i]);
      forecast::quantiles_of(selected, probs, got_double);
      const forecast::ColumnStats st = forecast::int_column_stats(v, probs, got, scratch, counts);
      EXPECT_EQ(got, expected) << "n " << n << " range " << range;
      EXPECT_EQ(got_double, expected) << "n " << n << " range " << range;
      EXPECT_EQ(st.mean, reference.mean);
      EXPECT_EQ(st.sd, reference.sd);
    }
}

TEST(Quantiles, IntegerBucketsEqualSortingBitForBitOnSkewedColumns) {
  // Columns like the model's: most paths at zero or in a narrow band, a long
  // tail of a few paths, so that the needed order statistics fall into buckets
  // of very different fill (one bucket holding most values, others one value).
  std::mt19937_64 rng(11);
  const std::vector<double> probs{0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.999, 1.0};
  std::vector<std::int32_t> scratch;
  std::vector<std::uint32_t> counts;
  for (int n : {5000, 70000, 100000})
    for (double zeros : {0.0, 0.6, 0.97}) {
      std::bernoulli_distribution is_zero(zeros);
      std::lognormal_distribution<double> tail(9.0, 1.5);
      std::vector<std::int32_t> v(static_cast<std::size_t>(n));
      for (auto& x : v) x = is_zero(rng) ? 0 : static_cast<std::int32_t>(std::min(tail(rng), 2.0e9));
      std::vector<double> sorted(v.begin(), v.end());
      const forecast::ColumnStats reference = forecast::mean_sd(sorted);
      std::sort(sorted.begin(), sorted.end());
      std::vector<double> expected(probs.size()), got(probs.size());
      for (std::size_t i = 0; i < probs.size(); ++i) expected[i] = forecast::quantile_sorted(sorted, probs[i]);
      const forecast::ColumnStats st = forecast::int_column_stats(v, probs, got, scratch, counts);
      EXPECT_EQ(got, expected) << "n " << n << " zeros " << zeros;
      EXPECT_EQ(st.mean, reference.mean);
      EXPECT_EQ(st.sd, reference.sd);
    }
}

TEST(Quantiles, EveryInstructionSetGivesTheSameBits) {
  // The range-and-sum pass has an AVX2 copy, chosen as the kernel's lanes are
  // (core::philox_best_isa, capped by limit_simd). With the cap at Scalar the
  // baseline copy runs: both must give the same mean, sd and quantiles, bit
  // for bit, and quantiles 0 and 1 must be the column's minimum and maximum
  // (the range the histogram is built on). Lengths around the 8-lane width,
  // and values at both ends of int32, check the vector loop's tail and its
  // signed compares. On a CPU without AVX2 both runs take the baseline copy.
  std::mt19937_64 rng(11);
  const std::vector<double> probs{0.0, 0.1, 0.5, 0.9, 1.0};
  std::vector<std::int32_t> scratch;
  std::vector<std::uint32_t> counts;
  for (std::size_t n : {1, 7, 8, 9, 15, 17, 1000, 4099})
    for (int spread : {0, 1, 2}) {
      std::vector<std::int32_t> v(n);
      std::uniform_int_distribution<std::int32_t> narrow(-20, 20), wide(INT32_MIN, INT32_MAX);
      for (auto& x : v) x = spread == 0 ? narrow(rng) : wide(rng);
      // The extremes at the last position: the vector loop's tail must see them.
      if (spread == 2) v.back() = (n % 2) ? INT32_MIN : INT32_MAX;
      std::vector<double> vectorised(probs.size()), baseline(probs.size());
      const forecast::ColumnStats a = forecast::int_column_stats(v, probs, vectorised, scratch, counts);
      core::limit_simd(core::PhiloxIsa::Scalar);
      const forecast::ColumnStats b = forecast::int_column_stats(v, probs, baseline, scratch, counts);
      core::limit_simd(core::PhiloxIsa::Avx512);
      EXPECT_EQ(std::bit_cast<std::uint64_t>(a.mean), std::bit_cast<std::uint64_t>(b.mean)) << "n " << n;
      EXPECT_EQ(std::bit_cast<std::uint64_t>(a.sd), std::bit_cast<std::uint64_t>(b.sd)) << "n " << n;
      for (std::size_t i = 0; i < probs.size(); ++i)
        EXPECT_EQ(std::bit_cast<std::uint64_t>(vectorised[i]), std::bit_cast<std::uint64_t>(baseline[i]))
            << "n " << n << " spread " << spread << " quantile " << probs[i];
      EXPECT_EQ(vectorised.front(), *std::min_element(v.begin(), v.end())) << "n " << n;
      EXPECT_EQ(vectorised.back(), *std::max_element(v.begin(), v.end())) << "n " << n;
    }
}

TEST(Quantiles, SeveralColumnsAtOnceGiveEachColumnsOwnBits) {
  // int_columns_stats takes the sums of squares of four columns side by side;
  // every column's mean, sd and quantiles must be those of int_column_stats on
  // it alone (which mean_sd and sorting pin above), for any number of columns
  // (a last group of 1-3 included) and lengths 0, 1 and many.
  std::mt19937_64 rng(5);
  const std::vector<double> probs{0.05, 0.25, 0.5, 0.75, 0.95};
  const std::size_t Q = probs.size();
  std::vector<std::int32_t> scratch;
  std::vector<std::uint32_t> counts;
  for (std::size_t n : {0, 1, 2, 999, 20000})
    for (std::size_t columns_count : {1, 3, 4, 5, 9, 25}) {
      std::vector<std::vector<std::int32_t>> columns(columns_count, std::vector<std::int32_t>(n));
      for (std::size_t c = 0; c < columns_count; ++c) {
        // Columns of different spreads in one call: counting and buckets mixed.
        std::uniform_int_distribution<std::int32_t> d(0, c % 2 ? 40 : 3000000);
        for (auto& x : columns[c]) x = d(rng);
      }
      const std::vector<std::span<const std::int32_t>> spans(columns.begin(), columns.end());
      std::vector<double> got(columns_count * Q);
      std::vector<forecast::ColumnStats> stats(columns_count);
      forecast::int_columns_stats(spans, probs, got, stats, scratch, counts);
      for (std::size_t c = 0; c < columns_count; ++c) {
        std::vector<double> alone(Q);
        const forecast::ColumnStats st = forecast::int_column_stats(columns[c], probs, alone, scratch, counts);
        const std::vector<double> together(got.begin() + static_cast<std::ptrdiff_t>(c * Q),
                                           got.begin() + static_cast<std::ptrdiff_t>((c + 1) * Q));
        // EXPECT_EQ on vectors holding NaN (n = 0) would fail; compare the bits.
        for (std::size_t i = 0; i < Q; ++i)
          EXPECT_EQ(std::bit_cast<std::uint64_t>(together[i]), std::bit_cast<std::uint64_t>(alone[i]))
              << "n " << n << " columns " << columns_count << " column " << c << " quantile " << i;
        EXPECT_EQ(stats[c].mean, st.mean) << "n " << n << " column " << c;
        EXPECT_EQ(stats[c].sd, st.sd) << "n " << n << " column " << c;
        if (n > 1) {
          const std::vector<double> as_double(columns[c].begin(), columns[c].end());
          EXPECT_EQ(stats[c].sd, forecast::mean_sd(as_double).sd);
        }
      }
    }
  // Columns of different lengths are refused, not read past their end.
  const std::vector<std::int32_t> a(10, 1), b(9, 1);
  const std::vector<std::span<const std::int32_t>> uneven{a, b};
  std::vector<double> out(2 * Q);
  std::vector<forecast::ColumnStats> stats(2);
  EXPECT_THROW(forecast::int_columns_stats(uneven, probs, out, stats, scratch, counts), std::invalid_argument);
}

TEST(Quantiles, SelectionEqualsSortingOnDoublesBitForBit) {
  // quantiles_of selects only the order statistics it needs; the result must be
  // what a full sort gives, for any order of probs, ties and tiny samples.
  std::mt19937_64 rng(7);
  const std::vector<double> probs{0.95, 0.05, 0.5, 0.5, 0.0, 1.0, 0.1, 0.999, 0.25};
  for (int n : {1, 2, 3, 10, 101, 4000})
    for (bool ties : {false, true}) {
      std::lognormal_distribution<double> d(10.0, 1.0);
      std::vector<double> v(static_cast<std::size_t>(n));
      for (auto& x : v) x = ties ? std::floor(d(rng) / 20000.0) * 1.5 : d(rng);
      std::vector<double> sorted = v;
      std::sort(sorted.begin(), sorted.end());
      std::vector<double> expected(probs.size()), got(probs.size());
      for (std::size_t i = 0; i < probs.size(); ++i) expected[i] = forecast::quantile_sorted(sorted, probs[i]);
      forecast::quantiles_of(v, probs, got);
      EXPECT_EQ(got, expected) << "n " << n << " ties " << ties;
    }
}

TEST(CapacityNeeded, SmallestCapacityWithExceedanceAtMostAlpha) {
  std::vector<double> peaks(100);
  for (int i = 0; i < 100; ++i) peaks[static_cast<std::size_t>(i)] = 1000 + i;  // 1000..1099
  // At alpha 5 %: at most 5 paths may exceed c: c = 1094 (1095..1099 exceed).
  EXPECT_EQ(forecast::capacity_needed(peaks, 0.05), 1094.0);
  EXPECT_EQ(forecast::capacity_needed(peaks, 0.10), 1089.0);
  EXPECT_EQ(forecast::capacity_needed(peaks, 0.001), 1099.0);  // no path may exceed
  std::vector<double> ties(100, 500.0);
  EXPECT_EQ(forecast::capacity_needed(ties, 0.05), 500.0);
}

TEST(SelectRanks, TheSelectedRanksHoldTheSortedValues) {
  // Values with and without ties, ranks in any order, repeated and out of
  // range: each rank in range holds what a full sort puts there, so the
  // quantiles and capacity read from it are the sorted values' bit for bit.
  std::mt19937_64 rng(7);
  for (std::size_t n : {1, 2, 5, 101, 2000})
    for (int ties : {0, 1}) {
      std::vector<double> values(n);
      std::normal_distribution<double> z(0.0, 1.0);
      for (double& v : values) v = ties ? std::round(3.0 * z(rng)) : z(rng);
      std::vector<double> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      std::vector<std::size_t> ranks{n - 1, 0, n / 2, n / 2, n + 3};
      for (double q : {0.05, 0.5, 0.95}) forecast::add_quantile_ranks(n, q, ranks);
      for (double alpha : {0.01, 0.05, 0.2}) ranks.push_back(forecast::capacity_needed_rank(n, alpha));
      forecast::select_ranks(values, ranks);
      for (std::size_t r : ranks) {
        if (r < n) {
          EXPECT_EQ(values[r], sorted[r]) << "n " << n << " rank " << r;
        }
      }
      for (double q : {0.05, 0.5, 0.95})
        EXPECT_EQ(forecast::quantile_sorted(values, q), forecast::quantile_sorted(sorted, q)) << "n " << n;
      for (double alpha : {0.01, 0.05, 0.2})
        EXPECT_EQ(forecast::capacity_needed(values, alpha), forecast::capacity_needed(sorted, alpha)) << "n " << n;
      std::sort(values.begin(), values.end());
      EXPECT_EQ(values, sorted);  // a reordering: no value lost or changed
    }
}

}  // namespace
}  // namespace chainsim
