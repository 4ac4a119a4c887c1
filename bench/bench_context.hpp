#pragma once
// Build context for a benchmark's JSON output ("context" block): git commit,
// build type, compiler and the compile flags CMake used (bench/CMakeLists.txt
// passes them), plus the thread count the benchmarks of the file use.
// Include in exactly one source file per benchmark program.
#include "forecast/provenance.hpp"

#include <benchmark/benchmark.h>

#include <string>

#ifndef CHAINSIM_BUILD_TYPE
#define CHAINSIM_BUILD_TYPE "unknown"
#endif
#ifndef CHAINSIM_CXX_FLAGS
#define CHAINSIM_CXX_FLAGS "unknown"
#endif

namespace chainsim::bench {

inline bool record_context(const std::string& threads) {
  benchmark::AddCustomContext("chainsim_git_commit", forecast::chainsim_git_commit());
  benchmark::AddCustomContext("chainsim_build_type", CHAINSIM_BUILD_TYPE);
  benchmark::AddCustomContext("chainsim_cxx_flags", CHAINSIM_CXX_FLAGS);
#if defined(__clang__)
  benchmark::AddCustomContext("chainsim_compiler", std::string("clang ") + __VERSION__);
#elif defined(__GNUC__)
  benchmark::AddCustomContext("chainsim_compiler", std::string("gcc ") + __VERSION__);
#endif
  benchmark::AddCustomContext("chainsim_bench_threads", threads);
  return true;
}

}  // namespace chainsim::bench
