// PTRS's first attempt in AVX-512 lanes (see poisson_lanes.hpp).
//
// The scalar sampler (samplers.cpp, poisson_ptrs) computes, per attempt,
//   slam = sqrt(lambda), b = 0.931 + 2.53 slam, a = -0.059 + 0.02483 b,
//   inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2),
//   u = uniform() - 0.5, v = uniform(), us = 0.5 - |u|,
//   k = floor(((2 a) / us + b) u + lambda + 0.43),
// accepts k if us >= 0.07 and v <= vr (the squeeze); rejects if k < 0, or
// us < 0.013 and v > us, or k > 2^62; else accepts k if
//   log(v inv_alpha / (a / us^2 + b)) <= poisson_logpmf(k, lambda).
// The lanes do every operation up to the last test in the scalar code's
// order; all of them are correctly rounded in SIMD as in scalar code (the
// project compiles with -ffp-contract=off), so they give the same bits. The
// last test needs log, whose glibc value the lanes cannot reproduce bit for
// bit; they compute both sides with a vector log of relative error below
// 1e-15 (tested against std::log) and decide only when the two sides differ
// by more than kTieMargin times their magnitudes -- a million times the
// largest difference the two logs can make -- which is then the scalar
// sampler's decision too. Near-ties, rejections and lambda < 10 are left to
// the scalar sampler, which repeats the first attempt and goes on.
#include "core/poisson_lanes.hpp"

#include "core/avx512_lanes.hpp"
#include "core/log_pmf.hpp"
#include "core/philox_lanes.hpp"
#include "core/samplers.hpp"

#include <cmath>

// (See philox_lanes.cpp: gcc 12's AVX-512 intrinsics trip -Wmaybe-uninitialized.)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wpsabi"

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

__attribute__((target("avx512f"))) void ptrs_avx512(const double* lambda, std::size_t n, const std::uint32_t* blocks,
                                                     std::size_t stride, std::int64_t* out,
                                                     std::uint8_t* accepted) noexcept {
  const std::uint32_t* w0 = blocks;
  const std::uint32_t* w1 = blocks + stride;
  const std::uint32_t* w2 = blocks + 2 * stride;
  const std::uint32_t* w3 = blocks + 3 * stride;
  for (std::size_t i = 0; i < n; i += 8) {
    const std::size_t lanes = n - i < 8 ? n - i : 8;
    const __mmask8 present = static_cast<__mmask8>((1u << lanes) - 1u);
    const __m512d lam = _mm512_loadu_pd(lambda + i);
    const __mmask8 ptrs = present & _mm512_cmp_pd_mask(lam, splat(10.0), _CMP_GE_OQ);
    __mmask8 ok = 0;
    alignas(64) double ks[8];
    if (ptrs) {
      // The set-up and the attempt, as the scalar code (lanes outside `ptrs`
      // compute garbage that is never used).
      const __m512d slam = _mm512_sqrt_pd(lam);
      const __m512d b = _mm512_add_pd(splat(0.931), _mm512_mul_pd(splat(2.53), slam));
      const __m512d a = _mm512_add_pd(splat(-0.059), _mm512_mul_pd(splat(0.02483), b));
      const __m512d inv_alpha = _mm512_add_pd(splat(1.1239), _mm512_div_pd(splat(1.1328), _mm512_sub_pd(b, splat(3.4))));
      const __m512d vr = _mm512_sub_pd(splat(0.9277), _mm512_div_pd(splat(3.6224), _mm512_sub_pd(b, splat(2.0))));
      const __m512d u = _mm512_sub_pd(uniform_lanes(w0 + i, w1 + i), splat(0.5));
      const __m512d v = uniform_lanes(w2 + i, w3 + i);
      const __m512d us = _mm512_sub_pd(splat(0.5), abs_lanes(u));
      const __m512d t = _mm512_add_pd(_mm512_div_pd(_mm512_mul_pd(splat(2.0), a), us), b);
      const __m512d k = _mm512_roundscale_pd(_mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(t, u), lam), splat(0.43)),
                                             _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
      _mm512_store_pd(ks, k);
      const __mmask8 squeeze =
          ptrs & _mm512_cmp_pd_mask(us, splat(0.07), _CMP_GE_OQ) & _mm512_cmp_pd_mask(v, vr, _CMP_LE_OQ);
      const __mmask8 rejected = _mm512_cmp_pd_mask(k, splat(0.0), _CMP_LT_OQ) |
                                (_mm512_cmp_pd_mask(us, splat(0.013), _CMP_LT_OQ) &
                                 _mm512_cmp_pd_mask(v, us, _CMP_GT_OQ)) |
                                _mm512_cmp_pd_mask(k, splat(kMaxCount), _CMP_GT_OQ);
      const __mmask8 test = ptrs & static_cast<__mmask8>(~squeeze) & static_cast<__mmask8>(~rejected);
      ok = squeeze;
      if (test) {
        // Left side: log(v inv_alpha / (a / us^2 + b)).
        const __m512d q = _mm512_div_pd(_mm512_mul_pd(v, inv_alpha),
                                        _mm512_add_pd(_mm512_div_pd(a, _mm512_mul_pd(us, us)), b));
        const __m512d lhs = log_lanes(_mm512_mask_mov_pd(splat(1.0), test, q));
        // Right side: poisson_logpmf(k, lambda) = -lambda at k = 0, else
        // -stirlerr(k) - bd0(k, lambda) - 0.5 log(2 pi k).
        const __mmask8 zero = test & _mm512_cmp_pd_mask(k, splat(0.0), _CMP_EQ_OQ);
        const __mmask8 positive = test & static_cast<__mmask8>(~zero);
        const __m512d kk = _mm512_mask_mov_pd(splat(1.0), positive, k);
        __m512d slack;
        const __m512d bd = bd0_lanes(kk, lam, positive, slack);
        const __m512d half_log = _mm512_mul_pd(splat(0.5), log_lanes(_mm512_mul_pd(splat(k2Pi), kk)));
        __m512d rhs = _mm512_sub_pd(_mm512_sub_pd(_mm512_sub_pd(_mm512_setzero_pd(), stirlerr_lanes(kk)), bd), half_log);
        rhs = _mm512_mask_sub_pd(rhs, zero, _mm512_setzero_pd(), lam);
        slack = _mm512_add_pd(slack, _mm512_add_pd(abs_lanes(half_log), abs_lanes(lhs)));
        slack = _mm512_mask_mov_pd(slack, zero, abs_lanes(lhs));
        const __m512d margin = _mm512_mul_pd(splat(kTieMargin), _mm512_add_pd(slack, splat(1.0)));
        ok |= test & _mm512_cmp_pd_mask(lhs, _mm512_sub_pd(rhs, margin), _CMP_LE_OQ);
      }
    }
    for (std::size_t j = 0; j < lanes; ++j) {
      const bool yes = (ok >> j) & 1u;
      accepted[i + j] = yes;
      if (yes) out[i + j] = static_cast<std::int64_t>(ks[j]);
    }
  }
  _mm256_zeroupper();  // (see philox_lanes.cpp)
}

}  // namespace

bool poisson_lanes_available() noexcept { return philox_best_isa() == PhiloxIsa::Avx512; }

void poisson_first_attempt_lanes(const double* lambda, std::size_t n, const std::uint32_t* first_blocks,
                                 std::size_t stride, std::int64_t* out, std::uint8_t* accepted) noexcept {
  if (poisson_lanes_available()) {
    ptrs_avx512(lambda, n, first_blocks, stride, out, accepted);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) accepted[i] = 0;
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
