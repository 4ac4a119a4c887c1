#pragma once
// The ensemble of one scenario, simulated window by window: a window holds
// every path's results for a range of weeks, as columns (one contiguous run
// of paths per variable and week) so that per-week statistics read memory in
// order. Between windows each path's state is kept, so memory is bounded by
// the window, not the horizon. A runner simulates one range of the run's paths
// (forecast/path_range.hpp): all of them, or one part's.
#include "core/model/model_spec.hpp"
#include "core/model/path_kernel.hpp"
#include "core/model/variables.hpp"
#include "forecast/parallel.hpp"
#include "forecast/path_range.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace chainsim::forecast {

// Regional variables kept in the ensemble (the diagnostic PermitHoldersNew is
// only needed by tests, which call the kernel directly).
inline constexpr std::size_t kStoredRegionalVars = 2;

// The results of a range of paths for weeks first_week .. first_week + weeks - 1.
// Columns are indexed by the path's position in the range (0 .. paths() - 1).
class Ensemble {
 public:
  Ensemble(int first_week, int weeks, int regions, std::int64_t paths);  // paths [0, paths)
  Ensemble(int first_week, int weeks, int regions, PathRange range);

  // Makes this the window of weeks first_week .. first_week + weeks - 1 for the
  // same regions and paths, reusing the memory already held: the next window
  // of a run needs no fresh allocation (no page faults, no zeroing). The
  // values are stale until the kernel has written every path of the window.
  void reset(int first_week, int weeks);

  int first_week() const noexcept { return first_week_; }
  int end_week() const noexcept { return first_week_ + weeks_; }
  int weeks() const noexcept { return weeks_; }
  int regions() const noexcept { return regions_; }
  std::int64_t paths() const noexcept { return paths_; }
  PathRange path_range() const noexcept { return {first_path_, first_path_ + paths_}; }

  // All paths' values of national variable v (not CostEur) in week t (absolute).
  std::span<const std::int32_t> column(core::Var v, int t) const noexcept;
  // All paths' cost in week t.
  std::span<const double> cost_column(int t) const noexcept;
  // All paths' values of regional variable v in week t, region r.
  std::span<const std::int32_t> regional_column(core::RegionalVar v, int t, int r) const noexcept;

  // Where the kernel writes the path at position `path` of the range.
  core::PathSink sink_for(std::int64_t path) noexcept;
  // Every value of the window, for a Reduction that moves windows between
  // parts: the counts, the cost and the regional counts, each laid out as the
  // accessors above read them.
  std::span<std::int32_t> counts_data() noexcept { return counts_; }
  std::span<double> cost_data() noexcept { return cost_; }
  std::span<std::int32_t> regional_data() noexcept { return regional_; }

  // Bytes held per week of window for `paths` paths and `regions` regions.
  static std::size_t bytes_per_week(int regions, std::int64_t paths) noexcept;

 private:
  std::size_t offset(int t) const noexcept { return static_cast<std::size_t>(t - first_week_); }
  int first_week_;
  int weeks_;
  int regions_;
  std::int64_t first_path_ = 0;
  std::int64_t paths_;
  std::vector<std::int32_t> counts_;    // [(v * W + w) * P + p]
  std::vector<double> cost_;            // [w * P + p]
  std::vector<std::int32_t> regional_;  // [((v * W + w) * R + r) * P + p]
};

struct EnsembleOptions {
  std::int64_t paths = 0;  // the run's paths; a runner simulates all of them or the range it is given
  std::uint64_t seed = 0;
  std::int64_t block_paths = 64;  // paths per work item; does not change results
  Parallelism parallelism;
};

// Runs a range of the paths of one scenario through the horizon, one window
// of weeks at a time. Results are identical for any thread count, back end,
// block size, window length and split of the paths into ranges.
class EnsembleRunner {
 public:
  // All the run's paths, [0, options.paths).
  EnsembleRunner(const core::ModelSpec& spec, const EnsembleOptions& options);
  // The paths of `range` (within [0, options.paths)).
  EnsembleRunner(const core::ModelSpec& spec, const EnsembleOptions& options, PathRange range);

  PathRange path_range() const noexcept { return range_; }
  bool done() const noexcept { return next_week_ >= spec_.weeks; }
  int next_week() const noexcept { return next_week_; }

  // Simulates the next `weeks` weeks (fewer at the horizon) of every path of the range;
  // `on_progress`, if given, is called (from any thread) with the number of
  // paths finished so far in this window.
  Ensemble next_window(int weeks, const std::function<void(std::int64_t)>& on_progress = {});
  // The same into `window` (same regions and range), reusing its memory.
  void next_window(int weeks, Ensemble& window, const std::function<void(std::int64_t)>& on_progress = {});

  // Checkpoints. The saved form is the whole run's: a header (the next week
  // and the run's number of paths), then every path's state in path order.
  // save() writes it for a runner of all the paths; a runner of a range writes
  // the header and its own paths, and the other ranges' paths follow from
  // their runners (MPI: each rank's, in rank order). restore() reads the whole
  // run's form into a runner of any range (same spec), keeping its own paths,
  // so a run can be resumed over another split of its paths.
  void save(core::ByteWriter& out) const;
  void save_header(core::ByteWriter& out) const;
  void save_paths(core::ByteWriter& out) const;
  void restore(core::ByteReader& in);

 private:
  const core::ModelSpec& spec_;
  EnsembleOptions options_;
  PathRange range_;
  std::vector<core::PathState> states_;
  int next_week_ = 0;
};

// The whole horizon in one window (small runs and tests).
Ensemble simulate_ensemble(const core::ModelSpec& spec, const EnsembleOptions& options);

// Weeks per window so that a window holds at most `budget_bytes` (at least 1 week).
// Never more than kMaxWindowWeeks: at equal memory, longer windows were
// measured slower (BENCHMARKS.md, "History": the seed with 25 regions at
// 10,000 x 520, 2 threads: 66.8 s with the 1 GiB window of ~150 weeks, 60.8 s
// at 52, 54.3 s at 26, 53.7 s at 13; national 100,000 x 520: 70.5 s at 57
// weeks, 63.8 s at 13). Results do not depend on the window.
inline constexpr int kMaxWindowWeeks = 13;
int window_weeks(int weeks, int regions, std::int64_t paths, std::size_t budget_bytes) noexcept;

}  // namespace chainsim::forecast
