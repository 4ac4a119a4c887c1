#pragma once
// `chainsim run --precision R`: batches of baseline paths until the headline
// figures' relative Monte Carlo standard error is at most R or the path limit
// is reached (forecast/precision.hpp), then the ordinary run with that many
// paths (app/run_command.hpp), whose outputs are therefore those of
// `chainsim run --paths n`, byte for byte. The batches' record goes to the
// log and the manifest, never into the HDF5 file.
//
// Under MPI every rank simulates the batches itself (the same paths, so every
// rank reaches the same n without an exchange); they are about one scenario's
// work, small beside the run, which is then split over the ranks as usual.
#include "app/log.hpp"
#include "app/run_command.hpp"
#include "forecast/config.hpp"
#include "forecast/precision.hpp"

#include <iosfwd>

namespace chainsim::app {

// `o.paths` must be unset (the precision chooses the paths); the set must have
// the overrides of `o` applied. Sets o.paths and o.precision, re-applies the
// overrides and runs.
void run_with_precision(forecast::ScenarioSet& set, RunOverrides& o, const forecast::PrecisionOptions& precision,
                        std::ostream& out, Log& log);

}  // namespace chainsim::app
