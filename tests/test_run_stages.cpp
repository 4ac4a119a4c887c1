// The seam for distributed runs (forecast/path_range.hpp, reduction.hpp,
// scenario_stages.hpp): a run split into ranges of paths, each simulated by
// its own part and combined through a Reduction, must give the bits of the
// serial run. The parts here are threads of one process exchanging windows
// through shared memory, as an MPI back end would exchange them between ranks
// (docs/ARCHITECTURE.md, "A new reduction back end").
#include "core/model/variables.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/path_range.hpp"
#include "forecast/reduction.hpp"
#include "forecast/resolve.hpp"
#include "forecast/run_plan.hpp"
#include "forecast/run_progress.hpp"
#include "forecast/scenario_stages.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <bit>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

namespace chainsim {
namespace {

forecast::Config short_seed(int weeks, std::int64_t paths) {
  forecast::Config c = io::load_seed().scenarios[0];
  c.run.weeks = weeks;
  c.run.paths = paths;
  return c;
}

TEST(PathRange, SplitCoversEveryPathOnce) {
  for (std::int64_t paths : {1, 7, 100, 1001})
    for (int parts : {1, 2, 3, 8}) {
      std::int64_t next = 0;
      for (int k = 0; k < parts; ++k) {
        const forecast::PathRange r = forecast::split_paths(paths, parts, k);
        EXPECT_EQ(r.first, next) << paths << " paths, part " << k << " of " << parts;
        EXPECT_LE(r.size(), paths / parts + 1);
        EXPECT_GE(r.size(), paths / parts);
        next = r.last;
      }
      EXPECT_EQ(next, paths);
    }
}

// Whether `part`, a window of the paths of `range`, holds in every count
// column of its weeks the values of those paths in `whole`.
::testing::AssertionResult same_paths(const forecast::Ensemble& whole, const forecast::Ensemble& part,
                                      forecast::PathRange range) {
  for (int t = part.first_week(); t < part.end_week(); ++t)
    for (std::size_t v = 0; v < core::kNumVars; ++v) {
      if (static_cast<core::Var>(v) == core::Var::CostEur) continue;  // a double column
      const auto a = whole.column(static_cast<core::Var>(v), t)
                         .subspan(static_cast<std::size_t>(range.first), static_cast<std::size_t>(range.size()));
      if (!std::ranges::equal(a, part.column(static_cast<core::Var>(v), t)))
        return ::testing::AssertionFailure()
               << core::kVarInfo[v].name << " week " << t << " paths [" << range.first << ", " << range.last << ")";
    }
  return ::testing::AssertionSuccess();
}

TEST(PathRange, RangesOfARunSimulateTheSamePathsAsTheWholeRun) {
  // Randomness is keyed by the global path index: path 37 is the same path
  // whether its range starts at 0, at 30 (not a multiple of the kernel's
  // group of 8 paths) or at 37.
  const core::ModelSpec spec = forecast::resolve(short_seed(30, 90));
  forecast::EnsembleOptions o;
  o.paths = 90;
  o.seed = 5;
  o.parallelism = {forecast::Backend::OpenMP, 2};
  forecast::EnsembleRunner whole(spec, o);
  const forecast::Ensemble all = whole.next_window(30);
  for (const forecast::PathRange range : {forecast::PathRange{0, 30}, forecast::PathRange{30, 90},
                                          forecast::PathRange{37, 38}, forecast::PathRange{3, 89}}) {
    forecast::EnsembleRunner part(spec, o, range);
    const forecast::Ensemble w = part.next_window(30);
    ASSERT_EQ(w.path_range(), range);
    ASSERT_TRUE(same_paths(all, w, range));
  }
  EXPECT_THROW(forecast::EnsembleRunner(spec, o, forecast::PathRange{80, 91}), std::invalid_argument);
}

TEST(PathRange, ACheckpointSavedByThePartsResumesOverAnySplit) {
  // A checkpoint in the whole run's form, written by the parts of one split
  // (each its header-less paths, in order, after the first part's header: what
  // rank 0 writes under MPI) is byte for byte the whole runner's, and restores
  // into the parts of another split, which then go on as the whole run does.
  const core::ModelSpec spec = forecast::resolve(short_seed(24, 101));
  forecast::EnsembleOptions o;
  o.paths = 101;
  o.seed = 11;
  o.parallelism = {forecast::Backend::OpenMP, 2};
  forecast::EnsembleRunner whole(spec, o);
  whole.next_window(10);
  core::ByteWriter whole_bytes;
  whole.save(whole_bytes);

  std::vector<forecast::EnsembleRunner> two;
  two.reserve(2);
  for (int k = 0; k < 2; ++k) two.emplace_back(spec, o, forecast::split_paths(101, 2, k));
  core::ByteWriter parts_bytes;
  for (auto& part : two) part.next_window(10);
  two[0].save_header(parts_bytes);
  for (const auto& part : two) part.save_paths(parts_bytes);
  ASSERT_EQ(parts_bytes.bytes(), whole_bytes.bytes());
  // Only a runner of all the paths saves the whole form by itself.
  core::ByteWriter refused;
  EXPECT_THROW(two[1].save(refused), std::logic_error);

  const forecast::Ensemble rest = whole.next_window(14);
  for (int parts : {1, 3}) {
    for (int k = 0; k < parts; ++k) {
      const forecast::PathRange range = forecast::split_paths(101, parts, k);
      forecast::EnsembleRunner resumed(spec, o, range);
      core::ByteReader in(parts_bytes.bytes());
      resumed.restore(in);
      EXPECT_EQ(resumed.next_week(), 10);
      const forecast::Ensemble w = resumed.next_window(14);
      ASSERT_TRUE(same_paths(rest, w, range)) << "part " << k << " of " << parts;
    }
  }
  // A checkpoint of another number of paths is refused.
  forecast::EnsembleOptions other = o;
  other.paths = 100;
  forecast::EnsembleRunner wrong(spec, other);
  core::ByteReader in(whole_bytes.bytes());
  EXPECT_THROW(wrong.restore(in), std::runtime_error);
}

TEST(PeriodPathMetrics, ACheckpointLeavesOutZeroRowsAndRestoresEveryBit) {
  // Rows of periods not begun are all +0.0 and are not written; a row holding
  // -0.0 or a tiny value is, so the restored metrics equal the saved ones bit
  // for bit, and the state is smaller than the full table.
  const std::size_t periods = 5;
  const std::int64_t P = 1000;
  forecast::PeriodPathMetrics m(periods, P);
  m.row(forecast::PeriodMetric::PeakOccupancy, 0)[3] = 1234.0;
  m.row(forecast::PeriodMetric::CostEur, 4)[P - 1] = -0.0;
  m.row(forecast::PeriodMetric::Inflow, 2)[0] = 4.9e-324;
  std::vector<char> bytes;
  core::ByteWriter w([&](std::span<const char> piece) { bytes.insert(bytes.end(), piece.begin(), piece.end()); });
  m.save(w);
  w.flush();
  const std::size_t full = forecast::kNumPeriodMetrics * periods * static_cast<std::size_t>(P) * sizeof(double);
  EXPECT_LT(bytes.size(), full / 10) << "three rows of " << forecast::kNumPeriodMetrics * periods << " written";
  forecast::PeriodPathMetrics back;
  core::ByteReader r(bytes);
  back.restore(r);
  EXPECT_TRUE(r.at_end());
  ASSERT_EQ(back.periods(), periods);
  ASSERT_EQ(back.paths(), P);
  for (std::size_t k = 0; k < forecast::kNumPeriodMetrics; ++k)
    for (std::size_t q = 0; q < periods; ++q) {
      const auto metric = static_cast<forecast::PeriodMetric>(k);
      EXPECT_EQ(std::memcmp(m.row(metric, q), back.row(metric, q), static_cast<std::size_t>(P) * sizeof(double)), 0)
          << "metric " << k << " period " << q;
    }
  EXPECT_TRUE(std::signbit(back.row(forecast::PeriodMetric::CostEur, 4)[P - 1]));
  // A damaged row flag is refused.
  std::vector<char> damaged = bytes;
  damaged[2 * sizeof(std::uint64_t) + sizeof(std::uint64_t)] = 7;  // the first row's flag
  core::ByteReader rd(damaged);
  forecast::PeriodPathMetrics bad;
  EXPECT_THROW(bad.restore(rd), std::runtime_error);
}

TEST(SerialReduction, IsTheWindowItselfAndRefusesAPart) {
  const core::ModelSpec spec = forecast::resolve(short_seed(10, 40));
  forecast::EnsembleOptions o;
  o.paths = 40;
  forecast::SerialReduction serial(40);
  EXPECT_EQ(serial.local_paths(), (forecast::PathRange{0, 40}));
  EXPECT_TRUE(serial.writes_output());
  forecast::EnsembleRunner runner(spec, o);
  const forecast::Ensemble w = runner.next_window(10);
  EXPECT_EQ(&serial.all_paths(w), &w);
  forecast::EnsembleRunner part(spec, o, forecast::PathRange{0, 20});
  EXPECT_THROW(serial.all_paths(part.next_window(10)), std::invalid_argument);
}

// Parts as threads of one process: each deposits its window, waits for the
// others (a barrier, as an MPI collective waits), copies every part's paths
// into its own whole window at their range's offset, and waits again so that
// no part simulates over its window before all have copied it.
class ThreadPartsExchange {
 public:
  explicit ThreadPartsExchange(std::int64_t paths, int parts)
      : paths_(paths), windows_(static_cast<std::size_t>(parts)), sync_(parts) {}
  std::int64_t paths() const noexcept { return paths_; }
  int parts() const noexcept { return static_cast<int>(windows_.size()); }

  void gather(int part, const forecast::Ensemble& local, forecast::Ensemble& whole) {
    windows_[static_cast<std::size_t>(part)] = &local;
    sync_.arrive_and_wait();
    whole.reset(local.first_week(), local.weeks());
    const auto P = static_cast<std::size_t>(paths_), W = static_cast<std::size_t>(local.weeks());
    const auto R = static_cast<std::size_t>(local.regions());
    for (const forecast::Ensemble* w : windows_) {
      forecast::Ensemble& from = const_cast<forecast::Ensemble&>(*w);
      const auto first = static_cast<std::size_t>(w->path_range().first);
      const auto n = static_cast<std::size_t>(w->paths());
      // Column c of the part (n values) goes to column c of the whole (P values) at `first`.
      auto copy = [&](auto src, auto dst, std::size_t columns) {
        for (std::size_t c = 0; c < columns; ++c) std::copy_n(src.data() + c * n, n, dst.data() + c * P + first);
      };
      copy(from.counts_data(), whole.counts_data(), core::kNumVars * W);
      copy(from.cost_data(), whole.cost_data(), W);
      copy(from.regional_data(), whole.regional_data(), forecast::kStoredRegionalVars * W * R);
    }
    sync_.arrive_and_wait();
  }

  // Each part ors every part's values into its own (what MPI_BOR does).
  void merge_disjoint(int part, std::span<double> values) {
    spans_[static_cast<std::size_t>(part)] = values;
    sync_.arrive_and_wait();
    std::vector<std::uint64_t> merged(values.size(), 0);
    for (const std::span<double> other : spans_) {
      if (other.size() != values.size()) throw std::logic_error("parts merge spans of different lengths");
      for (std::size_t i = 0; i < values.size(); ++i) merged[i] |= std::bit_cast<std::uint64_t>(other[i]);
    }
    sync_.arrive_and_wait();  // every part has read every span
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::bit_cast<double>(merged[i]);
  }

 private:
  std::int64_t paths_;
  std::vector<const forecast::Ensemble*> windows_;
  std::vector<std::span<double>> spans_ = std::vector<std::span<double>>(windows_.size());
  std::barrier<> sync_;
};

class ThreadPartReduction final : public forecast::Reduction {
 public:
  ThreadPartReduction(ThreadPartsExchange& exchange, int part, int regions)
      : exchange_(exchange), part_(part), whole_(0, 0, regions, exchange.paths()) {}
  std::int64_t total_paths() const noexcept override { return exchange_.paths(); }
  forecast::PathRange local_paths() const noexcept override {
    return forecast::split_paths(exchange_.paths(), exchange_.parts(), part_);
  }
  bool writes_output() const noexcept override { return part_ == 0; }
  const forecast::Ensemble& all_paths(const forecast::Ensemble& local) override {
    exchange_.gather(part_, local, whole_);
    return whole_;
  }
  // The parts share the weekly statistics, as MpiReduction's ranks do.
  int part() const noexcept override { return part_; }
  int parts() const noexcept override { return exchange_.parts(); }
  void merge_disjoint(std::span<double> values) override { exchange_.merge_disjoint(part_, values); }

 private:
  ThreadPartsExchange& exchange_;
  int part_;
  forecast::Ensemble whole_;
};

// Whether two weekly statistics hold the same bits (0.0 and -0.0 differ).
bool same_bits(const forecast::WeeklyStats& a, const forecast::WeeklyStats& b) {
  auto same = [](const std::vector<double>& x, const std::vector<double>& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
  };
  return same(a.mean, b.mean) && same(a.sd, b.sd) && same(a.quantiles, b.quantiles);
}

TEST(ReductionBackEnd, ThreePartsGiveTheSerialRunsSummariesAndComparisons) {
  // The seed's baseline and first scenario, 101 paths (split 34/34/33) over
  // 40 weeks in windows of 13: every part, having computed a third of the
  // weekly statistics, ends with the serial run's summaries and paired
  // comparison, bit for bit.
  forecast::ScenarioSet set = io::load_seed();
  for (forecast::Config& c : set.scenarios) {
    c.run.weeks = 40;
    c.run.paths = 101;
  }
  set.scenarios.resize(2);
  set.names.resize(2);
  const forecast::RunPlan plan = plan_run(set, 13);
  const forecast::SummaryOptions sopt{
      plan.base.output.quantiles, plan.base.output.risk_levels, {forecast::Backend::OpenMP, 1}};
  forecast::EnsembleOptions eopt;
  eopt.paths = plan.paths();
  eopt.seed = plan.base.run.seed;
  eopt.parallelism = sopt.parallelism;

  auto run_part = [&](forecast::Reduction& reduction, forecast::RunProgress& progress) {
    for (std::size_t s = 0; s < plan.specs.size(); ++s) {
      forecast::EnsembleRunner runner(plan.specs[s], eopt, reduction.local_paths());
      forecast::ScenarioSummarizer summarizer(plan.names[s], plan.weeks(), plan.regions(), plan.paths(), plan.periods,
                                              sopt);
      forecast::simulate_scenario(runner, summarizer, plan.window, reduction, {});
      forecast::reduce_scenario(summarizer, progress, plan.names[s], sopt.parallelism);
    }
  };
  forecast::SerialReduction serial(plan.paths());
  forecast::RunProgress expected;
  run_part(serial, expected);

  constexpr int kParts = 3;
  ThreadPartsExchange exchange(plan.paths(), kParts);
  std::vector<forecast::RunProgress> parts(kParts);
  {
    std::vector<std::jthread> threads;
    for (int k = 0; k < kParts; ++k)
      threads.emplace_back([&, k] {
        ThreadPartReduction reduction(exchange, k, plan.regions());
        run_part(reduction, parts[static_cast<std::size_t>(k)]);
      });
  }
  for (const forecast::RunProgress& got : parts) {
    ASSERT_EQ(got.done.size(), expected.done.size());
    for (std::size_t s = 0; s < expected.done.size(); ++s) {
      for (std::size_t v = 0; v < core::kNumVars; ++v)
        EXPECT_TRUE(same_bits(got.done[s].national[v], expected.done[s].national[v])) << core::kVarInfo[v].name;
      for (std::size_t v = 0; v < forecast::kStoredRegionalVars; ++v)
        EXPECT_TRUE(same_bits(got.done[s].regional[v], expected.done[s].regional[v])) << "regional " << v;
      EXPECT_EQ(got.done[s].periods.capacity_needed, expected.done[s].periods.capacity_needed);
      for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m)
        EXPECT_EQ(got.done[s].periods.metric_quantiles[m], expected.done[s].periods.metric_quantiles[m])
            << forecast::kPeriodMetricNames[m];
    }
    ASSERT_EQ(got.comparisons.size(), 1u);
    for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m) {
      EXPECT_EQ(got.comparisons[0].mean[m], expected.comparisons[0].mean[m]) << forecast::kPeriodMetricNames[m];
      EXPECT_EQ(got.comparisons[0].high[m], expected.comparisons[0].high[m]) << forecast::kPeriodMetricNames[m];
    }
  }
}

TEST(RunPlan, NamesTheScenarioThatCannotBeResolved) {
  forecast::ScenarioSet set = io::load_seed();
  set.scenarios[1].housing.programmes.at(0).region = "VR99";
  try {
    forecast::plan_run(set, std::nullopt);
    FAIL() << "a programme in an unknown safety region was resolved";
  } catch (const forecast::ScenarioResolveError& e) {
    EXPECT_EQ(e.key, "scenario[" + set.names[1] + "].housing.programme.region");
  }
  const forecast::RunPlan plan = plan_run(io::load_seed(), 1000);
  EXPECT_EQ(plan.window, plan.weeks());  // clamped to the horizon
  EXPECT_EQ(plan.region_codes.size(), 25u);
  EXPECT_EQ(plan.specs.size(), plan.names.size());
}

}  // namespace
}  // namespace chainsim
