#include "forecast/provenance.hpp"

#include <omp.h>
#include <tbb/version.h>

namespace chainsim::forecast {

std::string chainsim_version() { return CHAINSIM_VERSION; }
// chainsim_git_commit() is generated at build time (cmake/git_commit.cmake).
std::string compiler_version() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown";
#endif
}

std::string simulation_libraries() {
  return std::string("oneTBB ") + TBB_VERSION_STRING + " (runtime " + TBB_runtime_version() + "); OpenMP " +
         std::to_string(_OPENMP) + "; Random123 Philox4x32-10";
}

}  // namespace chainsim::forecast
