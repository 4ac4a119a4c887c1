#include "app/log.hpp"

#include "app/run_manifest.hpp"

#include <cstdio>
#include <stdexcept>

namespace chainsim::app {
namespace {

const char* name(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
    case LogLevel::Quiet: break;
  }
  return "";
}

std::string duration(double s) {
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, static_cast<int>(s) % 3600 / 60);
  return buf;
}

}  // namespace

LogLevel parse_log_level(const std::string& n) {
  if (n == "debug") return LogLevel::Debug;
  if (n == "info") return LogLevel::Info;
  if (n == "warn") return LogLevel::Warn;
  if (n == "error") return LogLevel::Error;
  throw std::invalid_argument("unknown log level '" + n + "' (allowed: debug, info, warn, error)");
}

Log::Log(LogLevel level, bool terminal) : level_(level), terminal_(terminal) {}

void Log::line(LogLevel l, const std::string& m) {
  if (l < level_) return;
  std::lock_guard lock(mutex_);
  if (bar_open_) {
    std::fputs("\r\033[K", stderr);
    bar_open_ = false;
  }
  std::fprintf(stderr, "%s %s: %s\n", utc_now().c_str(), name(l), m.c_str());
  std::fflush(stderr);
}

void Log::progress(const std::string& stage, std::int64_t done, std::int64_t total) {
  if (level_ > LogLevel::Info) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  const auto interval = terminal_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(10000);
  if (done < total && now - last_ < interval) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double left = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
  char figures[160];
  std::snprintf(figures, sizeof figures, "%5.1f%%  %.3g path-weeks/s  %s left", 100.0 * fraction, rate,
                duration(left).c_str());
  if (terminal_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width + 0.5);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar += std::string(static_cast<std::size_t>(width - filled), '.');
    std::fprintf(stderr, "\r\033[K%s [%s] %s", stage.c_str(), bar.c_str(), figures);
    bar_open_ = true;
  } else {
    std::fprintf(stderr, "%s info: progress %s: %s\n", utc_now().c_str(), stage.c_str(), figures);
  }
  std::fflush(stderr);
}

void Log::progress_done() {
  std::lock_guard lock(mutex_);
  if (bar_open_) {
    std::fputs("\n", stderr);
    bar_open_ = false;
  }
}

}  // namespace chainsim::app
