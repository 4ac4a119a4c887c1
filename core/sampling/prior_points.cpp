#include "core/sampling/prior_points.hpp"

#include "core/random/random_stream.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <vector>

#ifdef CHAINSIM_HAVE_BOOST
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/random/sobol.hpp>
#endif

namespace chainsim::core {

#ifdef CHAINSIM_HAVE_BOOST

bool sobol_points_available() noexcept { return true; }

namespace {

// The digits that reach a double in (0, 1): the top 53 bits of a coordinate.
constexpr int kDigits = 53;

// One run's randomisation of one coordinate: a random lower-triangular binary
// matrix with a unit diagonal (Matousek's linear scrambling) and a digital
// shift. Row k, in the bit layout of the coordinate (digit k, weight 2^-(k+1),
// is bit 63 - k), has bit 63 - k set and random bits above it: output digit k
// is digit k of the input plus a random combination of the digits before it,
// modulo 2. Such a matrix is invertible and keeps every elementary interval of
// the first k digits whole, so the points stay a digital net of the same
// quality; with the shift, each point is uniform on the cube.
struct CoordinateScramble {
  std::array<std::uint64_t, kDigits> rows;
  std::uint64_t shift;
};

CoordinateScramble draw_scramble(std::uint64_t seed, std::size_t coordinate) {
  RandomStream rs(seed, 0, kSetupWeek, Flow::PriorSobolScramble, static_cast<std::uint32_t>(coordinate));
  CoordinateScramble c;
  c.shift = rs.next_u64();
  for (int k = 0; k < kDigits; ++k) {
    const std::uint64_t diagonal = std::uint64_t{1} << (63 - k);
    const std::uint64_t above = ~(diagonal | (diagonal - 1));  // the bits of digits 0 .. k - 1
    c.rows[static_cast<std::size_t>(k)] = diagonal | (rs.next_u64() & above);
  }
  return c;
}

std::uint64_t scrambled(const CoordinateScramble& c, std::uint64_t x) noexcept {
  std::uint64_t y = 0;
  for (int k = 0; k < kDigits; ++k)
    y |= static_cast<std::uint64_t>(std::popcount(c.rows[static_cast<std::size_t>(k)] & x) & 1) << (63 - k);
  return y ^ c.shift;
}

// What a thread keeps between points of the same run: the generator (its
// table of direction numbers costs 13 us to make in 38 dimensions, a point
// 1 us) and the run's scramble (65 words per coordinate from Philox). Neither
// holds anything of the path: a point depends only on (seed, index, dims),
// whichever thread computes it.
struct RunPoints {
  std::uint64_t seed = 0;
  std::optional<boost::random::sobol> engine;
  std::vector<CoordinateScramble> scramble;

  void prepare(std::uint64_t run_seed, std::size_t dims) {
    if (engine && engine->dimension() == dims && seed == run_seed) return;
    if (!engine || engine->dimension() != dims) engine.emplace(dims);
    seed = run_seed;
    scramble.clear();
    for (std::size_t d = 0; d < dims; ++d) scramble.push_back(draw_scramble(run_seed, d));
  }
};

}  // namespace

void scrambled_sobol_point(std::uint64_t seed, std::uint64_t index, std::span<double> u) {
  const std::size_t dims = u.size();
  if (dims == 0) return;
  if (dims > kMaxSobolDimensions) throw std::logic_error("scrambled_sobol_point: too many dimensions");
  thread_local RunPoints run;
  run.prepare(seed, dims);
  // Point 0 is the origin; Boost's generator starts after it: seed(k) puts it at point k + 1.
  if (index > 0) run.engine->seed(index - 1);
  for (std::size_t d = 0; d < dims; ++d) {
    const std::uint64_t x = index > 0 ? (*run.engine)() : 0;
    // The top 53 bits, as the midpoint of their cell: never 0 or 1.
    u[d] = (static_cast<double>(scrambled(run.scramble[d], x) >> 11) + 0.5) * 0x1p-53;
  }
}

// Boost.Math computes in double, not promoted to long double: a few units in
// the last place either way, and the beta quantile ten times faster
// (measured: 1.9 us against 18 us at the seed's grant-rate shape).
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

double normal_quantile(double u) {
  return boost::math::quantile(boost::math::normal_distribution<double, DoublePolicy>(), u);
}

double beta_quantile(double a, double b, double u) {
  return boost::math::quantile(boost::math::beta_distribution<double, DoublePolicy>(a, b), u);
}

double gamma_quantile(double shape, double scale, double u) {
  return boost::math::quantile(boost::math::gamma_distribution<double, DoublePolicy>(shape, scale), u);
}

#else

namespace {
[[noreturn]] void unavailable() {
  throw std::logic_error("this chainsim was built without Boost: no Sobol' points (run.sobol_parameters)");
}
}  // namespace

bool sobol_points_available() noexcept { return false; }
void scrambled_sobol_point(std::uint64_t, std::uint64_t, std::span<double>) { unavailable(); }
double normal_quantile(double) { unavailable(); }
double beta_quantile(double, double, double) { unavailable(); }
double gamma_quantile(double, double, double) { unavailable(); }

#endif

}  // namespace chainsim::core
