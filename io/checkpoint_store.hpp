#pragma once
// Checkpoints of a run, in the directory `<output>.ckpt/` beside the output:
//   state.bin             where the run stands (scenario, week, every path's
//                         state, the summaries so far), written atomically
//                         with a checksum and the run's identity;
//   baseline.bin          the baseline scenario's per-path period metrics,
//                         which the later scenarios are compared with: fixed
//                         once the baseline is done, so written once (at the
//                         first state saved after it) and not with every state;
//                         the same form as state.bin;
//   s<S>-w<first>.bin     the per-path series of one window of weeks of one
//                         scenario, written atomically as the window finishes,
//                         with a checksum per block (below).
// The final output is always assembled from these files at the end, so an
// interrupted and resumed run writes exactly the same bytes as one that ran
// straight through. The directory is removed when the output is complete.
//
// Nothing is taken from a checkpoint file unchecked: a flipped bit in any of
// them is refused (CheckpointError, exit 65, naming the file), never turned
// into a different output.
//
// A window file is the variables' bytes one after the other, then a block
// table and a fixed trailer:
//   data     variable 0's (path, week) bytes, variable 1's, ...
//   table    per block: u64 end offset in data (exclusive), u32 CRC-32 (zlib)
//   trailer  u64 data bytes, u64 blocks, u32 CRC-32 of the table,
//            u32 CRC-32 of the trailer's first 20 bytes, 8 bytes "chsmwin1"
// (little-endian, the machine's order). A block is `block_paths` paths of one
// variable: exactly what the output's assembly reads at a time (a chunk of
// paths), so every read verifies what it reads and nothing more.
#include "core/model/byte_buffer.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <fstream>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace chainsim::io {

// A checkpoint that cannot be used: made by another version or for another
// configuration or command line, or damaged.
struct CheckpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A checkpoint window file opened for reading parts of it, from any number of
// threads at once (each read is one pread per block at its own offset).
class WindowReader {
 public:
  // Opens the file and checks its trailer and block table; throws
  // CheckpointError when it is missing, not a regular file, damaged, or does
  // not hold exactly `expected_bytes` of data.
  WindowReader(std::filesystem::path path, std::uint64_t expected_bytes);
  WindowReader(WindowReader&& other) noexcept;
  WindowReader& operator=(WindowReader&&) = delete;
  WindowReader(const WindowReader&) = delete;
  WindowReader& operator=(const WindowReader&) = delete;
  ~WindowReader();
  // Fills `out` with the data bytes at [offset, offset + out.size()). Every
  // block the range touches is read whole and its checksum verified before any
  // of its bytes are used; throws CheckpointError naming the file and bytes.
  void read_at(std::uint64_t offset, std::span<char> out) const;
  // Reads and verifies every block (a resumed run checks the windows it
  // relies on before it simulates further).
  void verify() const;

 private:
  struct Block {
    std::uint64_t end;  // exclusive, in data
    std::uint32_t crc;
  };
  void read_block(std::size_t b, char* into) const;
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t data_bytes_ = 0;
  std::vector<Block> blocks_;
};

class CheckpointStore {
 public:
  // `identity`: everything the results depend on (version, commit, resolved
  // configuration, window length); a checkpoint with another identity is refused.
  CheckpointStore(std::filesystem::path output, std::string identity);

  const std::filesystem::path& directory() const noexcept { return dir_; }
  bool has_state() const;

  void create_directory();
  // Saves the state atomically (temporary file, fsync, rename): `write_payload`
  // puts the payload into the writer it is given, which streams it to the file.
  void save_state(const std::function<void(core::ByteWriter&)>& write_payload);
  // The saved payload; throws CheckpointError when it belongs to another run,
  // is damaged, or is not a readable regular file.
  std::vector<char> load_state() const;
  // The baseline's part (baseline.bin), saved and loaded like the state; it
  // may be older than the state, never newer than the first state that needs it.
  bool has_baseline() const;
  void save_baseline(const std::function<void(core::ByteWriter&)>& write_payload);
  std::vector<char> load_baseline() const;

  // One window's per-path series: the variables' bytes one after the other,
  // each `paths` rows (one per path), checksummed in blocks of `block_paths`
  // rows. Written and renamed into place, but not fsynced: nothing depends on a
  // window being durable until a state that counts it is saved, so
  // save_state syncs the windows written since the last one first. (A crash
  // before that leaves at worst a damaged window that the resumed run, which
  // starts from the last state, simulates and writes again.) The disk writes
  // the window in the background while the next window is simulated.
  void save_window(std::size_t scenario, int first_week, const std::vector<std::vector<char>>& variables,
                   std::size_t paths, std::size_t block_paths);
  // Opens the window file, which must hold exactly `expected_bytes`, for reading parts of it.
  WindowReader open_window(std::size_t scenario, int first_week, std::size_t expected_bytes) const;

  void remove();

 private:
  std::filesystem::path window_path(std::size_t scenario, int first_week) const;
  void sync_windows();
  // A file of the form of state.bin: magic, identity, payload size and CRC-32, payload.
  void save_part(const char* name, const std::function<void(core::ByteWriter&)>& write_payload);
  std::vector<char> load_part(const char* name) const;
  std::filesystem::path dir_;
  std::string identity_;
  std::vector<std::filesystem::path> unsynced_windows_;
};

// A file written under a temporary name beside `path` and renamed onto it by
// commit() after fsync (and the directory fsynced), so `path` is either the
// old file or the complete new one. Without commit() the temporary is removed.
// commit_unsynced() renames without waiting for the disk: after a crash the
// file may be incomplete, so whoever relies on it must fsync it first.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();
  void write(std::span<const char> bytes);
  // Overwrites bytes already written (e.g. a size known only at the end).
  void write_at(std::uint64_t offset, std::span<const char> bytes);
  std::uint64_t size() const noexcept { return size_; }
  void commit();
  void commit_unsynced();

 private:
  void close_and_rename();
  [[noreturn]] void fail(int err);
  std::filesystem::path path_, tmp_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool committed_ = false;
};

}  // namespace chainsim::io
