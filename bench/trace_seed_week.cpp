// Records every sampler call the kernel makes for paths 0 .. N-1 of the seed
// scenario's baseline (its own horizon), with the kernel of chainsim_core_traced,
// and writes the trace to a file for bench_floor (see bench_floor.cpp for why
// this is a separate program).
//
//   trace_seed_week national|regional PATHS OUT_FILE [--summary]
//
// --summary also prints the draw counts per path-week by kind to stdout.
#include "bench/draw_trace_file.hpp"
#include "core/sampling/draw_trace.hpp"
#include "core/model/path_kernel.hpp"
#include "forecast/config.hpp"
#include "forecast/resolve.hpp"
#include "io/config_toml.hpp"

#ifndef CHAINSIM_TRACE_DRAWS
#error "trace_seed_week must be built against chainsim_core_traced"
#endif

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  using namespace chainsim;
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: trace_seed_week national|regional PATHS OUT_FILE [--summary]\n";
    return 64;
  }
  try {
    const std::string mode = argv[1];
    if (mode != "national" && mode != "regional") throw std::invalid_argument("mode must be national or regional");
    const long long paths = std::stoll(argv[2]);
    if (paths < 1) throw std::invalid_argument("PATHS must be >= 1");
    const bool summary = argc == 5 && std::string(argv[4]) == "--summary";

    forecast::Config cfg = io::load_seed().scenarios.at(0);
    cfg.run.regions = mode == "national" ? forecast::RegionMode::National : forecast::RegionMode::SafetyRegions;
    const core::ModelSpec spec = forecast::resolve(cfg);

    bench::SeedTrace t;
    t.mode = mode;
    t.paths = paths;
    t.weeks = spec.weeks;
    t.regions = spec.regions;
    t.seed = cfg.run.seed;
    core::PathState st(spec);
    core::PathWorkspace ws(spec);
    const core::PathSink no_output{};  // the draws do not depend on what is recorded
    core::install_draw_trace(&t.trace);
    for (long long p = 0; p < paths; ++p) {
      const auto path = static_cast<std::uint64_t>(p);
      t.offsets.push_back(t.trace.records.size());
      core::init_path(spec, t.seed, path, st);
      // Week by week (the kernel guarantees the same result as one call), to mark
      // where each week's draws begin.
      for (int w = 0; w < spec.weeks; ++w) {
        t.offsets.push_back(t.trace.records.size());
        core::advance_path(spec, t.seed, path, st, ws, w + 1, no_output);
      }
    }
    core::install_draw_trace(nullptr);
    t.offsets.push_back(t.trace.records.size());
    bench::write_seed_trace(argv[3], t);
    if (summary) std::cout << bench::format_counts(t, bench::count_trace(t));
  } catch (const std::exception& e) {
    std::cerr << "trace_seed_week: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
