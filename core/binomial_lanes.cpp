// The inversion binomial sampler in AVX-512 lanes (see binomial_lanes.hpp).
//
// The scalar sampler (samplers.cpp, binomial_inversion) with p = rate.rare:
//   q = 1 - p, s = p / q, a = (n + 1) s, r = exp(n log_q), u = uniform(),
//   x = 0; while (u > r) { u -= r; ++x; r *= a / x - s;
//                          if (x > n || !(r > 0)) restart with a new u }
// and sample_binomial returns n - x when rate.flip. The lanes compute s, a and
// exp(n log_q) with the scalar code (so with glibc's exp), then run the walk
// for 8 lanes at once, each lane's steps masked off when its walk has ended;
// every step is the scalar step's operations in its order (-ffp-contract=off
// keeps the compiler from fusing them), so each lane's x is the scalar x.
// A lane that would restart is left to the caller.
#include "core/binomial_lanes.hpp"

#include "core/avx512_lanes.hpp"
#include "core/philox_lanes.hpp"

#include <cmath>

// (See philox_lanes.cpp: gcc 12's AVX-512 intrinsics trip -Wmaybe-uninitialized.)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wpsabi"

namespace chainsim::core {
namespace {

using lanes::splat;
using lanes::uniform_lanes;

// Lanes are walked kGroups vectors at a time: the walks' dependency chains
// (u -= r, r *= t, compare) are short, so independent vectors fill the
// pipeline while each waits on its own chain.
constexpr std::size_t kGroups = 4;
constexpr std::size_t kWidth = 8 * kGroups;

__attribute__((target("avx512f"))) void inversion_avx512(const BinomialRate& rate, const std::int64_t* n,
                                                          std::size_t count, const std::uint32_t* blocks,
                                                          std::size_t stride, std::int64_t* out,
                                                          std::uint8_t* settled) noexcept {
  const double p = rate.rare;
  const double s = p / (1.0 - p);
  const __m512d vs = splat(s);
  const std::uint32_t* w0 = blocks;
  const std::uint32_t* w1 = blocks + stride;
  for (std::size_t i = 0; i < count; i += kWidth) {
    const std::size_t lanes = count - i < kWidth ? count - i : kWidth;
    const std::size_t groups = (lanes + 7) / 8;
    // The set-up per lane, by the scalar code.
    alignas(64) double nd[kWidth], a[kWidth], r0[kWidth];
    std::uint32_t walk = 0;  // lanes drawn by inversion
    for (std::size_t j = 0; j < 8 * groups; ++j) {
      nd[j] = 0.0;
      a[j] = 0.0;
      r0[j] = 1.0;
      if (j >= lanes || n[i + j] <= 0) continue;
      const double nj = static_cast<double>(n[i + j]);
      if (!(nj * p < 10.0)) continue;
      nd[j] = nj;
      a[j] = (nj + 1.0) * s;
      r0[j] = std::exp(nj * rate.log_q);
      walk |= std::uint32_t{1} << j;
    }
    __m512d vn[kGroups], va[kGroups], r[kGroups], u[kGroups], x[kGroups];
    __mmask8 going[kGroups], failed[kGroups];
    bool any = false;
    for (std::size_t g = 0; g < kGroups; ++g) {
      failed[g] = 0;
      x[g] = _mm512_setzero_pd();
      going[g] = 0;
      if (g >= groups) continue;
      vn[g] = _mm512_load_pd(nd + 8 * g);
      va[g] = _mm512_load_pd(a + 8 * g);
      r[g] = _mm512_load_pd(r0 + 8 * g);
      u[g] = uniform_lanes(w0 + i + 8 * g, w1 + i + 8 * g);
      going[g] = static_cast<__mmask8>(walk >> (8 * g)) & _mm512_cmp_pd_mask(u[g], r[g], _CMP_GT_OQ);
      any = any || going[g];
    }
    // Step k: every lane still walking has x = k - 1 before it. So the
    // factor a / k - s does not wait for the walk's comparisons.
    for (double k = 1.0; any; k += 1.0) {
      any = false;
      const __m512d vk = splat(k);
      for (std::size_t g = 0; g < kGroups; ++g) {
        if (!going[g]) continue;
        const __m512d t = _mm512_sub_pd(_mm512_div_pd(va[g], vk), vs);
        u[g] = _mm512_mask_sub_pd(u[g], going[g], u[g], r[g]);
        x[g] = _mm512_mask_mov_pd(x[g], going[g], vk);
        r[g] = _mm512_mask_mul_pd(r[g], going[g], r[g], t);
        // The scalar walk's restart: x > n or !(r > 0).
        const __mmask8 bad = going[g] & (_mm512_cmp_pd_mask(vk, vn[g], _CMP_GT_OQ) |
                                         _mm512_cmp_pd_mask(r[g], _mm512_setzero_pd(), _CMP_NGT_UQ));
        failed[g] |= bad;
        going[g] = static_cast<__mmask8>(going[g] & ~bad & _mm512_cmp_pd_mask(u[g], r[g], _CMP_GT_OQ));
        any = any || going[g];
      }
    }
    alignas(64) double xs[kWidth];
    std::uint32_t ok = walk;
    for (std::size_t g = 0; g < groups; ++g) {
      _mm512_store_pd(xs + 8 * g, x[g]);
      ok &= ~(std::uint32_t{failed[g]} << (8 * g));
    }
    for (std::size_t j = 0; j < lanes; ++j) {
      const bool yes = (ok >> j) & 1u;
      settled[i + j] = yes;
      if (yes) {
        const auto kx = static_cast<std::int64_t>(xs[j]);
        out[i + j] = rate.flip ? n[i + j] - kx : kx;
      }
    }
  }
  _mm256_zeroupper();  // (see philox_lanes.cpp)
}

}  // namespace

bool binomial_lanes_available() noexcept { return philox_best_isa() == PhiloxIsa::Avx512; }

void binomial_inversion_lanes(const BinomialRate& rate, const std::int64_t* n, std::size_t count,
                              const std::uint32_t* first_blocks, std::size_t stride, std::int64_t* out,
                              std::uint8_t* settled) noexcept {
  if (binomial_lanes_available() && rate.p > 0.0 && rate.p < 1.0) {
    inversion_avx512(rate, n, count, first_blocks, stride, out, settled);
    return;
  }
  for (std::size_t i = 0; i < count; ++i) settled[i] = 0;
}

}  // namespace chainsim::core

#undef CHAINSIM_AVX512
