#include "io/checkpoint_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

namespace chainsim::io {
namespace {

constexpr char kMagic[] = "chainsim-checkpoint-3\n";
constexpr char kStateFile[] = "state.bin";
constexpr char kBaselineFile[] = "baseline.bin";

void fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// The whole of a checkpoint file. Errors are the checkpoint's, not the disk's:
// a directory or device in its place, or a read error, makes it unusable (65).
std::vector<char> read_all(const std::filesystem::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw CheckpointError("cannot read checkpoint file " + p.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw CheckpointError("checkpoint file " + p.string() + " is not a regular file");
  }
  std::vector<char> bytes(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? std::strerror(errno) : "it became shorter while being read";
      ::close(fd);
      throw CheckpointError("cannot read checkpoint file " + p.string() + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return bytes;
}

// CRC-32 (zlib) of every checkpoint file's bytes: detects a damaged or
// truncated file (not an attacker). Continues from `crc`, so a payload can be
// summed piece by piece.
std::uint32_t crc_of(const char* p, std::size_t n, std::uint32_t crc = 0) {
  return static_cast<std::uint32_t>(::crc32_z(crc, reinterpret_cast<const Bytef*>(p), n));
}

constexpr char kWindowMagic[8] = {'c', 'h', 's', 'm', 'w', 'i', 'n', '1'};
constexpr std::size_t kTrailerBytes = 32;     // u64 data, u64 blocks, u32 table crc, u32 trailer crc, magic
constexpr std::size_t kTableEntryBytes = 12;  // u64 end, u32 crc

template <class T>
void append_raw(std::vector<char>& out, T v) {
  const auto* p = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

template <class T>
T load_raw(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// pread of exactly out.size() bytes at `offset`; false at a short file.
bool pread_all(int fd, char* out, std::size_t size, std::uint64_t offset, int& err) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : 0;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path)), tmp_(path_.string() + ".tmp." + std::to_string(::getpid())) {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + tmp_.string());
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFile::fail(int err) {
  throw std::system_error(err, std::generic_category(), "cannot write " + tmp_.string());
}

void AtomicFile::write(std::span<const char> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) fail(errno);
    done += static_cast<std::size_t>(n);
  }
  size_ += bytes.size();
}

void AtomicFile::write_at(std::uint64_t offset, std::span<const char> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) fail(errno);
    done += static_cast<std::size_t>(n);
  }
}

void AtomicFile::close_and_rename() {
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail(errno);
  std::filesystem::rename(tmp_, path_);
  committed_ = true;
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) fail(errno);
  close_and_rename();
  fsync_directory(path_.parent_path().empty() ? std::filesystem::path(".") : path_.parent_path());
}

void AtomicFile::commit_unsynced() { close_and_rename(); }

CheckpointStore::CheckpointStore(std::filesystem::path output, std::string identity)
    : dir_(output.string() + ".ckpt"), identity_(std::move(identity)) {}

bool CheckpointStore::has_state() const { return std::filesystem::exists(dir_ / kStateFile); }

bool CheckpointStore::has_baseline() const { return std::filesystem::exists(dir_ / kBaselineFile); }

void CheckpointStore::create_directory() { std::filesystem::create_directories(dir_); }

void CheckpointStore::save_state(const std::function<void(core::ByteWriter&)>& write_payload) {
  // The windows the state counts as done must be on disk before it is.
  sync_windows();
  save_part(kStateFile, write_payload);
}

void CheckpointStore::save_baseline(const std::function<void(core::ByteWriter&)>& write_payload) {
  save_part(kBaselineFile, write_payload);
}

std::vector<char> CheckpointStore::load_state() const { return load_part(kStateFile); }

std::vector<char> CheckpointStore::load_baseline() const { return load_part(kBaselineFile); }

void CheckpointStore::save_part(const char* name, const std::function<void(core::ByteWriter&)>& write_payload) {
  // Streamed: header, a placeholder for the payload's size and checksum, the
  // payload as the writer hands it on, then the two numbers in their place.
  // Nothing of the payload is held in memory beyond the writer's piece.
  AtomicFile f(dir_ / name);
  auto put64 = [&](std::uint64_t v) { f.write(std::span<const char>(reinterpret_cast<const char*>(&v), 8)); };
  f.write(std::span<const char>(kMagic, sizeof kMagic - 1));
  put64(identity_.size());
  f.write(std::span<const char>(identity_.data(), identity_.size()));
  const std::uint64_t numbers_at = f.size();
  put64(0);
  put64(0);
  std::uint64_t size = 0;
  std::uint32_t sum = 0;
  core::ByteWriter w([&](std::span<const char> piece) {
    sum = crc_of(piece.data(), piece.size(), sum);
    size += piece.size();
    f.write(piece);
  });
  write_payload(w);
  w.flush();
  const std::uint64_t numbers[2] = {size, sum};
  f.write_at(numbers_at, std::span<const char>(reinterpret_cast<const char*>(numbers), sizeof numbers));
  f.commit();
}

std::vector<char> CheckpointStore::load_part(const char* name) const {
  const std::string path = (dir_ / name).string();
  std::vector<char> file = read_all(dir_ / name);
  const std::size_t magic = sizeof kMagic - 1;
  auto get64 = [&](std::size_t at) {
    std::uint64_t v = 0;
    if (at + 8 > file.size()) throw CheckpointError("checkpoint file " + path + " is truncated");
    std::memcpy(&v, file.data() + at, 8);
    return v;
  };
  if (file.size() < magic + 8 || std::memcmp(file.data(), kMagic, magic) != 0)
    throw CheckpointError("checkpoint file " + path + " is damaged or not a chainsim checkpoint of this format");
  const std::uint64_t id_size = get64(magic);
  if (id_size > file.size() - magic - 8) throw CheckpointError("checkpoint file " + path + " is damaged or truncated");
  const std::string identity(file.data() + magic + 8, id_size);
  if (identity != identity_) {
    // Say what differs first: the program or the run.
    const std::string first_line = identity.substr(0, identity.find('\n'));
    const std::string our_first = identity_.substr(0, identity_.find('\n'));
    if (first_line != our_first)
      throw CheckpointError("checkpoint " + dir_.string() + " was written by " + first_line + ", this is " + our_first +
                            "; start over with --force");
    throw CheckpointError("checkpoint " + dir_.string() +
                          " belongs to a run with another configuration or command line; resume with the same "
                          "configuration and options, or start over with --force");
  }
  std::size_t at = magic + 8 + id_size;
  const std::uint64_t size = get64(at);
  const std::uint64_t sum = get64(at + 8);
  at += 16;
  if (size != file.size() - at) throw CheckpointError("checkpoint file " + path + " is damaged or truncated");
  if (crc_of(file.data() + at, static_cast<std::size_t>(size)) != sum)
    throw CheckpointError("checkpoint file " + path + " is damaged: it does not match its checksum");
  // The payload in place (moved to the front, no second gigabyte-sized copy).
  file.erase(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(at));
  return file;
}

std::filesystem::path CheckpointStore::window_path(std::size_t scenario, int first_week) const {
  // Appended piece by piece: g++ 12 warns falsely (-Wrestrict) on the inlined
  // `"s" + std::to_string(...)`.
  std::string name = "s";
  name += std::to_string(scenario);
  name += "-w";
  name += std::to_string(first_week);
  name += ".bin";
  return dir_ / name;
}

void CheckpointStore::save_window(std::size_t scenario, int first_week, const std::vector<std::vector<char>>& variables,
                                  std::size_t paths, std::size_t block_paths) {
  const std::filesystem::path path = window_path(scenario, first_week);
  std::vector<char> table;
  std::uint64_t end = 0, blocks = 0;
  for (const auto& v : variables) {
    if (paths == 0 || block_paths == 0 || v.size() % paths != 0)
      throw std::invalid_argument("save_window: " + std::to_string(v.size()) + " bytes are not " +
                                  std::to_string(paths) + " rows of equal size");
    const std::size_t block = v.size() / paths * block_paths;
    for (std::size_t at = 0; at < v.size(); at += block) {
      const std::size_t n = std::min(block, v.size() - at);
      end += n;
      ++blocks;
      append_raw<std::uint64_t>(table, end);
      append_raw<std::uint32_t>(table, crc_of(v.data() + at, n));
    }
  }
  std::vector<char> trailer;
  append_raw<std::uint64_t>(trailer, end);
  append_raw<std::uint64_t>(trailer, blocks);
  append_raw<std::uint32_t>(trailer, crc_of(table.data(), table.size()));
  append_raw<std::uint32_t>(trailer, crc_of(trailer.data(), trailer.size()));
  trailer.insert(trailer.end(), std::begin(kWindowMagic), std::end(kWindowMagic));
  AtomicFile f(path);
  for (const auto& v : variables) f.write(v);  // the pieces in turn, not copied into one buffer
  f.write(table);
  f.write(trailer);
  f.commit_unsynced();
  unsynced_windows_.push_back(path);
}

void CheckpointStore::sync_windows() {
  if (unsynced_windows_.empty()) return;
  for (const auto& p : unsynced_windows_) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      throw std::system_error(err, std::generic_category(), "cannot sync checkpoint window file " + p.string());
    }
    ::close(fd);
  }
  fsync_directory(dir_);  // their names (the renames) too
  unsynced_windows_.clear();
}

WindowReader CheckpointStore::open_window(std::size_t scenario, int first_week, std::size_t expected) const {
  return WindowReader(window_path(scenario, first_week), expected);
}

WindowReader::WindowReader(std::filesystem::path path, std::uint64_t expected) : path_(std::move(path)) {
  const std::string name = "checkpoint window file " + path_.string();
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    const int err = errno;
    throw CheckpointError(err == ENOENT ? name + " is missing" : "cannot read " + name + ": " + std::strerror(err));
  }
  // From here on a throw leaves the constructor: close before every one.
  auto refuse = [&](const std::string& why) {
    ::close(fd_);
    fd_ = -1;
    throw CheckpointError(name + " " + why + "; start over with --force");
  };
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) refuse("is not a regular file");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < kTrailerBytes) refuse("is truncated (" + std::to_string(size) + " bytes)");
  char trailer[kTrailerBytes];
  int err = 0;
  if (!pread_all(fd_, trailer, kTrailerBytes, size - kTrailerBytes, err))
    refuse(std::string("cannot be read: ") + (err ? std::strerror(err) : "unexpected end of file"));
  if (std::memcmp(trailer + 24, kWindowMagic, sizeof kWindowMagic) != 0)
    refuse("is damaged or not a window file of this format (its trailer is wrong)");
  if (crc_of(trailer, 20) != load_raw<std::uint32_t>(trailer + 20))
    refuse("is damaged (its trailer does not match its checksum)");
  data_bytes_ = load_raw<std::uint64_t>(trailer);
  const auto blocks = load_raw<std::uint64_t>(trailer + 8);
  const std::uint64_t room = size - kTrailerBytes;
  if (blocks > room / kTableEntryBytes || data_bytes_ != room - blocks * kTableEntryBytes)
    refuse("is damaged (its size, " + std::to_string(size) + " bytes, does not match its trailer)");
  if (data_bytes_ != expected)
    refuse("holds " + std::to_string(data_bytes_) + " bytes of series, this run expects " + std::to_string(expected));
  std::vector<char> table(static_cast<std::size_t>(blocks * kTableEntryBytes));
  if (!pread_all(fd_, table.data(), table.size(), data_bytes_, err))
    refuse(std::string("cannot be read: ") + (err ? std::strerror(err) : "unexpected end of file"));
  if (crc_of(table.data(), table.size()) != load_raw<std::uint32_t>(trailer + 16))
    refuse("is damaged (its block table does not match its checksum)");
  blocks_.resize(static_cast<std::size_t>(blocks));
  std::uint64_t previous = 0;
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    blocks_[b] = {load_raw<std::uint64_t>(table.data() + b * kTableEntryBytes),
                  load_raw<std::uint32_t>(table.data() + b * kTableEntryBytes + 8)};
    if (blocks_[b].end <= previous || blocks_[b].end > data_bytes_) refuse("is damaged (its block table is wrong)");
    previous = blocks_[b].end;
  }
  if (previous != data_bytes_) refuse("is damaged (its block table is wrong)");
}

WindowReader::WindowReader(WindowReader&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(std::exchange(o.fd_, -1)),
      data_bytes_(o.data_bytes_),
      blocks_(std::move(o.blocks_)) {}

WindowReader::~WindowReader() {
  if (fd_ >= 0) ::close(fd_);
}

void WindowReader::read_block(std::size_t b, char* into) const {
  const std::uint64_t begin = b == 0 ? 0 : blocks_[b - 1].end;
  const auto n = static_cast<std::size_t>(blocks_[b].end - begin);
  int err = 0;
  if (!pread_all(fd_, into, n, begin, err))
    throw CheckpointError("cannot read checkpoint window file " + path_.string() + ": " +
                          (err ? std::strerror(err) : "unexpected end of file"));
  if (crc_of(into, n) != blocks_[b].crc)
    throw CheckpointError("checkpoint window file " + path_.string() + " is damaged: bytes " + std::to_string(begin) +
                          ".." + std::to_string(blocks_[b].end) +
                          " do not match their checksum; start over with --force");
}

void WindowReader::read_at(std::uint64_t offset, std::span<char> out) const {
  if (offset > data_bytes_ || out.size() > data_bytes_ - offset)
    throw CheckpointError("cannot read checkpoint window file " + path_.string() + ": bytes " + std::to_string(offset) +
                          ".." + std::to_string(offset + out.size()) + " are past its " + std::to_string(data_bytes_) +
                          " bytes of series");
  if (out.empty()) return;
  const std::uint64_t stop = offset + out.size();
  // The first block that ends after `offset`.
  auto b = static_cast<std::size_t>(std::upper_bound(blocks_.begin(), blocks_.end(), offset,
                                                     [](std::uint64_t v, const Block& k) { return v < k.end; }) -
                                    blocks_.begin());
  std::vector<char> partial;
  for (; b < blocks_.size(); ++b) {
    const std::uint64_t begin = b == 0 ? 0 : blocks_[b - 1].end;
    if (begin >= stop) break;
    const std::uint64_t end = blocks_[b].end;
    if (begin >= offset && end <= stop) {
      read_block(b, out.data() + (begin - offset));  // whole block wanted: straight into place
    } else {
      partial.resize(static_cast<std::size_t>(end - begin));
      read_block(b, partial.data());
      const std::uint64_t from = std::max(begin, offset), to = std::min(end, stop);
      std::memcpy(out.data() + (from - offset), partial.data() + (from - begin), static_cast<std::size_t>(to - from));
    }
  }
}

void WindowReader::verify() const {
  std::vector<char> buf;
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const std::uint64_t begin = b == 0 ? 0 : blocks_[b - 1].end;
    buf.resize(static_cast<std::size_t>(blocks_[b].end - begin));
    read_block(b, buf.data());
  }
}

void CheckpointStore::remove() {
  unsynced_windows_.clear();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace chainsim::io
