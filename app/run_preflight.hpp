#pragma once
// The checks of `chainsim run` before anything is simulated, so that a run
// that would fail only when it writes its results fails at once and leaves
// nothing behind: can the output be named as asked (before its lock is taken:
// the lock file's name is one of those checked), is its directory writable,
// and will the run fit in memory and on disk (io/run_estimate.hpp). Also the
// clean-up of temporaries that killed runs left behind.
#include "app/log.hpp"
#include "app/run_errors.hpp"
#include "io/output_file.hpp"
#include "io/run_estimate.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>

namespace chainsim::app {

// The directory an output is written to ("." for a bare name).
std::filesystem::path directory_of(const std::filesystem::path& output);

// Throws OutputExistsError when a name the run creates beside the output or in
// its checkpoint would be too long for the file system, or the layout's text
// is not UTF-8.
void check_output_names(const std::filesystem::path& output, const io::OutputLayout& layout, std::size_t scenarios,
                        int weeks);

// Throws OutputExistsError (directory not writable), NoMemoryError or
// NoSpaceError. `refine` (the pilot) is called only when the free space is
// known; `on_disk` is what a resumed run's checkpoint already holds.
void preflight(const std::filesystem::path& output, io::RunEstimate& estimate,
               const std::function<void(io::RunEstimate&)>& refine, double on_disk, Log& log);

// Bytes of the checkpoint already on disk (a resumed run's need is what it adds).
double checkpoint_bytes_on_disk(const std::filesystem::path& dir);

// Temporary files "<name>.tmp.<pid>" of this output and its checkpoint, left
// by runs that were killed. Called while holding the output's lock, so no
// other run is writing them: every one is stale, also when its PID has since
// been reused by an unrelated process (containers restart with the same PIDs).
void remove_stale_temporaries(const std::filesystem::path& output, const std::filesystem::path& checkpoint_dir);

}  // namespace chainsim::app
