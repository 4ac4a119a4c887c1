#pragma once
// How the parts of a run combine into statistics over all its paths.
//
// A run's paths [0, P) may be simulated in parts, each a PathRange
// (path_range.hpp): one part, the whole run (SerialReduction), or in the MPI
// build one part per rank (mpi_reduction.hpp). Every statistic the
// output holds is exact over all P paths: means and sds taken in path order,
// type-7 quantiles from the order statistics, integer counts of paths
// (statistics.hpp). Floating-point sums depend on their order, so partial sums
// per part would change the bits; what a part hands on is therefore its paths'
// values, and the summaries (ScenarioSummarizer) are computed from every
// path's values in global path order, the same code whatever the split.
//
// The one exchange the run needs is a window of weeks: after each window the
// summariser reads all_paths(the part's window). A back end implements it by
// gathering every part's columns (for MPI: one MPI_Allgatherv per array of
// Ensemble::counts_data, cost_data and regional_data, each part's paths then
// copied to their range's offset), so that every part holds the same summaries and part
// 0 writes the output. docs/ARCHITECTURE.md, "A new reduction back end".
//
// The weekly statistics of a window need not be computed by every part: with
// parts() > 1 each part computes its share of the cells (ScenarioSummarizer's
// WeeklyShare) and merge_disjoint gives every part all of them, bit for bit.
#include "forecast/ensemble.hpp"
#include "forecast/path_range.hpp"

#include <cstdint>
#include <span>

namespace chainsim::forecast {

class Reduction {
 public:
  virtual ~Reduction() = default;

  // P, the run's paths.
  virtual std::int64_t total_paths() const noexcept = 0;
  // The paths this part simulates.
  virtual PathRange local_paths() const noexcept = 0;
  // Whether this part writes the outputs (exactly one part does).
  virtual bool writes_output() const noexcept = 0;

  // Every path's values of the window `local` (this part's paths of weeks
  // local.first_week() .. end_week() - 1), paths in global order [0, P). Every
  // part calls it with the same weeks. The result lives until the next call.
  virtual const Ensemble& all_paths(const Ensemble& local) = 0;

  // This part's index and the number of parts that share the weekly statistics.
  virtual int part() const noexcept { return 0; }
  virtual int parts() const noexcept { return 1; }
  // Every part calls it with a span of the same length, in which each value
  // was written by exactly one part and holds all-zero bits in the others;
  // afterwards every part's span holds every value (the bits of its writer).
  virtual void merge_disjoint(std::span<double> values);
};

// One part that simulates every path: the window is already all paths.
class SerialReduction final : public Reduction {
 public:
  explicit SerialReduction(std::int64_t paths) noexcept : paths_(paths) {}
  std::int64_t total_paths() const noexcept override { return paths_; }
  PathRange local_paths() const noexcept override { return whole_range(paths_); }
  bool writes_output() const noexcept override { return true; }
  // `local` itself, not copied.
  const Ensemble& all_paths(const Ensemble& local) override;

 private:
  std::int64_t paths_;
};

}  // namespace chainsim::forecast
