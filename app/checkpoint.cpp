#include "app/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

namespace chainsim::app {
namespace {

constexpr char kMagic[] = "chainsim-checkpoint-1\n";

// FNV-1a 64: detects a damaged or truncated state file (not an attacker).
// Continues from h, so a payload can be summed piece by piece.
constexpr std::uint64_t kChecksumStart = 1469598103934665603ULL;
std::uint64_t checksum(std::uint64_t h, const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 1099511628211ULL;
  }
  return h;
}

void fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::vector<char> read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw CheckpointError("cannot read checkpoint file " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
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

bool CheckpointStore::has_state() const { return std::filesystem::exists(dir_ / "state.bin"); }

void CheckpointStore::create_directory() { std::filesystem::create_directories(dir_); }

void CheckpointStore::save_state(const std::function<void(core::ByteWriter&)>& write_payload) {
  // Streamed: header, a placeholder for the payload's size and checksum, the
  // payload as the writer hands it on, then the two numbers in their place.
  // Nothing of the payload is held in memory beyond the writer's piece.
  // The windows the state counts as done must be on disk before it is.
  sync_windows();
  AtomicFile f(dir_ / "state.bin");
  auto put64 = [&](std::uint64_t v) { f.write(std::span<const char>(reinterpret_cast<const char*>(&v), 8)); };
  f.write(std::span<const char>(kMagic, sizeof kMagic - 1));
  put64(identity_.size());
  f.write(std::span<const char>(identity_.data(), identity_.size()));
  const std::uint64_t numbers_at = f.size();
  put64(0);
  put64(0);
  std::uint64_t size = 0, sum = kChecksumStart;
  core::ByteWriter w([&](std::span<const char> piece) {
    sum = checksum(sum, piece.data(), piece.size());
    size += piece.size();
    f.write(piece);
  });
  write_payload(w);
  w.flush();
  const std::uint64_t numbers[2] = {size, sum};
  f.write_at(numbers_at, std::span<const char>(reinterpret_cast<const char*>(numbers), sizeof numbers));
  f.commit();
}

std::vector<char> CheckpointStore::load_state() const {
  std::vector<char> file = read_all(dir_ / "state.bin");
  const std::size_t magic = sizeof kMagic - 1;
  auto get64 = [&](std::size_t at) {
    std::uint64_t v = 0;
    if (at + 8 > file.size()) throw CheckpointError("checkpoint " + dir_.string() + " is truncated");
    std::memcpy(&v, file.data() + at, 8);
    return v;
  };
  if (file.size() < magic || std::memcmp(file.data(), kMagic, magic) != 0)
    throw CheckpointError("checkpoint " + dir_.string() + " is not a chainsim checkpoint of this format");
  const std::uint64_t id_size = get64(magic);
  if (magic + 8 + id_size > file.size()) throw CheckpointError("checkpoint " + dir_.string() + " is truncated");
  const std::string identity(file.data() + magic + 8, id_size);
  if (identity != identity_) {
    // Say what differs first: the program or the run.
    const std::string first_line = identity.substr(0, identity.find('\n'));
    const std::string our_first = identity_.substr(0, identity_.find('\n'));
    if (first_line != our_first)
      throw CheckpointError("checkpoint " + dir_.string() + " was written by " + first_line + ", this is " +
                            our_first + "; start over with --force");
    throw CheckpointError("checkpoint " + dir_.string() +
                          " belongs to a run with another configuration or command line; resume with the same "
                          "configuration and options, or start over with --force");
  }
  std::size_t at = magic + 8 + id_size;
  const std::uint64_t size = get64(at);
  const std::uint64_t sum = get64(at + 8);
  at += 16;
  if (at + size != file.size()) throw CheckpointError("checkpoint " + dir_.string() + " is truncated");
  if (checksum(kChecksumStart, file.data() + at, size) != sum)
    throw CheckpointError("checkpoint " + dir_.string() + " is damaged");
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

void CheckpointStore::save_window(std::size_t scenario, int first_week, const std::vector<std::vector<char>>& variables) {
  const std::filesystem::path path = window_path(scenario, first_week);
  AtomicFile f(path);
  for (const auto& v : variables) f.write(v);  // the pieces in turn, not copied into one buffer
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
  std::error_code ec;
  const auto size = std::filesystem::file_size(path_, ec);
  if (ec) throw CheckpointError("checkpoint window file " + path_.string() + " is missing");
  if (size != expected) throw CheckpointError("checkpoint window file " + path_.string() + " has the wrong size");
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    throw CheckpointError("cannot read checkpoint window file " + path_.string() + ": " + std::strerror(errno));
}

WindowReader::WindowReader(WindowReader&& o) noexcept : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)) {}

WindowReader::~WindowReader() {
  if (fd_ >= 0) ::close(fd_);
}

void WindowReader::read_at(std::uint64_t offset, std::span<char> out) const {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw CheckpointError("cannot read checkpoint window file " + path_.string() + ": " +
                            (n < 0 ? std::strerror(errno) : "unexpected end of file"));
    done += static_cast<std::size_t>(n);
  }
}

void CheckpointStore::remove() {
  unsynced_windows_.clear();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace chainsim::app
