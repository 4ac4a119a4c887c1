// Monte Carlo error of the ensemble's figures (issue 19 item 3):
// forecast/mc_error.hpp's formulas against hand-computed values, the reported
// standard errors against the spread of independent replications, the
// order-statistic intervals' coverage, and `chainsim run --precision`.
#include "forecast/ensemble.hpp"
#include "forecast/mc_error.hpp"
#include "forecast/precision.hpp"
#include "forecast/resolve.hpp"
#include "forecast/statistics.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"
#include "process_helpers.hpp"
#include "statistics_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace chainsim {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Formulas (unit)

TEST(McErrorFormula, MeanStandardError) {
  EXPECT_DOUBLE_EQ(forecast::mean_standard_error(2.0, 100), 0.2);
  EXPECT_DOUBLE_EQ(forecast::mean_standard_error(3.0, 9), 1.0);
  EXPECT_EQ(forecast::mean_standard_error(5.0, 1), 0.0);  // one path: no spread to estimate from
  EXPECT_EQ(forecast::mean_standard_error(5.0, 0), 0.0);
}

TEST(McErrorFormula, ProbabilityStandardError) {
  // sqrt(0.25 * 0.75 / 1200) = sqrt(0.00015625) = 0.0125
  EXPECT_DOUBLE_EQ(forecast::probability_standard_error(0.25, 1200), 0.0125);
  // sqrt(0.5 * 0.5 / 100) = 0.05
  EXPECT_DOUBLE_EQ(forecast::probability_standard_error(0.5, 100), 0.05);
  EXPECT_EQ(forecast::probability_standard_error(0.0, 100), 0.0);
  EXPECT_EQ(forecast::probability_standard_error(1.0, 100), 0.0);
  EXPECT_EQ(forecast::probability_standard_error(0.3, 0), 0.0);
}

TEST(McErrorFormula, OrderStatisticRanks) {
  // n = 100, q = 0.5: s = sqrt(25) = 5, 1.96 s = 9.7998; floor(40.2002) = 40,
  // ceil(59.7998) + 1 = 61.
  forecast::OrderStatisticRanks r = forecast::quantile_interval_ranks(100, 0.5);
  EXPECT_EQ(r.low, 40u);
  EXPECT_EQ(r.high, 61u);
  // n = 1000, q = 0.05: s = sqrt(47.5) = 6.8920, 1.96 s = 13.5081;
  // floor(36.4919) = 36, ceil(63.5081) + 1 = 65.
  r = forecast::quantile_interval_ranks(1000, 0.05);
  EXPECT_EQ(r.low, 36u);
  EXPECT_EQ(r.high, 65u);
  // n = 10, q = 0.95: s = sqrt(0.475) = 0.6892, 1.96 s = 1.3508; floor(8.149) = 8,
  // ceil(10.85) + 1 = 12, clipped to 10.
  r = forecast::quantile_interval_ranks(10, 0.95);
  EXPECT_EQ(r.low, 8u);
  EXPECT_EQ(r.high, 10u);
  // q = 0.05 of 10: floor(0.5 - 1.3508) = -1, clipped to 1.
  EXPECT_EQ(forecast::quantile_interval_ranks(10, 0.05).low, 1u);
  EXPECT_EQ(forecast::quantile_interval_ranks(0, 0.5).low, 0u);
}

TEST(McErrorFormula, QuantileIntervalTakesTheOrderStatistics) {
  std::vector<double> sorted(100);
  for (std::size_t i = 0; i < sorted.size(); ++i) sorted[i] = 10.0 * static_cast<double>(i + 1);  // x_(i) = 10 i
  const forecast::QuantileInterval iv = forecast::quantile_interval(sorted, 0.5);
  EXPECT_EQ(iv.low, 400.0);   // x_(40)
  EXPECT_EQ(iv.high, 610.0);  // x_(61)
  EXPECT_TRUE(std::isnan(forecast::quantile_interval(std::vector<double>{}, 0.5).low));
}

TEST(McErrorFormula, RelativeError) {
  EXPECT_DOUBLE_EQ(forecast::relative_error(0.5, 10.0), 0.05);
  EXPECT_DOUBLE_EQ(forecast::relative_error(0.5, -10.0), 0.05);
  EXPECT_EQ(forecast::relative_error(0.0, 0.0), 0.0);
  EXPECT_EQ(forecast::relative_error(1.0, 0.0), std::numeric_limits<double>::infinity());
}

TEST(McErrorFormula, HeadlineFiguresSkipProbabilitiesNearZeroAndOne) {
  std::vector<forecast::PeriodInfo> periods(3);
  periods[0].label = "A";
  periods[1].label = "B";
  periods[2].label = "C";
  // Occupancy 10, 20, 30, 40 (mean 25, sd sqrt(500/3)); shortfall in 2 of 4
  // paths in A, none in B, every path in C.
  const std::vector<double> occ = {10, 20, 30, 40};
  const std::vector<std::vector<double>> occupancy = {occ, occ, occ};
  const std::vector<std::vector<double>> shortfall = {{0, 3, 0, 1}, {0, 0, 0, 0}, {1, 1, 2, 1}};
  const std::vector<forecast::PrecisionFigure> f = forecast::headline_figures(periods, occupancy, shortfall);
  ASSERT_EQ(f.size(), 4u);  // three occupancies, one probability (p = 0.5 in A; 0 and 1 are skipped)
  EXPECT_DOUBLE_EQ(f[0].estimate, 25.0);
  EXPECT_NEAR(f[0].standard_error, std::sqrt(500.0 / 3.0) / 2.0, 1e-12);
  EXPECT_NEAR(f[0].relative_error, std::sqrt(500.0 / 3.0) / 2.0 / 25.0, 1e-12);
  EXPECT_EQ(f[1].name, "P(shortfall) A");
  EXPECT_DOUBLE_EQ(f[1].estimate, 0.5);
  EXPECT_DOUBLE_EQ(f[1].standard_error, 0.25);  // sqrt(0.25 / 4)
  EXPECT_DOUBLE_EQ(f[1].relative_error, 0.5);
}

// ---------------------------------------------------------------------------
// Order-statistic intervals: coverage (statistical)

TEST(McErrorCoverage, OrderStatisticIntervalCoversTheTrueQuantile) {
  // Uniform(0, 1) samples, whose q quantile is q. For each q the exact
  // coverage c = P(l <= B <= u - 1), B ~ binomial(n, q), is computed; it must
  // be at least 0.94 (the normal approximation of the ranks is close), and
  // the count of covering replications out of R must be within 4 binomial
  // standard deviations of R c. False-alarm rate: 3 checks x 6.3e-5 (two-sided
  // normal tail beyond 4 sd) ~ 2e-4 at a fixed seed, i.e. it fails only if
  // the code is wrong.
  constexpr std::size_t n = 400;
  constexpr int R = 4000;
  std::mt19937_64 rng(20261206);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (double q : {0.05, 0.5, 0.95}) {
    const forecast::OrderStatisticRanks r = forecast::quantile_interval_ranks(n, q);
    double c = 0.0;
    for (std::size_t b = r.low; b < r.high; ++b) c += testing::binomial_pmf(static_cast<std::int64_t>(b), n, q);
    EXPECT_GE(c, 0.94) << "q " << q << " ranks " << r.low << ".." << r.high;
    int covered = 0;
    std::vector<double> x(n);
    for (int rep = 0; rep < R; ++rep) {
      for (double& v : x) v = u(rng);
      std::sort(x.begin(), x.end());
      const forecast::QuantileInterval iv = forecast::quantile_interval(x, q);
      covered += iv.low <= q && q <= iv.high ? 1 : 0;
    }
    const double sd = std::sqrt(R * c * (1 - c));
    EXPECT_NEAR(covered, R * c, 4 * sd) << "q " << q << " exact coverage " << c;
  }
}

// ---------------------------------------------------------------------------
// Reported standard errors against the spread of replications (statistical)

// A small national ensemble of the seed scenario, one year.
forecast::ScenarioSummary replicate(const core::ModelSpec& spec, const forecast::Config& c, std::uint64_t seed,
                                    std::int64_t paths) {
  forecast::EnsembleOptions o;
  o.paths = paths;
  o.seed = seed;
  o.parallelism = {forecast::Backend::OpenMP, 2};
  const forecast::Ensemble e = simulate_ensemble(spec, o);
  const auto periods = forecast::run_periods(c.run.start, c.run.weeks, {forecast::PeriodKind::Quarter});
  return forecast::summarize("baseline", e, periods,
                             forecast::SummaryOptions{{0.05, 0.5, 0.95}, {0.05}, o.parallelism});
}

TEST(McErrorReplication, StandardErrorsMatchTheSpreadOfTwentyReplications) {
  // 20 independent replications (seeds 1..20) of 400 paths. For a figure x
  // with reported standard errors s_r, T = sum_r (x_r - mean x)^2 / mean(s_r^2)
  // is chi-square with 19 degrees of freedom when the standard errors are
  // right (the estimates are means of 400 independent paths, close to
  // normal). Each figure is tested two-sided at 1e-4 (P(chi2_19 < lo) =
  // P(chi2_19 > hi) = 5e-5); at most 20 figures are tested (the 5 quarters
  // that 52 weeks from 2022-06-20 touch, x 3 means and up to 1 probability),
  // so the false-alarm rate is at most 20 x 1e-4 = 0.002 (union bound), with
  // fixed seeds: a failure means the
  // errors are wrong. A standard error off by a factor 2 gives T about 4x or
  // 1/4x its expectation of 19, far beyond these bounds (lo ~ 3.9, hi ~ 51).
  forecast::Config c = io::load_seed().scenarios[0];
  c.run.weeks = 52;
  c.run.regions = forecast::RegionMode::National;
  const core::ModelSpec spec = forecast::resolve(c);
  constexpr int R = 20;
  constexpr std::int64_t P = 400;
  std::vector<forecast::ScenarioSummary> reps;
  for (int r = 0; r < R; ++r) reps.push_back(replicate(spec, c, static_cast<std::uint64_t>(r + 1), P));
  const double df = R - 1;
  auto p_lower = [&](double t) { return testing::reg_gamma_p(df / 2, t / 2); };
  int tested = 0;
  auto check = [&](const std::string& what, auto estimate, auto se) {
    double mean = 0, var_se = 0;
    for (const auto& s : reps) mean += estimate(s) / R;
    double ss = 0;
    for (const auto& s : reps) {
      ss += (estimate(s) - mean) * (estimate(s) - mean);
      var_se += se(s) * se(s) / R;
    }
    ASSERT_GT(var_se, 0.0) << what;
    const double t = ss / var_se;
    const double p = p_lower(t);
    ++tested;
    EXPECT_GT(p, 5e-5) << what << ": T = " << t << " (spread smaller than the standard errors say)";
    EXPECT_LT(p, 1 - 5e-5) << what << ": T = " << t << " (spread larger than the standard errors say)";
    std::cout << what << ": T = " << t << " (chi2_19), spread sd " << std::sqrt(ss / df) << ", reported se "
              << std::sqrt(var_se) << "\n";
  };
  const std::size_t NP = reps.front().periods.shortfall_probability.size();
  ASSERT_EQ(NP, 5u);
  for (std::size_t k = 0; k < NP; ++k) {
    const std::string q = "quarter " + std::to_string(k);
    for (forecast::PeriodMetric m : {forecast::PeriodMetric::OccupancyEnd, forecast::PeriodMetric::PeakOccupancy,
                                     forecast::PeriodMetric::Inflow}) {
      const auto i = static_cast<std::size_t>(m);
      check(
          q + " mean " + forecast::kPeriodMetricNames[i],
          [&](const forecast::ScenarioSummary& s) { return s.periods.metric_mean[i][k]; },
          [&](const forecast::ScenarioSummary& s) { return s.periods.metric_mean_mcse[i][k]; });
    }
    // A probability whose standard error is meaningful: not near 0 or 1 in
    // the pooled ensemble (there sqrt(p(1-p)/n) is itself very uncertain).
    double pooled = 0;
    for (const auto& s : reps) pooled += s.periods.shortfall_probability[k] / R;
    if (pooled >= 0.05 && pooled <= 0.95)
      check(
          q + " P(shortfall) " + std::to_string(pooled),
          [&](const forecast::ScenarioSummary& s) { return s.periods.shortfall_probability[k]; },
          [&](const forecast::ScenarioSummary& s) { return s.periods.shortfall_probability_mcse[k]; });
  }
  EXPECT_GE(tested, 15);

  // Quantile intervals: the mean of the 20 replications' medians of the
  // occupancy at each quarter's end stands in for the true median; an
  // interval misses it with probability about 0.05, so of 20 intervals at
  // least 15 cover it, but for a false alarm of P(binomial(20, 0.05) > 5) =
  // 3e-4 per quarter, 1.6e-3 over the 5 (the stand-in's own error, 1/sqrt(20)
  // of an interval's half-width, raises it slightly).
  const auto occ = static_cast<std::size_t>(forecast::PeriodMetric::OccupancyEnd);
  for (std::size_t k = 0; k < NP; ++k) {
    // The mean of the 20 replications' medians: within a tenth of an
    // interval's width of the true median.
    double truth = 0;
    for (const auto& s : reps) truth += s.periods.metric_quantiles[occ][k * 3 + 1] / R;
    int covered = 0;
    for (const auto& s : reps)
      covered += s.periods.metric_quantile_mc_low[occ][k * 3 + 1] <= truth &&
                         truth <= s.periods.metric_quantile_mc_high[occ][k * 3 + 1]
                     ? 1
                     : 0;
    EXPECT_GE(covered, 15) << "quarter " << k << ": " << covered << " of 20 median intervals cover " << truth;
  }
}

// ---------------------------------------------------------------------------
// `chainsim run --precision` (e2e)

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("chainsim_mc_error_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

double json_number(const std::string& json, const std::string& key) {
  const std::regex re("\"" + key + "\": ([-0-9.eE+]+)");
  std::smatch m;
  if (!std::regex_search(json, m, re)) return std::nan("");
  return std::stod(m[1]);
}

TEST(PrecisionRun, StopsWithinTargetAndWritesTheBytesOfAFixedRun) {
  // 26 weeks national of the seed: a run that a target of 5 % stops after
  // some batches of 100 paths (14 on this build: P(shortfall) of 2022-Q2,
  // about 0.22, needs n of about (1 - p) / (p 0.05^2) = 1400). The manifest
  // must say the target was met with
  // a largest relative error at most the target, and every output must equal
  // the fixed run with the paths it stopped at, byte for byte.
  TempDir dir;
  const std::string seed_config = (dir.path / "national.toml").string();
  {
    // The seed with national regions (a smaller, quicker run).
    std::string toml =
        testing::read_bytes(fs::path(CHAINSIM_TEST_DATA_DIR).parent_path().parent_path() / "forecast" / "seed.toml");
    toml = std::regex_replace(toml, std::regex("regions = \"safety-regions\""), "regions = \"national\"");
    testing::write_bytes(seed_config, toml);
  }
  const std::string bin = testing::chainsim_binary();
  // The two runs in two folders under the same output name: the resolved
  // configuration in the HDF5 file holds output.path.
  const fs::path io = dir.path / "io", a_dir = dir.path / "precise", b_dir = dir.path / "fixed";
  for (const auto& d : {io, a_dir, b_dir}) fs::create_directories(d);
  const auto precise =
      testing::run_command(testing::quote(bin) + " run " + testing::quote(seed_config) +
                               " --weeks 26 --threads 2 --precision 0.05 --batch-paths 100 --max-paths 5000 --out x.h5",
                           a_dir, io);
  ASSERT_EQ(precise.rc, 0) << testing::describe(precise);
  const std::string manifest = testing::read_bytes(a_dir / "x.h5.run.json");
  ASSERT_NE(manifest.find("\"precision\""), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("\"met\": true"), std::string::npos) << manifest;
  const double worst = json_number(manifest, "worst_relative_error");
  EXPECT_LE(worst, 0.05) << manifest;
  const double batches = json_number(manifest, "batches");
  const std::regex paths_re("\"batches\": [0-9]+, \"paths\": ([0-9]+)");
  std::smatch pm;
  ASSERT_TRUE(std::regex_search(manifest, pm, paths_re)) << manifest;
  const long long n = std::stoll(pm[1]);
  EXPECT_EQ(n, 100 * static_cast<long long>(batches)) << manifest;
  EXPECT_GT(batches, 1) << "a target that the first batch meets tests nothing: " << manifest;
  EXPECT_LT(n, 5000) << manifest;
  EXPECT_EQ(json_number(manifest, "paths"), static_cast<double>(n)) << "the run's paths: " << manifest;

  const auto fixed = testing::run_command(testing::quote(bin) + " run " + testing::quote(seed_config) +
                                              " --weeks 26 --threads 2 --paths " + std::to_string(n) + " --out x.h5",
                                          b_dir, io);
  ASSERT_EQ(fixed.rc, 0) << testing::describe(fixed);
  EXPECT_EQ(testing::read_bytes(b_dir / "x.h5.run.json").find("\"precision\""), std::string::npos);
  int compared = 0;
  for (const char* name : {"x.h5", "x.planning.csv", "x.planning.md", "x.comparison.csv", "x.comparison.md",
                           "x.regional.csv", "x.regional.md"}) {
    ASSERT_EQ(fs::exists(a_dir / name), fs::exists(b_dir / name)) << name;
    if (!fs::exists(a_dir / name)) continue;
    ++compared;
    EXPECT_TRUE(testing::read_bytes(a_dir / name) == testing::read_bytes(b_dir / name))
        << name << " differs between --precision and --paths " << n;
  }
  EXPECT_GE(compared, 5);
}

TEST(PrecisionRun, RefusesPathsWithPrecision) {
  TempDir dir;
  const fs::path io = dir.path / "io";
  fs::create_directories(io);
  const auto r = testing::run_command(
      testing::quote(testing::chainsim_binary()) + " run --precision 0.01 --paths 100 --out x.h5", dir.path, io);
  EXPECT_EQ(r.rc, 64) << testing::describe(r);
  EXPECT_FALSE(fs::exists(dir.path / "x.h5"));
}

}  // namespace
}  // namespace chainsim
