#pragma once
// Shared fixtures for the model tests: a minimal specification that tests
// switch parts of the chain on in, and a runner that records every variable of
// one path (national and regional) in row-major buffers.
#include "core/model/model_spec.hpp"
#include "core/model/path_kernel.hpp"
#include "core/model/variables.hpp"
#include "forecast/config.hpp"
#include "io/config_keys.hpp"

#include <cstdint>
#include <vector>

namespace chainsim::testing {

// One region, T weeks, no inflow, no noise, no capacity limits, nothing random
// per path: every test turns on only what it checks.
inline core::ModelSpec minimal_spec(int T) {
  core::ModelSpec s;
  s.weeks = T;
  s.regions = 1;
  s.region_share = {1.0};
  s.initial_permit_holders = {0};
  s.level = {-30.0, 0.0};  // exp(-30): no inflow
  s.trend = {0.0, 0.0};
  s.log_season.assign(static_cast<std::size_t>(T), 0.0);
  for (auto* m : {&s.m_inflow, &s.m_nareis, &s.m_dublin, &s.m_return, &s.m_guardian})
    m->assign(static_cast<std::size_t>(T), 1.0);
  s.registration_capacity.assign(static_cast<std::size_t>(T), 1e12);
  s.decision_capacity.assign(static_cast<std::size_t>(T), 0.0);
  s.dublin_share = {0.0, 0.0};
  s.transfer_share = {0.0, 0.0};
  s.dublin_deadline_weeks = 26;
  s.grant_rate = {0.5, 0.0};
  s.nareis_per_grant = {0.0, 0.0};
  s.lag_weights = {1.0};
  s.realisation = {1.0, 0.0};
  s.quota_rate.assign(static_cast<std::size_t>(T), 0.0);
  s.programme_rate.assign(static_cast<std::size_t>(T), 0.0);
  s.regular_capacity.assign(static_cast<std::size_t>(T), 1000000000);
  s.tnv_capacity.assign(static_cast<std::size_t>(T), 0);
  return s;
}

// The configuration with every mechanism added after the first model switched
// off (docs/model.md, "Changes from the first specification"): the engine
// then gives the first model's results. Such a mechanism's key is optional in
// the key table (core/model/key_table.hpp), off when absent, so a new one is covered
// here without an edit.
inline forecast::Config first_model(forecast::Config c) {
  io::reset_optional_keys(c);
  for (auto& g : c.housing.programmes) {
    g.delivered = forecast::Prior{1.0, 0.0};
    g.delay_weeks = forecast::Prior{0.0, 0.0};
  }
  return c;
}

// Every mechanism added after the first model switched on, with values of
// the seed's order of magnitude (for tests of conservation and the like).
inline forecast::Config all_mechanisms_on(forecast::Config c) {
  c.inflow.start_deviation = forecast::Prior{0.3, 0.1};
  c.inflow.level_walk_sd = 0.2;
  c.initial.uncertainty_sd = 0.1;
  c.initial.permit_holders_over_14_weeks = c.initial.permit_holders / 2;
  c.decisions.response = {true, 26.0, 13.0, 2000.0};
  c.decisions.capacity_sd = 0.2;
  c.decisions.withdrawn_share = 0.1;
  c.decisions.grant_drift_sd = 0.3;
  c.housing.half_year_sd = 0.2;
  c.housing.carry_over = true;
  c.housing.quota_rule = {true, 1.0, 26};
  c.housing.min_wait_weeks = 8;
  for (auto& g : c.housing.programmes) {
    g.delivered = forecast::Prior{0.6, 0.2};
    g.delay_weeks = forecast::Prior{4.0, 2.0};
  }
  return c;
}

// Every variable of one path: national [t * kNumVars + v], cost [t],
// regional [(t * kNumRegionalVars + v) * R + r].
struct PathRecord {
  int weeks = 0;
  int regions = 0;
  std::vector<std::int32_t> national;
  std::vector<double> cost;
  std::vector<std::int32_t> regional;

  std::int64_t at(core::Var v, int t) const {
    return national[static_cast<std::size_t>(t) * core::kNumVars + static_cast<std::size_t>(v)];
  }
  std::int64_t at(core::RegionalVar v, int t, int r) const {
    return regional[(static_cast<std::size_t>(t) * core::kNumRegionalVars + static_cast<std::size_t>(v)) *
                        static_cast<std::size_t>(regions) +
                    static_cast<std::size_t>(r)];
  }
};

// An empty record of spec's size, and the sink that fills it.
inline PathRecord empty_record(const core::ModelSpec& spec) {
  PathRecord rec;
  rec.weeks = spec.weeks;
  rec.regions = spec.regions;
  rec.national.assign(static_cast<std::size_t>(spec.weeks) * core::kNumVars, 0);
  rec.cost.assign(static_cast<std::size_t>(spec.weeks), 0.0);
  rec.regional.assign(
      static_cast<std::size_t>(spec.weeks) * core::kNumRegionalVars * static_cast<std::size_t>(spec.regions), 0);
  return rec;
}

inline core::PathSink sink_for(PathRecord& rec) {
  core::PathSink sink;
  sink.counts = rec.national.data();
  sink.var_stride = 1;
  sink.week_stride = static_cast<std::ptrdiff_t>(core::kNumVars);
  sink.cost = rec.cost.data();
  sink.cost_week_stride = 1;
  sink.regional = rec.regional.data();
  sink.reg_region_stride = 1;
  sink.reg_var_stride = rec.regions;
  sink.reg_week_stride = static_cast<std::ptrdiff_t>(core::kNumRegionalVars) * rec.regions;
  return sink;
}

inline PathRecord run_path(const core::ModelSpec& spec, std::uint64_t seed, std::uint64_t path,
                           core::PathWorkspace& ws) {
  PathRecord rec = empty_record(spec);
  core::simulate_path(spec, seed, path, ws, sink_for(rec));
  return rec;
}

// Paths first .. first + count - 1 (count <= core::kPathGroup) simulated side
// by side by core::advance_paths; their final states in `states`.
inline std::vector<PathRecord> run_path_group(const core::ModelSpec& spec, std::uint64_t seed, std::uint64_t first,
                                              std::size_t count, std::vector<core::PathState>& states) {
  std::vector<PathRecord> recs(count, empty_record(spec));
  std::vector<core::PathSink> sinks;
  for (auto& r : recs) sinks.push_back(sink_for(r));
  states.assign(count, core::PathState(spec));
  std::vector<core::PathWorkspace> ws(count, core::PathWorkspace(spec));
  for (std::size_t i = 0; i < count; ++i) core::init_path(spec, seed, first + i, states[i]);
  core::advance_paths(spec, seed, first, states, ws, spec.weeks, sinks);
  return recs;
}

}  // namespace chainsim::testing
