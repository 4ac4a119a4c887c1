// The bits the seed scenario draws, pinned. Every change to the kernel, the
// samplers or the random streams must leave these digests as they are, unless
// it is a deliberate, documented change of what is drawn (the history table of
// BENCHMARKS.md says which changes were, docs/perf-log.md why): then the new
// digests are written here in the same commit. Speed work relies on this test
// to prove it changed no output.
//
// Recorded at commit b7256aa (before the week's first Philox blocks were
// computed in SIMD lanes, core/random/week_streams.hpp); rewritten in session 8 when
// the unaccompanied minors and their guardian placements became one draw
// (same law; docs/perf-log.md, "Session of 2026-11-29 (8)"). Every speed change
// in between left them as they were.
#include "core/model/byte_buffer.hpp"
#include "core/model/path_kernel.hpp"
#include "core/random/philox_lanes.hpp"
#include "forecast/resolve.hpp"
#include "io/config_toml.hpp"
#include "model_fixtures.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace chainsim {
namespace {

// FNV-1a, 64 bits, over the bytes of every recorded value.
class Digest {
 public:
  template <class T>
  void add(std::span<const T> values) {
    const auto* p = reinterpret_cast<const unsigned char*>(values.data());
    for (std::size_t i = 0; i < values.size_bytes(); ++i) {
      h_ ^= p[i];
      h_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

// Every variable (national, regional, cost) of paths 0..63, 104 weeks, and
// the saved state (core::PathState::save: stocks, the inflow's AR(1) and surge
// states, the grant history, the rules' counters, the path's parameters) of
// each after its 104 weeks. The recorded counts miss a change that moves only
// real-valued state by a few units in the last place (a uniform off by 2^-32
// rarely changes a count); the states do not.
struct Digests {
  std::uint64_t counts, states;
};

void add_state(Digest& d, const core::PathState& state) {
  core::ByteWriter bytes;
  state.save(bytes);
  d.add(std::span<const char>(bytes.bytes()));
}

// The first model's variables of a record (week-major, kNumVars per week):
// the variables added later are outputs of later mechanisms, pinned by the
// mechanisms' own digests below.
std::vector<std::int32_t> first_model_values(const std::vector<std::int32_t>& national) {
  std::vector<std::int32_t> out;
  for (std::size_t i = 0; i < national.size(); i += core::kNumVars)
    out.insert(out.end(), national.begin() + static_cast<std::ptrdiff_t>(i),
               national.begin() + static_cast<std::ptrdiff_t>(i + core::kNumFirstModelVars));
  return out;
}

// Path by path (simulate_path, advance_path).
Digests digests_one_by_one(const forecast::Config& c) {
  const core::ModelSpec spec = forecast::resolve(c);
  core::PathWorkspace ws(spec);
  core::PathState state(spec);
  Digest counts, states;
  for (std::uint64_t p = 0; p < 64; ++p) {
    const testing::PathRecord rec = testing::run_path(spec, c.run.seed, p, ws);
    counts.add(std::span<const std::int32_t>(first_model_values(rec.national)));
    counts.add(std::span<const double>(rec.cost));
    counts.add(std::span<const std::int32_t>(rec.regional));
    core::init_path(spec, c.run.seed, p, state);
    core::advance_path(spec, c.run.seed, p, state, ws, spec.weeks, core::PathSink{});
    add_state(states, state);
  }
  return {counts.value(), states.value()};
}

// In groups side by side (advance_paths, as the ensemble runs them), of 8, 5
// and 3 paths in turn: whole and partial groups.
Digests digests_in_groups(const forecast::Config& c) {
  const core::ModelSpec spec = forecast::resolve(c);
  Digest counts, states;
  const std::size_t sizes[] = {8, 5, 3};
  std::vector<core::PathState> finals;
  for (std::uint64_t p = 0, g = 0; p < 64; p += sizes[g % 3], ++g) {
    const std::size_t n = sizes[g % 3];
    for (const auto& rec : testing::run_path_group(spec, c.run.seed, p, n, finals)) {
      counts.add(std::span<const std::int32_t>(first_model_values(rec.national)));
      counts.add(std::span<const double>(rec.cost));
      counts.add(std::span<const std::int32_t>(rec.regional));
    }
    for (const auto& s : finals) add_state(states, s);
  }
  return {counts.value(), states.value()};
}

// A scenario as the digests were recorded: 104 weeks, in `mode`.
forecast::Config pinned_run(forecast::Config c, forecast::RegionMode mode) {
  c.run.weeks = 104;
  c.run.regions = mode;
  return c;
}

forecast::Config seed_scenario(std::size_t i, forecast::RegionMode mode) {
  // The seed scenario as first published (tests/data/first-model-seed.toml),
  // with every later mechanism off: the first model's bits.
  return pinned_run(
      testing::first_model(io::load_config_file(std::filesystem::path(CHAINSIM_TEST_DATA_DIR) / "first-model-seed.toml")
                               .scenarios.at(i)),
      mode);
}

// Every SIMD instruction set the lanes can use on this CPU (core/random/philox_lanes.hpp)
// must give the same bits; the cap is restored afterwards.
std::vector<core::PhiloxIsa> simd_sets() {
  std::vector<core::PhiloxIsa> sets{core::PhiloxIsa::Scalar};
  const core::PhiloxIsa best = core::philox_best_isa();
  if (best != core::PhiloxIsa::Scalar) sets.push_back(core::PhiloxIsa::Avx2);
  if (best == core::PhiloxIsa::Avx512) sets.push_back(core::PhiloxIsa::Avx512);
  return sets;
}

void expect_digests(forecast::RegionMode mode, const std::uint64_t (&counts)[3], const std::uint64_t (&states)[3]) {
  for (core::PhiloxIsa isa : simd_sets()) {
    core::limit_simd(isa);
    for (std::size_t i = 0; i < 3; ++i) {
      const forecast::Config c = seed_scenario(i, mode);
      for (const auto& [how, got] :
           {std::pair{"one by one", digests_one_by_one(c)}, std::pair{"in groups", digests_in_groups(c)}}) {
        EXPECT_EQ(got.counts, counts[i]) << "recorded values, scenario " << i << ", paths " << how << ", lanes "
                                         << core::philox_isa_name(isa);
        EXPECT_EQ(got.states, states[i]) << "final states, scenario " << i << ", paths " << how << ", lanes "
                                         << core::philox_isa_name(isa);
      }
    }
  }
  core::limit_simd(core::PhiloxIsa::Avx512);
}

constexpr std::uint64_t kRegionalCounts[] = {16257592007955557107ULL, 10385726732300815455ULL, 16179647241466836158ULL};
constexpr std::uint64_t kRegionalStates[] = {3695385946865807139ULL, 4129962083660151133ULL, 7801736054551625312ULL};
constexpr std::uint64_t kNationalCounts[] = {8360330842696812440ULL, 14476027538676270767ULL, 4021448575427796820ULL};
constexpr std::uint64_t kNationalStates[] = {6214837104037010903ULL, 10064824093797338864ULL, 1481273127660212352ULL};

TEST(PinnedDraws, SeedScenariosWith25Regions) {
  expect_digests(forecast::RegionMode::SafetyRegions, kRegionalCounts, kRegionalStates);
}

TEST(PinnedDraws, SeedScenariosNational) {
  expect_digests(forecast::RegionMode::National, kNationalCounts, kNationalStates);
}

// The switches docs/model.md gives for rerunning a first-model forecast from
// its file: its TOML block, added to the tables of the published file, must
// give the pinned first model. A file cannot remove the seed's
// initial.permit_holders_over_14_weeks (C8), whose waiting-time state the
// final states hold, so the recorded values are compared, not the states.
std::string switched_first_model_file() {
  const std::filesystem::path data(CHAINSIM_TEST_DATA_DIR);
  std::ifstream doc(data / ".." / ".." / "docs" / "model.md");
  std::string line;
  while (std::getline(doc, line) && line.find("To rerun a forecast of the first model") == std::string::npos) {}
  while (std::getline(doc, line) && line != "```toml") {}
  std::map<std::string, std::string> switches;  // "[table]" -> its lines
  std::string table;
  while (std::getline(doc, line) && line != "```") {
    if (line.starts_with("[")) table = line;
    else switches[table] += line + "\n";
  }
  EXPECT_GE(switches.size(), 5u) << "docs/model.md: the first model's switches were not found";
  std::ifstream published(data / "first-model-seed.toml");
  std::string text;
  while (std::getline(published, line)) {
    text += line + "\n";
    const std::string header = line.substr(0, line.find(' '));
    if (const auto it = switches.find(header); it != switches.end()) {
      text += it->second;
      switches.erase(it);
    }
  }
  EXPECT_TRUE(switches.empty()) << "a table of the switches is not in first-model-seed.toml: "
                                << switches.begin()->first;
  return text;
}

TEST(PinnedDraws, TheFirstModelSwitchesOfTheModelDocumentGiveTheFirstModel) {
  const forecast::ScenarioSet set =
      io::load_config_text(switched_first_model_file(), "first-model-seed.toml + switches");
  ASSERT_EQ(set.scenarios.size(), 3u);
  for (const auto& [mode, counts] : {std::pair{forecast::RegionMode::National, kNationalCounts},
                                     std::pair{forecast::RegionMode::SafetyRegions, kRegionalCounts}})
    for (std::size_t i = 0; i < 3; ++i)
      EXPECT_EQ(digests_in_groups(pinned_run(set.scenarios[i], mode)).counts, counts[i])
          << "scenario " << i << ", regions " << static_cast<int>(mode);
}

}  // namespace
}  // namespace chainsim
