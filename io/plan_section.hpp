#pragma once
// The plan's section of the HDF5 output of `chainsim plan` (docs/plan.md):
// variables prefixed plan_ on their own dimensions plan_period and
// plan_half_year, in the root group beside the forecast under the plan, as the
// file's other sections (period_*, difference_*) are; attributes plan_* on the
// file say how the plan was searched.
#include "forecast/config.hpp"
#include "forecast/plan.hpp"

namespace chainsim::io {

class OutputFile;

void write_plan_section(OutputFile& file, const forecast::Plan& plan, const forecast::Config& base);

}  // namespace chainsim::io
