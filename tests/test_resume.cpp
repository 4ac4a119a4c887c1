// Checkpoint and resume: a run stopped by SIGTERM exits with the resumable
// status (75) and `--resume` finishes it with output bytes identical to an
// uninterrupted run; so does a run killed with SIGKILL at random moments; a
// checkpoint of another configuration or program, or a damaged one, is refused.
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
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

namespace {

namespace fs = std::filesystem;
using namespace chainsim::testing;  // tests/process_helpers.hpp

// The run under test: small enough for CI, long enough to be interrupted, with a
// checkpoint after every window of 6 weeks.
const std::vector<std::string> kArgs = {"run", "--paths",        "1500",  "--weeks",
                                        "78",  "--window-weeks", "6",     "--checkpoint-interval",
                                        "0",   "--quiet",        "--out", "x.h5"};

// The longest a run here may take (a sanitizer build is slow).
constexpr std::chrono::seconds kLimit{900};

// Runs chainsim with `args` in `dir` to the end; its exit status (stderr in *err).
int run_to_end(const fs::path& dir, const std::vector<std::string>& args, std::string* err = nullptr) {
  return run_in(dir, args, err, {}, kLimit);
}

class Resume : public ::testing::Test {
 protected:
  // One uninterrupted reference run for all tests of the suite.
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("chainsim-resume-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "reference");
    ASSERT_EQ(run_to_end(root_ / "reference", kArgs), 0);
    reference_ = read_bytes(root_ / "reference" / "x.h5");
    ASSERT_GT(reference_.size(), 10000u);
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  // Starts the run in `dir` and stops it with `sig` after `delay`; returns its exit status.
  int interrupt(const fs::path& dir, int sig, std::chrono::milliseconds delay) {
    const pid_t pid = spawn(dir, kArgs, dir / "stderr.txt");
    std::this_thread::sleep_for(delay);
    kill(pid, sig);
    return wait_exit(pid, kLimit);
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
  EXPECT_EQ(run_to_end(dir, kArgs, &err), 73);
  EXPECT_NE(err.find("--resume"), std::string::npos) << err;
  ASSERT_EQ(run_to_end(dir, with(kArgs, {"--resume"}), &err), 0) << err;
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
      const pid_t pid = spawn(dir, with(kArgs, {"--resume"}), dir / "stderr.txt");
      std::this_thread::sleep_for(std::chrono::milliseconds(ms / 2));
      kill(pid, SIGKILL);
      wait_exit(pid, kLimit);
    }
    std::string err;
    ASSERT_EQ(run_to_end(dir, with(kArgs, {"--resume", "--force"}), &err), 0)
        << "killed after " << ms << " ms: " << err;
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
  EXPECT_EQ(run_to_end(dir, other, &err), 65);
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
  EXPECT_EQ(run_to_end(dir, with(kArgs, {"--resume"}), &err), 65);
  EXPECT_NE(err.find("was written by"), std::string::npos) << err;
  // A damaged checkpoint is refused.
  std::string damaged = bytes;
  damaged[damaged.size() - 100] ^= 0x5a;
  std::ofstream(state, std::ios::binary | std::ios::trunc) << damaged;
  EXPECT_EQ(run_to_end(dir, with(kArgs, {"--resume"}), &err), 65);
  EXPECT_NE(err.find("damaged"), std::string::npos) << err;
  // --force starts over and completes.
  std::ofstream(state, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_EQ(run_to_end(dir, with(kArgs, {"--force"}), &err), 0) << err;
  EXPECT_TRUE(read_bytes(dir / "x.h5") == reference_);
}

}  // namespace
