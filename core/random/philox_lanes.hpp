#pragma once
// Many Philox4x32-10 blocks at once, in SIMD lanes, bit for bit the blocks
// r123::Philox4x32 computes one at a time.
//
// The kernel opens ~30 (national) to ~55 (25 regions) random streams per
// path-week, each a pure function of (seed, path, week, flow, sub); most use
// only their first block. Computed one by one, those blocks were a fifth of the
// sampling floor (docs/perf-log.md, "Where the time goes"). Their counters are all
// known when the week starts and differ only in the two words (block index,
// flow << 16 | sub), so one call computes them side by side: 16 lanes with
// AVX-512, 8 with AVX2, one at a time otherwise. Which instruction set runs is
// chosen once from the CPU; the blocks are the same whichever it is (tested
// against r123 for each).
#include <cstddef>
#include <cstdint>

namespace chainsim::core {

enum class PhiloxIsa { Scalar, Avx2, Avx512 };

// The instruction set the lanes use (here and in core/sampling/poisson_lanes; also
// forecast/statistics' range pass): the widest this CPU (and OS) supports,
// capped by limit_simd.
PhiloxIsa philox_best_isa() noexcept;
const char* philox_isa_name(PhiloxIsa isa) noexcept;

// Caps the instruction set of the lanes for the whole process (default: no
// cap). Results do not depend on it -- every instruction set computes the
// same bits -- so it serves to check that, or to avoid a vector unit one does
// not trust. Workspaces made before the call keep the set they were made with.
void limit_simd(PhiloxIsa max) noexcept;

// The counters of n blocks that share key = {seed low, seed high} and counter
// words 2 and 3; lane i has counter {word0[i], word1[i], word2, word3}.
struct PhiloxLaneCounters {
  std::uint64_t seed = 0;
  std::uint32_t word2 = 0;
  std::uint32_t word3 = 0;
  const std::uint32_t* word0 = nullptr;
  const std::uint32_t* word1 = nullptr;
  std::size_t n = 0;
};

// Writes word k of lane i's block to out[k * stride + i] (k = 0..3, stride >= n).
void philox_blocks(const PhiloxLaneCounters& counters, std::uint32_t* out, std::size_t stride) noexcept;

// The same with a given instruction set (for tests and benchmarks); `isa` must
// be supported by this CPU.
void philox_blocks(PhiloxIsa isa, const PhiloxLaneCounters& counters, std::uint32_t* out, std::size_t stride) noexcept;

}  // namespace chainsim::core
