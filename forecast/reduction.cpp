#include "forecast/reduction.hpp"

#include <stdexcept>

namespace chainsim::forecast {

void Reduction::merge_disjoint(std::span<double>) {
  if (parts() > 1) throw std::logic_error("Reduction: several parts share the statistics, but none merges them");
}

const Ensemble& SerialReduction::all_paths(const Ensemble& local) {
  if (local.path_range() != whole_range(paths_))
    throw std::invalid_argument("SerialReduction: the window does not hold every path of the run");
  return local;
}

}  // namespace chainsim::forecast
