#pragma once
// Exit statuses of the chainsim command, in the style of BSD sysexits.h.
// Documented in the README; scripts and schedulers rely on them.
namespace chainsim::exit_code {
inline constexpr int kOk = 0;
inline constexpr int kUsage = 64;         // bad command line
inline constexpr int kConfig = 65;        // configuration or data error (message names file, line, key)
inline constexpr int kNoInput = 66;       // an input file does not exist or cannot be read
inline constexpr int kUnavailable = 69;   // not enough memory for the run (pre-flight estimate)
inline constexpr int kInternal = 70;      // a bug: please report it
inline constexpr int kCannotCreate = 73;  // output cannot be created, exists without --force, or no disk space
inline constexpr int kIo = 74;            // an I/O error while writing
inline constexpr int kInterrupted = 75;   // stopped by a signal; `run --resume` continues (EX_TEMPFAIL)
}  // namespace chainsim::exit_code
