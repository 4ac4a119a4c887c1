// The checkpoint's state file is streamed (a run of 10^5 paths has over a
// gigabyte of state): the writer hands its bytes on in pieces, the store sums
// and writes them as they come. These tests check that streaming changes no
// byte and that the file still refuses damage and other runs. Window files are
// read back in parts by many threads.
#include "app/checkpoint.hpp"
#include "core/byte_buffer.hpp"
#include "forecast/parallel.hpp"
#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

namespace chainsim {
namespace {

// Puts a mix of small values, strings and vectors of every size around the
// piece size, so that pieces break inside and between values.
void put_mix(core::ByteWriter& w) {
  for (int i = 0; i < 200; ++i) {
    w.put<std::int32_t>(i * 7);
    w.put<double>(i / 3.0);
    w.put_string(std::string(static_cast<std::size_t>(i % 13), static_cast<char>('a' + i % 26)));
    std::vector<std::int64_t> v(static_cast<std::size_t>((i * 37) % 101));
    std::iota(v.begin(), v.end(), i);
    w.put_vector(v);
  }
  std::vector<double> big(5000);
  std::iota(big.begin(), big.end(), 0.5);
  w.put_vector(big);  // larger than a piece: handed on whole
  w.put<bool>(true);
}

TEST(ByteWriter, StreamingHandsOnExactlyTheBytesItWouldKeep) {
  core::ByteWriter kept;
  put_mix(kept);
  for (std::size_t piece : {1u, 7u, 64u, 1000u, 1u << 20}) {
    std::vector<char> got;
    std::size_t pieces = 0, largest_held = 0;
    core::ByteWriter streamed(
        [&](std::span<const char> p) {
          got.insert(got.end(), p.begin(), p.end());
          ++pieces;
        },
        piece);
    put_mix(streamed);
    largest_held = std::max(largest_held, streamed.bytes().size());
    streamed.flush();
    EXPECT_TRUE(streamed.bytes().empty()) << "piece " << piece;
    EXPECT_EQ(got, kept.bytes()) << "piece " << piece;
    if (piece < kept.bytes().size()) {
      EXPECT_GT(pieces, 1u) << "piece " << piece;
    }
    EXPECT_LT(largest_held, std::max<std::size_t>(piece, 1) + 8) << "piece " << piece;
  }
}

TEST(CheckpointStore, StreamedStateRoundTripsAndRefusesDamageAndOtherRuns) {
  const testing::TempDir dir("chainsim-ckpt-");
  const std::filesystem::path out = dir.path() / "run.h5";
  app::CheckpointStore store(out, "identity A\n");
  store.create_directory();
  store.save_state([](core::ByteWriter& w) { put_mix(w); });
  core::ByteWriter kept;
  put_mix(kept);
  EXPECT_EQ(store.load_state(), kept.bytes());

  // Same file layout as before streaming: magic, identity size, identity,
  // payload size, checksum, payload.
  const std::string file = testing::read_bytes(store.directory() / "state.bin");
  const std::string magic = "chainsim-checkpoint-1\n";
  ASSERT_GT(file.size(), magic.size() + 8 + 11 + 16);
  EXPECT_EQ(std::string(file.data(), magic.size()), magic);
  std::uint64_t payload_size = 0;
  std::memcpy(&payload_size, file.data() + magic.size() + 8 + 11, 8);
  EXPECT_EQ(payload_size, kept.bytes().size());
  EXPECT_EQ(file.size(), magic.size() + 8 + 11 + 16 + kept.bytes().size());

  EXPECT_THROW(app::CheckpointStore(out, "identity B\n").load_state(), app::CheckpointError);

  std::string damaged = file;
  damaged[damaged.size() / 2] ^= 0x10;
  {
    std::ofstream f(store.directory() / "state.bin", std::ios::binary | std::ios::trunc);
    f.write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
  }
  EXPECT_THROW(store.load_state(), app::CheckpointError);
}

// Window files are read back by the output's workers, each reading its own
// parts at once: every part must be the bytes saved there, whatever the order
// and thread; a file of the wrong size or a read past its end is refused.
TEST(CheckpointStore, WindowFilesReadBackInPartsFromManyThreads) {
  const testing::TempDir dir("chainsim-ckpt-");
  app::CheckpointStore store(dir.path() / "run.h5", "identity\n");
  store.create_directory();
  std::vector<std::vector<char>> vars(3);
  for (std::size_t v = 0; v < vars.size(); ++v) {
    vars[v].resize(100000 + 17 * v);
    for (std::size_t i = 0; i < vars[v].size(); ++i) vars[v][i] = static_cast<char>((i * 131 + v * 7) % 251);
  }
  std::vector<char> all;
  for (const auto& v : vars) all.insert(all.end(), v.begin(), v.end());
  store.save_window(1, 26, vars);

  EXPECT_THROW(store.open_window(1, 26, all.size() + 1), app::CheckpointError);
  EXPECT_THROW(store.open_window(1, 52, all.size()), app::CheckpointError);  // no such window
  const app::WindowReader reader = store.open_window(1, 26, all.size());
  const int parts = 64;
  std::vector<int> wrong(parts, 0);
  parallel_for(parts, Parallelism{.threads = 4}, [&](std::int64_t k) {
    const std::size_t size = 1 + static_cast<std::size_t>(k) * 4099 % 20000;
    const std::size_t offset = static_cast<std::size_t>(k) * 4657 % (all.size() - size);
    std::vector<char> got(size);
    reader.read_at(offset, got);
    wrong[static_cast<std::size_t>(k)] = !std::equal(got.begin(), got.end(), all.begin() + static_cast<std::ptrdiff_t>(offset));
  });
  EXPECT_EQ(std::accumulate(wrong.begin(), wrong.end(), 0), 0);
  std::vector<char> tail(10);
  EXPECT_THROW(reader.read_at(all.size() - 5, tail), app::CheckpointError);
}

}  // namespace
}  // namespace chainsim
