// The MPI build (CHAINSIM_WITH_MPI; docs/cluster.md): `mpirun -n R chainsim
// run` writes the serial run's bytes for R = 1, 2, 3 ranks and 1 or 2 threads
// per rank (the HDF5 file with every path's series, and the tables); the
// manifest lists the ranks and their hosts; a rank killed ends the run with a
// non-zero status and no output; a stop signal saves a checkpoint of every
// rank's paths (75), which --resume over any number of ranks, or serially,
// finishes to the serial run's bytes.
// Built and run only in the MPI build (label mpi; scripts/test runs it).
#include "core/model/variables.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/path_range.hpp"
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace chainsim::testing;  // tests/process_helpers.hpp

// Small but with several windows (the last one shorter), several scenarios
// and a number of paths that 2 and 3 ranks split unevenly.
const std::vector<std::string> kRun = {"run", "--paths", "203",   "--weeks", "40", "--window-weeks",
                                       "7",   "--quiet", "--out", "x.h5"};

std::vector<std::string> mpirun(int ranks, std::vector<std::string> args) {
  std::vector<std::string> all = {"--allow-run-as-root", "--oversubscribe", "-n", std::to_string(ranks),
                                  chainsim_binary()};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

SpawnOptions via_mpirun() {
  SpawnOptions opt;
  opt.program = CHAINSIM_MPIRUN;
  return opt;
}

// The outputs of a run, by name, the manifest and the captured stderr aside
// (they hold times and hosts).
std::vector<std::string> output_names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& n : listing(dir))
    if (n != "stderr.txt" && n.find(".run.json") == std::string::npos) names.push_back(n);
  return names;
}

class MpiRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir("chainsim-mpi");
    fs::create_directories(root_->path() / "serial");
    std::string err;
    // The serial run: this build's binary without mpirun (one process, SerialReduction).
    ASSERT_EQ(run_in(root_->path() / "serial", with(kRun, {"--threads", "2"}), &err), 0) << err;
  }
  static void TearDownTestSuite() { delete root_; }
  static TempDir* root_;
};
TempDir* MpiRun::root_ = nullptr;

class MpiRanksThreads : public MpiRun, public ::testing::WithParamInterface<std::pair<int, int>> {};

TEST_P(MpiRanksThreads, WritesTheSerialRunsBytes) {
  const auto [ranks, threads] = GetParam();
  const fs::path dir = root_->path() / ("r" + std::to_string(ranks) + "t" + std::to_string(threads));
  fs::create_directories(dir);
  std::string err;
  ASSERT_EQ(run_in(dir, mpirun(ranks, with(kRun, {"--threads", std::to_string(threads)})), &err, via_mpirun()), 0)
      << err;
  const fs::path serial = root_->path() / "serial";
  const auto names = output_names(serial);
  ASSERT_GE(names.size(), 3u);  // the HDF5 file and its tables
  EXPECT_EQ(output_names(dir), names);
  for (const auto& n : names) EXPECT_TRUE(read_bytes(dir / n) == read_bytes(serial / n)) << n << " differs";
  // No checkpoint, lock or temporary left behind.
  EXPECT_FALSE(has_temporary(dir));
  const std::string manifest = read_bytes(dir / "x.h5.run.json");
  EXPECT_NE(manifest.find("\"ranks\": " + std::to_string(ranks)), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("\"rank_hosts\": [\""), std::string::npos) << manifest;
}

INSTANTIATE_TEST_SUITE_P(RanksByThreads, MpiRanksThreads,
                         ::testing::Values(std::pair{1, 1}, std::pair{1, 2}, std::pair{2, 1}, std::pair{2, 2},
                                           std::pair{3, 1}, std::pair{3, 2}),
                         [](const auto& info) {
                           return std::to_string(info.param.first) + "ranks" + std::to_string(info.param.second) +
                                  "threads";
                         });

// The traffic the scaling model counts (scripts/scaling-model): rank 0
// receives rank 1's paths of every window of every scenario, each path-week
// as kNumVars counts, a cost and kStoredRegionalVars counts per region.
TEST_F(MpiRun, RankZeroCountsTheBytesItReceives) {
  const fs::path dir = root_->path() / "traffic";
  fs::create_directories(dir);
  std::vector<std::string> args = kRun;
  std::erase(args, std::string("--quiet"));
  std::string err;
  ASSERT_EQ(run_in(dir, mpirun(2, with(args, {"--threads", "1"})), &err, via_mpirun()), 0) << err;
  const std::string key = " bytes received)";
  const auto end = err.find(key);
  ASSERT_NE(end, std::string::npos) << err;
  const auto begin = err.rfind('(', end) + 1;
  const double received = std::stod(err.substr(begin, end - begin));
  const std::int64_t rank1_paths = chainsim::forecast::split_paths(203, 2, 1).size();
  const int scenarios = 3, weeks = 40, regions = 25;  // the embedded seed, kRun
  const std::size_t per_path_week = chainsim::core::kNumVars * sizeof(std::int32_t) + sizeof(double) +
                                    chainsim::forecast::kStoredRegionalVars * regions * sizeof(std::int32_t);
  EXPECT_EQ(received, static_cast<double>(scenarios * weeks * rank1_paths * per_path_week)) << err;
}

// The children of a process (Open MPI starts the ranks of one host as
// children of mpirun).
std::vector<pid_t> children(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> pids;
  for (pid_t p; in >> p;) pids.push_back(p);
  return pids;
}

TEST_F(MpiRun, ARankKilledFailsTheRunAndLeavesNoOutput) {
  const fs::path dir = root_->path() / "killed";
  fs::create_directories(dir);
  const std::vector<std::string> args = {"run", "--paths",   "4000", "--weeks", "300",   "--window-weeks",
                                         "5",   "--threads", "1",    "--quiet", "--out", "x.h5"};
  const pid_t mpirun_pid = spawn(dir, mpirun(2, args), dir / "stderr.txt", via_mpirun());
  // Under way: rank 0 has saved a window of per-path series.
  ASSERT_TRUE(wait_until(
      [&] {
        std::error_code ec;
        return fs::exists(dir / "x.h5.ckpt", ec) && !listing(dir / "x.h5.ckpt").empty();
      },
      std::chrono::milliseconds(60000)));
  const auto ranks = children(mpirun_pid);
  ASSERT_EQ(ranks.size(), 2u);
  ::kill(ranks.back(), SIGKILL);
  const int rc = wait_exit(mpirun_pid, std::chrono::seconds(120));
  EXPECT_NE(rc, 0) << read_bytes(dir / "stderr.txt");
  EXPECT_FALSE(fs::exists(dir / "x.h5"));
  EXPECT_FALSE(fs::exists(dir / "x.planning.csv"));
}

// Long enough to be stopped after its first checkpoint (one after every window).
const std::vector<std::string> kStoppable = {
    "run",       "--paths", "1500",    "--weeks", "156", "--window-weeks", "6", "--checkpoint-interval", "0",
    "--threads", "1",       "--quiet", "--out",   "x.h5"};

// Starts kStoppable over 2 ranks in `dir`, and once rank 0 has saved the
// checkpoint file `saved_file` (state.bin: the first checkpoint, in the
// baseline; baseline.bin: the first after it) sends SIGTERM to the last rank
// only (Slurm signals every task; one rank is the harder case: the others
// learn of it at the next window).
// Returns mpirun's exit status.
int stop_two_ranks(const fs::path& dir, const std::string& saved_file) {
  fs::create_directories(dir);
  const pid_t mpirun_pid = spawn(dir, mpirun(2, kStoppable), dir / "stderr.txt", via_mpirun());
  const bool saved =
      wait_until([&] { return fs::exists(dir / "x.h5.ckpt" / saved_file); }, std::chrono::milliseconds(120000));
  const auto ranks = children(mpirun_pid);
  if (saved && ranks.size() == 2) ::kill(ranks.back(), SIGTERM);
  return wait_exit(mpirun_pid, std::chrono::seconds(300));
}

TEST_F(MpiRun, SigtermCheckpointsAndResumeOverAnyNumberOfRanksGivesTheSerialBytes) {
  const fs::path serial = root_->path() / "stoppable-serial";
  fs::create_directories(serial);
  std::string err;
  ASSERT_EQ(run_in(serial, kStoppable, &err), 0) << err;
  const auto names = output_names(serial);
  ASSERT_GE(names.size(), 3u);
  // Resumed over 3 ranks, over 2, and by one process without mpirun: the
  // checkpoint holds every path in the serial run's form, whatever the split.
  // The 2-rank resume starts after the baseline: rank 0 reads its part
  // (baseline.bin) and every rank gets it.
  for (const int resume_ranks : {3, 2, 0}) {
    const fs::path dir = root_->path() / ("stopped-then-" + std::to_string(resume_ranks));
    const std::string saved_file = resume_ranks == 2 ? "baseline.bin" : "state.bin";
    ASSERT_EQ(stop_two_ranks(dir, saved_file), 75) << read_bytes(dir / "stderr.txt");
    ASSERT_TRUE(fs::exists(dir / "x.h5.ckpt" / saved_file));
    EXPECT_NE(read_bytes(dir / "stderr.txt").find("--resume"), std::string::npos) << read_bytes(dir / "stderr.txt");
    EXPECT_FALSE(fs::exists(dir / "x.h5"));
    ASSERT_TRUE(fs::exists(dir / "x.h5.ckpt" / "state.bin"));
    const auto resume = with(kStoppable, {"--resume"});
    if (resume_ranks > 0) ASSERT_EQ(run_in(dir, mpirun(resume_ranks, resume), &err, via_mpirun()), 0) << err;
    else ASSERT_EQ(run_in(dir, resume, &err), 0) << err;
    EXPECT_EQ(output_names(dir), names);
    for (const auto& n : names)
      EXPECT_TRUE(read_bytes(dir / n) == read_bytes(serial / n))
          << n << " differs after resuming over " << resume_ranks << " ranks";
    EXPECT_FALSE(fs::exists(dir / "x.h5.ckpt")) << "the checkpoint is removed once the output is complete";
    const std::string manifest = read_bytes(dir / "x.h5.run.json");
    EXPECT_NE(manifest.find("interrupted"), std::string::npos) << manifest;
    EXPECT_NE(manifest.find("resumed"), std::string::npos) << manifest;
  }
}

}  // namespace
