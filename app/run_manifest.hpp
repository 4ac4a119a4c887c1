#pragma once
// The run manifest, a JSON sidecar `<output>.run.json`: everything about a run
// that may differ between identical runs (times, host, threads, timings) and
// so must stay out of the HDF5 file, whose bytes depend only on the inputs.
#include <cstdint>
#include <string>
#include <vector>

namespace chainsim::app {

struct ScenarioTiming {
  std::string name;
  double simulate_seconds = 0.0;
  double total_seconds = 0.0;
  // Spent by the writer on the per-path window files (transposes and writes).
  double window_file_seconds = 0.0;
};

struct RunManifest {
  std::string command_line;
  std::string start_utc;  // ISO 8601
  std::string end_utc;
  double wall_seconds = 0.0;
  std::string host;
  int threads = 0;  // per rank
  // The MPI ranks of the run (1 without MPI) and each rank's host, rank order.
  int ranks = 1;
  std::vector<std::string> rank_hosts;
  std::string backend;
  std::string simd;  // instruction set of the kernel's lanes (core/random/philox_lanes.hpp)
  int window_weeks = 0;
  std::string configuration_source;
  std::int64_t paths = 0;
  int weeks = 0;
  std::uint64_t seed = 0;
  std::vector<ScenarioTiming> scenarios;
  std::vector<std::pair<std::string, std::uintmax_t>> outputs;  // path, bytes
  // The pre-flight's estimates (0 without one), and the checkpoint's size at
  // the run's end, to see how close the estimates come.
  double estimated_output_bytes = 0;
  double estimated_disk_bytes = 0;
  std::uintmax_t checkpoint_bytes = 0;
  // `--precision` (app/precision_run.hpp): the target relative standard
  // error, the batches simulated, the paths they stopped at, the largest
  // relative error there and its figure; absent from the JSON when
  // precision_target is 0 (a fixed run).
  double precision_target = 0.0;
  std::int64_t precision_batch_paths = 0;
  std::int64_t precision_max_paths = 0;
  int precision_batches = 0;
  std::int64_t precision_paths = 0;
  bool precision_met = false;
  double precision_worst_relative_error = 0.0;
  std::string precision_worst_figure;
  std::vector<std::string> checkpoint_history;  // "<utc> saved|resumed|interrupted scenario S week W"
  int exit_status = 0;
  std::string status;  // "completed", or what went wrong
};

// Current UTC time as "2026-11-28T01:02:03Z".
std::string utc_now();
std::string host_name();

std::string to_json(const RunManifest& m);

// Writes the manifest to `path` (normally `<output>.run.json`), atomically.
void write_manifest(const std::string& path, const RunManifest& m);

}  // namespace chainsim::app
