#pragma once
// Build context for a benchmark's JSON output ("context" block): git commit,
// build type, compiler and the compile flags CMake used (bench/CMakeLists.txt
// passes them), plus the thread count the benchmarks of the file use; and the
// quick switch of the smoke run. Include in exactly one source file per
// benchmark program.
#include "forecast/provenance.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#ifndef CHAINSIM_BUILD_TYPE
#define CHAINSIM_BUILD_TYPE "unknown"
#endif
#ifndef CHAINSIM_CXX_FLAGS
#define CHAINSIM_CXX_FLAGS "unknown"
#endif

namespace chainsim::bench {

// CHAINSIM_BENCH_QUICK=1 (the smoke run of ctest and scripts/test): the large
// fixed workloads shrunk so that the whole program finishes in seconds.
inline bool quick() {
  const char* q = std::getenv("CHAINSIM_BENCH_QUICK");
  return q && std::string(q) == "1";
}

// The compiler and its version, as the context block records it.
inline std::string compiler() {
#if defined(__clang__)
  return std::string("clang ") + __VERSION__;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return __VERSION__;
#endif
}

inline bool record_context(const std::string& threads) {
  benchmark::AddCustomContext("chainsim_git_commit", forecast::chainsim_git_commit());
  benchmark::AddCustomContext("chainsim_build_type", CHAINSIM_BUILD_TYPE);
  benchmark::AddCustomContext("chainsim_cxx_flags", CHAINSIM_CXX_FLAGS);
  benchmark::AddCustomContext("chainsim_compiler", compiler());
  benchmark::AddCustomContext("chainsim_bench_threads", threads);
  return true;
}

}  // namespace chainsim::bench
