#pragma once
// Where a run stands: the scenarios simulated and reduced so far, with their
// summaries and comparisons, and what a checkpoint saves of it. The state is
// bytes (core/model/byte_buffer.hpp); where they are stored is the caller's
// (io/checkpoint_store.hpp).
#include "core/model/byte_buffer.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/summaries.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace chainsim::forecast {

struct RunProgress {
  std::size_t scenario = 0;                     // the scenario being simulated
  std::vector<ScenarioSummary> done;            // finished scenarios, in order
  std::vector<ScenarioComparison> comparisons;  // done[s] against the baseline, s >= 1
  PeriodPathMetrics baseline;                   // per-path metrics of the baseline (after scenario 0)
  std::vector<std::string> history;             // checkpoint history for the manifest
};

// The progress (all but the baseline's per-path metrics: save_baseline), and
// inside a scenario the runner's path states and the summariser's partial
// results (both null between scenarios). A runner of a
// part of the paths (MPI: rank 0's, the first) saves its own paths, and
// `other_paths` then writes those of the others, in path order, so the saved
// form is the same for any split.
void save_progress(core::ByteWriter& w, const RunProgress& progress, const EnsembleRunner* runner,
                   const ScenarioSummarizer* summarizer,
                   const std::function<void(core::ByteWriter&)>& other_paths = {});
// Restores the progress; returns whether a runner's and summariser's state
// follow in the reader (to be restored into a runner and summariser of
// scenario progress.scenario).
bool restore_progress(core::ByteReader& r, RunProgress& progress);
// The baseline's per-path metrics, saved apart: they are fixed once the
// baseline is done, so a checkpoint writes them once, not with every state.
// A restored progress with a scenario done needs them restored too.
void save_baseline(core::ByteWriter& w, const RunProgress& progress);
void restore_baseline(core::ByteReader& r, RunProgress& progress);

}  // namespace chainsim::forecast
