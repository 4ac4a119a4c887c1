#pragma once
// Text compiled into the binary: the safety-region table and the seed scenario.
#include <string_view>

namespace chainsim::forecast::embedded {

// data/nl_safety_regions.csv, verbatim (header: code,name,population,...).
std::string_view safety_regions_csv() noexcept;

// forecast/seed.toml, verbatim: the seed scenario of CONFIG.md, the defaults of every key.
std::string_view seed_toml() noexcept;

}  // namespace chainsim::forecast::embedded
