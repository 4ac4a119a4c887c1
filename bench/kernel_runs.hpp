#pragma once
// What bench_kernel and bench_floor run the product kernel into: one path's
// results in row buffers, and a group of paths advanced side by side as the
// ensemble runs them (core::advance_paths).
#include "core/model/model_spec.hpp"
#include "core/model/path_kernel.hpp"
#include "core/model/variables.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace chainsim::bench {

// One path's results in a row buffer: national [t * kNumVars + v], cost [t],
// regional [(t * kNumRegionalVars + v) * R + r].
struct RowBuffer {
  std::vector<std::int32_t> national;
  std::vector<double> cost;
  std::vector<std::int32_t> regional;
  core::PathSink sink;

  explicit RowBuffer(const core::ModelSpec& spec) {
    const auto T = static_cast<std::size_t>(spec.weeks);
    const auto R = static_cast<std::size_t>(spec.regions);
    national.assign(T * core::kNumVars, 0);
    cost.assign(T, 0.0);
    regional.assign(T * core::kNumRegionalVars * R, 0);
    sink.counts = national.data();
    sink.var_stride = 1;
    sink.week_stride = static_cast<std::ptrdiff_t>(core::kNumVars);
    sink.cost = cost.data();
    sink.cost_week_stride = 1;
    sink.regional = regional.data();
    sink.reg_region_stride = 1;
    sink.reg_var_stride = spec.regions;
    sink.reg_week_stride = static_cast<std::ptrdiff_t>(core::kNumRegionalVars * R);
    sink.regional_count = core::kNumRegionalVars;
  }
};

// Workspaces, states and row buffers for core::kPathGroup paths side by side.
class PathGroup {
 public:
  explicit PathGroup(const core::ModelSpec& spec)
      : spec_(spec),
        ws_(core::kPathGroup, core::PathWorkspace(spec)),
        states_(core::kPathGroup, core::PathState(spec)) {
    bufs_.reserve(core::kPathGroup);  // (the sinks point into the buffers)
    for (std::size_t i = 0; i < core::kPathGroup; ++i) {
      bufs_.emplace_back(spec);
      sinks_.push_back(bufs_.back().sink);
    }
  }

  // Simulates paths first .. first + n - 1 (n <= core::kPathGroup) over all weeks.
  void run(std::uint64_t seed, std::uint64_t first, std::size_t n) {
    n = std::min(n, core::kPathGroup);
    for (std::size_t i = 0; i < n; ++i) core::init_path(spec_, seed, first + i, states_[i]);
    core::advance_paths(spec_, seed, first, std::span(states_).first(n), ws_, spec_.weeks, sinks_);
  }

  const std::int32_t* first_national() const { return bufs_[0].national.data(); }

 private:
  const core::ModelSpec& spec_;
  std::vector<core::PathWorkspace> ws_;
  std::vector<core::PathState> states_;
  std::vector<RowBuffer> bufs_;
  std::vector<core::PathSink> sinks_;
};

}  // namespace chainsim::bench
