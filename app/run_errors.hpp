#pragma once
// The errors of `chainsim run` that main.cpp turns into exit statuses
// (exit_codes.hpp): each type its own status, what() printed as it is.
#include <stdexcept>

namespace chainsim::app {

// An output that exists and may not be replaced (no --force), or cannot be created.
struct OutputExistsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Not enough disk space for the run (pre-flight estimate).
struct NoSpaceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Not enough memory for the run (pre-flight estimate).
struct NoMemoryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The run stopped on a signal after writing a checkpoint; `--resume` continues.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace chainsim::app
