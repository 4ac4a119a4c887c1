#pragma once
// Log lines with time and level on stderr, and progress: a bar on a terminal,
// plain periodic lines otherwise (scheduler logs). Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace chainsim::app {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3, Quiet = 4 };
LogLevel parse_log_level(const std::string& name);  // debug|info|warn|error

class Log {
 public:
  Log(LogLevel level, bool terminal);
  void debug(const std::string& m) { line(LogLevel::Debug, m); }
  void info(const std::string& m) { line(LogLevel::Info, m); }
  void warn(const std::string& m) { line(LogLevel::Warn, m); }
  void error(const std::string& m) { line(LogLevel::Error, m); }

  // Progress of `done` of `total` units (path-weeks) for the named stage; rate-limited.
  void progress(const std::string& stage, std::int64_t done, std::int64_t total);
  // Ends a progress bar line on a terminal.
  void progress_done();

  LogLevel level() const noexcept { return level_; }

 private:
  void line(LogLevel l, const std::string& m);
  LogLevel level_;
  bool terminal_;
  std::mutex mutex_;
  bool bar_open_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = {};
};

}  // namespace chainsim::app
