#include "forecast/run_progress.hpp"

#include <cstdint>

namespace chainsim::forecast {

void save_progress(core::ByteWriter& w, const RunProgress& pr, const EnsembleRunner* runner,
                   const ScenarioSummarizer* summarizer, const std::function<void(core::ByteWriter&)>& other_paths) {
  w.put<std::uint64_t>(pr.scenario);
  w.put<std::uint64_t>(pr.done.size());
  for (const auto& s : pr.done) save(w, s);
  w.put<std::uint64_t>(pr.comparisons.size());
  for (const auto& c : pr.comparisons) save(w, c);
  w.put<std::uint64_t>(pr.history.size());
  for (const auto& h : pr.history) w.put_string(h);
  w.put<bool>(runner != nullptr);
  if (runner) {
    runner->save_header(w);
    runner->save_paths(w);
    if (other_paths) other_paths(w);
    summarizer->save(w);
  }
}

void save_baseline(core::ByteWriter& w, const RunProgress& pr) { pr.baseline.save(w); }

void restore_baseline(core::ByteReader& r, RunProgress& pr) { pr.baseline.restore(r); }

bool restore_progress(core::ByteReader& r, RunProgress& pr) {
  pr.scenario = r.get<std::uint64_t>();
  pr.done.resize(r.get<std::uint64_t>());
  for (auto& s : pr.done) s = restore_summary(r);
  pr.comparisons.resize(r.get<std::uint64_t>());
  for (auto& c : pr.comparisons) c = restore_comparison(r);
  pr.history.resize(r.get<std::uint64_t>());
  for (auto& h : pr.history) h = r.get_string();
  return r.get<bool>();
}

}  // namespace chainsim::forecast
