#include "io/h5_chunk_codec.hpp"

#include <zlib.h>

#include <stdexcept>
#include <string>

namespace chainsim::io::h5 {
namespace {

// HDF5's shuffle filter (H5Zshuffle.c): byte j of element i goes to position
// j * n + i, n = number of whole elements; trailing bytes that make no whole
// element are copied unchanged. One element size of 1 leaves the data as is.
std::vector<unsigned char> shuffle_bytes(std::span<const unsigned char> raw, std::size_t size) {
  std::vector<unsigned char> out(raw.begin(), raw.end());
  if (size <= 1) return out;
  const std::size_t n = raw.size() / size;
  if (n <= 1) return out;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < size; ++j) out[j * n + i] = raw[i * size + j];
  return out;
}

// HDF5's deflate filter (H5Zdeflate.c): zlib's compress2 at the given level
// into a buffer of compressBound bytes; the result is the zlib stream.
std::vector<unsigned char> deflate_bytes(std::span<const unsigned char> in, int level) {
  uLongf out_size = compressBound(static_cast<uLong>(in.size()));
  std::vector<unsigned char> out(out_size);
  const int rc = compress2(out.data(), &out_size, in.data(), static_cast<uLong>(in.size()), level);
  if (rc != Z_OK) throw std::runtime_error("zlib compress2 failed with code " + std::to_string(rc));
  out.resize(out_size);
  return out;
}

}  // namespace

std::vector<unsigned char> encode_chunk(std::span<const unsigned char> raw, std::size_t element_size,
                                        const ChunkFilters& filters) {
  if (element_size == 0 || raw.size() % element_size != 0)
    throw std::invalid_argument("encode_chunk: " + std::to_string(raw.size()) + " bytes are not whole elements of " +
                                std::to_string(element_size) + " bytes");
  if (filters.deflate_level < 0 || filters.deflate_level > 9)
    throw std::invalid_argument("encode_chunk: deflate level must be 0..9");
  std::vector<unsigned char> bytes =
      filters.shuffle ? shuffle_bytes(raw, element_size) : std::vector<unsigned char>(raw.begin(), raw.end());
  if (filters.deflate_level > 0) bytes = deflate_bytes(bytes, filters.deflate_level);
  return bytes;
}

}  // namespace chainsim::io::h5
