// Binomial draws in AVX-512 lanes (see binomial_lanes.hpp).
//
// The scalar sampler (samplers.cpp) draws the rarer outcome, p = rate.rare,
// and returns n - k when rate.flip. For n p < 10 it inverts:
//   q = 1 - p, s = p / q, a = (n + 1) s, r = exp(n log_q), u = uniform(),
//   x = 0; while (u > r) { u -= r; ++x; r *= a / x - s;
//                          if (x > n || !(r > 0)) restart with a new u }
// and for n p >= 10 it runs BTRD (binomial_btrd), whose attempts the lanes
// follow through step 1 (one uniform) and steps 2 to 3.1 (two), where
// f(k)/f(m) is an exact product when |k - m| <= 15.
// The lanes compute exp(n log_q) with the scalar code (so with glibc's exp)
// and everything else with the scalar code's operations in its order: +, -,
// *, /, sqrt, |.| and floor are correctly rounded in SIMD as in scalar code,
// and -ffp-contract=off keeps the compiler from fusing them. So each lane
// they settle ends on the scalar result. BTRD's attempts are independent (the
// only thing carried from one to the next is log f(m), a function of n and
// p), so a lane that was rejected can go on in sample_binomial from where its
// stream is, and gets what the scalar sampler would: a walk that would
// restart, an attempt going on to step 3.2 (which needs log: its lane steps
// back to the attempt's start), or many rejections go on that way.
#include "core/sampling/binomial_lanes.hpp"

#include "core/sampling/avx512_lanes.hpp"
#include "core/random/philox_lanes.hpp"
#include "core/random/random_stream.hpp"

#include <cmath>

namespace chainsim::core {
namespace {

using lanes::abs_lanes;
using lanes::splat;
using lanes::uniform_lanes;

// The inversion walks of G vectors of lanes, side by side: their dependency
// chains (u -= r, r *= t, compare) are short, so independent vectors fill the
// pipeline while each waits on its own. At step k every lane still walking
// has x = k - 1 before it, so the factor a / k - s does not wait for the
// comparisons. On return x holds each lane's result and failed the lanes
// whose walk would restart.
template <std::size_t G>
CHAINSIM_AVX512 void walk(const __m512d* va, const __m512d* vn, __m512d vs, __m512d* r, __m512d* u, __mmask8* going,
                          __m512d* x, __mmask8* failed) noexcept {
  bool any = false;
  for (std::size_t g = 0; g < G; ++g) {
    x[g] = _mm512_setzero_pd();
    failed[g] = 0;
    going[g] = going[g] & _mm512_cmp_pd_mask(u[g], r[g], _CMP_GT_OQ);
    any = any || going[g];
  }
  for (double k = 1.0; any; k += 1.0) {
    any = false;
    const __m512d vk = splat(k);
    for (std::size_t g = 0; g < G; ++g) {
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
}

// The inversion set-up of lane j (n > 0 trials): whether the scalar sampler
// inverts, and if so a = (n + 1) s and P(0) = exp(n log_q), by the scalar code.
inline bool inversion_setup(std::int64_t n, double p, double s, double log_q, double& nd, double& a,
                            double& r0) noexcept {
  const double nj = static_cast<double>(n);
  if (!(nj * p < 10.0)) return false;
  nd = nj;
  a = (nj + 1.0) * s;
  r0 = std::exp(nj * log_q);
  return true;
}

// Cohorts: lanes walked kGroups vectors at a time.
constexpr std::size_t kGroups = 4;
constexpr std::size_t kWidth = 8 * kGroups;

__attribute__((target("avx512f"))) void inversion_avx512(const BinomialRate& rate, const std::int64_t* n,
                                                         std::size_t count, const std::uint32_t* blocks,
                                                         std::size_t stride, std::int64_t* out,
                                                         std::uint8_t* settled) noexcept {
  const double p = rate.rare;
  const double s = p / (1.0 - p);
  const std::uint32_t* w0 = blocks;
  const std::uint32_t* w1 = blocks + stride;
  for (std::size_t i = 0; i < count; i += kWidth) {
    const std::size_t lanes = count - i < kWidth ? count - i : kWidth;
    alignas(64) double nd[kWidth], a[kWidth], r0[kWidth];
    std::uint32_t inverted = 0;
    for (std::size_t j = 0; j < kWidth; ++j) {
      nd[j] = 0.0;
      a[j] = 0.0;
      r0[j] = 1.0;
      if (j < lanes && n[i + j] > 0 && inversion_setup(n[i + j], p, s, rate.log_q, nd[j], a[j], r0[j]))
        inverted |= std::uint32_t{1} << j;
    }
    __m512d vn[kGroups], va[kGroups], r[kGroups], u[kGroups], x[kGroups];
    __mmask8 going[kGroups], failed[kGroups];
    for (std::size_t g = 0; g < kGroups; ++g) {
      vn[g] = _mm512_load_pd(nd + 8 * g);
      va[g] = _mm512_load_pd(a + 8 * g);
      r[g] = _mm512_load_pd(r0 + 8 * g);
      // Lanes past `lanes` read blocks inside the padded arrays and never walk.
      going[g] = static_cast<__mmask8>(inverted >> (8 * g));
      u[g] = going[g] ? uniform_lanes(w0 + i + 8 * g, w1 + i + 8 * g) : splat(0.0);
    }
    walk<kGroups>(va, vn, splat(s), r, u, going, x, failed);
    alignas(64) double xs[kWidth];
    std::uint32_t ok = inverted;
    for (std::size_t g = 0; g < kGroups; ++g) {
      _mm512_store_pd(xs + 8 * g, x[g]);
      ok &= ~(std::uint32_t{failed[g]} << (8 * g));
    }
    for (std::size_t j = 0; j < lanes; ++j) {
      const bool yes = (ok >> j) & 1u;
      settled[i + j] = yes;
      if (yes) {
        const auto k = static_cast<std::int64_t>(xs[j]);
        out[i + j] = rate.flip ? n[i + j] - k : k;
      }
    }
  }
  _mm256_zeroupper();  // (see philox_lanes.cpp)
}

// At most this many attempts of each lane are made in lanes; a lane still
// rejected then goes on in sample_binomial (BTRD accepts an attempt with
// probability ~0.8 or more, so this is reached about once in 10^6 draws).
constexpr int kMaxLaneAttempts = 8;

__attribute__((target("avx512f"))) void draw_avx512(const BinomialRate& rate, const std::int64_t* n,
                                                    RandomStream* const* streams, unsigned lanes,
                                                    std::int64_t* out) noexcept {
  const double p = rate.rare;
  const double q = 1.0 - p;
  const double s = p / q;
  alignas(64) double nd[8], a[8], r0[8], nb[8];
  unsigned inverted = 0, btrd = 0;
  for (unsigned j = 0; j < 8; ++j) {
    nd[j] = 0.0;
    a[j] = 0.0;
    r0[j] = 1.0;
    nb[j] = 0.0;
    if (!((lanes >> j) & 1u)) continue;
    if (inversion_setup(n[j], p, s, rate.log_q, nd[j], a[j], r0[j])) {
      inverted |= 1u << j;
    } else {
      nb[j] = static_cast<double>(n[j]);
      btrd |= 1u << j;
    }
  }
  alignas(64) double ks[8] = {}, u1s[8] = {}, u2s[8] = {};
  unsigned settled = 0;
  unsigned scalar = 0;  // lanes left to sample_binomial, their streams at an attempt's start
  // The inversion walks: one uniform each; a walk that would restart leaves
  // its lane to sample_binomial after that uniform (the scalar walk's restart
  // draws a new one).
  if (inverted) {
    for (unsigned j = 0; j < 8; ++j)
      if ((inverted >> j) & 1u) u1s[j] = streams[j]->uniform();
    __m512d vn = _mm512_load_pd(nd), va = _mm512_load_pd(a), r = _mm512_load_pd(r0), u = _mm512_load_pd(u1s), x;
    __mmask8 going = static_cast<__mmask8>(inverted), failed;
    walk<1>(&va, &vn, splat(s), &r, &u, &going, &x, &failed);
    _mm512_mask_store_pd(ks, static_cast<__mmask8>(inverted), x);
    settled |= inverted & ~static_cast<unsigned>(failed);
    scalar |= failed;
  }
  if (btrd) {
    // BTRD's set-up (samplers.cpp, binomial_btrd), lanes outside `btrd`
    // computing values never used.
    const __m512d vp = splat(p);
    const __m512d vn = _mm512_load_pd(nb);
    const __m512d np = _mm512_mul_pd(vn, vp);
    const __m512d spq = _mm512_sqrt_pd(_mm512_mul_pd(np, splat(q)));
    const __m512d b = _mm512_add_pd(splat(1.15), _mm512_mul_pd(splat(2.53), spq));
    const __m512d ba =
        _mm512_add_pd(_mm512_add_pd(splat(-0.0873), _mm512_mul_pd(splat(0.0248), b)), _mm512_mul_pd(splat(0.01), vp));
    const __m512d c = _mm512_add_pd(np, splat(0.5));
    const __m512d alpha = _mm512_mul_pd(_mm512_add_pd(splat(2.83), _mm512_div_pd(splat(5.1), b)), spq);
    const __m512d vr = _mm512_sub_pd(splat(0.92), _mm512_div_pd(splat(4.2), b));
    const __m512d urvr = _mm512_mul_pd(splat(0.86), vr);
    const __m512d two_a = _mm512_mul_pd(splat(2.0), ba);
    const __m512d m = _mm512_roundscale_pd(_mm512_mul_pd(_mm512_add_pd(vn, splat(1.0)), vp),
                                           _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    const __m512d vrr = splat(p / q);
    const __m512d nr = _mm512_mul_pd(_mm512_add_pd(vn, splat(1.0)), vrr);
    __m512d k = _mm512_setzero_pd();
    __mmask8 pending = static_cast<__mmask8>(btrd);
    for (int attempt = 0; pending && attempt < kMaxLaneAttempts; ++attempt) {
      // Step 1 with the attempt's first uniform v.
      for (unsigned j = 0; j < 8; ++j)
        if ((pending >> j) & 1u) u1s[j] = streams[j]->uniform();
      const __m512d u1 = _mm512_load_pd(u1s);
      const __mmask8 step1 = pending & _mm512_cmp_pd_mask(u1, urvr, _CMP_LE_OQ);
      const __m512d u1_vr = _mm512_div_pd(u1, vr);  // step 1's and step 2's v / vr
      if (step1) {
        const __m512d u = _mm512_sub_pd(u1_vr, splat(0.43));
        const __m512d h = _mm512_div_pd(two_a, _mm512_sub_pd(splat(0.5), abs_lanes(u)));
        k = _mm512_mask_mov_pd(k, step1,
                               _mm512_roundscale_pd(_mm512_add_pd(_mm512_mul_pd(_mm512_add_pd(h, b), u), c),
                                                    _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
        settled |= step1;
      }
      const __mmask8 step2 = pending & static_cast<__mmask8>(~step1);
      pending = step2;
      if (!step2) break;
      // Step 2 with its second uniform: v >= vr: u = u2 - 0.5 (v stays);
      // else u = copysign(0.5, w) - w with w = v / vr - 0.93, and v = u2 vr.
      for (unsigned j = 0; j < 8; ++j)
        if ((step2 >> j) & 1u) u2s[j] = streams[j]->uniform();
      const __m512d u2 = _mm512_load_pd(u2s);
      const __mmask8 high = _mm512_cmp_pd_mask(u1, vr, _CMP_GE_OQ);
      const __m512d w = _mm512_sub_pd(u1_vr, splat(0.93));
      const __m512d sign = _mm512_castsi512_pd(
          _mm512_and_si512(_mm512_castpd_si512(w), _mm512_set1_epi64(static_cast<long long>(0x8000000000000000ULL))));
      const __m512d half =
          _mm512_castsi512_pd(_mm512_or_si512(_mm512_castpd_si512(splat(0.5)), _mm512_castpd_si512(sign)));
      const __m512d u = _mm512_mask_sub_pd(_mm512_sub_pd(half, w), high, u2, splat(0.5));
      __m512d v = _mm512_mask_mov_pd(_mm512_mul_pd(u2, vr), high, u1);
      // Step 3.0: k out of range rejects the attempt.
      const __m512d us = _mm512_sub_pd(splat(0.5), abs_lanes(u));
      const __m512d k3 =
          _mm512_roundscale_pd(_mm512_add_pd(_mm512_mul_pd(_mm512_add_pd(_mm512_div_pd(two_a, us), b), u), c),
                               _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
      const __mmask8 in_range =
          step2 & _mm512_cmp_pd_mask(k3, splat(0.0), _CMP_GE_OQ) & _mm512_cmp_pd_mask(k3, vn, _CMP_LE_OQ);
      v = _mm512_div_pd(_mm512_mul_pd(v, alpha), _mm512_add_pd(_mm512_div_pd(ba, _mm512_mul_pd(us, us)), b));
      const __m512d km = abs_lanes(_mm512_sub_pd(k3, m));
      const __mmask8 near = in_range & _mm512_cmp_pd_mask(km, splat(15.0), _CMP_LE_OQ);
      // Steps 3.2-3.3 need log: those lanes go back to the attempt's start
      // and on in sample_binomial.
      const __mmask8 far = in_range & static_cast<__mmask8>(~near);
      for (unsigned j = 0; j < 8; ++j)
        if ((far >> j) & 1u) streams[j]->rewind(4);
      scalar |= far;
      pending = static_cast<__mmask8>(step2 & ~far);
      if (near) {
        // Step 3.1: f(k)/f(m) by f(i)/f(i-1) = nr / i - r, i from the lower
        // of k, m plus one up to the higher: f for k above m, v for k below.
        const __mmask8 up = near & _mm512_cmp_pd_mask(m, k3, _CMP_LT_OQ);
        const __mmask8 down = near & _mm512_cmp_pd_mask(m, k3, _CMP_GT_OQ);
        const __m512d lo = _mm512_mask_mov_pd(k3, up, m);  // the lower of k, m
        const __m512d hi = _mm512_mask_mov_pd(m, up, k3);
        __m512d f = splat(1.0);
        __mmask8 going = up | down;
        for (double j = 1.0; going; j += 1.0) {
          const __m512d i = _mm512_add_pd(lo, splat(j));
          going = going & _mm512_cmp_pd_mask(i, hi, _CMP_LE_OQ);
          const __m512d t = _mm512_sub_pd(_mm512_div_pd(nr, i), vrr);
          f = _mm512_mask_mul_pd(f, going & up, f, t);
          v = _mm512_mask_mul_pd(v, going & down, v, t);
        }
        const __mmask8 accept = near & _mm512_cmp_pd_mask(v, f, _CMP_LE_OQ);
        k = _mm512_mask_mov_pd(k, accept, k3);
        settled |= accept;
        pending = static_cast<__mmask8>(pending & ~accept);
      }
      // The rest of `pending` was rejected: its next attempt starts here.
    }
    scalar |= pending;  // still rejected after kMaxLaneAttempts
    _mm512_mask_store_pd(ks, static_cast<__mmask8>(btrd), k);
  }
  _mm256_zeroupper();  // (see philox_lanes.cpp) before the scalar code below
  for (unsigned j = 0; j < 8; ++j) {
    if ((settled >> j) & 1u) {
      const auto kx = static_cast<std::int64_t>(ks[j]);
      out[j] = rate.flip ? n[j] - kx : kx;
    } else if ((scalar >> j) & 1u) {
      // Its earlier attempts were rejected (the scalar sampler would have
      // rejected them too): sample_binomial from here goes on as it would.
      out[j] = sample_binomial(*streams[j], n[j], rate);
    }
  }
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

void sample_binomial_lanes(const BinomialRate& rate, const std::int64_t* n, RandomStream* const* streams,
                           unsigned lanes, std::int64_t* out) noexcept {
  lanes &= 0xFFu;
  for (unsigned j = 0; j < 8; ++j)
    if (((lanes >> j) & 1u) && n[j] <= 0) {
      out[j] = 0;  // no trials: sample_binomial draws nothing
      lanes &= ~(1u << j);
    }
  if (binomial_lanes_available() && rate.p > 0.0 && rate.p < 1.0) {
    draw_avx512(rate, n, streams, lanes, out);
    return;
  }
  for (unsigned j = 0; j < 8; ++j)
    if ((lanes >> j) & 1u) out[j] = sample_binomial(*streams[j], n[j], rate);
}

}  // namespace chainsim::core

#undef CHAINSIM_AVX512
