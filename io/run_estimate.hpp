#pragma once
// How much disk and memory a run will take, for the pre-flight check before
// anything is simulated: the summaries are known exactly from the layout, the
// per-path series as the output file compresses them only from running a few
// paths (the pilot).
#include "core/model/model_spec.hpp"
#include "forecast/config.hpp"
#include "forecast/parallel.hpp"
#include "forecast/run_plan.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace chainsim::io {

struct RunEstimate {
  double summary_bytes = 0;   // the weekly and period statistics: uncompressed doubles, known exactly
  double per_path_bytes = 0;  // the per-path series as the file stores them (compressed; from a pilot)
  double metadata_bytes = 0;  // HDF5's object headers, attributes, chunk indexes
  double table_bytes = 0;     // the planning table and comparison beside the file, and the manifest
  double window_bytes = 0;    // the checkpoint's window files (uncompressed series: known exactly)
  double state_bytes = 0;     // the checkpoint's state file
  double memory_bytes = 0;    // peak resident memory
  double output_bytes() const { return summary_bytes + per_path_bytes + metadata_bytes; }
  // The most the run holds on disk at once: all window files and a state
  // file, and then either the outputs being written or a second state file
  // (a state is saved under a temporary name before it replaces the last).
  double disk_bytes() const { return window_bytes + state_bytes + std::max(state_bytes, output_bytes() + table_bytes); }
};

// The state file at its largest. With more than one window per scenario, a
// checkpoint inside the last scenario: every path's state, two sets of
// per-path period metrics (the baseline's and the scenario's) and the
// summaries of every scenario. With the whole horizon in one window,
// checkpoints fall only between scenarios: no path state, one set of metrics.
double state_bytes(double paths, double path_state_bytes, std::size_t periods, double summaries,
                   bool checkpoints_inside_scenarios);

// The estimate from the plan alone (per-path series and path state: upper bounds).
RunEstimate estimate_run(const forecast::RunPlan& plan, std::size_t configuration_bytes);

// The pilot: what only running the model can tell. How well the per-path
// series compress depends on their values (a capacity that never changes
// shrinks a hundredfold, an occupancy threefold), so no fixed ratio is within
// 1.5x of every layout; and a path's state has a size only its code knows.
// The first paths of every scenario are simulated over the whole horizon (the
// kernel gives every path its own random numbers, so these are the run's own
// first paths), each variable is compressed as the file compresses a chunk,
// and the run's P paths are estimated at the pilot's bytes per path. It costs
// 64 paths per scenario: well under a percent of the default forecast.
struct Pilot {
  std::int64_t paths = 0;       // simulated per scenario
  double per_path_bytes = 0;    // the run's per-path series in the file
  double path_state_bytes = 0;  // one path's state in the state file
};
Pilot run_pilot(const forecast::RunPlan& plan, const forecast::Parallelism& parallelism);

// The estimate refined by the pilot.
void refine_estimate(RunEstimate& estimate, const forecast::RunPlan& plan, const Pilot& pilot);

}  // namespace chainsim::io
