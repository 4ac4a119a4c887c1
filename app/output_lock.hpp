#pragma once
// One writer per output. Two runs writing the same output (and its checkpoint
// `<output>.ckpt/`) would mix their data into a file that matches neither, and
// still exit 0; so every command that writes an output first takes an
// exclusive advisory lock on `<output>.lock` beside it (flock(2)), holds it
// until the output is complete, and a second command on the same output is
// refused at once with the holder's PID, host and start time.
//
// The kernel releases a flock when its holder dies however it dies (SIGKILL,
// a crash, a power cut takes the lock table with it), so a lock file left
// behind by a dead run never blocks the next one: it is simply taken over.
// A completed run removes its lock file; removing it is safe because a run
// that takes the lock checks afterwards that the file it locked is still the
// one under that name (otherwise it locks the new file instead).
#include <filesystem>
#include <stdexcept>
#include <string>

namespace chainsim::app {

// The output cannot be created now: another process holds its lock, or the
// lock file cannot be created. The message names the output and, when held,
// the holder. Exit status 73 (exit_codes.hpp kCannotCreate).
struct OutputLockedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class OutputLock {
 public:
  enum class Directory {
    MustExist,  // `chainsim run`: a missing directory is the user's mistake (the pre-flight's message)
    Create,     // calibrate and backtest create their output directories anyway
  };

  // Takes the lock on `<output>.lock` (for a directory output `dir/`,
  // `dir.lock` beside it). `command` describes the holder to whoever is
  // refused ("chainsim run", "chainsim calibrate"). Throws OutputLockedError.
  explicit OutputLock(const std::filesystem::path& output, const std::string& command = "chainsim",
                      Directory directory = Directory::MustExist);
  // Removes the lock file, then releases the lock.
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

  // The lock file's name for `output` (what the pre-flight checks for length).
  static std::filesystem::path lock_path(const std::filesystem::path& output);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace chainsim::app
