#pragma once
// Encoding of one chunk the way HDF5's own shuffle and deflate filters encode it,
// so that chunks can be compressed by many threads and then stored with
// Variable::write_chunk (H5Dwrite_chunk) by one: the stored bytes are the ones
// Variable::write_block would have stored through the filter pipeline. HDF5's
// filters run on the thread that calls H5Dwrite, and the serial library allows
// one such thread at a time, so a run's per-path output was compressed by one
// core however many the simulation used.
//
// Pure computation on bytes: no HDF5 call, safe to call from any thread.
#include <cstddef>
#include <span>
#include <vector>

namespace chainsim::io::h5 {

// The filters a chunked variable applies, in HDF5's order (shuffle, then deflate).
struct ChunkFilters {
  bool shuffle = false;
  int deflate_level = 0;  // 0: none; 1..9 as H5Pset_deflate
};

// `raw`: the whole chunk (a partial edge chunk padded to the full chunk shape
// with the fill value, as HDF5 pads it), elements in the file's byte order.
// Throws std::invalid_argument when raw.size() is not a multiple of
// `element_size`, std::runtime_error when zlib fails.
std::vector<unsigned char> encode_chunk(std::span<const unsigned char> raw, std::size_t element_size,
                                        const ChunkFilters& filters);

}  // namespace chainsim::io::h5
