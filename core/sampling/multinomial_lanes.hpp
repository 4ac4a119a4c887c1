#pragma once
// The regional split of new permit holders for several paths at once, with
// exactly each path's sample_multinomial result.
//
// The split (24 conditional binomials over the 25 regions) was a third of the
// regional kernel, and its draws are a chain: each binomial's n is what the
// previous ones left. Within one path nothing can run beside it; across
// paths it can. Category by category, each path's next binomial is drawn in
// one lane (core/sampling/binomial_lanes.hpp: the inversion walk, or BTRD's attempts
// up to its step 3.1); the few the lanes do not settle (BTRD's step 3.2) go
// on in sample_binomial. Every path reads its own stream exactly as
// sample_multinomial would, so the results and the streams' positions are the
// same.
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"

#include <cstddef>
#include <cstdint>

namespace chainsim::core {

inline constexpr std::size_t kMultinomialLanes = 8;

// For l < count (at most kMultinomialLanes): the same as
// sample_multinomial(*streams[l], n[l], rates, {counts[l], K}), K =
// rates.categories(), including where each stream is left.
void sample_multinomial_lanes(RandomStream* const* streams, const std::int64_t* n, std::size_t count,
                              const MultinomialRates& rates, std::int64_t* const* counts) noexcept;

}  // namespace chainsim::core
