// The sampling floor (issue #5, item 2): how fast could the seed scenario run if
// the kernel did nothing but its random draws?
//
// How the floor is measured
//   1. trace_seed_week (built against chainsim_core_traced, whose samplers record
//      every call) runs the kernel on paths 0 .. N-1 of the seed scenario's
//      baseline over its 260 weeks and writes the trace: for each sampler call its
//      kind, its parameters (n, p / lambda / shape, scale / a, b / probability
//      vector), the state of its RandomStream at the call, and the words and
//      Philox blocks it took. Counted by instrumentation, not estimated.
//   2. BM_Floor_* replays the model's calls (the top-level ones; calls that a
//      sampler makes internally, e.g. the binomials of a multinomial, are re-made
//      by the replayed outer call) in one tight loop: copy the recorded stream
//      state, call the same sampler with the same parameters. Because the stream
//      state is the recorded one, every replayed call draws the very same
//      uniforms, takes the same rejection branches and returns the same value as
//      in the kernel: the floor does exactly the kernel's sampling work, draw for
//      draw, and nothing else. Stream set-up is included as a copy of the state
//      (the kernel constructs one stream per flow; the cost is comparable).
//   3. BM_Kernel_* runs the product kernel (chainsim_core, no hooks) on the same
//      N paths as the ensemble runs it: side by side in groups of 8
//      (core::advance_paths), each into a row buffer. At start-up every
//      replayed call is checked to take exactly the words the traced call took.
//      The kernel makes some kinds of draws several at a time in SIMD lanes (the
//      Dublin cohorts' inversions, the housing draws, the paths' regional
//      splits); the floor replays every call one by one through the scalar
//      samplers. So the floor is the sampling work done the scalar way, and an
//      efficiency above 1 says how much the lanes save over it.
//   3b. BM_FloorLanes_* replays the same calls the way the kernel makes them:
//      paths in groups of 8 week by week, each path-week's streams from a
//      core::WeekStreams, the cohorts, housing draws and splits through the
//      kernel's lane functions (bench/floor_lanes.hpp). The tighter floor: the
//      kernel's own way of sampling with the model logic taken out.
//   4. BM_Efficiency_* times the three in each iteration, interleaved (so machine
//      load affects all alike), and reports efficiency = floor time / kernel time
//      and efficiency_lanes = lanes floor time / kernel time.
//   5. BM_FloorPart_*/k replays only the calls of one sampler and regime (the
//      label names it): where the floor's time goes. BM_FloorPhilox_* generates
//      only the words the floor's streams produce, with no sampler arithmetic.
// Items are path-weeks throughout. Counters of BM_Floor_* give the draws per
// path-week by kind (`<kind>/pw`: calls by the model; `nested_<kind>/pw`: calls
// made inside other samplers), uniforms, Philox blocks and streams per path-week.
//
// Why two programs: the traced and the product kernels define the same symbols;
// one program cannot link both without violating the one-definition rule. The
// tracer links only the traced objects (see core/CMakeLists.txt); this program
// only the product library, and runs the tracer once at start-up.
//
// N: CHAINSIM_FLOOR_PATHS (default 16; 2 with CHAINSIM_BENCH_QUICK=1). The tracer
// is found via CHAINSIM_TRACE_TOOL, else next to this executable, else at the
// path the build recorded.
#include "bench/bench_context.hpp"
#include "bench/draw_trace_file.hpp"
#include "bench/floor_lanes.hpp"
#include "bench/kernel_runs.hpp"
#include "core/sampling/binomial_inversion.hpp"
#include "core/sampling/draw_trace.hpp"
#include "core/model/path_kernel.hpp"
#include "core/random/philox_lanes.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"
#include "core/sampling/subset_sampling.hpp"
#include "core/model/variables.hpp"
#include "forecast/config.hpp"
#include "forecast/resolve.hpp"
#include "io/config_toml.hpp"

#include <benchmark/benchmark.h>

#ifdef CHAINSIM_TRACE_DRAWS
#error "bench_floor must be built against the product kernel (chainsim_core)"
#endif

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef CHAINSIM_TRACE_TOOL
#define CHAINSIM_TRACE_TOOL "trace_seed_week"
#endif

namespace {

using namespace chainsim;
namespace fs = std::filesystem;

std::int64_t floor_paths() {
  if (const char* e = std::getenv("CHAINSIM_FLOOR_PATHS")) return std::max(1LL, std::atoll(e));
  return bench::quick() ? 2 : 16;
}

std::string tracer() {
  if (const char* e = std::getenv("CHAINSIM_TRACE_TOOL")) return e;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = self.parent_path() / "trace_seed_week";
    if (fs::exists(beside)) return beside.string();
  }
  return CHAINSIM_TRACE_TOOL;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Parts of the floor, by sampler and regime (the regime as the sampler picks it).
enum Part {
  kNormal,
  kExponential,
  kGamma,
  kBeta,
  kBernoulli,
  kPoissonInv,
  kPoissonPtrs,
  kBinomialInv,
  kBinomialBtrd,
  kMultinomial,
  kBinomialInversion,
  kSubset,
  kNumParts
};
const char* const kPartNames[kNumParts] = {"normal",
                                           "exponential",
                                           "gamma",
                                           "beta",
                                           "bernoulli",
                                           "poisson_inversion_lt10",
                                           "poisson_ptrs",
                                           "binomial_inversion_np_lt10",
                                           "binomial_btrd",
                                           "multinomial",
                                           "binomial_cdf_inversion",
                                           "subset"};

Part part_of(const core::DrawRecord& r) {
  switch (r.kind) {
    case core::DrawKind::Normal: return kNormal;
    case core::DrawKind::Exponential: return kExponential;
    case core::DrawKind::Gamma: return kGamma;
    case core::DrawKind::Beta: return kBeta;
    case core::DrawKind::Bernoulli: return kBernoulli;
    case core::DrawKind::Poisson: return r.a < 10.0 ? kPoissonInv : kPoissonPtrs;
    case core::DrawKind::Binomial: {
      const double pp = r.a > 0.5 ? 1.0 - r.a : r.a;
      return r.n > 0 && r.a > 0.0 && r.a < 1.0 && static_cast<double>(r.n) * pp >= 10.0 ? kBinomialBtrd : kBinomialInv;
    }
    case core::DrawKind::Multinomial: return kMultinomial;
    case core::DrawKind::Subset: return kSubset;
    default: return kBinomialInversion;
  }
}

// The first blocks of one path-week's fresh streams, computed together in SIMD
// lanes as the kernel computes them (core/random/week_streams.hpp): records
// [begin, end) of Replay::top, lanes [first_lane, first_lane + lanes).
struct LaneBatch : bench::PathWeekRecords {
  std::size_t first_lane = 0, lanes = 0;
};

// Blocks of one stream computed in lanes at most (the kernel's region split
// computes its first 32 that way; the others use one).
constexpr std::uint32_t kMaxLaneBlocks = 32;

// The model's calls of a trace (depth 0), in order, and what is needed to rerun them.
struct Replay {
  bench::SeedTrace trace;
  bench::TraceCounts counts;
  std::vector<core::DrawRecord> top;               // depth-0 records only
  std::vector<core::DrawRecord> parts[kNumParts];  // top, split by part_of
  core::ModelSpec spec;
  // The lanes: counter words 0 and 1 of each; per record of `top` its first
  // lane and block count (count 0: the record's stream computes its own).
  std::vector<LaneBatch> batches;
  std::vector<std::uint32_t> lane_word0, lane_word1;
  std::vector<std::uint32_t> lane_of, lane_blocks;
  std::size_t max_batch_lanes = 0;
  // Rates of the binomial calls the kernel made with a prepared rate (see
  // prepare_replay_rates); such a record's probs is 1 + its index here.
  std::vector<core::BinomialRate> rates;
  // The replay in lanes (made once `rates` is complete: it refers to it).
  std::unique_ptr<bench::LaneReplay> lanes;
};

void plan_lanes(Replay& r);
void prepare_replay_rates(Replay& r, std::vector<core::DrawRecord>& records);

void verify_replay(const Replay& r);
std::int64_t replay_records(const Replay& r, const std::vector<core::DrawRecord>& records);
std::int64_t lanes_once(const Replay& r);

const Replay& replay_for(const std::string& mode) {
  static std::map<std::string, std::unique_ptr<Replay>> cache;
  auto& slot = cache[mode];
  if (slot) return *slot;
  char dir_template[] = "/tmp/chainsim-floor-XXXXXX";
  const char* tmp = ::mkdtemp(dir_template);
  if (!tmp) throw std::runtime_error("mkdtemp failed");
  const fs::path file = fs::path(tmp) / (mode + ".trace");
  const std::string cmd =
      shell_quote(tracer()) + " " + mode + " " + std::to_string(floor_paths()) + " " + shell_quote(file.string());
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("tracer failed: " + cmd);
  auto r = std::make_unique<Replay>();
  r->trace = bench::read_seed_trace(file.string());
  fs::remove_all(tmp);
  r->counts = bench::count_trace(r->trace);
  for (const auto& rec : r->trace.trace.records)
    if (rec.depth == 0) {
      r->top.push_back(rec);
      r->parts[part_of(rec)].push_back(rec);
    }
  prepare_replay_rates(*r, r->top);
  for (auto& part : r->parts) prepare_replay_rates(*r, part);
  forecast::Config cfg = io::load_seed().scenarios.at(0);
  cfg.run.regions = mode == "national" ? forecast::RegionMode::National : forecast::RegionMode::SafetyRegions;
  r->spec = forecast::resolve(cfg);
  plan_lanes(*r);
  const std::vector<bench::PathWeekRecords> path_weeks(r->batches.begin(), r->batches.end());
  r->lanes =
      std::make_unique<bench::LaneReplay>(r->top, path_weeks, r->trace.trace.probs, r->rates, r->spec, r->trace.seed);
  verify_replay(*r);
  if (r->spec.weeks != r->trace.weeks || r->spec.regions != r->trace.regions || cfg.run.seed != r->trace.seed)
    throw std::runtime_error("trace does not match the seed scenario of this build");
  std::cerr << bench::format_counts(r->trace, r->counts);
  slot = std::move(r);
  return *slot;
}

// A subset call again on the recorded group sizes (copied into reusable
// buffers, as the kernel's workspace is reused).
std::int64_t replay_subset(const Replay& r, const core::DrawRecord& rec, core::RandomStream& rs) {
  static thread_local core::SubsetScratch scratch;
  static thread_local std::vector<std::int64_t> groups;
  const auto& sizes = r.trace.trace.probs[rec.probs];
  groups.assign(sizes.begin(), sizes.end());
  core::remove_uniform_subset(rs, groups, rec.n, scratch);
  return groups.front();
}

// The kernel draws the Dublin cohorts with a rate prepared once a week (one
// log1p for all of them); the trace marks those calls (DrawRecord::b == 1).
// Their rates are prepared here, before the timing, so that the replay, like
// the kernel, computes no log1p per call.
void prepare_replay_rates(Replay& r, std::vector<core::DrawRecord>& records) {
  for (core::DrawRecord& rec : records)
    if (rec.kind == core::DrawKind::Binomial && rec.b == 1.0) {
      r.rates.push_back(core::prepare_binomial(rec.a));
      rec.probs = static_cast<std::uint32_t>(r.rates.size());
    }
}

// One call again on stream `rs`; adds its result to acc (counts) or dacc (reals).
inline void replay_call(const Replay& r, const core::DrawRecord& rec, core::RandomStream& rs, std::int64_t& acc,
                        double& dacc) {
  std::int64_t counts[256];
  switch (rec.kind) {
    case core::DrawKind::Normal: dacc += core::sample_normal(rs); break;
    case core::DrawKind::Exponential: dacc += core::sample_exponential(rs, rec.a); break;
    case core::DrawKind::Gamma: dacc += core::sample_gamma(rs, rec.a, rec.b); break;
    case core::DrawKind::Beta: dacc += core::sample_beta(rs, rec.a, rec.b); break;
    case core::DrawKind::Bernoulli: acc += core::sample_bernoulli(rs, rec.a); break;
    case core::DrawKind::Poisson: acc += core::sample_poisson(rs, rec.a); break;
    case core::DrawKind::Binomial:
      // With the rate the kernel prepared (prepare_replay_rates), or as drawn.
      acc += rec.probs != 0 ? core::sample_binomial(rs, rec.n, r.rates[rec.probs - 1])
                            : core::sample_binomial(rs, rec.n, rec.a);
      break;
    case core::DrawKind::BinomialInversion: acc += core::sample_binomial_inversion(rs, rec.n, rec.a); break;
    case core::DrawKind::Multinomial: {
      const auto& probs = r.trace.trace.probs[rec.probs];
      const std::size_t k = std::min<std::size_t>(probs.size(), 256);
      core::sample_multinomial(rs, rec.n, std::span<const double>(probs.data(), k), std::span<std::int64_t>(counts, k));
      acc += counts[0] + counts[k - 1];
      break;
    }
    case core::DrawKind::Subset: acc += replay_subset(r, rec, rs); break;
    case core::DrawKind::Count: break;
  }
}

// Replays the given calls once, each stream computing its own blocks; returns
// a value depending on every result.
std::int64_t replay_records(const Replay& r, const std::vector<core::DrawRecord>& records) {
  std::int64_t acc = 0;
  double dacc = 0.0;
  for (const core::DrawRecord& rec : records) {
    core::RandomStream rs = rec.stream;
    replay_call(r, rec, rs, acc, dacc);
  }
  return acc + static_cast<std::int64_t>(dacc);
}

// The fresh streams of each path-week (weekly flows, called by the model, that
// draw at least one block) get their first blocks from one lane batch.
void plan_lanes(Replay& r) {
  r.lane_of.assign(r.top.size(), 0);
  r.lane_blocks.assign(r.top.size(), 0);
  std::size_t i = 0;
  while (i < r.top.size()) {
    const auto& c = r.top[i].stream.counter();
    LaneBatch b;
    b.begin = i;
    b.week = c.v[2];
    b.path = c.v[3];
    b.first_lane = r.lane_word0.size();
    for (; i < r.top.size() && r.top[i].stream.counter().v[2] == b.week && r.top[i].stream.counter().v[3] == b.path;
         ++i) {
      const core::DrawRecord& rec = r.top[i];
      if (b.week == core::kSetupWeek || !rec.fresh || rec.blocks == 0) continue;
      const std::uint32_t blocks = std::min(rec.blocks, kMaxLaneBlocks);
      r.lane_of[i] = static_cast<std::uint32_t>(r.lane_word0.size() - b.first_lane);
      r.lane_blocks[i] = blocks;
      for (std::uint32_t k = 0; k < blocks; ++k) {
        r.lane_word0.push_back(k);
        r.lane_word1.push_back(rec.stream.counter().v[1]);
      }
    }
    b.end = i;
    b.lanes = r.lane_word0.size() - b.first_lane;
    r.max_batch_lanes = std::max(r.max_batch_lanes, b.lanes);
    r.batches.push_back(b);
  }
}

// Calls f(record, stream) for the model's calls in order, each path-week's
// first blocks computed in lanes first, as the kernel does.
template <class F>
void for_each_lane_stream(const Replay& r, F&& f) {
  static thread_local std::vector<std::uint32_t> blocks;
  const std::size_t stride = r.max_batch_lanes;
  blocks.resize(4 * stride);
  for (const LaneBatch& b : r.batches) {
    core::PhiloxLaneCounters lanes;
    lanes.seed = r.trace.seed;
    lanes.word2 = b.week;
    lanes.word3 = b.path;
    lanes.word0 = r.lane_word0.data() + b.first_lane;
    lanes.word1 = r.lane_word1.data() + b.first_lane;
    lanes.n = b.lanes;
    if (b.lanes > 0) core::philox_blocks(lanes, blocks.data(), stride);
    for (std::size_t i = b.begin; i < b.end; ++i) {
      const core::DrawRecord& rec = r.top[i];
      if (r.lane_blocks[i] == 0) {
        core::RandomStream rs = rec.stream;
        f(rec, rs);
      } else {
        core::RandomStream rs(r.trace.seed, b.path, b.week, bench::flow_of(rec), bench::sub_of(rec),
                              blocks.data() + r.lane_of[i], stride, r.lane_blocks[i]);
        f(rec, rs);
      }
    }
  }
}

std::int64_t replay_once(const Replay& r) {
  std::int64_t acc = 0;
  double dacc = 0.0;
  for_each_lane_stream(
      r, [&](const core::DrawRecord& rec, core::RandomStream& rs) { replay_call(r, rec, rs, acc, dacc); });
  return acc + static_cast<std::int64_t>(dacc);
}

// Checks, once and untimed, that replaying each call takes exactly the words the
// traced call took (the replay is the kernel's sampling work, not an approximation).
void verify_replay(const Replay& r) {
  for (const core::DrawRecord& rec : r.top) {
    core::RandomStream end = rec.stream;
    std::int64_t acc = 0;
    double dacc = 0.0;
    replay_call(r, rec, end, acc, dacc);
    core::RandomStream s = rec.stream;
    std::uint32_t words = 0;
    while (std::memcmp(&s, &end, sizeof s) != 0 && words <= rec.words) {
      s.next_u32();
      ++words;
    }
    if (words != rec.words)
      throw std::runtime_error(std::string("replay of a ") + core::draw_kind_name(rec.kind) +
                               " call took other words than the traced call");
  }
  const std::int64_t scalar = replay_records(r, r.top);
  if (replay_once(r) != scalar)
    throw std::runtime_error("the replay with first blocks in lanes differs from the replay without");
  if (lanes_once(r) != scalar) throw std::runtime_error("the replay in lanes differs from the scalar replay");
}

// The replay in lanes (bench/floor_lanes.hpp); the calls it does not make in
// lanes are made by replay_call, as in the scalar replay.
std::int64_t lanes_once(const Replay& r) {
  return r.lanes->run([&r](const core::DrawRecord& rec, core::RandomStream& rs, std::int64_t& acc, double& dacc) {
    replay_call(r, rec, rs, acc, dacc);
  });
}

// The Philox part alone: the same streams, the same number of words, no sampler.
std::uint32_t philox_once(const Replay& r) {
  std::uint32_t acc = 0;
  for_each_lane_stream(r, [&](const core::DrawRecord& rec, core::RandomStream& rs) {
    for (std::uint32_t w = 0; w < rec.words; ++w) acc ^= rs.next_u32();
  });
  return acc;
}

// The kernel as the ensemble runs it: the paths side by side in groups of
// core::kPathGroup (core::advance_paths), each writing to its own row buffer.
void kernel_once(const Replay& r, bench::PathGroup& g) {
  for (std::int64_t p = 0; p < r.trace.paths; p += static_cast<std::int64_t>(core::kPathGroup)) {
    g.run(r.trace.seed, static_cast<std::uint64_t>(p), static_cast<std::size_t>(r.trace.paths - p));
    benchmark::DoNotOptimize(g.first_national());
    benchmark::ClobberMemory();
  }
}

double path_weeks(const Replay& r) { return static_cast<double>(r.trace.paths) * r.trace.weeks; }

void set_common_counters(benchmark::State& state, const Replay& r) {
  state.counters["paths"] = static_cast<double>(r.trace.paths);
  state.counters["weeks"] = r.trace.weeks;
  state.counters["regions"] = r.trace.regions;
}

void floor_bench(benchmark::State& state, const std::string& mode) {
  const Replay& r = replay_for(mode);
  for (auto _ : state) benchmark::DoNotOptimize(replay_once(r));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * path_weeks(r)));
  set_common_counters(state, r);
  const auto& c = r.counts;
  double total = 0;
  for (std::size_t k = 0; k < core::kNumDrawKinds; ++k) {
    const std::string name = core::draw_kind_name(static_cast<core::DrawKind>(k));
    if (c.calls[k] > 0) state.counters[name + "/pw"] = c.calls[k];
    if (c.nested[k] > 0) state.counters["nested_" + name + "/pw"] = c.nested[k];
    total += c.calls[k];
  }
  state.counters["draws/pw"] = total;
  state.counters["uniforms/pw"] = c.uniforms;
  state.counters["philox_blocks/pw"] = c.philox_blocks;
  state.counters["streams/pw"] = c.streams;
}

void floor_lanes_bench(benchmark::State& state, const std::string& mode) {
  const Replay& r = replay_for(mode);
  for (auto _ : state) benchmark::DoNotOptimize(lanes_once(r));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * path_weeks(r)));
  set_common_counters(state, r);
}

void kernel_bench(benchmark::State& state, const std::string& mode) {
  const Replay& r = replay_for(mode);
  bench::PathGroup g(r.spec);
  for (auto _ : state) kernel_once(r, g);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * path_weeks(r)));
  set_common_counters(state, r);
}

void efficiency_bench(benchmark::State& state, const std::string& mode) {
  using clock = std::chrono::steady_clock;
  const Replay& r = replay_for(mode);
  bench::PathGroup g(r.spec);
  double floor_s = 0.0, lanes_s = 0.0, kernel_s = 0.0;
  for (auto _ : state) {
    const auto t0 = clock::now();
    benchmark::DoNotOptimize(replay_once(r));
    const auto t1 = clock::now();
    benchmark::DoNotOptimize(lanes_once(r));
    const auto t2 = clock::now();
    kernel_once(r, g);
    const auto t3 = clock::now();
    const double f = std::chrono::duration<double>(t1 - t0).count();
    const double fl = std::chrono::duration<double>(t2 - t1).count();
    const double k = std::chrono::duration<double>(t3 - t2).count();
    floor_s += f;
    lanes_s += fl;
    kernel_s += k;
    state.SetIterationTime(f + fl + k);
  }
  const double pw = static_cast<double>(state.iterations()) * path_weeks(r);
  set_common_counters(state, r);
  state.counters["floor_pw_per_s"] = floor_s > 0 ? pw / floor_s : 0.0;
  state.counters["kernel_pw_per_s"] = kernel_s > 0 ? pw / kernel_s : 0.0;
  state.counters["efficiency"] = kernel_s > 0 ? floor_s / kernel_s : 0.0;
  state.counters["floor_lanes_pw_per_s"] = lanes_s > 0 ? pw / lanes_s : 0.0;
  state.counters["efficiency_lanes"] = kernel_s > 0 ? lanes_s / kernel_s : 0.0;
}

// One part of the floor (Arg = Part): time per path-week spent in that sampler
// and regime; the parts add up to the floor.
void part_bench(benchmark::State& state, const std::string& mode) {
  const Replay& r = replay_for(mode);
  const auto part = static_cast<Part>(state.range(0));
  const auto& records = r.parts[part];
  for (auto _ : state) benchmark::DoNotOptimize(replay_records(r, records));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * path_weeks(r)));
  state.SetLabel(kPartNames[part]);
  double words = 0;
  for (const auto& rec : records) words += rec.words;
  state.counters["draws/pw"] = static_cast<double>(records.size()) / path_weeks(r);
  // Draws per second in exactly the regimes the model uses.
  state.counters["draws_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(records.size()), benchmark::Counter::kIsRate);
  state.counters["uniforms/pw"] = words / 2.0 / path_weeks(r);
}

// The Philox stream alone, over the floor's streams and words.
void philox_bench(benchmark::State& state, const std::string& mode) {
  const Replay& r = replay_for(mode);
  for (auto _ : state) benchmark::DoNotOptimize(philox_once(r));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * path_weeks(r)));
  state.counters["words/pw"] = 2.0 * r.counts.uniforms;
  state.counters["philox_blocks/pw"] = r.counts.philox_blocks;
}

void BM_FloorPart_National(benchmark::State& s) { part_bench(s, "national"); }
void BM_FloorPart_Regional(benchmark::State& s) { part_bench(s, "regional"); }
void BM_FloorPhilox_National(benchmark::State& s) { philox_bench(s, "national"); }
void BM_FloorPhilox_Regional(benchmark::State& s) { philox_bench(s, "regional"); }

void BM_Floor_National(benchmark::State& s) { floor_bench(s, "national"); }
void BM_Floor_Regional(benchmark::State& s) { floor_bench(s, "regional"); }
void BM_FloorLanes_National(benchmark::State& s) { floor_lanes_bench(s, "national"); }
void BM_FloorLanes_Regional(benchmark::State& s) { floor_lanes_bench(s, "regional"); }
void BM_Kernel_National(benchmark::State& s) { kernel_bench(s, "national"); }
void BM_Kernel_Regional(benchmark::State& s) { kernel_bench(s, "regional"); }
void BM_Efficiency_National(benchmark::State& s) { efficiency_bench(s, "national"); }
void BM_Efficiency_Regional(benchmark::State& s) { efficiency_bench(s, "regional"); }
BENCHMARK(BM_Floor_National)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorLanes_National)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Kernel_National)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Efficiency_National)->Unit(benchmark::kMillisecond)->UseManualTime();
BENCHMARK(BM_Floor_Regional)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorLanes_Regional)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Kernel_Regional)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Efficiency_Regional)->Unit(benchmark::kMillisecond)->UseManualTime();
BENCHMARK(BM_FloorPart_National)->DenseRange(0, kNumParts - 1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorPart_Regional)->DenseRange(0, kNumParts - 1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorPhilox_National)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorPhilox_Regional)->Unit(benchmark::kMillisecond);

[[maybe_unused]] const bool kContextRecorded = [] {
  benchmark::AddCustomContext("chainsim_floor_paths", std::to_string(floor_paths()));
  return chainsim::bench::record_context("1");
}();

}  // namespace
