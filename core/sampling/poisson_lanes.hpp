#pragma once
// Poisson draws for many streams at once, in SIMD lanes, with exactly the
// scalar sampler's results.
//
// A week draws the housing supply of each of the 25 regions from its own
// stream; those draws were about a quarter of the regional kernel. The lanes
// run the inversion walk (lambda < 10) and PTRS's attempts (lambda >= 10) of
// 8 regions at once with the scalar code's operations in its order, and
// decide PTRS's final test -- which needs log -- with a vector log whose
// error is a million times below the margin they require before deciding (see
// poisson_lanes.cpp): every decision they take is the scalar sampler's. What
// they do not decide (a near-tie, a walk that would restart) goes on in
// sample_poisson from that point of the stream. So every result equals
// sample_poisson's.
#include "core/random/random_stream.hpp"

#include <cstddef>
#include <cstdint>

namespace chainsim::core {

class WeekStreams;

// Lanes go in groups of this many.
inline constexpr std::size_t kPoissonLaneGroup = 8;

// For i < n: out[i] = sample_poisson(streams.open(flow, i), lambda[i]). The
// first attempts read the streams' first blocks (streams.first_blocks(flow),
// which must hold n subs); without them, or without AVX-512 (or with the
// lanes capped below it), every draw is made by sample_poisson.
void sample_poisson_lanes(const double* lambda, std::size_t n, const WeekStreams& streams, Flow flow,
                          std::int64_t* out) noexcept;

// Whether sample_poisson_lanes uses lanes on this CPU.
bool poisson_lanes_available() noexcept;

// The lanes' vector log on out[i] = log(x[i]) (positive normal x), for the
// test of its accuracy; std::log where the lanes are not available.
void log_lanes_for_test(const double* x, double* out, std::size_t n) noexcept;

}  // namespace chainsim::core
