#pragma once
// What built this binary: version, commit, compiler and the libraries the
// simulation depends on. Written into every output (identical between
// identical runs of the same binary).
#include <string>

namespace chainsim::forecast {

std::string chainsim_version();
std::string chainsim_git_commit();
std::string compiler_version();
// "oneTBB 2021.8 (runtime 2021.8.0); OpenMP 201811; Random123 (Philox4x32-10)".
std::string simulation_libraries();

}  // namespace chainsim::forecast
