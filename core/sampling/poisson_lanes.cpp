// Poisson draws in AVX-512 lanes (see poisson_lanes.hpp).
//
// The scalar sampler (samplers.cpp) inverts for lambda < 10 (poisson_inversion:
// P(0) = exp(-lambda), P(x) = P(x-1) lambda / x, one uniform) and otherwise
// runs PTRS (poisson_ptrs), whose attempt computes
//   slam = sqrt(lambda), b = 0.931 + 2.53 slam, a = -0.059 + 0.02483 b,
//   inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2),
//   u = uniform() - 0.5, v = uniform(), us = 0.5 - |u|,
//   k = floor(((2 a) / us + b) u + lambda + 0.43),
// accepts k if us >= 0.07 and v <= vr (the squeeze); rejects if k < 0, or
// us < 0.013 and v > us, or k > 2^62; else accepts k if
//   log(v inv_alpha / (a / us^2 + b)) <= poisson_logpmf(k, lambda).
// The lanes do every operation but exp and log in the scalar code's order;
// all of them are correctly rounded in SIMD as in scalar code (the project
// compiles with -ffp-contract=off), so they give the same bits; exp(-lambda)
// comes from glibc as in the scalar code. PTRS's last test needs log, whose
// glibc value the lanes cannot reproduce bit for bit; they compute both sides
// with a vector log of relative error below 1e-15 (tested against std::log)
// and decide only when the two sides differ by more than kTieMargin times
// their magnitudes -- a million times the largest difference the two logs can
// make -- which is then the scalar sampler's decision too. PTRS's attempts
// are independent, so a lane whose attempt is rejected makes the next one in
// lanes; a near-tie, or a walk that would restart, goes on in sample_poisson
// from that point of its stream, which gives the scalar result.
#include "core/sampling/poisson_lanes.hpp"

#include "core/sampling/avx512_lanes.hpp"
#include "core/sampling/log_pmf.hpp"
#include "core/random/philox_lanes.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"
#include "core/random/week_streams.hpp"

#include <cmath>

namespace chainsim::core {
namespace {

using lanes::abs_lanes;
using lanes::splat;
using lanes::uniform_lanes;

constexpr double kTieMargin = 1e-10;  // relative; see the file comment

// log(x) for positive normal x: x = 2^e m, m in [sqrt(1/2), sqrt(2)),
// log m = 2 atanh(s) = 2 s sum_j s^(2j) / (2j + 1), s = (m - 1) / (m + 1),
// |s| <= 0.172, s^2 <= 0.0295, 11 terms (relative truncation below 1e-17);
// e log 2 in two pieces.
CHAINSIM_AVX512 __m512d log_lanes(__m512d x) noexcept {
  __m512d m = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
  __m512d e = _mm512_getexp_pd(x);
  const __mmask8 high = _mm512_cmp_pd_mask(m, splat(1.41421356237309504880), _CMP_GT_OQ);
  m = _mm512_mask_mul_pd(m, high, m, splat(0.5));
  e = _mm512_mask_add_pd(e, high, e, splat(1.0));
  const __m512d s = _mm512_div_pd(_mm512_sub_pd(m, splat(1.0)), _mm512_add_pd(m, splat(1.0)));
  const __m512d s2 = _mm512_mul_pd(s, s);
  __m512d p = splat(1.0 / 21);
  for (int j = 9; j >= 0; --j) p = _mm512_add_pd(_mm512_mul_pd(p, s2), splat(1.0 / (2 * j + 1)));
  const __m512d log_m = _mm512_mul_pd(_mm512_add_pd(s, s), p);
  // log 2 = kLn2Hi + kLn2Lo, kLn2Hi with 11 trailing zero bits: e kLn2Hi is exact.
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  return _mm512_add_pd(_mm512_mul_pd(e, splat(kLn2Hi)), _mm512_add_pd(_mm512_mul_pd(e, splat(kLn2Lo)), log_m));
}

// stirlerr(k) for k >= 1 (log_pmf.hpp), the same operations: the table for
// k <= 10, the series above.
CHAINSIM_AVX512 __m512d stirlerr_lanes(__m512d k) noexcept {
  const __m512d r = _mm512_div_pd(splat(1.0), k);
  const __m512d r2 = _mm512_mul_pd(r, r);
  __m512d t = _mm512_sub_pd(splat(1.0 / 1680), _mm512_div_pd(r2, splat(1188.0)));
  t = _mm512_sub_pd(splat(1.0 / 1260), _mm512_mul_pd(r2, t));
  t = _mm512_sub_pd(splat(1.0 / 360), _mm512_mul_pd(r2, t));
  t = _mm512_sub_pd(splat(1.0 / 12), _mm512_mul_pd(r2, t));
  const __m512d series = _mm512_mul_pd(r, t);
  const __mmask8 small = _mm512_cmp_pd_mask(k, splat(10.0), _CMP_LE_OQ);
  if (!small) return series;
  // The table at k - 1 for the small lanes (clamped into the table for the others).
  const __m512d idx = _mm512_min_pd(_mm512_max_pd(_mm512_sub_pd(k, splat(1.0)), splat(0.0)), splat(9.0));
  alignas(64) double at[8], out[8];
  _mm512_store_pd(at, idx);
  for (int j = 0; j < 8; ++j) out[j] = kStirlerrTable[static_cast<int>(at[j])];
  return _mm512_mask_blend_pd(small, series, _mm512_load_pd(out));
}

// bd0(x, M) for x >= 1 (log_pmf.hpp). Near M its series, step for step as the
// scalar loop (same operations, each lane stopping where the scalar one
// stops): the same bits. Away from M, x log(x / M) + M - x with log_lanes:
// `slack` gets a bound on how far that lane may be from the scalar value.
CHAINSIM_AVX512 __m512d bd0_lanes(__m512d x, __m512d M, __mmask8 lanes, __m512d& slack) noexcept {
  const __m512d d = _mm512_sub_pd(x, M);
  const __m512d xm = _mm512_add_pd(x, M);
  const __mmask8 near = lanes & _mm512_cmp_pd_mask(abs_lanes(d), _mm512_mul_pd(splat(0.1), xm), _CMP_LT_OQ);
  const __mmask8 far = lanes & static_cast<__mmask8>(~near);
  __m512d result = _mm512_setzero_pd();
  slack = _mm512_setzero_pd();
  if (far) {
    const __m512d xl = _mm512_mul_pd(x, log_lanes(_mm512_mask_div_pd(splat(1.0), far, x, M)));
    result = _mm512_mask_sub_pd(result, far, _mm512_add_pd(xl, M), x);
    slack = _mm512_mask_mov_pd(slack, far, abs_lanes(xl));
  }
  if (near) {
    __m512d v = _mm512_div_pd(d, xm);
    __m512d sum = _mm512_mul_pd(d, v);
    __m512d ej = _mm512_mul_pd(_mm512_mul_pd(splat(2.0), x), v);
    v = _mm512_mul_pd(v, v);
    __mmask8 going = near;
    for (int j = 1; j < 1000 && going; ++j) {
      ej = _mm512_mul_pd(ej, v);
      const __m512d s1 = _mm512_add_pd(sum, _mm512_div_pd(ej, splat(static_cast<double>(2 * j + 1))));
      const __mmask8 done = going & _mm512_cmp_pd_mask(s1, sum, _CMP_EQ_OQ);
      result = _mm512_mask_mov_pd(result, done, s1);
      sum = _mm512_mask_mov_pd(sum, going, s1);
      going = static_cast<__mmask8>(going & ~done);
    }
    result = _mm512_mask_mov_pd(result, going, sum);  // (the scalar loop's end; never reached)
  }
  return result;
}

// PTRS's set-up for a vector of means (every lane, whatever its mean).
struct PtrsSetup {
  __m512d lam, b, a, inv_alpha, vr;
};

CHAINSIM_AVX512 PtrsSetup ptrs_setup(__m512d lam) noexcept {
  PtrsSetup s;
  s.lam = lam;
  const __m512d slam = _mm512_sqrt_pd(lam);
  s.b = _mm512_add_pd(splat(0.931), _mm512_mul_pd(splat(2.53), slam));
  s.a = _mm512_add_pd(splat(-0.059), _mm512_mul_pd(splat(0.02483), s.b));
  s.inv_alpha = _mm512_add_pd(splat(1.1239), _mm512_div_pd(splat(1.1328), _mm512_sub_pd(s.b, splat(3.4))));
  s.vr = _mm512_sub_pd(splat(0.9277), _mm512_div_pd(splat(3.6224), _mm512_sub_pd(s.b, splat(2.0))));
  return s;
}

// One PTRS attempt of the lanes in `lanes` with the attempt's two uniforms
// (u = first - 0.5, v = second), as the scalar code: sets k, the lanes it
// accepts and the lanes it rejects; a lane in neither is a near-tie of the
// final test.
CHAINSIM_AVX512 void ptrs_attempt(const PtrsSetup& s, __m512d u1, __m512d v, __mmask8 lanes, __m512d& k,
                                  __mmask8& accept, __mmask8& reject) noexcept {
  const __m512d u = _mm512_sub_pd(u1, splat(0.5));
  const __m512d us = _mm512_sub_pd(splat(0.5), abs_lanes(u));
  const __m512d t = _mm512_add_pd(_mm512_div_pd(_mm512_mul_pd(splat(2.0), s.a), us), s.b);
  k = _mm512_roundscale_pd(_mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(t, u), s.lam), splat(0.43)),
                           _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  const __mmask8 squeeze =
      lanes & _mm512_cmp_pd_mask(us, splat(0.07), _CMP_GE_OQ) & _mm512_cmp_pd_mask(v, s.vr, _CMP_LE_OQ);
  const __mmask8 tails = _mm512_cmp_pd_mask(k, splat(0.0), _CMP_LT_OQ) |
                         (_mm512_cmp_pd_mask(us, splat(0.013), _CMP_LT_OQ) & _mm512_cmp_pd_mask(v, us, _CMP_GT_OQ)) |
                         _mm512_cmp_pd_mask(k, splat(kMaxCount), _CMP_GT_OQ);
  accept = squeeze;
  reject = lanes & static_cast<__mmask8>(~squeeze) & tails;
  const __mmask8 test = lanes & static_cast<__mmask8>(~squeeze) & static_cast<__mmask8>(~tails);
  if (!test) return;
  // Left side: log(v inv_alpha / (a / us^2 + b)).
  const __m512d q =
      _mm512_div_pd(_mm512_mul_pd(v, s.inv_alpha), _mm512_add_pd(_mm512_div_pd(s.a, _mm512_mul_pd(us, us)), s.b));
  const __m512d lhs = log_lanes(_mm512_mask_mov_pd(splat(1.0), test, q));
  // Right side: poisson_logpmf(k, lambda) = -lambda at k = 0, else
  // -stirlerr(k) - bd0(k, lambda) - 0.5 log(2 pi k).
  const __mmask8 zero = test & _mm512_cmp_pd_mask(k, splat(0.0), _CMP_EQ_OQ);
  const __mmask8 positive = test & static_cast<__mmask8>(~zero);
  const __m512d kk = _mm512_mask_mov_pd(splat(1.0), positive, k);
  __m512d slack;
  const __m512d bd = bd0_lanes(kk, s.lam, positive, slack);
  const __m512d half_log = _mm512_mul_pd(splat(0.5), log_lanes(_mm512_mul_pd(splat(k2Pi), kk)));
  __m512d rhs = _mm512_sub_pd(_mm512_sub_pd(_mm512_sub_pd(_mm512_setzero_pd(), stirlerr_lanes(kk)), bd), half_log);
  rhs = _mm512_mask_sub_pd(rhs, zero, _mm512_setzero_pd(), s.lam);
  slack = _mm512_add_pd(slack, _mm512_add_pd(abs_lanes(half_log), abs_lanes(lhs)));
  slack = _mm512_mask_mov_pd(slack, zero, abs_lanes(lhs));
  const __m512d margin = _mm512_mul_pd(splat(kTieMargin), _mm512_add_pd(slack, splat(1.0)));
  accept |= test & _mm512_cmp_pd_mask(lhs, _mm512_sub_pd(rhs, margin), _CMP_LE_OQ);
  reject |= test & _mm512_cmp_pd_mask(lhs, _mm512_add_pd(rhs, margin), _CMP_GT_OQ);
}

// A last lane group of at most this many lanes is drawn by sample_poisson: a
// vector pass costs about what 4 scalar draws do (BM_PathGroupWeek_Regional).
constexpr std::size_t kPoissonScalarTail = 2;

// At most this many PTRS attempts of a lane are made in lanes; a lane still
// rejected then goes on in sample_poisson (reached about once in 10^5 draws).
constexpr int kMaxLaneAttempts = 6;

// PTRS attempts after the first for the lanes in `pending` (first sub of the
// group: `sub`), whose first attempt was rejected: accepted ones set ks[j]
// and join from_lanes; a near-tie (back to its attempt's start) or a lane
// still rejected after kMaxLaneAttempts is finished here by sample_poisson
// into out[j].
__attribute__((target("avx512f"))) void further_attempts(const PtrsSetup& setup, const double* lambda,
                                                         const WeekStreams& streams, Flow flow, std::uint32_t sub,
                                                         __mmask8 pending, double* ks, __mmask8& from_lanes,
                                                         std::int64_t* out) noexcept {
  RandomStream rs[8];
  alignas(64) double u1s[8] = {}, u2s[8] = {};
  for (unsigned j = 0; j < 8; ++j)
    if ((pending >> j) & 1u) {
      rs[j] = streams.open(flow, sub + j);
      rs[j].next_u64();  // past the first attempt
      rs[j].next_u64();
    }
  __mmask8 continued = 0;
  for (int attempt = 1; pending && attempt < kMaxLaneAttempts; ++attempt) {
    for (unsigned j = 0; j < 8; ++j)
      if ((pending >> j) & 1u) {
        u1s[j] = rs[j].uniform();
        u2s[j] = rs[j].uniform();
      }
    __m512d k;
    __mmask8 accept, reject;
    ptrs_attempt(setup, _mm512_load_pd(u1s), _mm512_load_pd(u2s), pending, k, accept, reject);
    _mm512_mask_store_pd(ks, accept, k);
    from_lanes |= accept;
    const __mmask8 tie = static_cast<__mmask8>(pending & ~accept & ~reject);
    for (unsigned j = 0; j < 8; ++j)
      if ((tie >> j) & 1u) rs[j].rewind(4);  // back to the attempt's start
    continued |= tie;
    pending = reject;
  }
  continued |= pending;  // still rejected after kMaxLaneAttempts
  _mm256_zeroupper();
  for (unsigned j = 0; j < 8; ++j)
    if ((continued >> j) & 1u) out[j] = sample_poisson(rs[j], lambda[j]);
}

__attribute__((target("avx512f"))) void draw_avx512(const double* lambda, std::size_t n, const WeekStreams& streams,
                                                    Flow flow, const std::uint32_t* blocks, std::size_t stride,
                                                    std::int64_t* out) noexcept {
  const std::uint32_t* w0 = blocks;
  const std::uint32_t* w1 = blocks + stride;
  const std::uint32_t* w2 = blocks + 2 * stride;
  const std::uint32_t* w3 = blocks + 3 * stride;
  for (std::size_t i = 0; i < n; i += 8) {
    const std::size_t lanes = n - i < 8 ? n - i : 8;
    const __mmask8 present = static_cast<__mmask8>((1u << lanes) - 1u);
    const __m512d lam = _mm512_maskz_loadu_pd(present, lambda + i);
    const __mmask8 ptrs = present & _mm512_cmp_pd_mask(lam, splat(10.0), _CMP_GE_OQ);
    const __mmask8 inverted = present & _mm512_cmp_pd_mask(lam, splat(0.0), _CMP_GT_OQ) & static_cast<__mmask8>(~ptrs);
    // Lanes whose result is ks[j]; lambda <= 0 (or NaN) draws nothing: 0.
    alignas(64) double ks[8] = {};
    __mmask8 from_lanes = static_cast<__mmask8>(present & ~ptrs & ~inverted);
    // Lanes drawn afterwards by sample_poisson on a stream opened afresh,
    // skipping its first uniform where `skip_one`: a near-tie of the first
    // attempt goes on from its start, a walk that would restart from after
    // its uniform (the scalar walk's restart draws a new one).
    __mmask8 from_start = 0, skip_one = 0;
    if (inverted) {
      // Inversion (poisson_inversion): P(0) = exp(-lambda) by the scalar
      // code, then the walk P(x) = P(x-1) lambda / x, step by step as there.
      alignas(64) double p0[8];
      for (unsigned j = 0; j < 8; ++j) p0[j] = ((inverted >> j) & 1u) ? std::exp(-lambda[i + j]) : 1.0;
      __m512d u = uniform_lanes(w0 + i, w1 + i);
      __m512d pk = _mm512_load_pd(p0);
      __m512d x = _mm512_setzero_pd();
      __mmask8 going = inverted & _mm512_cmp_pd_mask(u, pk, _CMP_GT_OQ), failed = 0;
      for (double step = 1.0; going; step += 1.0) {
        const __m512d vk = splat(step);
        const __m512d f = _mm512_div_pd(lam, vk);  // lambda / x, x = step for every walking lane
        u = _mm512_mask_sub_pd(u, going, u, pk);
        x = _mm512_mask_mov_pd(x, going, vk);
        pk = _mm512_mask_mul_pd(pk, going, pk, f);
        const __mmask8 bad = going & _mm512_cmp_pd_mask(pk, _mm512_setzero_pd(), _CMP_NGT_UQ);
        failed |= bad;
        going = static_cast<__mmask8>(going & ~bad & _mm512_cmp_pd_mask(u, pk, _CMP_GT_OQ));
      }
      _mm512_mask_store_pd(ks, inverted, x);
      from_lanes |= inverted & static_cast<__mmask8>(~failed);
      skip_one |= failed;
    }
    __mmask8 pending = 0;  // PTRS lanes whose last attempt was rejected
    PtrsSetup setup{};
    if (ptrs) {
      setup = ptrs_setup(lam);
      __m512d k;
      __mmask8 accept, reject;
      ptrs_attempt(setup, uniform_lanes(w0 + i, w1 + i), uniform_lanes(w2 + i, w3 + i), ptrs, k, accept, reject);
      _mm512_mask_store_pd(ks, accept, k);
      from_lanes |= accept;
      from_start |= static_cast<__mmask8>(ptrs & ~accept & ~reject);
      pending = reject;
    }
    // Rejected lanes make their next attempts in lanes, reading their streams
    // past the first block (PTRS's attempts are independent, so what a lane
    // does after its rejected attempts is what the scalar sampler would do).
    if (pending)
      further_attempts(setup, lambda + i, streams, flow, static_cast<std::uint32_t>(i), pending, ks, from_lanes,
                       out + i);
    _mm256_zeroupper();  // (see philox_lanes.cpp) before the scalar code below
    for (unsigned j = 0; j < lanes; ++j) {
      const unsigned bit = 1u << j;
      if (from_lanes & bit) {
        out[i + j] = static_cast<std::int64_t>(ks[j]);
      } else if ((from_start | skip_one) & bit) {
        RandomStream fresh = streams.open(flow, static_cast<std::uint32_t>(i + j));
        if (skip_one & bit) fresh.next_u64();
        out[i + j] = sample_poisson(fresh, lambda[i + j]);
      }
    }
  }
}

}  // namespace

bool poisson_lanes_available() noexcept { return philox_best_isa() == PhiloxIsa::Avx512; }

void sample_poisson_lanes(const double* lambda, std::size_t n, const WeekStreams& streams, Flow flow,
                          std::int64_t* out) noexcept {
  const std::uint32_t* blocks = streams.first_blocks(flow);
  std::size_t first_scalar = 0;
  if (blocks && poisson_lanes_available()) {
    // A last group of a few lanes costs a whole vector pass: those few are
    // drawn one by one (25 regions: 3 groups of 8, and 1 by itself).
    const std::size_t tail = n % kPoissonLaneGroup;
    first_scalar = tail <= kPoissonScalarTail ? n - tail : n;
    draw_avx512(lambda, first_scalar, streams, flow, blocks, streams.stride(), out);
  }
  for (std::size_t i = first_scalar; i < n; ++i) {
    RandomStream rs = streams.open(flow, static_cast<std::uint32_t>(i));
    out[i] = sample_poisson(rs, lambda[i]);
  }
}

__attribute__((target("avx512f"))) static void log_avx512(const double* x, double* out, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(out + i, log_lanes(_mm512_loadu_pd(x + i)));
  _mm256_zeroupper();
  for (; i < n; ++i) out[i] = std::log(x[i]);
}

void log_lanes_for_test(const double* x, double* out, std::size_t n) noexcept {
  if (poisson_lanes_available()) {
    log_avx512(x, out, n);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = std::log(x[i]);
}

#undef CHAINSIM_AVX512

}  // namespace chainsim::core
