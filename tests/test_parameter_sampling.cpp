// Randomised quasi-Monte Carlo draws of the per-path parameters
// (run.sobol_parameters; core/sampling/prior_points.hpp, docs/model.md §12).
//
// The unit checks are exact: the net property of the scrambled Sobol' points,
// purity, agreement of the kernel's two code paths. The statistical checks use
// fixed seeds and state their false-alarm rates: Kolmogorov-Smirnov at
// p < 0.001 (0.001 each), a Fisher z of a correlation at |z| < 4 (6e-5), and a
// ratio of two variances over 20 replications at 4 where the expected ratio
// is above 50 (an F(19, 19) ratio below 4/50 has probability below 1e-6).
#include "core/random/flow_paths.hpp"
#include "core/model/path_kernel.hpp"
#include "core/sampling/prior_points.hpp"
#include "forecast/resolve.hpp"
#include "forecast/statistics.hpp"
#include "io/config_toml.hpp"
#include "model_fixtures.hpp"
#include "statistics_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace chainsim {
namespace {

#define SKIP_WITHOUT_SOBOL() \
  if (!core::sobol_points_available()) GTEST_SKIP() << "built without Boost: no Sobol' points"

// Point `index` of the run with seed `seed`, in `dims` dimensions.
std::vector<double> point(std::uint64_t seed, std::uint64_t index, std::size_t dims) {
  std::vector<double> u(dims);
  core::scrambled_sobol_point(seed, index, u);
  return u;
}

// Cell of u on a grid of 2^bits cells.
std::size_t cell(double u, int bits) { return static_cast<std::size_t>(std::ldexp(u, bits)); }

// The seed scenario with the Sobol' points on; level and trend both uncertain
// and correlated, so that the pair's law is checked too.
core::ModelSpec sobol_seed_spec(bool sobol, forecast::RegionMode mode = forecast::RegionMode::SafetyRegions) {
  forecast::Config c = io::load_seed().scenarios.at(0);
  c.run.regions = mode;
  c.run.sobol_parameters = sobol;
  c.inflow.trend_per_year = {0.0, 0.05};
  c.inflow.level_trend_correlation = 0.5;
  return forecast::resolve(c);
}

TEST(SobolPoints, EveryCoordinateOfTheFirstPowerOfTwoPointsFillsItsCells) {
  // A Sobol' sequence's first 2^m points have exactly one point in each of
  // the 2^m intervals [k 2^-m, (k + 1) 2^-m) of every coordinate, and the
  // linear scrambling and digital shift map those intervals onto each other:
  // the property survives them.
  SKIP_WITHOUT_SOBOL();
  constexpr int m = 10;
  constexpr std::size_t dims = 40;
  std::vector<std::vector<int>> count(dims, std::vector<int>(std::size_t{1} << m, 0));
  for (std::uint64_t i = 0; i < (std::uint64_t{1} << m); ++i) {
    const std::vector<double> u = point(17, i, dims);
    for (std::size_t d = 0; d < dims; ++d) {
      ASSERT_GT(u[d], 0.0);
      ASSERT_LT(u[d], 1.0);
      ++count[d][cell(u[d], m)];
    }
  }
  for (std::size_t d = 0; d < dims; ++d)
    for (std::size_t k = 0; k < count[d].size(); ++k) ASSERT_EQ(count[d][k], 1) << "coordinate " << d << " cell " << k;
}

TEST(SobolPoints, FirstTwoCoordinatesFormANetOfQualityZero) {
  // The first two coordinates of Sobol's sequence are a (0, 2)-sequence: the
  // first 2^m points put exactly one point in every box of 2^-a by 2^-(m-a).
  // A point set off by one index (Boost's generator starts after the origin)
  // fails this.
  SKIP_WITHOUT_SOBOL();
  constexpr int m = 8;
  std::vector<std::vector<double>> pts;
  for (std::uint64_t i = 0; i < (std::uint64_t{1} << m); ++i) pts.push_back(point(99, i, 2));
  for (int a = 0; a <= m; ++a) {
    std::vector<int> boxes(std::size_t{1} << m, 0);
    for (const auto& u : pts) ++boxes[(cell(u[0], a) << (m - a)) | cell(u[1], m - a)];
    for (std::size_t b = 0; b < boxes.size(); ++b) ASSERT_EQ(boxes[b], 1) << "a = " << a << ", box " << b;
  }
}

TEST(SobolPoints, APointDependsOnlyOnSeedAndIndex) {
  SKIP_WITHOUT_SOBOL();
  EXPECT_EQ(point(5, 1234, 30), point(5, 1234, 30));
  EXPECT_NE(point(5, 1234, 30), point(6, 1234, 30));  // another run, another scramble
  // A coordinate does not depend on how many there are.
  const std::vector<double> long_point = point(5, 1234, 30);
  const std::vector<double> short_point = point(5, 1234, 7);
  for (std::size_t d = 0; d < short_point.size(); ++d) EXPECT_EQ(short_point[d], long_point[d]);
}

TEST(SobolPoints, CoordinatesAreUniformOverShifts) {
  // Over runs (seeds), a path's coordinate is uniform: KS at p < 0.001.
  SKIP_WITHOUT_SOBOL();
  for (const std::size_t d : {std::size_t{0}, std::size_t{7}}) {
    std::vector<double> xs;
    for (std::uint64_t seed = 1; seed <= 2000; ++seed) xs.push_back(point(seed, 12345, 8)[d]);
    const testing::Gof g = testing::ks_test(xs, [](double x) { return x; });
    EXPECT_GT(g.p_value, 0.001) << "coordinate " << d << ": " << g;
  }
}

TEST(ParameterSampling, PriorsKeepTheirLawOnEveryPath) {
  // Path 7's parameters over 2000 runs (seeds) follow their priors: the
  // inverse CDFs at uniform coordinates, exact in law. KS at p < 0.001 each;
  // the level-trend correlation by Fisher's z at |z| < 4.
  SKIP_WITHOUT_SOBOL();
  const core::ModelSpec spec = sobol_seed_spec(true);
  std::vector<double> grant, nareis, level, trend, region3;
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    const core::PathParameters p = core::draw_path_parameters(spec, seed, 7);
    grant.push_back(p.grant_rate);
    nareis.push_back(p.nareis_per_grant);
    level.push_back(p.level);
    trend.push_back(p.trend);
    region3.push_back(p.regional_realisation.at(3) / p.realisation);
  }
  const core::BetaShape g = core::beta_from_moments(spec.grant_rate.mean, spec.grant_rate.sd);
  EXPECT_GT(testing::ks_test(grant, [&](double x) { return testing::reg_beta(g.a, g.b, x); }).p_value, 0.001);
  const double shape = std::pow(spec.nareis_per_grant.mean / spec.nareis_per_grant.sd, 2);
  const double scale = spec.nareis_per_grant.sd * spec.nareis_per_grant.sd / spec.nareis_per_grant.mean;
  EXPECT_GT(testing::ks_test(nareis, [&](double x) { return testing::reg_gamma_p(shape, x / scale); }).p_value, 0.001);
  const auto normal = [](double mean, double sd) {
    return [=](double x) { return testing::normal_cdf((x - mean) / sd); };
  };
  EXPECT_GT(testing::ks_test(level, normal(spec.level.mean, spec.level.sd)).p_value, 0.001);
  EXPECT_GT(testing::ks_test(trend, normal(spec.trend.mean, spec.trend.sd)).p_value, 0.001);
  // The regional factor exp(tau z - tau^2 / 2): log of it normal.
  ASSERT_GT(spec.regional_sd, 0.0);
  std::vector<double> log_region;
  for (double f : region3) log_region.push_back(std::log(f));
  const double tau = spec.regional_sd;
  EXPECT_GT(testing::ks_test(log_region, normal(-0.5 * tau * tau, tau)).p_value, 0.001);

  const double n = static_cast<double>(level.size());
  double ml = 0, mt = 0;
  for (std::size_t i = 0; i < level.size(); ++i) ml += level[i], mt += trend[i];
  ml /= n, mt /= n;
  double sll = 0, stt = 0, slt = 0;
  for (std::size_t i = 0; i < level.size(); ++i) {
    sll += (level[i] - ml) * (level[i] - ml);
    stt += (trend[i] - mt) * (trend[i] - mt);
    slt += (level[i] - ml) * (trend[i] - mt);
  }
  const double r = slt / std::sqrt(sll * stt);
  EXPECT_LT(std::abs((std::atanh(r) - std::atanh(spec.level_trend_correlation)) * std::sqrt(n - 3)), 4.0)
      << "r = " << r;
}

// Variance over 20 runs of the mean over `paths` paths of f(parameters).
template <class F>
double replication_variance(const core::ModelSpec& spec, int paths, F f) {
  std::vector<double> means;
  for (std::uint64_t seed = 101; seed <= 120; ++seed) {
    double sum = 0;
    for (int p = 0; p < paths; ++p) sum += f(core::draw_path_parameters(spec, seed, static_cast<std::uint64_t>(p)));
    means.push_back(sum / paths);
  }
  const double sd = forecast::mean_sd(means).sd;
  return sd * sd;
}

TEST(ParameterSampling, SobolShrinksTheErrorOfSmoothFiguresOfTheParameters) {
  // The point of the points: the mean over 512 paths of a smooth function of
  // the parameters varies far less between runs than with independent draws
  // (for one coordinate the variance falls like 1/N^2 instead of 1/N: a factor
  // in the hundreds here). Required: a factor above 4, see the header.
  SKIP_WITHOUT_SOBOL();
  const core::ModelSpec random = sobol_seed_spec(false, forecast::RegionMode::National);
  const core::ModelSpec sobol = sobol_seed_spec(true, forecast::RegionMode::National);
  const auto inflow = [](const core::PathParameters& p) { return std::exp(p.level); };
  const auto grants = [](const core::PathParameters& p) { return p.grant_rate * p.realisation; };
  for (const auto& [name, f] : {std::pair{"exp(level)", +inflow}, std::pair{"grant x realisation", +grants}}) {
    const double vr = replication_variance(random, 512, f);
    const double vs = replication_variance(sobol, 512, f);
    EXPECT_GT(vr / vs, 4.0) << name << ": variance random " << vr << ", Sobol' " << vs;
  }
}

TEST(ParameterSampling, PathGroupsInLanesGiveTheSinglePathsResults) {
  // The kernel's two drivers (one path; a group side by side) take the same
  // point for the same path.
  SKIP_WITHOUT_SOBOL();
  forecast::Config c = testing::all_mechanisms_on(io::load_seed().scenarios.at(0));
  c.run.sobol_parameters = true;
  c.run.weeks = 60;
  const core::ModelSpec spec = forecast::resolve(c);
  std::vector<core::PathState> states;
  const std::vector<testing::PathRecord> group = testing::run_path_group(spec, 42, 16, core::kPathGroup, states);
  core::PathWorkspace ws(spec);
  for (std::size_t i = 0; i < group.size(); ++i) {
    const testing::PathRecord one = testing::run_path(spec, 42, 16 + i, ws);
    EXPECT_EQ(one.national, group[i].national) << "path " << 16 + i;
    EXPECT_EQ(one.regional, group[i].regional) << "path " << 16 + i;
  }
}

TEST(ParameterSampling, PickFreezeDesignsDrawTheStreams) {
  // Variance-based sensitivity needs independent draws: given flow paths the
  // priors draw their streams whatever run.sobol_parameters says.
  SKIP_WITHOUT_SOBOL();
  const core::ModelSpec sobol = sobol_seed_spec(true);
  const core::ModelSpec random = sobol_seed_spec(false);
  const core::PathParameters frozen = core::draw_path_parameters(sobol, 9, core::FlowPaths(3));
  const core::PathParameters streams = core::draw_path_parameters(random, 9, 3);
  const core::PathParameters points = core::draw_path_parameters(sobol, 9, 3);
  EXPECT_EQ(frozen.grant_rate, streams.grant_rate);
  EXPECT_EQ(frozen.level, streams.level);
  EXPECT_EQ(frozen.regional_realisation, streams.regional_realisation);
  EXPECT_NE(points.grant_rate, streams.grant_rate);
  EXPECT_NE(points.level, streams.level);
}

TEST(ParameterSampling, TheKeyIsReadAndReachesTheKernel) {
  const forecast::ScenarioSet off = io::load_config_text("", "default.toml");
  EXPECT_FALSE(off.scenarios.at(0).run.sobol_parameters);
  EXPECT_FALSE(forecast::resolve(off.scenarios.at(0)).sobol_parameters);
  const forecast::ScenarioSet on = io::load_config_text("[run]\nsobol_parameters = true\n", "sobol.toml");
  EXPECT_TRUE(on.scenarios.at(0).run.sobol_parameters);
  if (core::sobol_points_available()) {
    EXPECT_TRUE(forecast::resolve(on.scenarios.at(0)).sobol_parameters);
  } else {
    EXPECT_THROW(forecast::resolve(on.scenarios.at(0)), forecast::ResolveError);
  }
  EXPECT_NE(io::to_toml(on.scenarios.at(0)).find("sobol_parameters = true"), std::string::npos);
}

}  // namespace
}  // namespace chainsim
