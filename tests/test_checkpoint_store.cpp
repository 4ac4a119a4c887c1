// The checkpoint's state file is streamed (a run of 10^5 paths has over a
// gigabyte of state): the writer hands its bytes on in pieces, the store sums
// and writes them as they come. These tests check that streaming changes no
// byte and that the file still refuses damage and other runs. Window files are
// read back in parts by many threads. Any one byte changed anywhere in a
// window or state file (data, checksums, sizes, trailer) is refused, never
// read back as other numbers.
#include "io/checkpoint_store.hpp"
#include "core/model/byte_buffer.hpp"
#include "forecast/parallel.hpp"
#include "process_helpers.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

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
  io::CheckpointStore store(out, "identity A\n");
  store.create_directory();
  store.save_state([](core::ByteWriter& w) { put_mix(w); });
  core::ByteWriter kept;
  put_mix(kept);
  EXPECT_EQ(store.load_state(), kept.bytes());

  // The file layout: magic, identity size, identity, payload size, the
  // payload's CRC-32 (zlib's, as the window files), payload.
  const std::string file = testing::read_bytes(store.directory() / "state.bin");
  const std::string magic = "chainsim-checkpoint-3\n";
  ASSERT_GT(file.size(), magic.size() + 8 + 11 + 16);
  EXPECT_EQ(std::string(file.data(), magic.size()), magic);
  std::uint64_t payload_size = 0, payload_crc = 0;
  std::memcpy(&payload_size, file.data() + magic.size() + 8 + 11, 8);
  std::memcpy(&payload_crc, file.data() + magic.size() + 8 + 11 + 8, 8);
  EXPECT_EQ(payload_size, kept.bytes().size());
  EXPECT_EQ(payload_crc, ::crc32_z(0, reinterpret_cast<const Bytef*>(kept.bytes().data()), kept.bytes().size()));
  EXPECT_EQ(file.size(), magic.size() + 8 + 11 + 16 + kept.bytes().size());

  EXPECT_THROW(io::CheckpointStore(out, "identity B\n").load_state(), io::CheckpointError);

  std::string damaged = file;
  damaged[damaged.size() / 2] ^= 0x10;
  {
    std::ofstream f(store.directory() / "state.bin", std::ios::binary | std::ios::trunc);
    f.write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
  }
  EXPECT_THROW(store.load_state(), io::CheckpointError);
}

// The baseline's part is a file of its own, beside the state, checked the
// same way: saving the state does not touch it, and damage to it is refused
// with its name.
TEST(CheckpointStore, BaselinePartIsSavedApartFromTheStateAndChecked) {
  const testing::TempDir dir("chainsim-ckpt-");
  io::CheckpointStore store(dir.path() / "run.h5", "identity A\n");
  store.create_directory();
  EXPECT_FALSE(store.has_baseline());
  store.save_baseline([](core::ByteWriter& w) { w.put<std::uint64_t>(42); });
  store.save_state([](core::ByteWriter& w) { put_mix(w); });
  EXPECT_TRUE(store.has_baseline());
  core::ByteWriter expected;
  expected.put<std::uint64_t>(42);
  EXPECT_EQ(store.load_baseline(), expected.bytes());
  store.save_state([](core::ByteWriter& w) { w.put<std::uint64_t>(7); });
  EXPECT_EQ(store.load_baseline(), expected.bytes());

  const std::filesystem::path baseline = store.directory() / "baseline.bin";
  std::string damaged = testing::read_bytes(baseline);
  damaged[damaged.size() - 3] ^= 0x01;
  {
    std::ofstream f(baseline, std::ios::binary | std::ios::trunc);
    f.write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
  }
  try {
    store.load_baseline();
    ADD_FAILURE() << "a damaged baseline.bin was read";
  } catch (const io::CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("baseline.bin"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(store.load_state());
}

// Window files are read back by the output's workers, each reading its own
// parts at once: every part must be the bytes saved there, whatever the order
// and thread, whether or not it is aligned to the checksummed blocks; a file
// of the wrong size or a read past its end is refused.
TEST(CheckpointStore, WindowFilesReadBackInPartsFromManyThreads) {
  const testing::TempDir dir("chainsim-ckpt-");
  io::CheckpointStore store(dir.path() / "run.h5", "identity\n");
  store.create_directory();
  const std::size_t paths = 1000;
  std::vector<std::vector<char>> vars(3);
  for (std::size_t v = 0; v < vars.size(); ++v) {
    vars[v].resize(paths * (100 + 4 * v));
    for (std::size_t i = 0; i < vars[v].size(); ++i) vars[v][i] = static_cast<char>((i * 131 + v * 7) % 251);
  }
  std::vector<char> all;
  for (const auto& v : vars) all.insert(all.end(), v.begin(), v.end());
  store.save_window(1, 26, vars, paths, 256);

  EXPECT_THROW(store.open_window(1, 26, all.size() + 1), io::CheckpointError);
  EXPECT_THROW(store.open_window(1, 52, all.size()), io::CheckpointError);  // no such window
  const io::WindowReader reader = store.open_window(1, 26, all.size());
  EXPECT_NO_THROW(reader.verify());
  const int parts = 64;
  std::vector<int> wrong(parts, 0);
  forecast::parallel_for(parts, forecast::Parallelism{.threads = 4}, [&](std::int64_t k) {
    const std::size_t size = 1 + static_cast<std::size_t>(k) * 4099 % 20000;
    const std::size_t offset = static_cast<std::size_t>(k) * 4657 % (all.size() - size);
    std::vector<char> got(size);
    reader.read_at(offset, got);
    wrong[static_cast<std::size_t>(k)] =
        !std::equal(got.begin(), got.end(), all.begin() + static_cast<std::ptrdiff_t>(offset));
  });
  EXPECT_EQ(std::accumulate(wrong.begin(), wrong.end(), 0), 0);
  // The reads the output's assembly makes: 256 paths of one variable, aligned to a block.
  std::vector<char> block(256 * 104);
  reader.read_at(vars[0].size() + 512 * 104, block);
  EXPECT_TRUE(std::equal(block.begin(), block.end(), vars[1].begin() + 512 * 104));
  std::vector<char> tail(10);
  EXPECT_THROW(reader.read_at(all.size() - 5, tail), io::CheckpointError);
}

// A window file with any one byte changed is refused when it is opened or
// read, never read back as other numbers: every byte of a small file, data,
// block table and trailer alike, is flipped in turn.
TEST(CheckpointStore, EveryFlippedByteOfAWindowFileIsRefused) {
  const testing::TempDir dir("chainsim-ckpt-");
  io::CheckpointStore store(dir.path() / "run.h5", "identity\n");
  store.create_directory();
  const std::size_t paths = 7;
  std::vector<std::vector<char>> vars = {std::vector<char>(paths * 12), std::vector<char>(paths * 24)};
  for (auto& v : vars)
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<char>(i * 37 + v.size());
  store.save_window(0, 0, vars, paths, 3);  // blocks of 3 paths: several per variable
  const std::size_t data = vars[0].size() + vars[1].size();
  const std::filesystem::path file = store.directory() / "s0-w0.bin";
  const std::string good = testing::read_bytes(file);
  ASSERT_GT(good.size(), data + 32);
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (const unsigned char flip : {0x01, 0x80}) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ flip);
      std::ofstream(file, std::ios::binary | std::ios::trunc)
          .write(bad.data(), static_cast<std::streamsize>(bad.size()));
      bool refused = false;
      try {
        const io::WindowReader reader = store.open_window(0, 0, data);
        reader.verify();
      } catch (const io::CheckpointError& e) {
        refused = std::string(e.what()).find(file.string()) != std::string::npos;
      }
      EXPECT_TRUE(refused) << "byte " << at << " ^ " << int(flip) << " was not refused (or not named)";
    }
  }
  // Truncated or extended by one byte: refused too.
  for (const std::string& bad : {good.substr(0, good.size() - 1), good + "x", std::string()}) {
    std::ofstream(file, std::ios::binary | std::ios::trunc).write(bad.data(), static_cast<std::streamsize>(bad.size()));
    EXPECT_THROW(store.open_window(0, 0, data), io::CheckpointError) << bad.size() << " bytes";
  }
}

// The same for the state file: every byte flipped in turn is refused, and a
// directory where the state file should be is an unusable checkpoint (65),
// not an I/O error.
TEST(CheckpointStore, EveryFlippedByteOfTheStateFileIsRefused) {
  const testing::TempDir dir("chainsim-ckpt-");
  const std::filesystem::path out = dir.path() / "run.h5";
  io::CheckpointStore store(out, "identity A\n");
  store.create_directory();
  store.save_state([](core::ByteWriter& w) {
    for (int i = 0; i < 40; ++i) w.put<std::int32_t>(i * 1000003);
  });
  const std::filesystem::path file = store.directory() / "state.bin";
  const std::string good = testing::read_bytes(file);
  for (std::size_t at = 0; at < good.size(); ++at) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x04);
    std::ofstream(file, std::ios::binary | std::ios::trunc).write(bad.data(), static_cast<std::streamsize>(bad.size()));
    EXPECT_THROW(store.load_state(), io::CheckpointError) << "byte " << at;
  }
  std::filesystem::remove(file);
  std::filesystem::create_directory(file);
  EXPECT_THROW(store.load_state(), io::CheckpointError);
}

}  // namespace
}  // namespace chainsim
