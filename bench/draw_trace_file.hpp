#pragma once
// A recorded draw trace of the seed scenario (core/sampling/draw_trace.hpp) as a file:
// written by trace_seed_week (linked against the traced kernel), read by
// bench_floor (linked against the product kernel). Both programs come from the
// same build, so records are stored as raw bytes; the header carries the record
// size as a check. Header-only: both programs compile the same definitions.
#include "core/sampling/draw_trace.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace chainsim::bench {

struct SeedTrace {
  std::string mode;        // "national" or "regional"
  std::int64_t paths = 0;  // paths 0 .. paths-1
  std::int32_t weeks = 0;
  std::int32_t regions = 0;
  std::uint64_t seed = 0;
  core::DrawTrace trace;
  // Record offsets: path p's setup draws (init_path) are records
  // [offsets[p*(weeks+1)], offsets[p*(weeks+1)+1]), its week t draws
  // [offsets[p*(weeks+1)+1+t], offsets[p*(weeks+1)+2+t]); the last entry is records.size().
  std::vector<std::uint64_t> offsets;
};

namespace detail {
inline constexpr char kTraceMagic[8] = {'C', 'S', 'D', 'T', 'R', 'C', '0', '1'};

template <class T>
void put(std::ostream& out, const T& v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof(T));
}
template <class T>
void get(std::istream& in, T& v) {
  in.read(reinterpret_cast<char*>(&v), sizeof(T));
  if (!in) throw std::runtime_error("draw trace file truncated");
}
}  // namespace detail

inline void write_seed_trace(const std::string& file, const SeedTrace& t) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot create " + file);
  out.write(detail::kTraceMagic, sizeof detail::kTraceMagic);
  detail::put(out, static_cast<std::uint32_t>(sizeof(core::DrawRecord)));
  detail::put(out, static_cast<std::uint32_t>(t.mode.size()));
  out.write(t.mode.data(), static_cast<std::streamsize>(t.mode.size()));
  detail::put(out, t.paths);
  detail::put(out, t.weeks);
  detail::put(out, t.regions);
  detail::put(out, t.seed);
  detail::put(out, static_cast<std::uint64_t>(t.trace.records.size()));
  out.write(reinterpret_cast<const char*>(t.trace.records.data()),
            static_cast<std::streamsize>(t.trace.records.size() * sizeof(core::DrawRecord)));
  detail::put(out, static_cast<std::uint64_t>(t.offsets.size()));
  out.write(reinterpret_cast<const char*>(t.offsets.data()),
            static_cast<std::streamsize>(t.offsets.size() * sizeof(std::uint64_t)));
  detail::put(out, static_cast<std::uint64_t>(t.trace.probs.size()));
  for (const auto& p : t.trace.probs) {
    detail::put(out, static_cast<std::uint64_t>(p.size()));
    out.write(reinterpret_cast<const char*>(p.data()), static_cast<std::streamsize>(p.size() * sizeof(double)));
  }
  out.close();
  if (!out) throw std::runtime_error("error writing " + file);
}

inline SeedTrace read_seed_trace(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file);
  char magic[8];
  in.read(magic, sizeof magic);
  if (!in || !std::equal(magic, magic + 8, detail::kTraceMagic)) throw std::runtime_error(file + ": not a draw trace");
  std::uint32_t rec_size = 0, mode_len = 0;
  detail::get(in, rec_size);
  if (rec_size != sizeof(core::DrawRecord)) throw std::runtime_error(file + ": written by another build");
  detail::get(in, mode_len);
  SeedTrace t;
  t.mode.resize(mode_len);
  in.read(t.mode.data(), mode_len);
  detail::get(in, t.paths);
  detail::get(in, t.weeks);
  detail::get(in, t.regions);
  detail::get(in, t.seed);
  std::uint64_t n = 0;
  detail::get(in, n);
  t.trace.records.resize(n);
  in.read(reinterpret_cast<char*>(t.trace.records.data()), static_cast<std::streamsize>(n * sizeof(core::DrawRecord)));
  detail::get(in, n);
  t.offsets.resize(n);
  in.read(reinterpret_cast<char*>(t.offsets.data()), static_cast<std::streamsize>(n * sizeof(std::uint64_t)));
  detail::get(in, n);
  t.trace.probs.resize(n);
  for (auto& p : t.trace.probs) {
    std::uint64_t k = 0;
    detail::get(in, k);
    p.resize(k);
    in.read(reinterpret_cast<char*>(p.data()), static_cast<std::streamsize>(k * sizeof(double)));
  }
  if (!in) throw std::runtime_error(file + ": truncated");
  if (t.offsets.size() != static_cast<std::size_t>(t.paths) * (static_cast<std::size_t>(t.weeks) + 1) + 1 ||
      t.offsets.back() != t.trace.records.size())
    throw std::runtime_error(file + ": inconsistent offsets");
  return t;
}

// Draw counts of a trace, per path-week (setup draws included, amortised over the
// weeks) and, separately, per path for the setup draws alone.
struct TraceCounts {
  double path_weeks = 0;
  std::array<double, core::kNumDrawKinds> calls{};         // model's calls (depth 0), all
  std::array<double, core::kNumDrawKinds> calls_random{};  // ... of which consumed randomness
  std::array<double, core::kNumDrawKinds> nested{};        // calls made by other samplers
  std::array<double, core::kNumDrawKinds> words{};         // 32-bit words taken by the model's calls
  double streams = 0;                                      // model's calls on a stream that had produced nothing yet
  double uniforms = 0;                                     // doubles taken (2 words each), all calls
  double philox_blocks = 0;                                // Philox blocks generated
  double setup_calls = 0;                                  // model's calls in init_path, per path
  double setup_uniforms = 0;
};

inline TraceCounts count_trace(const SeedTrace& t) {
  TraceCounts c;
  c.path_weeks = static_cast<double>(t.paths) * t.weeks;
  const auto& rec = t.trace.records;
  for (std::int64_t p = 0; p < t.paths; ++p) {
    const std::size_t base = static_cast<std::size_t>(p) * (static_cast<std::size_t>(t.weeks) + 1);
    for (std::uint64_t i = t.offsets[base]; i < t.offsets[base + 1]; ++i)
      if (rec[i].depth == 0) {
        c.setup_calls += 1;
        c.setup_uniforms += rec[i].words / 2.0;
      }
  }
  for (const auto& r : rec) {
    const auto k = static_cast<std::size_t>(r.kind);
    if (r.depth == 0) {
      c.calls[k] += 1;
      if (r.words) c.calls_random[k] += 1;
      c.words[k] += r.words;
      c.uniforms += r.words / 2.0;
      c.philox_blocks += r.blocks;
      if (r.fresh) c.streams += 1;
    } else {
      c.nested[k] += 1;
    }
  }
  const double pw = c.path_weeks > 0 ? c.path_weeks : 1;
  for (std::size_t k = 0; k < core::kNumDrawKinds; ++k) {
    c.calls[k] /= pw;
    c.calls_random[k] /= pw;
    c.nested[k] /= pw;
    c.words[k] /= pw;
  }
  c.streams /= pw;
  c.uniforms /= pw;
  c.philox_blocks /= pw;
  if (t.paths > 0) {
    c.setup_calls /= static_cast<double>(t.paths);
    c.setup_uniforms /= static_cast<double>(t.paths);
  }
  return c;
}

inline std::string format_counts(const SeedTrace& t, const TraceCounts& c) {
  std::ostringstream o;
  char line[256];
  o << "draw trace: seed scenario baseline, " << t.mode << " (" << t.regions << " region(s)), " << t.paths
    << " paths x " << t.weeks << " weeks, seed " << t.seed << "\n";
  o << "per path-week (setup draws of init_path amortised over the weeks):\n";
  std::snprintf(line, sizeof line, "  %-20s %10s %12s %12s %12s\n", "kind", "calls", "with random", "uniforms",
                "nested calls");
  o << line;
  for (std::size_t k = 0; k < core::kNumDrawKinds; ++k) {
    if (c.calls[k] == 0 && c.nested[k] == 0) continue;
    std::snprintf(line, sizeof line, "  %-20s %10.3f %12.3f %12.3f %12.3f\n",
                  core::draw_kind_name(static_cast<core::DrawKind>(k)), c.calls[k], c.calls_random[k], c.words[k] / 2.0,
                  c.nested[k]);
    o << line;
  }
  double total = 0, total_random = 0;
  for (std::size_t k = 0; k < core::kNumDrawKinds; ++k) {
    total += c.calls[k];
    total_random += c.calls_random[k];
  }
  std::snprintf(line, sizeof line, "  %-20s %10.3f %12.3f %12.3f\n", "total", total, total_random, c.uniforms);
  o << line;
  std::snprintf(line, sizeof line,
                "  streams started %.3f, Philox blocks %.3f; setup per path: %.1f calls, %.1f uniforms\n", c.streams,
                c.philox_blocks, c.setup_calls, c.setup_uniforms);
  o << line;
  return o.str();
}

}  // namespace chainsim::bench
