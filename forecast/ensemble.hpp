#pragma once
// The ensemble of one scenario: every path's weekly results, held as columns
// (one contiguous run of paths per variable and week) so that per-week
// statistics read memory in order.
#include "core/model_spec.hpp"
#include "core/path_kernel.hpp"
#include "core/variables.hpp"
#include "forecast/parallel.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace chainsim {

// Regional variables kept in the ensemble (the diagnostic PermitHoldersNew is
// only needed by tests, which call the kernel directly).
inline constexpr std::size_t kStoredRegionalVars = 2;

class Ensemble {
 public:
  Ensemble(int weeks, int regions, std::int64_t paths);

  int weeks() const noexcept { return weeks_; }
  int regions() const noexcept { return regions_; }
  std::int64_t paths() const noexcept { return paths_; }

  // All paths' values of national variable v (not CostEur) in week t.
  std::span<const std::int32_t> column(core::Var v, int t) const noexcept;
  // All paths' cost in week t.
  std::span<const double> cost_column(int t) const noexcept;
  // All paths' values of regional variable v in week t, region r.
  std::span<const std::int32_t> regional_column(core::RegionalVar v, int t, int r) const noexcept;

  // Where the kernel writes path p.
  core::PathSink sink_for(std::int64_t path) noexcept;

 private:
  int weeks_;
  int regions_;
  std::int64_t paths_;
  std::vector<std::int32_t> counts_;    // [(v * T + t) * P + p]
  std::vector<double> cost_;            // [t * P + p]
  std::vector<std::int32_t> regional_;  // [((v * T + t) * R + r) * P + p]
};

struct EnsembleOptions {
  std::int64_t paths = 0;
  std::uint64_t seed = 0;
  std::int64_t block_paths = 64;  // paths per work item; does not change results
  Parallelism parallelism;
};

// Simulates paths 0..paths-1 of one scenario. Identical results for any
// thread count, back end and block size.
Ensemble simulate_ensemble(const core::ModelSpec& spec, const EnsembleOptions& options);

}  // namespace chainsim
