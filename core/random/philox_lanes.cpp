// Philox4x32-10 in SIMD lanes (see philox_lanes.hpp). A round maps counter
// (x0, x1, x2, x3) and key (k0, k1) to
//   (hi(M1 x2) ^ x1 ^ k0, lo(M1 x2), hi(M0 x0) ^ x3 ^ k1, lo(M0 x0)),
// the key growing by (W0, W1) between rounds (Salmon et al. 2011, as in
// Random123's philox.h, whose constants are used here). The vector versions
// do exactly this per 32-bit lane: the 32 x 32 -> 64-bit products come from
// vpmuludq on the even lanes and on the odd lanes shifted down, their halves
// put back in place by a blend.
#include "core/random/philox_lanes.hpp"

// gcc 12's AVX-512 shift intrinsics start from _mm512_undefined_epi32(), which
// -Wmaybe-uninitialized reports once inlined (GCC bug 105593, fixed in gcc 13);
// the vector-ABI note (-Wpsabi) concerns functions that pass vectors by value
// between translation units, and these never leave this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wpsabi"

#include <Random123/philox.h>
#include <immintrin.h>

#include <algorithm>
#include <atomic>

namespace chainsim::core {
namespace {

constexpr std::uint32_t kM0 = PHILOX_M4x32_0;
constexpr std::uint32_t kM1 = PHILOX_M4x32_1;
constexpr std::uint32_t kW0 = PHILOX_W32_0;
constexpr std::uint32_t kW1 = PHILOX_W32_1;
constexpr int kRounds = 10;
static_assert(r123::Philox4x32::rounds == kRounds);

struct RoundKeys {
  std::uint32_t k0[kRounds], k1[kRounds];
};

RoundKeys round_keys(std::uint64_t seed) noexcept {
  RoundKeys keys{};
  std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (int r = 0; r < kRounds; ++r) {
    keys.k0[r] = k0;
    keys.k1[r] = k1;
    k0 += kW0;
    k1 += kW1;
  }
  return keys;
}

// Lanes [first, n) one at a time, with Random123 itself.
void blocks_scalar(const PhiloxLaneCounters& c, std::size_t first, std::uint32_t* out, std::size_t stride) noexcept {
  const r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(c.seed), static_cast<std::uint32_t>(c.seed >> 32)}};
  for (std::size_t i = first; i < c.n; ++i) {
    const r123::Philox4x32::ctr_type ctr = {{c.word0[i], c.word1[i], c.word2, c.word3}};
    const auto b = r123::Philox4x32{}(ctr, key);
    for (std::size_t k = 0; k < 4; ++k) out[k * stride + i] = b.v[k];
  }
}

// The vector blocks, blocks_256 (AVX2, 8 lanes) and blocks_512 (AVX-512, 16
// lanes): one text, compiled for each target.
#define PHILOX_BITS 256
#define PHILOX_TARGET "avx2"
#define PHILOX_BLEND_ODD(a, b) _mm256_blend_epi32(a, b, 0xAA)
#include "core/random/philox_lanes_simd.inc"

#define PHILOX_BITS 512
#define PHILOX_TARGET "avx512f"
#define PHILOX_BLEND_ODD(a, b) _mm512_mask_blend_epi32(0xAAAA, a, b)
#include "core/random/philox_lanes_simd.inc"

PhiloxIsa detect_isa() noexcept {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return PhiloxIsa::Avx512;
  if (__builtin_cpu_supports("avx2")) return PhiloxIsa::Avx2;
  return PhiloxIsa::Scalar;
}

// The cap of limit_simd (a process-wide setting, like a thread count; atomic
// because workers read it while making their workspaces).
std::atomic<int> g_simd_limit{static_cast<int>(PhiloxIsa::Avx512)};

}  // namespace

PhiloxIsa philox_best_isa() noexcept {
  static const PhiloxIsa detected = detect_isa();
  return static_cast<PhiloxIsa>(std::min(static_cast<int>(detected), g_simd_limit.load(std::memory_order_relaxed)));
}

void limit_simd(PhiloxIsa max) noexcept { g_simd_limit.store(static_cast<int>(max), std::memory_order_relaxed); }

const char* philox_isa_name(PhiloxIsa isa) noexcept {
  switch (isa) {
    case PhiloxIsa::Avx512: return "avx512";
    case PhiloxIsa::Avx2: return "avx2";
    case PhiloxIsa::Scalar: break;
  }
  return "scalar";
}

void philox_blocks(PhiloxIsa isa, const PhiloxLaneCounters& counters, std::uint32_t* out, std::size_t stride) noexcept {
  switch (isa) {
    case PhiloxIsa::Avx512: blocks_512(counters, out, stride); return;
    case PhiloxIsa::Avx2: blocks_256(counters, out, stride); return;
    case PhiloxIsa::Scalar: break;
  }
  blocks_scalar(counters, 0, out, stride);
}

void philox_blocks(const PhiloxLaneCounters& counters, std::uint32_t* out, std::size_t stride) noexcept {
  philox_blocks(philox_best_isa(), counters, out, stride);
}

}  // namespace chainsim::core
