#include "app/output_lock.hpp"

#include "app/run_manifest.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

namespace chainsim::app {
namespace {

namespace fs = std::filesystem;

std::string errno_text(int err) { return std::strerror(err); }

// What the holder wrote into the lock file ("pid 1234\nstarted ...\n..."),
// as "PID 1234 on host vm, started 2026-12-04T17:14:21Z (chainsim run)".
// A holder writes these lines right after it takes the lock, so a refused run
// that looks in between finds the file empty for a moment: it looks again for
// a short while before saying that nothing was recorded.
std::string describe_holder(int fd) {
  std::string text;
  for (int attempt = 0; attempt < 20; ++attempt) {
    char buf[4096];
    const ssize_t n = ::pread(fd, buf, sizeof buf, 0);
    if (n > 0) {
      text.assign(buf, static_cast<std::size_t>(n));
      if (text.find("\ncommand ") != std::string::npos) break;  // the last line is there
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string pid, started, host, command;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    const std::string key = line.substr(0, space), value = line.substr(space + 1);
    if (key == "pid") pid = value;
    if (key == "started") started = value;
    if (key == "host") host = value;
    if (key == "command") command = value;
  }
  if (pid.empty()) return "another process (it has not recorded its PID)";
  std::string who = "PID " + pid;
  if (!host.empty()) who += " on host " + host;
  if (!started.empty()) who += ", started " + started;
  if (!command.empty()) who += " (" + command + ")";
  return who;
}

}  // namespace

fs::path OutputLock::lock_path(const fs::path& output) {
  fs::path p = output;
  // A directory output ("validation/", ".", ".."): lock the directory by its
  // own name beside it, the same file whichever way it was spelled.
  const std::string last = p.filename().string();
  if (last.empty() || last == "." || last == "..") {
    p = fs::absolute(p).lexically_normal();
    if (p.filename().empty() && p.has_parent_path() && p.parent_path() != p) p = p.parent_path();
  }
  p += ".lock";
  return p;
}

OutputLock::OutputLock(const fs::path& output, const std::string& command, Directory directory)
    : path_(lock_path(output)) {
  const fs::path dir = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  if (directory == Directory::Create) {
    // Failure is reported by the open below, with the lock file's name.
    std::error_code ignored;
    fs::create_directories(dir, ignored);
  }
  for (int attempt = 0;; ++attempt) {
    // O_NOFOLLOW: a symlink planted under the lock's name must not make us
    // truncate whatever it points to.
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) {
      const int err = errno;
      throw OutputLockedError("cannot write output: cannot create " + output.string() + " in " + dir.string() +
                              ": cannot create its lock file " + path_.string() + ": " + errno_text(err));
    }
    int rc;
    do rc = ::flock(fd_, LOCK_EX | LOCK_NB);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      const int err = errno;
      const std::string holder = err == EWOULDBLOCK ? describe_holder(fd_) : std::string();
      ::close(fd_);
      fd_ = -1;
      if (err == EWOULDBLOCK)
        throw OutputLockedError("cannot write output: " + output.string() + " is being written by " + holder +
                                ", which holds its lock " + path_.string() +
                                "; wait until it has finished, or write to another output");
      throw OutputLockedError("cannot write output: cannot lock " + path_.string() + " for " + output.string() + ": " +
                              errno_text(err));
    }
    // The file we locked may have been removed (by a run that just finished)
    // between our open and our flock, and another run may already hold a new
    // file under the name: only a lock on the file that is there now counts.
    struct stat locked {
    }, named{};
    if (::fstat(fd_, &locked) == 0 && ::lstat(path_.c_str(), &named) == 0 && locked.st_dev == named.st_dev &&
        locked.st_ino == named.st_ino)
      break;
    ::close(fd_);
    fd_ = -1;
    if (attempt == 1000)
      throw OutputLockedError("cannot write output: the lock file " + path_.string() + " of " + output.string() +
                              " keeps being replaced by other processes");
  }
  // Who holds the lock, for the message of a run that is refused. The lock
  // itself does not depend on these lines, so a failure to write them (a full
  // disk) is not an error: the refused run then says nothing was recorded.
  const std::string text = "pid " + std::to_string(::getpid()) + "\nstarted " + utc_now() + "\nhost " + host_name() +
                           "\ncommand " + command + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    const ssize_t ignored = ::pwrite(fd_, text.data(), text.size(), 0);
    (void)ignored;
  }
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  // Removed while still held: a run waiting to take over then finds the name
  // gone or a new file under it, never our released lock on a removed file.
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace chainsim::app
