#pragma once
// Randomised quasi-Monte Carlo points for the per-path parameters
// (docs/model.md §12, `run.sobol_parameters`). Path p takes point p of the
// Sobol' sequence (Joe and Kuo's direction numbers, Gray-code order, point 0
// the origin), every coordinate scrambled by the run's random linear
// scrambling and digital shift (Matousek; both drawn from the seed's own
// stream). The randomisation makes each point uniform on the unit cube, so a
// parameter taken through its inverse CDF has exactly its prior's law on every
// path; what changes is that the paths' points fill the cube more evenly than
// independent draws, which lowers the Monte Carlo error of figures that depend
// smoothly on the parameters. Linear scrambling has the variance of Owen's
// nested scrambling, which is never much above that of independent points;
// a digital shift alone has no such bound. Runs with different seeds are
// independent replications.
//
// A point depends only on (seed, path, dimensions): no thread, batch or
// earlier path enters, so the engine's reproducibility holds unchanged.
#include <cstdint>
#include <span>

namespace chainsim::core {

// Whether this build can make the points (Boost's Sobol' generator and
// inverse CDFs were found when it was built; CMake option, see core/CMakeLists.txt).
bool sobol_points_available() noexcept;

// The most coordinates a point may have (Boost's table of direction numbers).
inline constexpr std::size_t kMaxSobolDimensions = 3667;

// Fills u with point `index` of the scrambled Sobol' sequence of the run with
// seed `seed`, in u.size() dimensions, each coordinate in the open interval (0, 1).
// Throws std::logic_error where !sobol_points_available().
void scrambled_sobol_point(std::uint64_t seed, std::uint64_t index, std::span<double> u);

// Inverse CDFs (quantile functions) at u in (0, 1).
double normal_quantile(double u);
double beta_quantile(double a, double b, double u);
double gamma_quantile(double shape, double scale, double u);

}  // namespace chainsim::core
