#pragma once
// From a validated Config to the kernel's ModelSpec: dates to week indices,
// schedules to per-week tables, the seed's policy numbers to weekly rates.
#include "core/model/model_spec.hpp"
#include "forecast/config.hpp"

#include <stdexcept>
#include <string>

namespace chainsim::forecast {

// A configuration that is valid key by key but impossible as a whole (e.g. a
// capacity change that takes regular capacity below zero). Names the key.
struct ResolveError : std::runtime_error {
  ResolveError(std::string key_, const std::string& message)
      : std::runtime_error("key '" + key_ + "': " + message), key(std::move(key_)) {}
  std::string key;
};

core::ModelSpec resolve(const Config& config);

// Permit holders apportioned to regions by population share with largest
// remainders (ties to the lower index), as MODEL.md §10 prescribes.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& shares);

}  // namespace chainsim::forecast
