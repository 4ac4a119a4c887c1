#pragma once
// One way to run independent work items in parallel, on either back end.
// Work items must not depend on which thread runs them; results are then the
// same for any thread count and back end.
#include <cstdint>
#include <functional>
#include <string>

namespace chainsim::forecast {

enum class Backend { OpenMP, TBB };

Backend parse_backend(const std::string& name);  // "openmp" | "tbb"
std::string backend_name(Backend b);

struct Parallelism {
  Backend backend = Backend::OpenMP;
  int threads = 0;  // 0: all hardware threads
};

// Calls body(i) for every i in [0, n), in parallel. The first exception thrown
// by any body is rethrown on the calling thread after all workers stop.
void parallel_for(std::int64_t n, const Parallelism& par, const std::function<void(std::int64_t)>& body);

// Threads that `par` will actually use.
int effective_threads(const Parallelism& par);

}  // namespace chainsim::forecast
