#include "core/multinomial_lanes.hpp"

#include "core/binomial_lanes.hpp"

#include <algorithm>
#include <cassert>

namespace chainsim::core {

void sample_multinomial_lanes(RandomStream* const* streams, const std::int64_t* n, std::size_t count,
                              const MultinomialRates& rates, std::int64_t* const* counts) noexcept {
  assert(count <= kMultinomialLanes);
  const std::size_t K = rates.categories();
  if (K == 0) return;
  const bool lanes = binomial_lanes_available();
  std::int64_t left[kMultinomialLanes] = {};
  double u1[kMultinomialLanes] = {}, u2[kMultinomialLanes] = {};
  unsigned active = 0;
  for (std::size_t l = 0; l < count; ++l) {
    left[l] = std::max<std::int64_t>(n[l], 0);
    active |= 1u << l;
  }
  // sample_multinomial's conditional binomials (samplers.cpp), path by path in
  // lockstep: a path with nothing left gets zeros and stops drawing; the last
  // category takes the remainder.
  for (std::size_t i = 0; i < K; ++i) {
    for (std::size_t l = 0; l < count; ++l)
      if (((active >> l) & 1u) && left[l] == 0) {
        std::fill(counts[l] + i, counts[l] + K, 0);
        active &= ~(1u << l);
      }
    if (!active) return;
    if (i + 1 == K) {
      for (std::size_t l = 0; l < count; ++l)
        if ((active >> l) & 1u) counts[l][i] = left[l];
      return;
    }
    const BinomialRate& rate = rates.conditional(i);
    std::int64_t x[kMultinomialLanes] = {};
    unsigned settled = 0;
    if (lanes && rate.p > 0.0 && rate.p < 1.0) {
      // Each path's next two uniforms; a lane's stream then steps back over
      // what its draw did not use (all four words if the lanes leave it).
      for (std::size_t l = 0; l < count; ++l)
        if ((active >> l) & 1u) {
          u1[l] = streams[l]->uniform();
          u2[l] = streams[l]->uniform();
        }
      const BinomialAttempt attempt = binomial_first_attempt_lanes(rate, left, u1, u2, active, x);
      settled = attempt.settled;
      for (std::size_t l = 0; l < count; ++l) {
        if (!((active >> l) & 1u) || ((attempt.two_uniforms >> l) & 1u)) continue;
        streams[l]->rewind(((settled >> l) & 1u) ? 2 : 4);
      }
    }
    for (std::size_t l = 0; l < count; ++l) {
      if (!((active >> l) & 1u)) continue;
      if (!((settled >> l) & 1u)) x[l] = sample_binomial(*streams[l], left[l], rate);
      counts[l][i] = x[l];
      left[l] -= x[l];
    }
  }
}

}  // namespace chainsim::core
