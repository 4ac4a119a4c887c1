#pragma once
// The first attempt of the PTRS Poisson sampler (samplers.cpp) for many
// streams at once, in SIMD lanes, deciding exactly as the scalar sampler.
//
// A week draws the housing supply of each of the 25 regions from its own
// stream; those draws were about a quarter of the regional kernel. For
// lambda >= 10 the sampler's first attempt accepts 75-89 % of them. The lanes
// compute that attempt with the scalar code's operations in its order (the
// same bits), and decide its final test -- which needs log -- with a vector
// log whose error is a million times below the margin they require before
// deciding (see poisson_lanes.cpp): every lane they accept is accepted by the
// scalar sampler with the same k. Lanes they do not accept (lambda < 10, a
// rejected first attempt, a near-tie) are left to the caller, who draws them
// with sample_poisson from the same stream; it repeats the first attempt and
// goes on. So every result equals sample_poisson's.
#include <cstddef>
#include <cstdint>

namespace chainsim::core {

// Lanes go in groups of this many: lambda and the rows of first_blocks are
// read up to n rounded up to it (the values past n are ignored).
inline constexpr std::size_t kPoissonLaneGroup = 8;

// For lanes i < n: if the first attempt of PTRS at Poisson(lambda[i]) on
// stream i is accepted, sets out[i] to its result and accepted[i] = 1; else
// accepted[i] = 0 (out[i] untouched). Word k of stream i's first Philox block
// is first_blocks[k * stride + i]. Without AVX-512 no lane is accepted.
void poisson_first_attempt_lanes(const double* lambda, std::size_t n, const std::uint32_t* first_blocks,
                                 std::size_t stride, std::int64_t* out, std::uint8_t* accepted) noexcept;

// Whether poisson_first_attempt_lanes can accept any lane on this CPU.
bool poisson_lanes_available() noexcept;

// The lanes' vector log on out[i] = log(x[i]) (positive normal x), for the
// test of its accuracy; std::log where the lanes are not available.
void log_lanes_for_test(const double* x, double* out, std::size_t n) noexcept;

}  // namespace chainsim::core
