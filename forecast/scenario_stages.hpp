#pragma once
// Stages 2 and 3 of a run (docs/ARCHITECTURE.md, "The life of a run"), per
// scenario: simulate this part's range of paths window by window, each window
// reduced over all parts into the scenario's summariser; then reduce the
// scenario to its summary and its paired comparison with the baseline.
// No files and no signals here: what happens after each window (the per-path
// series saved, a checkpoint, a stop) is the caller's, through the callbacks.
#include "forecast/ensemble.hpp"
#include "forecast/parallel.hpp"
#include "forecast/reduction.hpp"
#include "forecast/run_progress.hpp"
#include "forecast/summaries.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace chainsim::forecast {

struct WindowCallbacks {
  // During a window, from any thread: `paths_done` of this part's paths have
  // finished the window of `weeks` weeks that starts at `first_week`.
  std::function<void(int first_week, int weeks, std::int64_t paths_done)> progress;
  // After each window, once the summariser holds it: this part's window and
  // the window of all paths (the same object when there is one part).
  // It may throw to stop the run (the runner then stands after the window).
  std::function<void(const Ensemble& local, const Ensemble& all)> after_window;
};

// Simulates the weeks from runner.next_week() to the horizon in windows of
// `window_weeks`, adding each window, over all paths, to `summarizer`.
// Returns the seconds spent simulating (the kernel alone).
double simulate_scenario(EnsembleRunner& runner, ScenarioSummarizer& summarizer, int window_weeks, Reduction& reduction,
                         const WindowCallbacks& callbacks);

// The scenario's summary into progress.done; the baseline's (scenario 0)
// per-path metrics kept for the paired comparisons of the others, which go
// into progress.comparisons. Call once, after the last window.
void reduce_scenario(ScenarioSummarizer& summarizer, RunProgress& progress, const std::string& name,
                     const Parallelism& parallelism);

}  // namespace chainsim::forecast
