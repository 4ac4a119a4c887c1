#pragma once
// The weekly stock-flow step of MODEL.md §4, applied to one path over the whole
// horizon. A path's result depends only on (spec, seed, path index): no thread
// ids, no hidden state, so any schedule of paths over threads gives the same bits.
#include "core/model/byte_buffer.hpp"
#include "core/random/flow_paths.hpp"
#include "core/model/model_spec.hpp"
#include "core/sampling/samplers.hpp"
#include "core/sampling/subset_sampling.hpp"
#include "core/model/variables.hpp"
#include "core/random/week_streams.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace chainsim::core {

// Where one path's results go. Value of national variable v in week t is
// written to counts[v * var_stride + t * week_stride] (cost to
// cost[t * cost_week_stride]); regional variable rv, week t, region r to
// regional[rv * reg_var_stride + t * reg_week_stride + r * reg_region_stride].
// A null pointer means "not recorded". The driver picks the strides, so the
// same kernel fills a row buffer or a column store.
struct PathSink {
  std::int32_t* counts = nullptr;
  std::ptrdiff_t var_stride = 0;
  std::ptrdiff_t week_stride = 0;
  double* cost = nullptr;
  std::ptrdiff_t cost_week_stride = 0;
  std::int32_t* regional = nullptr;
  std::ptrdiff_t reg_var_stride = 0;
  std::ptrdiff_t reg_week_stride = 0;
  std::ptrdiff_t reg_region_stride = 0;
  std::size_t regional_count = kNumRegionalVars;  // record RegionalVar values below this only
  int first_week = 0;                             // week t is written at index t - first_week
};

// Per-path parameters drawn from the priors at t = 0 (MODEL.md §4, end).
struct PathParameters {
  double grant_rate = 0.0;                   // g
  double dublin_share = 0.0;                 // f_dub
  double transfer_share = 0.0;               // p_tr
  double transfer_hazard = 0.0;              // h_tr = 1 - (1 - p_tr)^(1/d)
  double realisation = 0.0;                  // rho
  double nareis_per_grant = 0.0;             // nu
  double level = 0.0;                        // alpha
  double trend = 0.0;                        // beta
  std::vector<double> regional_realisation;  // rho_r
  // Mechanisms added after the first model (each drawn only when it is on).
  double decision_productivity = 1.0;       // kappa, decision capacity factor
  std::vector<double> programme_delivered;  // per uncertain programme: share delivered
  std::vector<int> programme_delay;         // per uncertain programme: start delay, weeks
};

// Everything that carries one path from one week to the next: the stocks,
// the latent inflow state, the grant history, the rule counters and the
// per-path parameters. Simulating weeks [0, a) and then [a, T) from the saved
// state gives exactly the same result as [0, T) in one go, which lets the
// driver run long horizons in windows of weeks with bounded memory.
class PathWorkspace;
namespace detail {
class PathWeeks;  // the week's code (path_kernel.cpp)
}

class PathState {
 public:
  explicit PathState(const ModelSpec& spec);
  int next_week() const noexcept { return next_week_; }
  const PathParameters& parameters() const noexcept { return par_; }
  // The stocks now (at the start of week next_week()).
  struct Stocks {
    std::int64_t queue, dublin, procedure, rejected;
    std::vector<std::int64_t> permit_holders;  // per region
  };
  Stocks stocks() const;

  // Saves and restores everything (checkpoints); restore checks the sizes
  // against the specification the state was made for. The flow paths given
  // to init_path are not saved (a restored state draws its own streams).
  void save(ByteWriter& out) const;
  void restore(ByteReader& in);

 private:
  friend void init_path(const ModelSpec&, std::uint64_t, std::uint64_t, PathState&, const FlowPaths*);
  friend void advance_path(const ModelSpec&, std::uint64_t, std::uint64_t, PathState&, PathWorkspace&, int,
                           const PathSink&);
  friend void advance_paths(const ModelSpec&, std::uint64_t, std::uint64_t, std::span<PathState>,
                            std::span<PathWorkspace>, int, std::span<const PathSink>);
  friend class detail::PathWeeks;
  PathParameters par_;
  const FlowPaths* flow_paths_ = nullptr;  // null: every flow draws this path's own streams
  int next_week_ = 0;
  std::int64_t queue_ = 0;             // W
  std::int64_t procedure_ = 0;         // A
  std::int64_t rejected_ = 0;          // X
  std::vector<std::int64_t> dublin_;   // D[a]
  std::vector<std::int64_t> permit_;   // S[r]
  std::vector<double> grant_history_;  // ring of the last L weekly grants; G[t-L] at t mod L
  double x_ = 0.0;                     // AR(1) inflow deviation
  double j_ = 0.0;                     // surge state
  std::int64_t adaptive_offset_ = 0;   // regular places added (or removed) by the adaptive rule
  int up_weeks_ = 0, down_weeks_ = 0;
  std::vector<std::int64_t> pending_orders_;  // ring by effective week, size lead_weeks + 2
  bool cno_closed_ = false;
  int phaseout_count_ = 0;

  // State of the mechanisms added after the first model. Each part exists,
  // and is saved, only when its mechanism is on, so that a state saved with
  // every mechanism off has the first model's bytes.
  bool with_response_ = false, with_drift_ = false, with_housing_ = false, with_recent_ = false, with_waiting_ = false,
       with_programmes_ = false, with_productivity_ = false, with_walk_ = false;
  double decision_capacity_ = 0.0;          // c of the last week (response)
  double grant_drift_ = 0.0;                // u: logit(g_t) = logit(g) + u
  double level_walk_ = 0.0;                 // l: the inflow's local level, a random walk from 0
  std::vector<double> half_factor_;         // per region: the half-year's realisation factor
  std::vector<double> half_task_;           // per region: the half-year's task (quota share + backlog)
  std::vector<double> backlog_;             // per region: unmet quota carried into this half-year
  std::vector<std::int64_t> quota_housed_;  // per region: housed against the quota this half-year
  std::vector<double> recent_new_;          // ring of the last lookback weeks' new permit holders (quota rule)
  std::vector<std::int64_t> waiting_;       // [r * kWaitSlots + slot]: permit holders by entry week mod kWaitSlots
  std::vector<std::int64_t> waiting_over_;  // per region: waited more than 14 weeks
};

// Permit holders' waiting is tracked by entry week modulo this many slots:
// ages 0..14 weeks; those older are counted together ("more than 14 weeks").
inline constexpr int kWaitSlots = 15;

// Scratch memory reused from path to path (one per worker or block), so the
// hot loop never allocates. Holds nothing that outlives a call.
class PathWorkspace {
 public:
  explicit PathWorkspace(const ModelSpec& spec);

 private:
  friend void advance_path(const ModelSpec&, std::uint64_t, std::uint64_t, PathState&, PathWorkspace&, int,
                           const PathSink&);
  friend void simulate_path(const ModelSpec&, std::uint64_t, std::uint64_t, PathWorkspace&, const PathSink&);
  friend void advance_paths(const ModelSpec&, std::uint64_t, std::uint64_t, std::span<PathState>,
                            std::span<PathWorkspace>, int, std::span<const PathSink>);
  friend class detail::PathWeeks;
  std::vector<std::int64_t> new_permit_;      // per-region split of new permit holders
  std::vector<std::int64_t> housed_;          // per-region housed this week
  std::vector<double> lag_weights_rev_;       // w_L .. w_1 (oldest grant first)
  MultinomialRates region_split_;             // the population shares, prepared once
  SubsetScratch subset_;                      // Dublin leavers drawn as a subset
  WeekStreams week_streams_;                  // the week's streams, first blocks computed together
  std::vector<double> housing_mean_;          // per region, padded to whole lane groups
  std::vector<std::int64_t> housing_supply_;  // per region
  std::vector<std::int64_t> cohort_left_;     // per Dublin cohort: leavers drawn in lanes
  std::vector<std::uint8_t> cohort_drawn_;    // per Dublin cohort: settled in lanes
  std::vector<double> quota_mean_;            // per region: the quota's part of the housing mean
  std::vector<double> programme_extra_;       // per region: the uncertain programmes' supply this week
  PathState scratch_state_;                   // for simulate_path
};

// Draws the per-path parameters (independent of the week loop's streams).
PathParameters draw_path_parameters(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path);
// The same, each prior drawn from the streams of the path `flow_paths` maps its flow to.
PathParameters draw_path_parameters(const ModelSpec& spec, std::uint64_t seed, const FlowPaths& flow_paths);

// Puts `state` at the start of week 0 of path `path`: parameters drawn, initial stocks set.
// With `flow_paths`, every flow, at setup and in every week, draws the streams
// of the path it maps the flow to (core/random/flow_paths.hpp) rather than `path`'s;
// the mapping must outlive the state's use. Simulation is fastest when `path`
// is the path most weekly flows are mapped to (core/random/week_streams.hpp).
void init_path(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path, PathState& state,
               const FlowPaths* flow_paths = nullptr);

// Simulates weeks state.next_week() .. end_week - 1 and writes them to `sink`,
// whose week index counts from sink.first_week.
void advance_path(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path, PathState& state, PathWorkspace& ws,
                  int end_week, const PathSink& sink);

// Paths advanced side by side by advance_paths, at most.
inline constexpr std::size_t kPathGroup = 8;

// Blocks of the regional split's stream (PermitHolderRegions) computed up front
// with the week's other first blocks (core/random/week_streams.hpp); it draws more
// only when the week's new permit holders are many.
inline constexpr std::uint32_t kRegionSplitBlocks = 32;

// The housing draws are made in lanes from this many regions on; for fewer
// (nationally: one) a lane group costs more than the scalar draws it would
// replace (measured: BM_PathWeek_National ~1 % slower). (Public for
// bench_floor, whose replay in lanes makes the draws as the kernel does.)
inline constexpr int kHousingLanesFrom = 4;

// Advances states[i], the state of path first_path + i, to end_week with
// workspaces[i], writing its weeks to sinks[i], for i < states.size() <=
// kPathGroup (workspaces and sinks at least as many; all states at the same
// week): exactly what advance_path gives each. The paths go week by week side
// by side, and their regional splits are drawn together in SIMD lanes
// (core/sampling/multinomial_lanes.hpp), where one path's split is a chain of 24 draws.
void advance_paths(const ModelSpec& spec, std::uint64_t seed, std::uint64_t first_path, std::span<PathState> states,
                   std::span<PathWorkspace> workspaces, int end_week, std::span<const PathSink> sinks);

// Simulates path `path` over spec.weeks weeks and writes its results to `sink`.
void simulate_path(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path, PathWorkspace& ws,
                   const PathSink& sink);

// Parameters of the Beta distribution with the given mean and sd (method of moments).
struct BetaShape {
  double a, b;
};
BetaShape beta_from_moments(double mean, double sd);

}  // namespace chainsim::core
