#pragma once
// The layout of chainsim's HDF5 output (one file per run), readable as netCDF-4:
// named dimensions scenario, path, week, region, quantile, period, risk_level;
// per scenario the weekly mean, sd and quantiles of every variable (national,
// and per region for the regional ones), the period statistics, and the per-path
// series asked for in output.ensemble. This module owns the layout; the
// typed HDF5 calls are in io/h5file.
//
// Crash safety: the file is written under a temporary name in the same
// directory, flushed to disk, then renamed into place, so a killed run never
// leaves a partial file under the final name.
#include "forecast/config.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/summaries.hpp"
#include "io/h5_chunk_codec.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace chainsim::io {

namespace h5 {
class File;
}

inline constexpr const char* kOutputFormat = "chainsim-ensemble";
inline constexpr int kOutputFormatVersion = 2;

struct OutputLayout {
  std::filesystem::path path;  // final name
  forecast::Date start{};
  int weeks = 0;
  std::int64_t paths = 0;
  std::vector<std::string> scenarios;
  std::vector<std::string> region_codes;  // {"NL"} in national mode
  std::vector<std::string> region_names;
  std::vector<double> quantiles;
  std::vector<double> risk_levels;
  std::vector<forecast::PeriodInfo> periods;
  std::vector<std::string> ensemble;  // per-path variable names
  // Provenance, all identical between identical runs.
  std::string configuration_toml;
  std::string configuration_source;
  std::uint64_t seed = 0;
  std::string run_name;
};

class OutputFile {
 public:
  // Creates the temporary file and defines every dimension and variable.
  explicit OutputFile(OutputLayout layout);
  // Removes the temporary file unless commit() succeeded, after closing it in
  // a way that cannot fail for lack of disk space (h5::File::discard).
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Per-path chunk: this many paths × the whole horizon.
  static constexpr std::size_t kPathChunk = 256;
  // How per-path chunks are compressed.
  static constexpr h5::ChunkFilters kPerPathFilters{.shuffle = true, .deflate_level = 1};
  // The bytes a chunk holding these path-major values (elements of
  // `element_bytes`) takes in the file: the pre-flight's size estimate.
  static std::size_t encoded_bytes(std::span<const char> values, std::size_t element_bytes);
  // The first text of the layout that the file cannot record (its text is
  // UTF-8 without NUL bytes: names, the configuration and its file's name),
  // as "<what> \"<text, escaped>\" <why>"; empty when all can be recorded.
  static std::string text_problem(const OutputLayout& layout);
  // Paths in one chunk of this file (fewer when the run has fewer paths).
  std::size_t chunk_paths() const noexcept {
    return std::min<std::size_t>(kPathChunk, static_cast<std::size_t>(layout_.paths));
  }

  // Writes paths [first_path, first_path + paths) over the whole horizon of
  // per-path variable `name` for scenario s; `data` is path-major (path, week).
  // Blocks of kPathChunk paths fill whole chunks.
  void write_per_path(std::size_t s, const std::string& name, std::size_t first_path, std::size_t paths,
                      std::span<const std::int32_t> data);
  void write_per_path(std::size_t s, const std::string& name, std::size_t first_path, std::size_t paths,
                      std::span<const double> data);

  // The same in two steps, so that many threads can compress while one writes:
  // encode_per_path compresses one chunk, `paths` (<= kPathChunk) paths × the
  // whole horizon, path-major, padding a short last chunk as the library would;
  // it makes no HDF5 call and may run on any thread. write_encoded_per_path
  // stores it at `first_path` (a multiple of kPathChunk) of scenario s. The file
  // holds the same values and the same compressed chunks as write_per_path writes.
  std::vector<unsigned char> encode_per_path(const std::string& name, std::size_t paths,
                                             std::span<const std::int32_t> data) const;
  std::vector<unsigned char> encode_per_path(const std::string& name, std::size_t paths,
                                             std::span<const double> data) const;
  void write_encoded_per_path(std::size_t s, const std::string& name, std::size_t first_path,
                              std::span<const unsigned char> encoded);

  // Writes scenario s's summaries (weekly and per period).
  void write_summary(std::size_t s, const forecast::ScenarioSummary& summary);

  // Writes scenario s's paired differences to the baseline (scenario 0 has none).
  void write_comparison(std::size_t s, const forecast::ScenarioComparison& comparison);

  // Closes, re-opens and checks the temporary file, fsyncs it and renames it to
  // the final name (replacing an existing file atomically).
  void commit();

  const std::filesystem::path& temporary_path() const noexcept { return tmp_; }

  // The file being written, for a section another module adds before
  // commit() (io/plan_section.cpp): its own dimensions and variables.
  h5::File& h5_file();

 private:
  struct Impl;
  void define();            // the dimensions, variables and attributes
  void abandon() noexcept;  // closes and removes the temporary file after an error
  OutputLayout layout_;
  std::filesystem::path tmp_;
  std::unique_ptr<Impl> impl_;
  bool committed_ = false;
};

}  // namespace chainsim::io
