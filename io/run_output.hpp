#pragma once
// Stages 4 and 5 of a run (docs/ARCHITECTURE.md, "The life of a run"):
// assemble the output file from the reduced summaries and the per-path series
// in the checkpoint's window files, then write the tables beside it. The same
// sequence of writes whether or not the run was interrupted and resumed.
#include "forecast/config.hpp"
#include "forecast/parallel.hpp"
#include "forecast/run_plan.hpp"
#include "forecast/run_progress.hpp"
#include "io/checkpoint_store.hpp"
#include "io/output_file.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace chainsim::io {

// "out/run.h5" -> "out/run": the tables are written as out/run.planning.csv etc.
std::string table_stem(const std::filesystem::path& output);

// Every file a run writes: the HDF5 file and the tables beside it (not the manifest).
std::vector<std::filesystem::path> run_outputs(const std::filesystem::path& output);

// The output file's layout for the plan; provenance from the scenario set.
OutputLayout output_layout(const forecast::RunPlan& plan, const forecast::ScenarioSet& set,
                           const std::filesystem::path& output);

// Bytes of one window file of the plan (every per-path variable, every path,
// `weeks` weeks), as CheckpointStore::open_window expects them.
std::uint64_t window_file_bytes(const forecast::RunPlan& plan, int weeks);

// Writes the output file: every scenario's summary, its comparison with the
// baseline and its per-path series gathered from the window files (a chunk of
// paths at a time over the whole horizon, compressed in parallel), then
// commits it. Returns false, leaving no file, when `stop` returned true
// (checked between scenarios and between blocks of chunks).
// `before_commit`, if given, may add a section of another command's own (the
// plan of `chainsim plan`) once every scenario is in the file.
bool assemble_output(const OutputLayout& layout, const forecast::RunPlan& plan, const forecast::RunProgress& progress,
                     const CheckpointStore& store, const forecast::Parallelism& parallelism, bool (*stop)() noexcept,
                     const std::function<void(OutputFile&)>& before_commit = {});

// The planning table, the scenario comparison and the regional planning table
// (CSV and Markdown) beside the output, each written atomically.
void write_tables(const OutputLayout& layout, const forecast::RunProgress& progress);

}  // namespace chainsim::io
