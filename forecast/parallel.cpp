#include "forecast/parallel.hpp"

#include <omp.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace chainsim::forecast {

Backend parse_backend(const std::string& name) {
  if (name == "openmp") return Backend::OpenMP;
  if (name == "tbb") return Backend::TBB;
  throw std::invalid_argument("unknown back end '" + name + "' (allowed: openmp, tbb)");
}

std::string backend_name(Backend b) { return b == Backend::OpenMP ? "openmp" : "tbb"; }

int effective_threads(const Parallelism& par) {
  if (par.threads > 0) return par.threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

void parallel_for(std::int64_t n, const Parallelism& par, const std::function<void(std::int64_t)>& body) {
  if (n <= 0) return;
  const int threads = effective_threads(par);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto guarded = [&](std::int64_t i) {
    try {
      body(i);
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  if (par.backend == Backend::OpenMP) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::int64_t i = 0; i < n; ++i) guarded(i);
  } else {
    tbb::task_arena arena(threads);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, n, 1), [&](const tbb::blocked_range<std::int64_t>& range) {
        for (std::int64_t i = range.begin(); i != range.end(); ++i) guarded(i);
      });
    });
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace chainsim::forecast
