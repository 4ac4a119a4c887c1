#pragma once
// Binomial draws for many streams at once, in SIMD lanes, with exactly the
// scalar sampler's results.
//
// - binomial_inversion_lanes: in a week whose Dublin leavers are many, each
//   of the 26 cohorts draws its leavers Binomial(D[a], 1 - s) from its own
//   stream, all with one prepared rate; mostly n p < 10, where
//   sample_binomial walks the CDF from 0 with one uniform. Those draws were
//   about a third of the national kernel, most of it the walk's unpredictable
//   exit branch. The lanes walk 8 cohorts side by side.
// - sample_binomial_lanes: one draw for each of up to 8 paths side by side
//   (the regional split's conditional binomials, core/sampling/multinomial_lanes.hpp):
//   the inversion walk, or BTRD's attempts up to its step 3.1.
// Both use the scalar code's operations in its order (+, -, *, /, sqrt, floor
// are correctly rounded in SIMD as in scalar code, and P(0) is std::exp's
// value), so every lane ends where the scalar sampler ends, on the same bits.
#include "core/sampling/samplers.hpp"

#include <cstddef>
#include <cstdint>

namespace chainsim::core {

// For lanes i < count: when sample_binomial(rs_i, n[i], rate) -- rs_i the
// stream whose first Philox block has word k at first_blocks[k * stride + i]
// -- would draw by inversion (n[i] > 0, 0 < rate.p < 1, n[i] * rate.rare < 10)
// and its walk ends on the first uniform (it always does, but for rounding
// with probability ~1e-15), sets out[i] to that result and settled[i] = 1;
// else settled[i] = 0 (out[i] untouched) and the caller draws lane i with
// sample_binomial. first_blocks is read for i up to count rounded up to 8.
// Without AVX-512 (or with the lanes capped below it) no lane is settled.
void binomial_inversion_lanes(const BinomialRate& rate, const std::int64_t* n, std::size_t count,
                              const std::uint32_t* first_blocks, std::size_t stride, std::int64_t* out,
                              std::uint8_t* settled) noexcept;

// For each lane j set in `lanes` (j < 8): out[j] = sample_binomial(*streams[j],
// n[j], rate), each stream left where sample_binomial leaves it. The inversion
// walks and BTRD's attempts up to its step 3.1 run in lanes; what they do not
// settle (a walk that would restart, BTRD's steps 3.2-3.3, which need log) goes
// on in sample_binomial from where the stream is. Without AVX-512 (or with the
// lanes capped below it) every lane is drawn by sample_binomial.
void sample_binomial_lanes(const BinomialRate& rate, const std::int64_t* n, RandomStream* const* streams,
                           unsigned lanes, std::int64_t* out) noexcept;

// Whether the functions above can settle any lane on this CPU.
bool binomial_lanes_available() noexcept;

}  // namespace chainsim::core
