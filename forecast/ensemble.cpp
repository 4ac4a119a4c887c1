#include "forecast/ensemble.hpp"

#include <algorithm>
#include <atomic>
#include <span>
#include <stdexcept>
#include <vector>

namespace chainsim::forecast {
namespace {

// Weeks a block of paths advances per step (see next_window); any value gives
// the same results.
constexpr int kWeeksPerStep = 4;

}  // namespace

Ensemble::Ensemble(int first_week, int weeks, int regions, std::int64_t paths)
    : Ensemble(first_week, weeks, regions, whole_range(paths)) {}

Ensemble::Ensemble(int first_week, int weeks, int regions, PathRange range)
    : first_week_(first_week),
      weeks_(weeks),
      regions_(regions),
      first_path_(range.first),
      paths_(range.size()),
      counts_(core::kNumVars * static_cast<std::size_t>(weeks) * static_cast<std::size_t>(range.size())),
      cost_(static_cast<std::size_t>(weeks) * static_cast<std::size_t>(range.size())),
      regional_(kStoredRegionalVars * static_cast<std::size_t>(weeks) * static_cast<std::size_t>(regions) *
                static_cast<std::size_t>(range.size())) {}

void Ensemble::reset(int first_week, int weeks) {
  first_week_ = first_week;
  weeks_ = weeks;
  const auto W = static_cast<std::size_t>(weeks), P = static_cast<std::size_t>(paths_);
  // resize keeps the capacity: a window no larger than the last reuses its memory.
  counts_.resize(core::kNumVars * W * P);
  cost_.resize(W * P);
  regional_.resize(kStoredRegionalVars * W * static_cast<std::size_t>(regions_) * P);
}

std::size_t Ensemble::bytes_per_week(int regions, std::int64_t paths) noexcept {
  const auto P = static_cast<std::size_t>(paths);
  return P * (core::kNumVars * sizeof(std::int32_t) + sizeof(double) +
              kStoredRegionalVars * static_cast<std::size_t>(regions) * sizeof(std::int32_t));
}

std::span<const std::int32_t> Ensemble::column(core::Var v, int t) const noexcept {
  const auto o =
      (static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks_) + offset(t)) * static_cast<std::size_t>(paths_);
  return {counts_.data() + o, static_cast<std::size_t>(paths_)};
}

std::span<const double> Ensemble::cost_column(int t) const noexcept {
  return {cost_.data() + offset(t) * static_cast<std::size_t>(paths_), static_cast<std::size_t>(paths_)};
}

std::span<const std::int32_t> Ensemble::regional_column(core::RegionalVar v, int t, int r) const noexcept {
  const auto o = ((static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks_) + offset(t)) *
                      static_cast<std::size_t>(regions_) +
                  static_cast<std::size_t>(r)) *
                 static_cast<std::size_t>(paths_);
  return {regional_.data() + o, static_cast<std::size_t>(paths_)};
}

core::PathSink Ensemble::sink_for(std::int64_t path) noexcept {
  core::PathSink s;
  const std::ptrdiff_t P = paths_;
  s.first_week = first_week_;
  s.counts = counts_.data() + path;
  s.week_stride = P;
  s.var_stride = P * weeks_;
  s.cost = cost_.data() + path;
  s.cost_week_stride = P;
  s.regional = regional_.data() + path;
  s.reg_region_stride = P;
  s.reg_week_stride = P * regions_;
  s.reg_var_stride = P * regions_ * weeks_;
  s.regional_count = kStoredRegionalVars;
  return s;
}

EnsembleRunner::EnsembleRunner(const core::ModelSpec& spec, const EnsembleOptions& options)
    : EnsembleRunner(spec, options, whole_range(options.paths)) {}

EnsembleRunner::EnsembleRunner(const core::ModelSpec& spec, const EnsembleOptions& options, PathRange range)
    : spec_(spec), options_(options), range_(range) {
  if (range.first < 0 || range.last < range.first || range.last > options.paths)
    throw std::invalid_argument("EnsembleRunner: the path range is not within the run's paths");
  options_.block_paths = std::max<std::int64_t>(1, options_.block_paths);
  const std::int64_t P = range_.size();
  states_.assign(static_cast<std::size_t>(P), core::PathState(spec_));
  const std::int64_t block = options_.block_paths;
  // Every path from its global index: the same state in any range.
  parallel_for((P + block - 1) / block, options_.parallelism, [&](std::int64_t b) {
    const std::int64_t last = std::min(P, (b + 1) * block);
    for (std::int64_t p = b * block; p < last; ++p)
      core::init_path(spec_, options_.seed, static_cast<std::uint64_t>(range_.first + p),
                      states_[static_cast<std::size_t>(p)]);
  });
}

Ensemble EnsembleRunner::next_window(int weeks, const std::function<void(std::int64_t)>& on_progress) {
  Ensemble window(next_week_, 0, spec_.regions, range_);
  next_window(weeks, window, on_progress);
  return window;
}

void EnsembleRunner::next_window(int weeks, Ensemble& window, const std::function<void(std::int64_t)>& on_progress) {
  if (window.regions() != spec_.regions || window.path_range() != range_)
    throw std::invalid_argument("next_window: the window was made for other regions or paths");
  const int first = next_week_;
  const int end = std::min(spec_.weeks, first + std::max(1, weeks));
  window.reset(first, end - first);
  const std::int64_t P = range_.size();
  const std::int64_t block = options_.block_paths;
  std::atomic<std::int64_t> finished{0};
  parallel_for((P + block - 1) / block, options_.parallelism, [&](std::int64_t b) {
    std::vector<core::PathWorkspace> workspaces(core::kPathGroup, core::PathWorkspace(spec_));
    std::vector<core::PathSink> sinks(core::kPathGroup);
    const std::int64_t last = std::min(P, (b + 1) * block);
    // The block advances a few weeks at a time, group of paths by group (paths
    // side by side, core::advance_paths), rather than each path over the whole
    // window: the window stores week t of neighbouring paths next to each
    // other, so a path's ~30-100 values of a week land in as many cache lines
    // and pages, which the block's next paths then reuse. One path over the
    // whole window touched a new page with nearly every value (a TLB miss
    // each). Results do not depend on the order or the grouping.
    for (int from = first; from < end; from += kWeeksPerStep) {
      const int to = std::min(end, from + kWeeksPerStep);
      for (std::int64_t p = b * block; p < last; p += static_cast<std::int64_t>(core::kPathGroup)) {
        const auto n = static_cast<std::size_t>(std::min<std::int64_t>(last - p, core::kPathGroup));
        for (std::size_t i = 0; i < n; ++i) sinks[i] = window.sink_for(p + static_cast<std::int64_t>(i));
        // The kernel keys every random number by the global path index.
        core::advance_paths(spec_, options_.seed, static_cast<std::uint64_t>(range_.first + p),
                            std::span(states_).subspan(static_cast<std::size_t>(p), n), workspaces, to, sinks);
      }
    }
    if (on_progress) on_progress(finished.fetch_add(last - b * block) + (last - b * block));
  });
  next_week_ = end;
}

void EnsembleRunner::save(core::ByteWriter& out) const {
  if (range_ != whole_range(options_.paths))
    throw std::logic_error("EnsembleRunner::save: a runner of a range saves its header and paths");
  save_header(out);
  save_paths(out);
}

void EnsembleRunner::save_header(core::ByteWriter& out) const {
  out.put(next_week_);
  out.put<std::int64_t>(options_.paths);
}

void EnsembleRunner::save_paths(core::ByteWriter& out) const {
  for (const auto& s : states_) s.save(out);
}

void EnsembleRunner::restore(core::ByteReader& in) {
  next_week_ = in.get<int>();
  if (in.get<std::int64_t>() != options_.paths) throw std::runtime_error("inconsistent state: number of paths");
  // The paths before and after the range are read past, each into a state
  // laid out as this run's (its vectors sized by the spec when a path is set
  // up, which the path's own values then overwrite).
  core::PathState other(spec_);
  if (states_.empty()) core::init_path(spec_, options_.seed, 0, other);
  else other = states_.front();
  for (std::int64_t p = 0; p < options_.paths; ++p) {
    if (p >= range_.first && p < range_.last) states_[static_cast<std::size_t>(p - range_.first)].restore(in);
    else other.restore(in);
  }
}

Ensemble simulate_ensemble(const core::ModelSpec& spec, const EnsembleOptions& options) {
  EnsembleRunner runner(spec, options);
  return runner.next_window(spec.weeks);
}

int window_weeks(int weeks, int regions, std::int64_t paths, std::size_t budget_bytes) noexcept {
  const std::size_t per_week = std::max<std::size_t>(1, Ensemble::bytes_per_week(regions, paths));
  const auto fit = static_cast<int>(std::min<std::size_t>(
      {budget_bytes / per_week, static_cast<std::size_t>(weeks), static_cast<std::size_t>(kMaxWindowWeeks)}));
  return std::max(1, fit);
}

}  // namespace chainsim::forecast
