#include "core/sampling/multinomial_lanes.hpp"

#include "core/sampling/binomial_lanes.hpp"

#include <algorithm>
#include <cassert>

namespace chainsim::core {

void sample_multinomial_lanes(RandomStream* const* streams, const std::int64_t* n, std::size_t count,
                              const MultinomialRates& rates, std::int64_t* const* counts) noexcept {
  assert(count <= kMultinomialLanes);
  const std::size_t K = rates.categories();
  if (K == 0) return;
  std::int64_t left[kMultinomialLanes] = {};
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
    std::int64_t x[kMultinomialLanes] = {};
    sample_binomial_lanes(rates.conditional(i), left, streams, active, x);
    for (std::size_t l = 0; l < count; ++l) {
      if (!((active >> l) & 1u)) continue;
      counts[l][i] = x[l];
      left[l] -= x[l];
    }
  }
}

}  // namespace chainsim::core
