#pragma once
// The per-path series a run keeps (output.ensemble), one window at a time:
// each variable's values of the window's paths, transposed from the
// ensemble's columns (one run of paths per week) to rows (one run of weeks per
// path), the layout of the checkpoint's window files and of the output's
// per-path chunks.
#include "core/model/variables.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/parallel.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace chainsim::forecast {

// The national variable of an output name; throws std::invalid_argument for another name.
core::Var var_of(const std::string& name);

// Bytes per value of a per-path variable: 4 for the integer counts, 8 for the cost.
std::size_t per_path_element_bytes(const std::string& name);

// Each requested variable of the window, transposed to (path, week) bytes, in
// `out` (one buffer per variable, kept from window to window so that later
// windows neither allocate nor fault pages in). The transposes run in
// parallel over blocks of paths; each item writes only its own rows.
void window_variables(const Ensemble& window, const std::vector<std::string>& names, const Parallelism& parallelism,
                      std::vector<std::vector<char>>& out);

}  // namespace chainsim::forecast
