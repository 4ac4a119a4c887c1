#include "app/report_command.hpp"

#include "app/exit_codes.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <system_error>

extern char** environ;

// Compiled in by app/CMakeLists.txt: the interpreter CMake found and the
// source tree's scripts/ (so a build directory works without installing).
#ifndef CHAINSIM_PYTHON_PATH
#define CHAINSIM_PYTHON_PATH "/usr/bin/python3"
#endif
#ifndef CHAINSIM_SOURCE_SCRIPTS_DIR
#define CHAINSIM_SOURCE_SCRIPTS_DIR "scripts"
#endif

namespace chainsim::app {

namespace fs = std::filesystem;

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

ReportTools locate_report_tools() {
  ReportTools t;
  const std::string py = env_or_empty("CHAINSIM_PYTHON");
  t.python = py.empty() ? fs::path(CHAINSIM_PYTHON_PATH) : fs::path(py);

  std::vector<fs::path> candidates;
  if (const std::string dir = env_or_empty("CHAINSIM_SCRIPTS_DIR"); !dir.empty()) {
    candidates.push_back(fs::path(dir) / "report");
  }
  // An installed chainsim: <prefix>/bin/chainsim and <prefix>/share/chainsim/scripts.
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(self.parent_path().parent_path() / "share" / "chainsim" / "scripts" / "report");
  candidates.push_back(fs::path(CHAINSIM_SOURCE_SCRIPTS_DIR) / "report");
  for (const auto& c : candidates) {
    t.searched.push_back(c);
    if (is_file(c)) {
      t.script = c;
      break;
    }
  }
  return t;
}

std::vector<std::string> report_arguments(const ReportCommand& c) {
  std::vector<std::string> args = {c.file};
  const auto option = [&](const char* name, const std::string& value) {
    if (!value.empty()) {
      args.emplace_back(name);
      args.push_back(value);
    }
  };
  option("--out", c.out);
  option("--plan", c.plan);
  option("--sensitivity", c.sensitivity);
  option("--backtest", c.backtest);
  option("--chromium", c.chromium);
  if (c.no_pdf) args.emplace_back("--no-pdf");
  return args;
}

int report(const ReportCommand& command) {
  const ReportTools tools = locate_report_tools();
  if (tools.script.empty()) {
    std::string where;
    for (const auto& p : tools.searched) where += (where.empty() ? "" : ", ") + p.string();
    std::cerr << "chainsim: cannot find the report script (looked for " << where
              << "); set CHAINSIM_SCRIPTS_DIR to the folder of scripts/report\n";
    return exit_code::kUnavailable;
  }
  std::vector<std::string> all = {tools.python.string(), tools.script.string()};
  const auto rest = report_arguments(command);
  all.insert(all.end(), rest.begin(), rest.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);

  // The script inherits stdin, stdout and stderr: its messages are the command's.
  std::cout.flush();
  std::cerr.flush();
  pid_t pid = 0;
  const int err = ::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (err != 0) {
    std::cerr << "chainsim: cannot start " << tools.python.string() << " for the report: " << std::strerror(err)
              << " (set CHAINSIM_PYTHON to a Python 3 with numpy, h5py and matplotlib)\n";
    return exit_code::kUnavailable;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  if (WIFSIGNALED(status)) {
    std::cerr << "chainsim: the report script was stopped by signal " << WTERMSIG(status) << "\n";
    return exit_code::kInternal;
  }
  const int rc = WEXITSTATUS(status);
  switch (rc) {
    case exit_code::kOk:
    case exit_code::kUsage:
    case exit_code::kConfig:
    case exit_code::kNoInput:
    case exit_code::kUnavailable:
    case exit_code::kInternal:
    case exit_code::kCannotCreate:
    case exit_code::kIo: return rc;
    default:
      // Python's own failures (1: an uncaught error before the script's
      // handler, 2: the interpreter's usage) are not the script's statuses.
      std::cerr << "chainsim: the report script " << tools.script.string() << " failed with exit status " << rc << "\n";
      return exit_code::kInternal;
  }
}

}  // namespace chainsim::app
