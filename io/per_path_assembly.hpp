#pragma once
// The per-path series of one scenario, from the checkpoint's window files into
// the output file: each chunk (kPathChunk paths × the whole horizon) gathered
// from the windows and compressed by the workers, then stored in path order by
// the calling thread. The stored chunks are those OutputFile::write_per_path
// would store; only which thread compresses them changes.
#include "io/checkpoint_store.hpp"
#include "forecast/parallel.hpp"
#include "io/output_file.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace chainsim::io {

struct PerPathSeries {
  std::vector<std::string> names;          // per-path variables, in the order of the window files
  std::vector<std::size_t> element_bytes;  // 4 (int32 counts) or 8 (double), per variable
  std::size_t paths = 0;
  int weeks = 0;   // the whole horizon
  int window = 0;  // weeks per window file (the last may be shorter)
};

// Returns false, with the file incomplete, when `stop` returned true (checked
// between blocks of chunks, so a stop signal is honoured within a fraction of
// a second even for a scenario whose series take minutes to write).
bool write_per_path_series(io::OutputFile& file, const CheckpointStore& store, std::size_t scenario,
                           const PerPathSeries& series, const forecast::Parallelism& parallelism,
                           bool (*stop)() noexcept);

}  // namespace chainsim::io
