#include "io/per_path_assembly.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

namespace chainsim::io {
namespace {

struct Window {
  int first = 0;
  int weeks = 0;
  WindowReader reader;
};

// Paths [p0, p0 + np) of variable v over the whole horizon, path-major, from
// the window files. A window file holds the variables one after the other,
// each (path, week) over the window's weeks.
template <class T>
std::vector<T> gather(const std::vector<Window>& windows, const PerPathSeries& ps, std::size_t v, std::size_t p0,
                      std::size_t np) {
  const auto T_all = static_cast<std::size_t>(ps.weeks);
  std::vector<T> block(np * T_all);
  std::vector<T> rows;
  for (const Window& w : windows) {
    const auto W = static_cast<std::size_t>(w.weeks);
    std::uint64_t var_offset = 0;
    for (std::size_t u = 0; u < v; ++u) var_offset += ps.element_bytes[u] * ps.paths * W;
    rows.resize(np * W);
    w.reader.read_at(var_offset + p0 * W * sizeof(T),
                     std::span<char>(reinterpret_cast<char*>(rows.data()), rows.size() * sizeof(T)));
    for (std::size_t i = 0; i < np; ++i)
      std::copy_n(rows.data() + i * W, W, block.data() + i * T_all + static_cast<std::size_t>(w.first));
  }
  return block;
}

}  // namespace

bool write_per_path_series(io::OutputFile& file, const CheckpointStore& store, std::size_t scenario,
                           const PerPathSeries& ps, const forecast::Parallelism& parallelism, bool (*stop)() noexcept) {
  if (ps.names.empty()) return true;
  std::vector<Window> windows;
  for (int first = 0; first < ps.weeks; first += ps.window) {
    const int weeks = std::min(ps.window, ps.weeks - first);
    std::size_t bytes = 0;
    for (const std::size_t e : ps.element_bytes) bytes += e * ps.paths * static_cast<std::size_t>(weeks);
    windows.push_back({first, weeks, store.open_window(scenario, first, bytes)});
  }
  const std::size_t chunk = io::OutputFile::kPathChunk;
  const std::size_t chunks = (ps.paths + chunk - 1) / chunk;
  // Chunks compressed per round: enough to keep every worker busy, few enough
  // that the compressed chunks waiting to be written stay small.
  const std::size_t round = 4 * static_cast<std::size_t>(forecast::effective_threads(parallelism));
  std::vector<std::vector<unsigned char>> encoded;
  for (std::size_t v = 0; v < ps.names.size(); ++v) {
    const std::string& name = ps.names[v];
    for (std::size_t c0 = 0; c0 < chunks; c0 += round) {
      if (stop()) return false;
      const std::size_t n = std::min(round, chunks - c0);
      encoded.assign(n, {});
      forecast::parallel_for(static_cast<std::int64_t>(n), parallelism, [&](std::int64_t i) {
        const std::size_t p0 = (c0 + static_cast<std::size_t>(i)) * chunk;
        const std::size_t np = std::min(chunk, ps.paths - p0);
        auto& out = encoded[static_cast<std::size_t>(i)];
        if (ps.element_bytes[v] == sizeof(std::int32_t)) {
          const auto block = gather<std::int32_t>(windows, ps, v, p0, np);
          out = file.encode_per_path(name, np, std::span<const std::int32_t>(block));
        } else {
          const auto block = gather<double>(windows, ps, v, p0, np);
          out = file.encode_per_path(name, np, std::span<const double>(block));
        }
      });
      for (std::size_t i = 0; i < n; ++i) file.write_encoded_per_path(scenario, name, (c0 + i) * chunk, encoded[i]);
    }
  }
  return true;
}

}  // namespace chainsim::io
