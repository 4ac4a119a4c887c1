#include "forecast/ensemble.hpp"

#include <algorithm>

namespace chainsim {

Ensemble::Ensemble(int weeks, int regions, std::int64_t paths)
    : weeks_(weeks),
      regions_(regions),
      paths_(paths),
      counts_(core::kNumVars * static_cast<std::size_t>(weeks) * static_cast<std::size_t>(paths)),
      cost_(static_cast<std::size_t>(weeks) * static_cast<std::size_t>(paths)),
      regional_(kStoredRegionalVars * static_cast<std::size_t>(weeks) * static_cast<std::size_t>(regions) *
                static_cast<std::size_t>(paths)) {}

std::span<const std::int32_t> Ensemble::column(core::Var v, int t) const noexcept {
  const auto offset = (static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks_) + static_cast<std::size_t>(t)) *
                      static_cast<std::size_t>(paths_);
  return {counts_.data() + offset, static_cast<std::size_t>(paths_)};
}

std::span<const double> Ensemble::cost_column(int t) const noexcept {
  return {cost_.data() + static_cast<std::size_t>(t) * static_cast<std::size_t>(paths_),
          static_cast<std::size_t>(paths_)};
}

std::span<const std::int32_t> Ensemble::regional_column(core::RegionalVar v, int t, int r) const noexcept {
  const auto offset = ((static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks_) + static_cast<std::size_t>(t)) *
                           static_cast<std::size_t>(regions_) +
                       static_cast<std::size_t>(r)) *
                      static_cast<std::size_t>(paths_);
  return {regional_.data() + offset, static_cast<std::size_t>(paths_)};
}

core::PathSink Ensemble::sink_for(std::int64_t path) noexcept {
  core::PathSink s;
  const std::ptrdiff_t P = paths_;
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

Ensemble simulate_ensemble(const core::ModelSpec& spec, const EnsembleOptions& options) {
  Ensemble ensemble(spec.weeks, spec.regions, options.paths);
  const std::int64_t block = std::max<std::int64_t>(1, options.block_paths);
  const std::int64_t blocks = (options.paths + block - 1) / block;
  parallel_for(blocks, options.parallelism, [&](std::int64_t b) {
    core::PathWorkspace workspace(spec);
    const std::int64_t first = b * block;
    const std::int64_t last = std::min(options.paths, first + block);
    for (std::int64_t p = first; p < last; ++p)
      core::simulate_path(spec, options.seed, static_cast<std::uint64_t>(p), workspace, ensemble.sink_for(p));
  });
  return ensemble;
}

}  // namespace chainsim
