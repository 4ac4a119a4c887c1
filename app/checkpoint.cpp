#include "app/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace chainsim::app {
namespace {

constexpr char kMagic[] = "chainsim-checkpoint-1\n";

// FNV-1a 64: detects a damaged or truncated state file (not an attacker).
std::uint64_t checksum(const char* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ULL;
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

void write_file_atomically(const std::filesystem::path& path, std::span<const char> bytes) {
  const std::filesystem::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + tmp.string());
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::system_error(err, std::generic_category(), "cannot write " + tmp.string());
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::system_error(err, std::generic_category(), "cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
  fsync_directory(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

CheckpointStore::CheckpointStore(std::filesystem::path output, std::string identity)
    : dir_(output.string() + ".ckpt"), identity_(std::move(identity)) {}

bool CheckpointStore::has_state() const { return std::filesystem::exists(dir_ / "state.bin"); }

void CheckpointStore::create_directory() { std::filesystem::create_directories(dir_); }

void CheckpointStore::save_state(const std::vector<char>& payload) {
  std::vector<char> file(kMagic, kMagic + sizeof kMagic - 1);
  auto put64 = [&](std::uint64_t v) {
    const auto* p = reinterpret_cast<const char*>(&v);
    file.insert(file.end(), p, p + 8);
  };
  put64(identity_.size());
  file.insert(file.end(), identity_.begin(), identity_.end());
  put64(payload.size());
  put64(checksum(payload.data(), payload.size()));
  file.insert(file.end(), payload.begin(), payload.end());
  write_file_atomically(dir_ / "state.bin", file);
}

std::vector<char> CheckpointStore::load_state() const {
  const std::vector<char> file = read_all(dir_ / "state.bin");
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
  if (checksum(file.data() + at, size) != sum) throw CheckpointError("checkpoint " + dir_.string() + " is damaged");
  return {file.begin() + static_cast<std::ptrdiff_t>(at), file.end()};
}

std::filesystem::path CheckpointStore::window_path(std::size_t scenario, int first_week) const {
  return dir_ / ("s" + std::to_string(scenario) + "-w" + std::to_string(first_week) + ".bin");
}

void CheckpointStore::save_window(std::size_t scenario, int first_week, const std::vector<std::vector<char>>& variables) {
  std::vector<char> all;
  for (const auto& v : variables) all.insert(all.end(), v.begin(), v.end());
  write_file_atomically(window_path(scenario, first_week), all);
}

std::ifstream CheckpointStore::open_window(std::size_t scenario, int first_week, std::size_t expected) const {
  const auto path = window_path(scenario, first_week);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw CheckpointError("checkpoint window file " + path.string() + " is missing");
  if (size != expected) throw CheckpointError("checkpoint window file " + path.string() + " has the wrong size");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CheckpointError("cannot read checkpoint window file " + path.string());
  return in;
}

void CheckpointStore::remove() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace chainsim::app
