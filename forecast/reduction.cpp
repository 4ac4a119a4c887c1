#include "forecast/reduction.hpp"

#include <stdexcept>

namespace chainsim::forecast {

const Ensemble& SerialReduction::all_paths(const Ensemble& local) {
  if (local.path_range() != whole_range(paths_))
    throw std::invalid_argument("SerialReduction: the window does not hold every path of the run");
  return local;
}

}  // namespace chainsim::forecast
