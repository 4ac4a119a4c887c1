#pragma once
// Helpers shared by the tests that run programs (chainsim end to end, scripts,
// ncdump): fresh temporary folders, files as bytes, shell quoting, commands run
// through the shell with their output captured, and child processes started
// directly (fork/exec) so that a test can signal, stop or kill them.
//
// CHAINSIM_UNDER_TEST=/path/to/chainsim makes spawn() run another build of
// chainsim (how the fault-injection cases were shown to fail before their fixes).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

// What tests/CMakeLists.txt passes to every test; checked here, once, so that a
// test built without them stops with the reason instead of an undeclared name.
#ifndef CHAINSIM_BINARY
#error "CHAINSIM_BINARY must name the chainsim executable"
#endif
#ifndef CHAINSIM_PYTHON
#error "CHAINSIM_PYTHON must name a Python with numpy, h5py, xarray and matplotlib"
#endif
#ifndef CHAINSIM_TEST_DATA_DIR
#error "CHAINSIM_TEST_DATA_DIR must name <repo>/tests/data"
#endif

extern char** environ;

namespace chainsim::testing {

// ---------------------------------------------------------------------------
// Files and folders

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
  ASSERT_TRUE(out.good()) << "cannot write " << p;
}

// The names in a folder, sorted.
inline std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Every entry under a folder (recursively), relative to it, sorted.
inline std::vector<std::string> listing_recursive(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    names.push_back(std::filesystem::relative(e.path(), dir).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Whether a folder holds a temporary output (chainsim writes "<name>.tmp.<pid>").
inline bool has_temporary(const std::filesystem::path& dir) {
  const auto names = listing(dir);
  return std::any_of(names.begin(), names.end(),
                     [](const std::string& n) { return n.find(".tmp.") != std::string::npos; });
}

// A fresh folder named after the prefix, the process and the running test
// ('/' of parameterised names replaced), removed with the object; write
// permission is given back first, so that a test may leave read-only folders.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name =
        prefix + "-" + std::to_string(getpid()) + (info ? std::string("-") + info->name() : std::string());
    std::replace(name.begin(), name.end(), '/', '-');
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(path_, ec)) {
      if (e.is_directory(ec)) fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// ---------------------------------------------------------------------------
// Commands through the shell

// Single-quoted for /bin/sh. Built by appending: "'" + s trips a g++ 12
// -Wrestrict false positive.
inline std::string quote(const std::string& s) {
  std::string out(1, '\'');
  for (char c : s) {
    if (c == '\'') out.append("'\\''");
    else out.push_back(c);
  }
  out.push_back('\'');
  return out;
}
inline std::string quote(const std::filesystem::path& p) { return quote(p.string()); }
inline std::string quote(const char* s) { return quote(std::string(s)); }

struct ShellResult {
  int rc = -1;      // exit status, or -1 when the command did not exit normally
  std::string out;  // stdout and stderr together
};

// Runs a shell command, stdout and stderr captured together.
inline ShellResult shell(const std::string& command) {
  ShellResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

struct CommandResult {
  int rc = -1;  // exit status, or -1 when the command did not exit normally
  std::string out, err;
};

inline std::string describe(const CommandResult& r) {
  return "exit status " + std::to_string(r.rc) + "\n--- stdout ---\n" + r.out + "\n--- stderr ---\n" + r.err;
}

// Runs a shell command in `cwd` with stdin from /dev/null; its stdout and
// stderr go to files in `io_dir` (a folder apart, so that `cwd` holds only
// what the command made) and are returned separately.
inline CommandResult run_command(const std::string& command, const std::filesystem::path& cwd,
                                 const std::filesystem::path& io_dir) {
  const std::filesystem::path out = io_dir / "stdout", err = io_dir / "stderr";
  const std::string full =
      "cd " + quote(cwd) + " && " + command + " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
  const int status = std::system(full.c_str());
  CommandResult r;
  r.rc = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  r.out = read_bytes(out);
  r.err = read_bytes(err);
  return r;
}

// ---------------------------------------------------------------------------
// The fixture of the end-to-end tests

// A fresh temporary folder per test, removed afterwards; commands run in its
// work/ unless told otherwise, and their stdout/stderr go to files in io/
// beside it, so that work/ holds only what chainsim made.
class ChainsimCommandTest : public ::testing::Test {
 protected:
  explicit ChainsimCommandTest(const std::string& prefix) : tmp_(prefix) {
    std::filesystem::create_directories(dir_);
    std::filesystem::create_directories(io_);
  }

  // Runs `chainsim <args>` (args already shell-quoted where needed) in cwd.
  CommandResult chainsim(const std::string& args, const std::filesystem::path& cwd = {}) const {
    return shell(quote(std::string(CHAINSIM_BINARY)) + " " + args, cwd);
  }

  CommandResult shell(const std::string& command, const std::filesystem::path& cwd = {}) const {
    return run_command(command, cwd.empty() ? dir_ : cwd, io_);
  }

  TempDir tmp_;
  const std::filesystem::path root_ = tmp_.path(), dir_ = root_ / "work", io_ = root_ / "io";
};

// ---------------------------------------------------------------------------
// A run shared by a test suite

// The fixture of a suite whose tests read one small run of chainsim: run.h5,
// made by `chainsim run <args>` once for the suite in a folder of its own
// (named after `prefix` and this process) and removed after it. Suite is the
// derived fixture, so that each suite has its own folder.
template <class Suite>
class SuiteRun : public ::testing::Test {
 protected:
  static void make_run(const std::string& prefix, const std::string& args) {
    dir_ = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    out_ = dir_ / "run.h5";
    const ShellResult r = shell(std::string(CHAINSIM_BINARY) + " run " + args + " --quiet --out " + out_.string());
    ASSERT_EQ(r.rc, 0) << r.out;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static inline std::filesystem::path dir_, out_;
};

// ---------------------------------------------------------------------------
// Child processes started directly

// The chainsim binary the tests run: CHAINSIM_UNDER_TEST when set, else this build's.
inline std::string chainsim_binary() {
  const char* other = std::getenv("CHAINSIM_UNDER_TEST");
  return other != nullptr && *other != '\0' ? other : CHAINSIM_BINARY;
}

struct SpawnOptions {
  std::string program{};                   // default: chainsim_binary()
  rlim_t file_size_limit = RLIM_INFINITY;  // RLIMIT_FSIZE, with SIGXFSZ ignored (writes fail with EFBIG)
  std::vector<std::string> env{};          // extra NAME=value
};

// Starts `program args` in `dir` (empty: this process's folder) with stdout
// discarded and stderr to `err` (empty: discarded). Returns the child's PID.
inline pid_t spawn(const std::filesystem::path& dir, const std::vector<std::string>& args,
                   const std::filesystem::path& err, const SpawnOptions& opt = {}) {
  std::vector<std::string> all = {opt.program.empty() ? chainsim_binary() : opt.program};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.insert(env_strings.end(), opt.env.begin(), opt.env.end());
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string dir_s = dir.string(), err_s = err.empty() ? std::string("/dev/null") : err.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    if (!dir_s.empty() && ::chdir(dir_s.c_str()) != 0) ::_exit(127);
    const int null = ::open("/dev/null", O_WRONLY);
    const int e = ::open(err_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null < 0 || e < 0) ::_exit(127);
    ::dup2(null, 1);
    ::dup2(e, 2);
    if (opt.file_size_limit != RLIM_INFINITY) {
      ::signal(SIGXFSZ, SIG_IGN);
      const struct rlimit lim = {opt.file_size_limit, opt.file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &lim);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

// Exit status, 128 + signal for a killed process; kills it (and fails the
// test) after `limit`.
inline int wait_exit(pid_t pid, std::chrono::seconds limit = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "process " << pid << " did not finish within " << limit.count() << " s; killed";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

// Runs `args` in `dir` to the end, stderr to dir/stderr.txt (returned in *err).
inline int run_in(const std::filesystem::path& dir, const std::vector<std::string>& args, std::string* err = nullptr,
                  const SpawnOptions& opt = {}, std::chrono::seconds limit = std::chrono::seconds(120)) {
  const std::filesystem::path e = dir / "stderr.txt";
  const int rc = wait_exit(spawn(dir, args, e, opt), limit);
  if (err) *err = read_bytes(e);
  return rc;
}

// The arguments with more appended.
inline std::vector<std::string> with(std::vector<std::string> args, std::initializer_list<std::string> extra) {
  args.insert(args.end(), extra);
  return args;
}

// Polls `ready` every millisecond until it holds (true) or `limit` passes (false).
inline bool wait_until(const std::function<bool()>& ready,
                       std::chrono::milliseconds limit = std::chrono::milliseconds(30000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace chainsim::testing
