// Checkpoint and resume: a run stopped by SIGTERM exits with the resumable
// status (75) and `--resume` finishes it with output bytes identical to an
// uninterrupted run; so does a run killed with SIGKILL at random moments; a
// checkpoint of another configuration or program, or a damaged one, is refused.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using chainsim::testing::read_bytes;

// The run under test: small enough for CI, long enough to be interrupted, with a
// checkpoint after every window of 6 weeks.
const std::vector<std::string> kArgs = {"run", "--paths", "1500", "--weeks", "78", "--window-weeks", "6",
                                        "--checkpoint-interval", "0", "--quiet", "--out", "x.h5"};

pid_t spawn_in(const fs::path& dir, std::vector<std::string> args, const fs::path& stderr_file) {
  args.insert(args.begin(), CHAINSIM_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string cwd = fs::current_path().string();
  fs::current_path(dir);  // posix_spawn has no chdir action in glibc 2.36's portable API
  pid_t pid = -1;
  posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  fs::current_path(cwd);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int run_in(const fs::path& dir, std::vector<std::string> args, std::string* err = nullptr) {
  const fs::path e = dir / "stderr.txt";
  const int rc = wait_exit(spawn_in(dir, std::move(args), e));
  if (err) *err = read_bytes(e);
  return rc;
}

std::vector<std::string> with(std::vector<std::string> args, const std::string& extra) {
  args.push_back(extra);
  return args;
}

class Resume : public ::testing::Test {
 protected:
  // One uninterrupted reference run for all tests of the suite.
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("chainsim-resume-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "reference");
    ASSERT_EQ(run_in(root_ / "reference", kArgs), 0);
    reference_ = read_bytes(root_ / "reference" / "x.h5");
    ASSERT_GT(reference_.size(), 10000u);
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  // Starts the run in `dir` and stops it with `sig` after `delay`; returns its exit status.
  int interrupt(const fs::path& dir, int sig, std::chrono::milliseconds delay) {
    const pid_t pid = spawn_in(dir, kArgs, dir / "stderr.txt");
    std::this_thread::sleep_for(delay);
    kill(pid, sig);
    return wait_exit(pid);
  }

  static fs::path root_;
  static std::string reference_;
};
fs::path Resume::root_;
std::string Resume::reference_;

TEST_F(Resume, SigtermGivesTheResumableStatusAndResumeGivesIdenticalBytes) {
  const fs::path dir = root_ / "term";
  fs::create_directories(dir);
  const int rc = interrupt(dir, SIGTERM, std::chrono::milliseconds(1200));
  ASSERT_EQ(rc, 75) << read_bytes(dir / "stderr.txt");
  EXPECT_NE(read_bytes(dir / "stderr.txt").find("--resume"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "x.h5"));
  EXPECT_TRUE(fs::exists(dir / "x.h5.ckpt" / "state.bin"));
  // Without --resume (or --force) the unfinished run is not silently discarded.
  std::string err;
  EXPECT_EQ(run_in(dir, kArgs, &err), 73);
  EXPECT_NE(err.find("--resume"), std::string::npos) << err;
  ASSERT_EQ(run_in(dir, with(kArgs, "--resume"), &err), 0) << err;
  EXPECT_TRUE(read_bytes(dir / "x.h5") == reference_) << "resumed output differs from the uninterrupted run";
  EXPECT_EQ(read_bytes(dir / "x.planning.csv"), read_bytes(root_ / "reference" / "x.planning.csv"));
  EXPECT_FALSE(fs::exists(dir / "x.h5.ckpt")) << "the checkpoint is removed once the output is complete";
  // The manifest records the interruption and the resume.
  const std::string manifest = read_bytes(dir / "x.h5.run.json");
  EXPECT_NE(manifest.find("resumed"), std::string::npos);
  EXPECT_NE(manifest.find("interrupted"), std::string::npos);
}

TEST_F(Resume, SigkillAtRandomMomentsThenResumeGivesIdenticalBytes) {
  // Fixed seed for the kill moments: the test is reproducible, and spans the run.
  std::mt19937 rng(20221128);
  std::uniform_int_distribution<int> moment_ms(50, 2500);
  for (int i = 0; i < 4; ++i) {
    const fs::path dir = root_ / ("kill" + std::to_string(i));
    fs::create_directories(dir);
    const int ms = moment_ms(rng);
    const int rc = interrupt(dir, SIGKILL, std::chrono::milliseconds(ms));
    if (rc == 0) continue;  // finished before the kill: nothing to resume
    ASSERT_EQ(rc, 128 + SIGKILL);
    // Possibly killed twice: the resumed run is killed again, then resumed.
    if (i % 2 == 1) {
      const pid_t pid = spawn_in(dir, with(kArgs, "--resume"), dir / "stderr.txt");
      std::this_thread::sleep_for(std::chrono::milliseconds(ms / 2));
      kill(pid, SIGKILL);
      wait_exit(pid);
    }
    std::string err;
    ASSERT_EQ(run_in(dir, with(with(kArgs, "--resume"), "--force"), &err), 0) << "killed after " << ms << " ms: " << err;
    EXPECT_TRUE(read_bytes(dir / "x.h5") == reference_) << "killed after " << ms << " ms";
  }
}

TEST_F(Resume, CheckpointOfAnotherRunIsRefused) {
  const fs::path dir = root_ / "other";
  fs::create_directories(dir);
  ASSERT_EQ(interrupt(dir, SIGTERM, std::chrono::milliseconds(800)), 75);
  // Another seed is another run: refused with a clear message (65), nothing written.
  std::string err;
  std::vector<std::string> other = kArgs;
  other.insert(other.end(), {"--seed", "7", "--resume"});
  EXPECT_EQ(run_in(dir, other, &err), 65);
  EXPECT_NE(err.find("another configuration"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir / "x.h5"));
  // A checkpoint written by another program version is refused too.
  const fs::path state = dir / "x.h5.ckpt" / "state.bin";
  std::string bytes = read_bytes(state);
  const auto at = bytes.find("chainsim ", 0);
  ASSERT_NE(at, std::string::npos);
  std::string tampered = bytes;
  tampered.replace(bytes.find("(commit", at), 7, "(COMMIT");
  std::ofstream(state, std::ios::binary | std::ios::trunc) << tampered;
  EXPECT_EQ(run_in(dir, with(kArgs, "--resume"), &err), 65);
  EXPECT_NE(err.find("was written by"), std::string::npos) << err;
  // A damaged checkpoint is refused.
  std::string damaged = bytes;
  damaged[damaged.size() - 100] ^= 0x5a;
  std::ofstream(state, std::ios::binary | std::ios::trunc) << damaged;
  EXPECT_EQ(run_in(dir, with(kArgs, "--resume"), &err), 65);
  EXPECT_NE(err.find("damaged"), std::string::npos) << err;
  // --force starts over and completes.
  std::ofstream(state, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_EQ(run_in(dir, with(kArgs, "--force"), &err), 0) << err;
  EXPECT_TRUE(read_bytes(dir / "x.h5") == reference_);
}

}  // namespace
