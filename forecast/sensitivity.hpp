#pragma once
// Global sensitivity of the forecast to its uncertain inputs
// (docs/sensitivity.md): Sobol' first-order and total indices of planning
// outputs at chosen horizons with respect to each input group
// (forecast/input_groups.hpp), from a Saltelli pick-freeze design.
//
// The design needs no change to any parameter. Every draw of a path is a
// pure function of (seed, path, week, flow, sub, index), so "the inputs of
// group i from row j of B, the rest from row j of A" is a path that draws
// group i's flows from stream path b_j and every other flow from a_j
// (core/random/flow_paths.hpp). Rows of A are stream paths a_j = j, rows of B
// b_j = N + j: A is exactly the first N paths of `chainsim run` with the
// same seed.
#include "core/random/flow_paths.hpp"
#include "core/model/model_spec.hpp"
#include "forecast/config.hpp"
#include "forecast/input_groups.hpp"
#include "forecast/parallel.hpp"
#include "forecast/sobol_indices.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace chainsim::forecast {

// The per-path outputs whose variance is decomposed.
enum class SensitivityOutput : std::size_t {
  Occupancy,      // occupancy in the horizon's last week
  Shortfall,      // 1 if occupancy exceeds capacity in some week of the horizon's year, else 0
  PeakOccupancy,  // highest weekly occupancy of the horizon's year (capacity needed is its quantile)
  PermitHolders,  // permit holders waiting for a home in the horizon's last week
  Count
};
inline constexpr std::size_t kNumSensitivityOutputs = static_cast<std::size_t>(SensitivityOutput::Count);
inline constexpr std::array<const char*, kNumSensitivityOutputs> kSensitivityOutputNames{
    "occupancy", "shortfall", "peak_occupancy", "permit_holders"};
// What each output is, for people.
std::string sensitivity_output_description(SensitivityOutput o);

// A horizon: its last week and the year of weeks before it (for the peak and
// the shortfall): weeks first_week <= t <= last_week.
struct SensitivityHorizon {
  std::string label;  // "year 1", "2025-06-30"
  Date date{};        // the horizon: the end of its last week
  int first_week = 0;
  int last_week = 0;
};

// The horizon `years` calendar years after `start`, or at `date`: its last
// week is the last one that ends on or before that day. Throws
// std::invalid_argument (naming the horizon) when no whole week of the run's
// `weeks` ends by then, or the run ends before it.
SensitivityHorizon horizon_after_years(Date start, int weeks, int years);
SensitivityHorizon horizon_at_date(Date start, int weeks, Date date);

struct SensitivityOptions {
  std::int64_t design_size = 4096;  // N, rows of A and of B
  std::uint64_t seed = 0;           // the run's seed
  Parallelism parallelism;
  BootstrapOptions bootstrap;
};

// Paths simulated for a design of N rows over `groups` active groups:
// A, B, one AB per group, and one more for the closed index of all
// parameter groups together when there are two or more of them.
std::int64_t sensitivity_paths(std::int64_t design_size, const std::vector<InputGroup>& groups);

struct SensitivityResult {
  std::vector<InputGroup> groups;    // the active groups, in the order of the indices
  std::vector<InputGroup> inactive;  // left out: their indices are zero
  std::vector<SensitivityHorizon> horizons;
  std::int64_t design_size = 0;
  std::int64_t simulated_paths = 0;
  // [output * horizons + h]: per group in `groups` order, then (when any
  // group is a parameter group) one more entry: all parameter groups
  // together (their closed indices).
  std::vector<SobolIndices> indices;

  const SobolIndices& at(SensitivityOutput o, std::size_t horizon) const {
    return indices[static_cast<std::size_t>(o) * horizons.size() + horizon];
  }
  bool has_parameters() const noexcept;
};

// The share of an output's variance due to the parameters alone (first-order
// index of all parameter groups together), to their interaction with the
// process noise, and to the process noise alone (1 - the parameters' total
// index): three parts that add up to one.
struct VarianceSplit {
  IndexEstimate parameters;
  IndexEstimate interaction;  // point estimate only (bounds NaN)
  IndexEstimate process;
};
VarianceSplit variance_split(const SensitivityResult& r, SensitivityOutput o, std::size_t horizon);

// The stream paths of row `row` of the matrix in which the groups marked in
// `from_b` come from B (none: A; all: B).
core::FlowPaths design_row(const std::vector<InputGroup>& groups, const std::vector<bool>& from_b,
                           std::int64_t design_size, std::int64_t row);

// Every output of every row of every matrix of a design.
struct DesignValues {
  std::vector<InputGroup> groups;  // active
  std::vector<InputGroup> inactive;
  std::vector<SensitivityHorizon> horizons;
  std::int64_t design_size = 0;
  // Which groups each matrix takes from B: A, B, AB_i for each group, and
  // last (with two or more parameter groups) all parameter groups.
  std::vector<std::vector<bool>> matrices;
  std::size_t parameter_matrix = 0;  // the matrix of all parameter groups from B; 0 when there is no parameter group
  std::vector<double> values;        // [((matrix * outputs + output) * horizons + h) * N + row]

  std::span<const double> column(std::size_t matrix, SensitivityOutput o, std::size_t horizon) const {
    const std::size_t k = static_cast<std::size_t>(o) * horizons.size() + horizon;
    const auto n = static_cast<std::size_t>(design_size);
    return {values.data() + (matrix * kNumSensitivityOutputs * horizons.size() + k) * n, n};
  }
};

// Simulates the design for `spec` (one scenario). `on_progress`, if given,
// is called (from any thread) with the paths simulated so far. The values do
// not depend on threads or back end.
DesignValues simulate_design(const core::ModelSpec& spec, const std::vector<SensitivityHorizon>& horizons,
                             const SensitivityOptions& options,
                             const std::function<void(std::int64_t)>& on_progress = {});

// Every index of every output and horizon, from the design's values.
SensitivityResult estimate_sensitivity(const DesignValues& design, const BootstrapOptions& bootstrap,
                                       const Parallelism& parallelism);

// Both in one.
SensitivityResult run_sensitivity(const core::ModelSpec& spec, const std::vector<SensitivityHorizon>& horizons,
                                  const SensitivityOptions& options,
                                  const std::function<void(std::int64_t)>& on_progress = {});

}  // namespace chainsim::forecast
