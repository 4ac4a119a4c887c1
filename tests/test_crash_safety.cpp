// A run killed with SIGKILL while it writes never leaves a partial file under
// the final name and never damages an earlier output of the same name; the
// next run removes the dead run's temporary file.
#include "io/h5file.hpp"

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace chainsim::testing;  // tests/process_helpers.hpp

// The longest a run here may take (a sanitizer build is slow).
constexpr std::chrono::seconds kLimit{900};

// Runs chainsim with `args` to the end (output discarded); its exit status.
int run_to_end(const std::vector<std::string>& args) { return wait_exit(spawn({}, args, {}), kLimit); }

std::vector<fs::path> temporaries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) out.push_back(e.path());
  return out;
}

// Starts a long run writing to `out` and kills it with SIGKILL: after `delay`
// from the start (while it simulates and writes its checkpoint files), or, with
// `during_assembly`, as soon as the final file is being written under its
// temporary name (plus `delay`).
void kill_while_writing(const fs::path& out, std::chrono::milliseconds delay, bool during_assembly = false) {
  // Time-based kills use a long run; the kill during assembly a shorter one, so
  // that even a sanitizer build reaches its final phase within the deadline.
  const pid_t pid = during_assembly
                        ? spawn({}, {"run", "--paths", "1500", "--weeks", "156", "--force", "--out", out.string()}, {})
                        : spawn({}, {"run", "--paths", "3000", "--weeks", "260", "--force", "--out", out.string()}, {});
  ASSERT_GT(pid, 0);
  if (during_assembly) {
    const fs::path tmp = out.string() + ".tmp." + std::to_string(pid);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(900);
    while (!fs::exists(tmp) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(fs::exists(tmp)) << "the run never started writing " << tmp;
  }
  std::this_thread::sleep_for(delay);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(wait_exit(pid, kLimit), 128 + SIGKILL) << "the run finished before it could be killed; make it longer";
}

class CrashSafety : public ::testing::Test {
 protected:
  TempDir tmp_{"chainsim-crash"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(CrashSafety, KilledRunLeavesNoFileUnderTheFinalName) {
  const fs::path out = dir_ / "run.h5";
  for (int ms : {100, 1500}) {
    kill_while_writing(out, std::chrono::milliseconds(ms));
    EXPECT_FALSE(fs::exists(out)) << "killed after " << ms << " ms";
    EXPECT_FALSE(fs::exists(dir_ / "run.planning.csv"));
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    kill_while_writing(out, std::chrono::milliseconds(0), /*during_assembly=*/true);
    EXPECT_FALSE(fs::exists(out)) << "killed while writing the final file (attempt " << attempt << ")";
  }
}

TEST_F(CrashSafety, KilledRunLeavesAnEarlierOutputUnchanged) {
  const fs::path out = dir_ / "run.h5";
  ASSERT_EQ(run_to_end({"run", "--paths", "50", "--weeks", "20", "--out", out.string(), "--quiet"}), 0);
  const std::string before = read_bytes(out);
  const std::string table_before = read_bytes(dir_ / "run.planning.csv");
  ASSERT_GT(before.size(), 1000u);
  for (int ms : {200, -1}) {
    kill_while_writing(out, std::chrono::milliseconds(std::max(ms, 0)), /*during_assembly=*/ms < 0);
    EXPECT_EQ(read_bytes(out), before) << "killed after " << ms << " ms";
    EXPECT_EQ(read_bytes(dir_ / "run.planning.csv"), table_before);
    // And it still opens as what it is.
    auto f = chainsim::io::h5::File::open_read(out);
    EXPECT_EQ(f.read_string_attribute("/", "format"), "chainsim-ensemble");
  }
  EXPECT_FALSE(temporaries(dir_).empty());  // the dead runs' temporary files
  // The next run removes temporary files whose process is gone.
  ASSERT_EQ(run_to_end({"run", "--paths", "20", "--weeks", "10", "--force", "--out", out.string(), "--quiet"}), 0);
  EXPECT_TRUE(temporaries(dir_).empty());
}

TEST_F(CrashSafety, ExistingOutputIsNotReplacedWithoutForce) {
  const fs::path out = dir_ / "run.h5";
  ASSERT_EQ(run_to_end({"run", "--paths", "20", "--weeks", "10", "--out", out.string(), "--quiet"}), 0);
  const std::string before = read_bytes(out);
  EXPECT_EQ(run_to_end({"run", "--paths", "30", "--weeks", "10", "--out", out.string(), "--quiet"}), 73);
  EXPECT_EQ(read_bytes(out), before);
  EXPECT_EQ(run_to_end({"run", "--paths", "30", "--weeks", "10", "--out", out.string(), "--quiet", "--force"}), 0);
  EXPECT_NE(read_bytes(out), before);
}

}  // namespace
