// Statistical tests of the exact samplers in core/sampling/samplers.hpp.
//
// Every test uses a fixed seed, so it is deterministic: it either always passes
// or always fails. Each goodness-of-fit test is a hypothesis test at a stated
// significance level alpha: for a *random* seed, a correct sampler would fail it
// with probability alpha (the "false-alarm rate" quoted in each comment). A
// sampler whose law is wrong by more than the test's resolution fails for
// (almost) every seed.
//
// Methods
//  * Discrete laws: Pearson chi-square against the exact pmf (computed in long
//    double from lgammal). Cells are consecutive values merged left to right
//    until each expected count is >= 5; values beyond the window go to the
//    first/last cell. The p-value is Q(df/2, X^2/2), the regularized upper
//    incomplete gamma function (series / Lentz continued fraction, in
//    tests/statistics_helpers.hpp), so no tabulated or approximate critical
//    values are needed.
//  * Continuous laws: Kolmogorov-Smirnov against the exact CDF; p-value from
//    the asymptotic Kolmogorov distribution with Stephens' small-sample
//    correction (sqrt(n) + 0.12 + 0.11/sqrt(n)) D. Normal CDF via std::erfc,
//    gamma CDF via the regularized incomplete gamma P, beta CDF via the
//    regularized incomplete beta I_x (continued fraction).
//  * Moments: |estimate - exact| <= 5 standard errors (two-sided false-alarm
//    rate 5.7e-7 each), with the standard error computed from the exact
//    variance and kurtosis of the law.
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"

#include "statistics_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace chainsim::core {
namespace {

constexpr double kAlpha = 1e-3;      // per-test false-alarm rate of the GoF tests
constexpr double kMomentSigmas = 5;  // moment tests: two-sided 5 sigma, rate 5.7e-7

using namespace chainsim::testing;  // tests/statistics_helpers.hpp

struct Moments {
  double mean = 0, var = 0;
};
template <class T>
Moments moments(const std::vector<T>& xs) {
  // Two-pass for accuracy with large means (Poisson 1e6, binomial 1e9).
  Moments m;
  for (const T x : xs) m.mean += static_cast<double>(x);
  m.mean /= static_cast<double>(xs.size());
  for (const T x : xs) m.var += (static_cast<double>(x) - m.mean) * (static_cast<double>(x) - m.mean);
  m.var /= static_cast<double>(xs.size()) - 1;
  return m;
}

// Checks sample mean and variance against the exact values at kMomentSigmas
// standard errors. SE(mean) = sqrt(var/N); SE(var) = var sqrt((2 + excess)/N),
// excess = excess kurtosis of the law.
template <class T>
void expect_moments(const std::vector<T>& xs, double mean, double var, double excess_kurtosis) {
  const Moments m = moments(xs);
  const double N = static_cast<double>(xs.size());
  EXPECT_NEAR(m.mean, mean, kMomentSigmas * std::sqrt(var / N));
  EXPECT_NEAR(m.var, var, kMomentSigmas * var * std::sqrt((2.0 + excess_kurtosis) / N));
}

RandomStream stream(std::uint64_t seed, Flow flow = Flow::Grants) {
  return RandomStream(seed, /*path=*/7, /*week=*/3, flow);
}

// ---------------------------------------------------------------------------
// Known outcomes consume no randomness.

// Runs f on a stream and checks that the stream is untouched afterwards: no
// Philox block was generated and its next word equals a fresh stream's first.
template <class F>
void expect_no_draws(F&& f) {
  RandomStream used(99, 1, 2, Flow::RejectedLeaving);
  RandomStream fresh(99, 1, 2, Flow::RejectedLeaving);
  f(used);
  EXPECT_EQ(used.blocks_used(), 0u);
  EXPECT_EQ(used.next_u64(), fresh.next_u64());
}

TEST(SamplersEdge, KnownOutcomesConsumeNoRandomness) {
  expect_no_draws([](RandomStream& rs) { EXPECT_EQ(sample_binomial(rs, 0, 0.3), 0); });
  expect_no_draws([](RandomStream& rs) { EXPECT_EQ(sample_binomial(rs, 1000, 0.0), 0); });
  expect_no_draws([](RandomStream& rs) { EXPECT_EQ(sample_binomial(rs, 1000, 1.0), 1000); });
  expect_no_draws([](RandomStream& rs) { EXPECT_EQ(sample_binomial(rs, 0, 1.0), 0); });
  expect_no_draws([](RandomStream& rs) { EXPECT_EQ(sample_binomial(rs, 1'000'000'000, 0.0), 0); });
  expect_no_draws([](RandomStream& rs) { EXPECT_EQ(sample_poisson(rs, 0.0), 0); });
  expect_no_draws([](RandomStream& rs) { EXPECT_FALSE(sample_bernoulli(rs, 0.0)); });
  expect_no_draws([](RandomStream& rs) { EXPECT_TRUE(sample_bernoulli(rs, 1.0)); });
  expect_no_draws([](RandomStream& rs) {
    const std::array<double, 3> probs{0.2, 0.3, 0.5};
    std::array<std::int64_t, 3> counts{9, 9, 9};
    sample_multinomial(rs, 0, probs, counts);
    EXPECT_EQ(counts, (std::array<std::int64_t, 3>{0, 0, 0}));
  });
  expect_no_draws([](RandomStream& rs) {
    // A category with probability 1 takes everything without a draw; the
    // zero-probability categories after it get 0.
    const std::array<double, 4> probs{0.0, 1.0, 0.0, 0.0};
    std::array<std::int64_t, 4> counts{9, 9, 9, 9};
    sample_multinomial(rs, 12345, probs, counts);
    EXPECT_EQ(counts, (std::array<std::int64_t, 4>{0, 12345, 0, 0}));
  });
}

TEST(SamplersEdge, DrawsAreDeterministic) {
  for (int rep = 0; rep < 2; ++rep) {
    RandomStream a = stream(11), b = stream(11);
    for (int i = 0; i < 1000; ++i) {
      ASSERT_EQ(sample_binomial(a, 1000 + i, 0.3), sample_binomial(b, 1000 + i, 0.3));
      ASSERT_EQ(sample_poisson(a, 0.5 * i), sample_poisson(b, 0.5 * i));
      ASSERT_EQ(sample_gamma(a, 0.3 + i, 1.0), sample_gamma(b, 0.3 + i, 1.0));
      ASSERT_EQ(sample_beta(a, 0.5, 2.0), sample_beta(b, 0.5, 2.0));
      ASSERT_EQ(sample_normal(a), sample_normal(b));
    }
  }
}

TEST(SamplersEdge, BinomialStaysInSupport) {
  RandomStream rs = stream(12);
  const std::int64_t ns[] = {1, 2, 5, 20, 21, 100, 12345, 1'000'000'000};
  const double ps[] = {1e-12, 1e-3, 0.01, 0.3, 0.5, 0.7, 0.999, 1 - 1e-12};
  for (const std::int64_t n : ns)
    for (const double p : ps)
      for (int i = 0; i < 2000; ++i) {
        const std::int64_t k = sample_binomial(rs, n, p);
        ASSERT_GE(k, 0) << n << " " << p;
        ASSERT_LE(k, n) << n << " " << p;
      }
}

// ---------------------------------------------------------------------------
// Binomial.

struct BinomialCase {
  const char* name;
  std::int64_t n;
  double p;
};

class BinomialGof : public ::testing::TestWithParam<BinomialCase> {};

// Chi-square against the exact pmf, 200,000 draws from one stream.
// False-alarm rate: alpha = 0.001 per regime.
TEST_P(BinomialGof, ChiSquare) {
  const BinomialCase c = GetParam();
  RandomStream rs = stream(1000 + static_cast<std::uint64_t>(c.n % 997) + static_cast<std::uint64_t>(c.p * 1e6));
  std::vector<std::int64_t> xs(200'000);
  for (auto& x : xs) x = sample_binomial(rs, c.n, c.p);
  const double mean = static_cast<double>(c.n) * c.p;
  const double sd = std::sqrt(mean * (1 - c.p));
  const std::int64_t lo = std::max<std::int64_t>(0, static_cast<std::int64_t>(mean - 12 * sd - 20));
  const std::int64_t hi = std::min<std::int64_t>(c.n, static_cast<std::int64_t>(mean + 12 * sd + 20));
  const Gof g = chi_square_discrete(xs, lo, hi, [&](std::int64_t k) { return binomial_pmf(k, c.n, c.p); });
  EXPECT_GT(g.p_value, kAlpha) << c.name << ": " << g;
}

INSTANTIATE_TEST_SUITE_P(Regimes, BinomialGof,
                         ::testing::Values(
                             // inversion (n p' < 10)
                             BinomialCase{"n20_p0.3", 20, 0.3}, BinomialCase{"n1000_p0.002", 1000, 0.002},
                             BinomialCase{"n19_p0.5", 19, 0.5}, BinomialCase{"n1e7_p1e-7", 10'000'000, 1e-7},
                             BinomialCase{"n1e9_p3e-9", 1'000'000'000, 3e-9}, BinomialCase{"n100_p0.97", 100, 0.97},
                             // switch boundary n p' = 9.99 (inversion) / 10.01 (BTRD)
                             BinomialCase{"n1000_p0.00999", 1000, 0.00999},
                             BinomialCase{"n1000_p0.01001", 1000, 0.01001},
                             // BTRD (n p' >= 10)
                             BinomialCase{"n20_p0.5", 20, 0.5}, BinomialCase{"n200_p0.08", 200, 0.08},
                             BinomialCase{"n5e4_p0.5", 50'000, 0.5}, BinomialCase{"n1e6_p0.3", 1'000'000, 0.3},
                             BinomialCase{"n1e6_p0.7", 1'000'000, 0.7}, BinomialCase{"n1e9_p0.4", 1'000'000'000, 0.4}),
                         [](const ::testing::TestParamInfo<BinomialCase>& info) {
                           std::string s = info.param.name;
                           std::replace(s.begin(), s.end(), '.', '_');
                           std::replace(s.begin(), s.end(), '-', 'm');
                           return s;
                         });

// Production use creates a fresh stream per (path, week, flow) and draws once
// or a few times, so test the law over first draws of 200,000 distinct streams
// (paths 0..199999), in both algorithm regimes. False-alarm rate 0.001 each.
TEST(Binomial, FreshStreamPerDraw) {
  for (const BinomialCase c : {BinomialCase{"inversion", 50, 0.1}, BinomialCase{"btrd", 5000, 0.2}}) {
    std::vector<std::int64_t> xs(200'000);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      RandomStream rs(42, i, 10, Flow::Grants);
      xs[i] = sample_binomial(rs, c.n, c.p);
    }
    const double mean = static_cast<double>(c.n) * c.p, sd = std::sqrt(mean * (1 - c.p));
    const Gof g =
        chi_square_discrete(xs, 0, std::min<std::int64_t>(c.n, static_cast<std::int64_t>(mean + 12 * sd + 20)),
                            [&](std::int64_t k) { return binomial_pmf(k, c.n, c.p); });
    EXPECT_GT(g.p_value, kAlpha) << c.name << ": " << g;
  }
}

// Mean and variance, 200,000 draws, 5-sigma (false-alarm rate 5.7e-7 each).
// Binomial excess kurtosis (1 - 6pq) / (npq).
TEST(Binomial, Moments) {
  for (const BinomialCase c : {BinomialCase{"", 1'000'000, 0.3}, BinomialCase{"", 1'000'000'000, 0.4},
                               BinomialCase{"", 30, 0.2}, BinomialCase{"", 10'000'000, 1e-7}}) {
    RandomStream rs = stream(31 + static_cast<std::uint64_t>(c.n));
    std::vector<std::int64_t> xs(200'000);
    for (auto& x : xs) x = sample_binomial(rs, c.n, c.p);
    const double npq = static_cast<double>(c.n) * c.p * (1 - c.p);
    SCOPED_TRACE(::testing::Message() << "n=" << c.n << " p=" << c.p);
    expect_moments(xs, static_cast<double>(c.n) * c.p, npq, (1 - 6 * c.p * (1 - c.p)) / npq);
  }
}

// ---------------------------------------------------------------------------
// Poisson.

class PoissonGof : public ::testing::TestWithParam<double> {};

// Chi-square against the exact pmf, 200,000 draws. False-alarm rate 0.001 per
// lambda. (For lambda = 1e-3 only the cells {0}, {>= 1} have expected >= 5.)
TEST_P(PoissonGof, ChiSquare) {
  const double lambda = GetParam();
  RandomStream rs = stream(2000 + static_cast<std::uint64_t>(lambda * 1000), Flow::Nareis);
  std::vector<std::int64_t> xs(200'000);
  for (auto& x : xs) x = sample_poisson(rs, lambda);
  const double sd = std::sqrt(lambda);
  const std::int64_t lo = std::max<std::int64_t>(0, static_cast<std::int64_t>(lambda - 12 * sd - 20));
  const std::int64_t hi = static_cast<std::int64_t>(lambda + 12 * sd + 30);
  const Gof g = chi_square_discrete(xs, lo, hi, [&](std::int64_t k) { return poisson_pmf(k, lambda); });
  EXPECT_GT(g.p_value, kAlpha) << "lambda=" << lambda << ": " << g;
}

INSTANTIATE_TEST_SUITE_P(Regimes, PoissonGof, ::testing::Values(1e-3, 0.3, 3.0, 9.9, 10.0, 30.0, 1e3, 1e6, 1e9),
                         [](const ::testing::TestParamInfo<double>& info) {
                           return "lambda_" + std::to_string(info.index);
                         });

// Mean and variance at 5 sigma (false-alarm rate 5.7e-7 each); Poisson excess
// kurtosis 1/lambda.
TEST(Poisson, Moments) {
  for (const double lambda : {1e-3, 3.0, 1e6, 1e9}) {
    RandomStream rs = stream(77, Flow::Nareis);
    std::vector<std::int64_t> xs(200'000);
    for (auto& x : xs) x = sample_poisson(rs, lambda);
    SCOPED_TRACE(::testing::Message() << "lambda=" << lambda);
    expect_moments(xs, lambda, lambda, 1.0 / lambda);
  }
}

// ---------------------------------------------------------------------------
// Continuous laws: KS with 200,000 draws, false-alarm rate 0.001 each.

template <class F>
std::vector<double> draw(std::uint64_t seed, F f, std::size_t n = 200'000) {
  RandomStream rs = stream(seed, Flow::InflowNoise);
  std::vector<double> xs(n);
  for (auto& x : xs) x = f(rs);
  return xs;
}

TEST(Normal, KolmogorovSmirnov) {
  const auto xs = draw(301, [](RandomStream& rs) { return sample_normal(rs); });
  const Gof g = ks_test(xs, normal_cdf);
  EXPECT_GT(g.p_value, kAlpha) << g;
  expect_moments(xs, 0.0, 1.0, 0.0);  // 5 sigma
}

// The polar method is used with a fresh stream per flow: check the law of the
// first draw of 200,000 distinct streams. False-alarm rate 0.001.
TEST(Normal, FreshStreamPerDraw) {
  std::vector<double> xs(200'000);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    RandomStream rs(5, i, 0, Flow::InflowNoise);
    xs[i] = sample_normal(rs);
  }
  const Gof g = ks_test(xs, normal_cdf);
  EXPECT_GT(g.p_value, kAlpha) << g;
}

TEST(Exponential, KolmogorovSmirnov) {
  const double mean = 3.0;
  const auto xs = draw(302, [&](RandomStream& rs) { return sample_exponential(rs, mean); });
  const Gof g = ks_test(xs, [&](double x) { return x <= 0 ? 0.0 : -std::expm1(-x / mean); });
  EXPECT_GT(g.p_value, kAlpha) << g;
  expect_moments(xs, mean, mean * mean, 6.0);  // 5 sigma
}

class GammaGof : public ::testing::TestWithParam<double> {};

// KS against P(shape, x / scale); shapes < 1 exercise the U^(1/shape) boost.
// False-alarm rate 0.001 per shape; moments at 5 sigma (excess kurtosis 6/k).
TEST_P(GammaGof, KolmogorovSmirnov) {
  const double shape = GetParam(), scale = 2.0;
  const auto xs = draw(400 + static_cast<std::uint64_t>(shape * 10),
                       [&](RandomStream& rs) { return sample_gamma(rs, shape, scale); });
  const Gof g = ks_test(xs, [&](double x) { return reg_gamma_p(shape, x / scale); });
  EXPECT_GT(g.p_value, kAlpha) << "shape=" << shape << ": " << g;
  expect_moments(xs, shape * scale, shape * scale * scale, 6.0 / shape);
}

INSTANTIATE_TEST_SUITE_P(Shapes, GammaGof, ::testing::Values(0.05, 0.3, 1.0, 2.5, 50.0),
                         [](const ::testing::TestParamInfo<double>& info) {
                           return "shape_" + std::to_string(info.index);
                         });

class BetaGof : public ::testing::TestWithParam<std::pair<double, double>> {};

// KS against I_x(a, b). False-alarm rate 0.001 per (a, b); moments at 5 sigma.
TEST_P(BetaGof, KolmogorovSmirnov) {
  const double a = GetParam().first, b = GetParam().second;  // not a binding: lambdas capture it
  const auto xs =
      draw(500 + static_cast<std::uint64_t>(a * 10 + b), [&](RandomStream& rs) { return sample_beta(rs, a, b); });
  for (const double x : xs) ASSERT_TRUE(x >= 0.0 && x <= 1.0) << x;
  const Gof g = ks_test(xs, [&](double x) { return reg_beta(a, b, x); });
  EXPECT_GT(g.p_value, kAlpha) << "a=" << a << " b=" << b << ": " << g;
  const double mean = a / (a + b), var = a * b / ((a + b) * (a + b) * (a + b + 1));
  const double excess =
      6 * ((a - b) * (a - b) * (a + b + 1) - a * b * (a + b + 2)) / (a * b * (a + b + 2) * (a + b + 3));
  expect_moments(xs, mean, var, excess);
}

INSTANTIATE_TEST_SUITE_P(Shapes, BetaGof,
                         ::testing::Values(std::pair{0.5, 0.5}, std::pair{2.0, 5.0}, std::pair{30.0, 10.0},
                                           std::pair{0.2, 3.0}),
                         [](const ::testing::TestParamInfo<std::pair<double, double>>& info) {
                           return "ab_" + std::to_string(info.index);
                         });

// The test's incomplete beta against the closed form of Beta(1/2, 1/2):
// I_x = (2/pi) asin(sqrt(x)); guards the reference CDF itself.
TEST(Beta, ReferenceCdfSelfCheck) {
  for (double x = 0.01; x < 1.0; x += 0.07)
    EXPECT_NEAR(reg_beta(0.5, 0.5, x), 2.0 / M_PI * std::asin(std::sqrt(x)), 1e-12);
  // and the incomplete gamma against the exponential CDF
  for (double x = 0.1; x < 30.0; x *= 1.7) EXPECT_NEAR(reg_gamma_p(1.0, x), -std::expm1(-x), 1e-12);
}

// ---------------------------------------------------------------------------
// Bernoulli.

// Successes in 1,000,000 trials ~ Binomial(N, p): |z| < 3.29 is a two-sided
// test at false-alarm rate 0.001 (normal approximation to a binomial with
// N p q ~ 2e5, accurate here).
TEST(Bernoulli, Frequency) {
  for (const double p : {0.3, 1e-3, 0.999}) {
    RandomStream rs = stream(600);
    const int N = 1'000'000;
    int hits = 0;
    for (int i = 0; i < N; ++i) hits += sample_bernoulli(rs, p) ? 1 : 0;
    const double z = (hits - N * p) / std::sqrt(N * p * (1 - p));
    EXPECT_LT(std::fabs(z), 3.29) << "p=" << p;
  }
}

// ---------------------------------------------------------------------------
// Multinomial.

std::vector<double> unequal_probs(std::size_t K) {
  // p_i proportional to (i + 1)^-1.3 over 25 categories, plus a zero in the middle.
  std::vector<double> p(K);
  for (std::size_t i = 0; i < K; ++i) p[i] = std::pow(static_cast<double>(i + 1), -1.3);
  p[K / 2] = 0.0;
  const double s = std::accumulate(p.begin(), p.end(), 0.0);
  for (auto& x : p) x /= s;
  return p;
}

// Each marginal of Multinomial(n, p) is Binomial(n, p_i): chi-square per
// category over 100,000 draws. Bonferroni: each of the 24 non-trivial marginal
// tests runs at 0.001 / 25, so the family false-alarm rate is <= 0.001. Counts
// must sum to n in every draw and the zero-probability category stays 0.
TEST(Multinomial, MarginalsAreBinomialAndSumToN) {
  constexpr std::size_t K = 25;
  const std::vector<double> probs = unequal_probs(K);
  for (const std::int64_t n : {std::int64_t{1000}, std::int64_t{2'000'000}}) {
    RandomStream rs = stream(700 + static_cast<std::uint64_t>(n), Flow::PermitHolderRegions);
    const std::size_t N = 100'000;
    std::vector<std::vector<std::int64_t>> per_cat(K, std::vector<std::int64_t>(N));
    std::array<std::int64_t, K> counts{};
    for (std::size_t d = 0; d < N; ++d) {
      sample_multinomial(rs, n, probs, counts);
      ASSERT_EQ(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}), n);
      ASSERT_EQ(counts[K / 2], 0);
      for (std::size_t i = 0; i < K; ++i) per_cat[i][d] = counts[i];
    }
    for (std::size_t i = 0; i < K; ++i) {
      if (probs[i] == 0.0) continue;
      const double mean = static_cast<double>(n) * probs[i];
      const double sd = std::sqrt(mean * (1 - probs[i]));
      const std::int64_t lo = std::max<std::int64_t>(0, static_cast<std::int64_t>(mean - 12 * sd - 20));
      const std::int64_t hi = std::min<std::int64_t>(n, static_cast<std::int64_t>(mean + 12 * sd + 20));
      const Gof g =
          chi_square_discrete(per_cat[i], lo, hi, [&](std::int64_t k) { return binomial_pmf(k, n, probs[i]); });
      EXPECT_GT(g.p_value, kAlpha / K) << "n=" << n << " category " << i << ": " << g;
    }
    // Joint structure: Cov(N_i, N_j) = -n p_i p_j, checked at 5 sigma with the
    // standard error estimated from the sample (false-alarm rate ~5.7e-7 each).
    for (const auto& [i, j] : {std::pair<std::size_t, std::size_t>{0, 1}, {3, 20}, {23, 24}}) {
      const double mi = moments(per_cat[i]).mean, mj = moments(per_cat[j]).mean;
      std::vector<double> prod(N);
      for (std::size_t d = 0; d < N; ++d)
        prod[d] = (static_cast<double>(per_cat[i][d]) - mi) * (static_cast<double>(per_cat[j][d]) - mj);
      const Moments mp = moments(prod);
      const double expected = -static_cast<double>(n) * probs[i] * probs[j];
      EXPECT_NEAR(mp.mean, expected, kMomentSigmas * std::sqrt(mp.var / static_cast<double>(N)))
          << "n=" << n << " cov(" << i << "," << j << ")";
    }
  }
}

// Probabilities that sum to 1 only within rounding, and trailing zeros: the
// last positive category must absorb the remainder and the zero-probability
// tail must stay empty.
TEST(Multinomial, RoundingAndTrailingZeros) {
  RandomStream rs = stream(800);
  std::array<double, 12> probs{};
  for (int i = 0; i < 10; ++i) probs[static_cast<std::size_t>(i)] = 0.1;  // sums to 0.9999999999999999
  std::array<std::int64_t, 12> counts{};
  for (int d = 0; d < 20'000; ++d) {
    sample_multinomial(rs, 1'000'000, probs, counts);
    ASSERT_EQ(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}), 1'000'000);
    ASSERT_EQ(counts[10], 0);
    ASSERT_EQ(counts[11], 0);
  }
}

}  // namespace
}  // namespace chainsim::core
