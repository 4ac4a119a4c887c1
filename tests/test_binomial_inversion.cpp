// Tests of the inversion binomial sampler (core/sampling/binomial_inversion.hpp):
// regularized_beta against closed forms and directly summed binomial tails,
// binomial_quantile against a brute-force inversion, goodness of fit of
// sample_binomial_inversion, and its consumption of random numbers.
//
// Every test uses fixed seeds and fixed grids, so it is deterministic: it either
// always passes or always fails. The goodness-of-fit tests are hypothesis tests
// at significance level alpha = 1e-3: for a *random* seed a correct sampler
// fails each of them with probability 1e-3 (the false-alarm rate; 5e-3 at most
// for the five regimes together, by the union bound). With the fixed seeds used
// here the outcome is fixed, so a failure means the law changed (or the seed /
// stream layout did, which then needs a look, not a re-roll).
#include "core/sampling/binomial_inversion.hpp"
#include "core/random/random_stream.hpp"

#include "statistics_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace chainsim::core {
namespace {

constexpr double kAlpha = 1e-3;  // false-alarm rate of each goodness-of-fit test

// Reference functions (test-only) in tests/statistics_helpers.hpp: the binomial
// pmf in long double and the chi-square p-value.
using namespace chainsim::testing;  // tests/statistics_helpers.hpp

double rel_err(long double got, long double want) {
  if (want == 0.0L) return static_cast<double>(fabsl(got));
  return static_cast<double>(fabsl(got - want) / fabsl(want));
}

// ---------------------------------------------------------------------------
// regularized_beta

// Tolerance of regularized_beta against the references below: relative 1e-11.
// The implementation's prefactor exp(lgamma(a+b) - lgamma(a) - lgamma(b) + ...)
// loses about |lgamma(a+b)| * 2^-53 relative (~7e-13 at a + b ~ 2000), and the
// continued fraction stops at a relative step of 1e-16; 1e-11 leaves a margin of
// more than ten over the worst case on these grids.
constexpr double kBetaRelTol = 1e-11;

const std::vector<double> kXs{1e-9, 1e-4, 0.01, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 0.99, 0.9999};

TEST(RegularizedBeta, EndpointsAreExact) {
  for (double a : {0.5, 1.0, 3.0, 100.0})
    for (double b : {0.5, 1.0, 7.0, 1000.0}) {
      EXPECT_EQ(regularized_beta(0.0, a, b), 0.0);
      EXPECT_EQ(regularized_beta(1.0, a, b), 1.0);
    }
}

// I_x(1, b) = 1 - (1 - x)^b.
TEST(RegularizedBeta, ClosedFormAEqualsOne) {
  for (double b : {0.3, 0.5, 1.0, 2.5, 10.0, 100.0, 1999.0})
    for (double x : kXs) {
      const long double want = -expm1l(static_cast<long double>(b) * log1pl(-static_cast<long double>(x)));
      const double got = regularized_beta(x, 1.0, b);
      EXPECT_LE(rel_err(got, want), kBetaRelTol) << "x=" << x << " b=" << b << " got=" << got;
    }
}

// I_x(a, 1) = x^a.
TEST(RegularizedBeta, ClosedFormBEqualsOne) {
  for (double a : {0.3, 0.5, 1.0, 2.5, 10.0, 100.0, 1999.0})
    for (double x : kXs) {
      const long double want = powl(static_cast<long double>(x), static_cast<long double>(a));
      if (want < 1e-290L) continue;  // below the double range's comfortable part
      const double got = regularized_beta(x, a, 1.0);
      EXPECT_LE(rel_err(got, want), kBetaRelTol) << "x=" << x << " a=" << a << " got=" << got;
    }
}

// I_x(a, b) = 1 - I_{1-x}(b, a). x is dyadic so that 1 - x is exact; compared
// in the smaller of the two tails, relative 1e-11 (plus 1e-16 absolute for the
// rounding of 1 - I near 1).
TEST(RegularizedBeta, Symmetry) {
  int checked = 0;
  for (double a : {0.4, 1.5, 3.0, 12.25, 250.0, 1500.5})
    for (double b : {0.7, 2.0, 9.5, 60.0, 800.0})
      for (int i = 1; i < 64; ++i) {
        const double x = i / 64.0;
        const double lhs = regularized_beta(x, a, b);
        const double rhs = regularized_beta(1.0 - x, b, a);
        const double small = std::min(lhs, rhs);
        if (small < 1e-290) continue;
        // lhs + rhs should be 1; the smaller one carries the relative precision.
        const double err = std::fabs((lhs + rhs) - 1.0);
        EXPECT_LE(err, kBetaRelTol * small + 2e-16)
            << "x=" << x << " a=" << a << " b=" << b << " lhs=" << lhs << " rhs=" << rhs;
        ++checked;
      }
  EXPECT_GT(checked, 1000);
}

// For integer a, b: I_x(a, b) = P(Bin(a + b - 1, x) >= a), summed directly in
// long double (the smaller tail, so relative precision holds in both tails).
TEST(RegularizedBeta, IntegerArgumentsMatchBinomialTail) {
  int checked = 0;
  for (std::int64_t a : {1, 2, 3, 5, 17, 100, 640, 1500})
    for (std::int64_t b : {1, 2, 4, 9, 33, 250, 1000})
      for (double x : kXs) {
        const std::int64_t n = a + b - 1;
        const long double xl = x;
        long double upper = 0.0L, lower = 0.0L;  // P(X >= a), P(X <= a - 1)
        for (std::int64_t j = a; j <= n; ++j) upper += binomial_pmf_l(j, n, xl);
        for (std::int64_t j = 0; j < a; ++j) lower += binomial_pmf_l(j, n, xl);
        if (upper < 1e-290L) continue;
        const double got = regularized_beta(x, static_cast<double>(a), static_cast<double>(b));
        if (upper <= lower) {
          EXPECT_LE(rel_err(got, upper), kBetaRelTol) << "x=" << x << " a=" << a << " b=" << b;
        } else {
          // got is near 1: check the complement relative to the small lower tail,
          // allowing for the 2^-53 rounding of a double near 1.
          EXPECT_LE(fabsl((1.0L - got) - lower), kBetaRelTol * lower + 1.2e-16L)
              << "x=" << x << " a=" << a << " b=" << b << " got=" << got;
        }
        ++checked;
      }
  EXPECT_GT(checked, 500);
}

// ---------------------------------------------------------------------------
// binomial_quantile against brute-force inversion.
//
// Reference: F(k) = sum_{j <= k} pmf(j), long double, summed from k = 0; the
// quantile is the smallest k with F(k) >= u. For u > 1/2 the same decision is
// taken on the upper tail S(k) = sum_{j > k} pmf(j) summed from k = n down,
// with 1 - u (exact for u >= 1/2): smallest k with S(k) <= 1 - u. Summing the
// smaller tail keeps relative precision for u within 2^-53 of 0 or 1, where
// 1 - F(k) would have lost everything.
//
// Skipped cases: u within tol(u) of a CDF jump, where tol = 1e-12 absolute for
// 1e-3 <= u <= 1 - 1e-3 and 1e-9 relative to min(u, 1 - u) in the tails
// (tol(u) = 1e-9 * min(u, 1 - u, 1e-3)). There the answer is decided by
// rounding: the implementation evaluates tails through lgamma differences with
// ~|lgamma(n)| * 2^-53 relative error. The test counts the skips and requires
// them to be rare.
struct QuantileCase {
  std::int64_t n;
  double p;
  double u;
};

std::ostream& operator<<(std::ostream& os, const QuantileCase& c) {
  return os << "n=" << c.n << " p=" << c.p << " u=" << c.u;
}

class BruteForce {
 public:
  BruteForce(std::int64_t n, double p) : n_(n) {
    const auto N = static_cast<std::size_t>(n);
    std::vector<long double> pmf(N + 1);
    for (std::int64_t k = 0; k <= n; ++k) pmf[static_cast<std::size_t>(k)] = binomial_pmf_l(k, n, p);
    cdf_.resize(N + 1);
    surv_.resize(N + 1);
    long double s = 0.0L;
    for (std::size_t k = 0; k <= N; ++k) cdf_[k] = (s += pmf[k]);
    s = 0.0L;
    for (std::size_t k = N + 1; k-- > 0;) {  // S(k) = sum_{j > k}
      surv_[k] = s;
      s += pmf[k];
    }
  }

  // The reference quantile and whether u is within tol of a jump.
  std::int64_t quantile(double u, bool& near_jump) const {
    const long double tol = 1e-9L * std::min({static_cast<long double>(u), 1.0L - u, 1e-3L});
    std::int64_t k = 0;
    if (u <= 0.5) {
      while (k < n_ && cdf_[idx(k)] < u) ++k;
      const long double above = cdf_[idx(k)] - u;
      const long double below = k > 0 ? u - cdf_[idx(k - 1)] : 1.0L;
      near_jump = above <= tol || below <= tol;
    } else {
      const long double t = 1.0L - static_cast<long double>(u);
      while (k < n_ && surv_[idx(k)] > t) ++k;
      const long double above = t - surv_[idx(k)];
      const long double below = k > 0 ? surv_[idx(k - 1)] - t : 1.0L;
      near_jump = above <= tol || below <= tol;
    }
    return k;
  }

 private:
  static std::size_t idx(std::int64_t k) { return static_cast<std::size_t>(k); }
  std::int64_t n_;
  std::vector<long double> cdf_, surv_;
};

TEST(BinomialQuantile, MatchesBruteForceInversion) {
  const double tiny_u = 0x1.0p-53;  // the smallest uniform a RandomStream produces
  std::vector<double> us{tiny_u, 1e-12, 1e-8, 1e-5, 1e-3, 0.01,  0.05,     0.1,      0.25,      0.3,       0.5,
                         0.6,    0.75,  0.9,  0.95, 0.99, 0.999, 1 - 1e-5, 1 - 1e-8, 1 - 1e-12, 1 - tiny_u};
  // plus uniforms as the streams make them
  RandomStream rs(20240611, 0, 0, Flow::RejectedLeaving);
  for (int i = 0; i < 60; ++i) us.push_back(rs.uniform());

  int checked = 0, skipped = 0;
  for (std::int64_t n : {1, 2, 3, 7, 20, 51, 100, 333, 1000, 1500, 2000})
    for (double p : {1e-4, 0.01, 0.2, 0.5, 0.9, 0.999}) {
      const BruteForce ref(n, p);
      for (double u : us) {
        bool near = false;
        const std::int64_t want = ref.quantile(u, near);
        if (near) {
          ++skipped;
          continue;
        }
        ++checked;
        EXPECT_EQ(binomial_quantile(u, n, p), want) << QuantileCase{n, p, u};
      }
    }
  RecordProperty("checked", checked);
  RecordProperty("skipped", skipped);
  EXPECT_GT(checked, 5000);
  EXPECT_LE(skipped, checked / 100) << "too many cases near a CDF jump";
}

// Outcomes fixed by the parameters, whatever u.
TEST(BinomialQuantile, KnownOutcomes) {
  for (double u : {0x1.0p-53, 0.5, 1 - 0x1.0p-53}) {
    EXPECT_EQ(binomial_quantile(u, 0, 0.3), 0);
    EXPECT_EQ(binomial_quantile(u, 17, 0.0), 0);
    EXPECT_EQ(binomial_quantile(u, 17, 1.0), 17);
  }
}

// Monotone in u for fixed (n, p): the inversion is a non-decreasing step function.
TEST(BinomialQuantile, MonotoneInU) {
  for (std::int64_t n : {10, 5000, 100000})
    for (double p : {0.001, 0.3, 0.97}) {
      std::int64_t prev = 0;
      for (int i = 1; i < 2000; ++i) {
        const double u = i / 2000.0;
        const std::int64_t k = binomial_quantile(u, n, p);
        ASSERT_GE(k, prev) << "n=" << n << " p=" << p << " u=" << u;
        prev = k;
      }
    }
}

// ---------------------------------------------------------------------------
// Goodness of fit of sample_binomial_inversion: Pearson chi-square against the
// exact pmf, cells merged left to right until each expects >= 5 draws, the
// window [mean - 12 sd, mean + 12 sd] clipped to [0, n] (probability outside
// < 1e-30; values outside are folded into the end cells). p-value Q(df/2, X^2/2).
struct GofRegime {
  std::int64_t n;
  double p;
  int draws;
  std::uint32_t sub;  // separate stream per regime
};

class InversionGof : public ::testing::TestWithParam<GofRegime> {};

// False-alarm rate: alpha = 1e-3 per regime (for a random seed), <= 5e-3 for
// all five regimes together.
TEST_P(InversionGof, ChiSquareAgainstExactPmf) {
  const GofRegime r = GetParam();
  RandomStream rs(987654321, 3, 11, Flow::RejectedLeaving, r.sub);
  std::vector<std::int64_t> xs(static_cast<std::size_t>(r.draws));
  double sum = 0;
  for (auto& x : xs) {
    x = sample_binomial_inversion(rs, r.n, r.p);
    ASSERT_GE(x, 0);
    ASSERT_LE(x, r.n);
    sum += static_cast<double>(x);
  }
  const double mean = static_cast<double>(r.n) * r.p;
  const double sd = std::sqrt(mean * (1.0 - r.p));
  const auto lo = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(mean - 12 * sd - 1)));
  const auto hi = std::min<std::int64_t>(r.n, static_cast<std::int64_t>(std::ceil(mean + 12 * sd + 1)));
  const Gof g = chi_square_discrete(xs, lo, hi, [&](std::int64_t k) { return binomial_pmf_l(k, r.n, r.p); });
  EXPECT_GT(g.df, 5);
  EXPECT_GT(g.p_value, kAlpha) << g << " n=" << r.n << " p=" << r.p;
  // The sample mean as a coarse cross-check (5 standard errors, rate 5.7e-7).
  EXPECT_NEAR(sum / r.draws, mean, 5 * sd / std::sqrt(static_cast<double>(r.draws)));
}

INSTANTIATE_TEST_SUITE_P(Regimes, InversionGof,
                         ::testing::Values(GofRegime{20, 0.3, 200000, 1}, GofRegime{5000, 0.02, 200000, 2},
                                           GofRegime{100000, 0.03, 200000, 3}, GofRegime{1000000, 0.5, 100000, 4},
                                           GofRegime{100, 0.97, 200000, 5}),
                         [](const ::testing::TestParamInfo<GofRegime>& info) {
                           std::ostringstream os;
                           os << "n" << info.param.n << "_p" << static_cast<int>(std::lround(info.param.p * 1000))
                              << "permille";
                           return os.str();
                         });

// ---------------------------------------------------------------------------
// Random-number consumption.

// Known outcomes consume nothing.
TEST(SampleBinomialInversion, KnownOutcomesConsumeNoRandomNumbers) {
  RandomStream rs(42, 7, 3, Flow::RejectedLeaving);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(sample_binomial_inversion(rs, 0, 0.5), 0);
    EXPECT_EQ(sample_binomial_inversion(rs, 0, 0.0), 0);
    EXPECT_EQ(sample_binomial_inversion(rs, 0, 1.0), 0);
    EXPECT_EQ(sample_binomial_inversion(rs, 1000, 0.0), 0);
    EXPECT_EQ(sample_binomial_inversion(rs, 1000, 1.0), 1000);
    EXPECT_EQ(sample_binomial_inversion(rs, 1, 1.0), 1);
  }
  EXPECT_EQ(rs.blocks_used(), 0u);
  // ... so the stream continues exactly where an untouched one starts.
  RandomStream fresh(42, 7, 3, Flow::RejectedLeaving);
  EXPECT_EQ(rs.next_u32(), fresh.next_u32());
}

// Every other call consumes exactly one uniform (two 32-bit words), and its
// result is binomial_quantile of that uniform. A twin stream draws the uniforms
// itself; after every call both streams must be at the same word.
TEST(SampleBinomialInversion, ConsumesExactlyOneUniform) {
  struct P {
    std::int64_t n;
    double p;
  };
  const std::vector<P> params{{1, 0.5},       {20, 0.3},      {5000, 0.02}, {100, 0.97},
                              {100000, 0.03}, {1000000, 0.5}, {3, 1e-9},    {50, 1 - 1e-9}};
  RandomStream rs(42, 9, 5, Flow::RejectedLeaving, 2);
  RandomStream twin(42, 9, 5, Flow::RejectedLeaving, 2);
  std::uint64_t words = 0;
  for (int i = 0; i < 101; ++i) {  // odd count of calls ends mid-block
    const P& q = params[static_cast<std::size_t>(i) % params.size()];
    const std::int64_t got = sample_binomial_inversion(rs, q.n, q.p);
    EXPECT_EQ(got, binomial_quantile(twin.uniform(), q.n, q.p)) << "call " << i;
    words += 2;
    EXPECT_EQ(rs.blocks_used(), (words + 3) / 4) << "call " << i;
    // Interleave known outcomes: they must not disturb the count.
    EXPECT_EQ(sample_binomial_inversion(rs, 0, q.p), 0);
    EXPECT_EQ(sample_binomial_inversion(rs, q.n, 0.0), 0);
  }
  EXPECT_EQ(rs.blocks_used(), twin.blocks_used());
  EXPECT_EQ(rs.next_u32(), twin.next_u32());
}

}  // namespace
}  // namespace chainsim::core
