#pragma once
// Small AVX-512 building blocks shared by the samplers' lane code
// (core/sampling/poisson_lanes.cpp, core/sampling/binomial_lanes.cpp). Private to those files:
// include it only from a translation unit that calls these functions inside
// functions compiled for avx512f (CHAINSIM_AVX512 marks them so) and that
// checks the CPU first.
#include <immintrin.h>

#include <cstdint>

// For the files that include this (and only those): gcc 12's AVX-512
// intrinsics trip -Wmaybe-uninitialized once inlined (GCC bug 105593, see
// philox_lanes.cpp), and -Wpsabi notes vectors passed by value, which never
// leave these files.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wpsabi"

// Inlined into functions with target("avx512f") only.
#define CHAINSIM_AVX512 __attribute__((target("avx512f"), always_inline)) inline

namespace chainsim::core::lanes {

CHAINSIM_AVX512 __m512d splat(double x) noexcept { return _mm512_set1_pd(x); }

// uniform() of the 52-bit words (hi << 32 | lo) >> 12, exactly as
// RandomStream::uniform: the integer (< 2^52) to double through the exponent
// bits of 2^52 (exact), + 0.5, * 2^-52. Reads 8 words from hi and from lo.
CHAINSIM_AVX512 __m512d uniform_lanes(const std::uint32_t* hi, const std::uint32_t* lo) noexcept {
  const __m512i h = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(hi)));
  const __m512i l = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(lo)));
  const __m512i bits = _mm512_srli_epi64(_mm512_or_si512(_mm512_slli_epi64(h, 32), l), 12);
  const __m512d two52 = splat(0x1.0p52);
  const __m512d x = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(bits, _mm512_castpd_si512(two52))), two52);
  return _mm512_mul_pd(_mm512_add_pd(x, splat(0.5)), splat(0x1.0p-52));
}

CHAINSIM_AVX512 __m512d abs_lanes(__m512d x) noexcept {
  return _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(x), _mm512_set1_epi64(0x7FFFFFFFFFFFFFFF)));
}

}  // namespace chainsim::core::lanes
