// Uses chainsim as an installed library: a few exact draws from the kernel's
// random stream and samplers (chainsim::core) and the table of safety regions
// compiled into chainsim::forecast. Exits non-zero if anything is off.
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"
#include "forecast/provenance.hpp"
#include "forecast/regions.hpp"

#include <cstdint>
#include <iostream>

using namespace chainsim;

int main() {
  core::RandomStream a(20220620, 7, 3, core::Flow::Grants);
  core::RandomStream b(20220620, 7, 3, core::Flow::Grants);
  const std::int64_t x = core::sample_binomial(a, 1000, 0.25);
  if (x < 0 || x > 1000 || x != core::sample_binomial(b, 1000, 0.25)) {
    std::cerr << "chainsim_consumer: binomial draw " << x << " out of range or not reproducible\n";
    return 1;
  }
  const auto regions = forecast::safety_regions().size();
  if (regions != 25) {
    std::cerr << "chainsim_consumer: " << regions << " safety regions, expected 25\n";
    return 1;
  }
  std::cout << "chainsim " << forecast::chainsim_version() << ": Binomial(1000, 0.25) draw " << x << ", " << regions
            << " safety regions\n";
  return 0;
}
