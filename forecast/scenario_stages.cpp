#include "forecast/scenario_stages.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace chainsim::forecast {

double simulate_scenario(EnsembleRunner& runner, ScenarioSummarizer& summarizer, int window_weeks, Reduction& reduction,
                         const WindowCallbacks& callbacks) {
  using clock = std::chrono::steady_clock;
  double seconds = 0.0;
  // One window's memory for all windows of the scenario: each window
  // overwrites the last (no allocation, no page faults per window). Freed on
  // return, before the scenario's summaries are finished, which need memory too.
  Ensemble window(runner.next_week(), 0, summarizer.regions(), runner.path_range());
  const int horizon = summarizer.weeks();
  // The parts share the weekly statistics of each window (reduction.hpp).
  WeeklyShare share{reduction.part(), reduction.parts(), {}};
  if (share.parts > 1) share.merge = [&](std::span<double> cells) { reduction.merge_disjoint(cells); };
  while (!runner.done()) {
    const auto t0 = clock::now();
    const int first = runner.next_week();
    const int weeks = std::min(window_weeks, horizon - first);
    std::function<void(std::int64_t)> progress;
    if (callbacks.progress) progress = [&](std::int64_t done) { callbacks.progress(first, weeks, done); };
    runner.next_window(window_weeks, window, progress);
    seconds += std::chrono::duration<double>(clock::now() - t0).count();
    const Ensemble& all = reduction.all_paths(window);
    summarizer.add(all, share);
    if (callbacks.after_window) callbacks.after_window(window, all);
  }
  return seconds;
}

void reduce_scenario(ScenarioSummarizer& summarizer, RunProgress& progress, const std::string& name,
                     const Parallelism& parallelism) {
  ScenarioSummary summary = summarizer.finish();
  if (progress.done.empty()) {
    progress.baseline = summarizer.path_metrics();
  } else {
    progress.comparisons.push_back(
        compare_to_baseline(name, summarizer.path_metrics(), progress.baseline, parallelism));
  }
  progress.done.push_back(std::move(summary));
}

}  // namespace chainsim::forecast
