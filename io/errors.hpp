#pragma once
// Typed exceptions shared by the io library and the command line: the CLI maps
// each type to its own exit status and prints what() as is.
#include "forecast/config_error.hpp"

#include <stdexcept>

namespace chainsim::io {

// A configuration that cannot be used (forecast/config_error.hpp).
using forecast::ConfigError;

// An input file that does not exist or cannot be read (as opposed to one whose
// content is wrong, which is a ConfigError).
struct InputMissingError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace chainsim::io
