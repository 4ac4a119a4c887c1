// Tests of io/h5file: round trip in C++, byte-identical output, and the netCDF-4 layout as
// seen by independent readers (xarray with both engines, h5py, netCDF4, ncdump): each reader
// decides for itself what a dimension is, so only the readers can confirm the layout.
#include "io/h5file.hpp"

#include "process_helpers.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace fs = std::filesystem;
using namespace chainsim::io::h5;

namespace {

using chainsim::testing::quote;
using chainsim::testing::read_bytes;
using chainsim::testing::shell;

// A small ensemble with every feature the engine's output uses.
struct Sample {
  std::vector<std::string> scenarios{"baseline", "høg instroom"};  // non-ASCII on purpose
  std::vector<std::int32_t> paths{0, 1, 2};
  std::vector<std::int32_t> weeks{0, 7, 14, 21};  // days since run start (xarray's time decoder has no "weeks" unit)
  std::vector<std::string> week_labels{"2022-W25", "2022-W26", "2022-W27", "2022-W28"};
  std::vector<std::string> regions{"VR01", "VR02"};
  std::vector<double> quantiles{0.05, 0.5, 0.95};
  std::vector<std::int64_t> seed_offsets{11, -12};
  std::string toml =
      "# chainsim configuration\n"
      "[run]\n"
      "start = 2022-06-20\n"
      "paths = 3\n"
      "\n"
      "[scenario.\"høg instroom\"]\n"
      "inflow_factor = 1.5\n";

  explicit Sample(int variant = 0) {
    if (variant != 0) {
      scenarios[1] = "other";
      toml += "# variant " + std::to_string(variant) + "\n";
    }
  }

  // occupancy(scenario, path, week); one value at int32's maximum to catch float round trips.
  std::int32_t occupancy(std::size_t s, std::size_t p, std::size_t w) const {
    if (s == 1 && p == 2 && w == 3) return std::numeric_limits<std::int32_t>::max();
    return static_cast<std::int32_t>(1000 * s + 100 * p + w);
  }
  std::vector<std::int32_t> occupancy_all() const {
    std::vector<std::int32_t> v;
    for (std::size_t s = 0; s < 2; ++s)
      for (std::size_t p = 0; p < 3; ++p)
        for (std::size_t w = 0; w < 4; ++w) v.push_back(occupancy(s, p, w));
    return v;
  }
  // inflow(scenario, week, region)
  std::vector<std::int32_t> inflow() const {
    std::vector<std::int32_t> v;
    for (int i = 0; i < 2 * 4 * 2; ++i) v.push_back(-8 + 3 * i);
    return v;
  }
  // occupancy_q(scenario, week, quantile)
  std::vector<double> occupancy_q() const {
    std::vector<double> v;
    for (int i = 0; i < 2 * 4 * 3; ++i) v.push_back(0.1 * i + 1.0 / 3.0);
    return v;
  }
  // mean_wait(scenario, week): float with a NaN _FillValue; one week left unwritten.
  std::vector<float> mean_wait_row(std::size_t s) const { return {1.5f + static_cast<float>(s), 2.25f, 3.0f}; }
};

void write_sample(const fs::path& file, const Sample& d) {
  File f = File::create(file);
  f.define_dimension("scenario", std::span<const std::string>(d.scenarios),
                     {.string_attrs = {{"long_name", "scenario"}}});
  f.define_dimension("path", std::span<const std::int32_t>(d.paths),
                     {.string_attrs = {{"standard_name", "realization"}, {"long_name", "Monte Carlo path"}}});
  f.define_dimension("week", std::span<const std::int32_t>(d.weeks),
                     {.string_attrs = {{"units", "days since 2022-06-20"},
                                       {"calendar", "proleptic_gregorian"},
                                       {"standard_name", "time"},
                                       {"axis", "T"}}});
  f.define_dimension("region", std::span<const std::string>(d.regions));
  f.define_dimension("quantile", std::span<const double>(d.quantiles));
  f.define_dimension_without_coords("member", d.seed_offsets.size());

  // The per-path ensemble, streamed block by block as the engine does: one scenario and a
  // block of paths at a time, chunks of (1, 2, all weeks), shuffle + deflate.
  {
    Variable occ =
        f.create_variable<std::int32_t>("occupancy", {"scenario", "path", "week"},
                                        {.chunk = {1, 2, 4},
                                         .deflate_level = 4,
                                         .shuffle = true,
                                         .string_attrs = {{"units", "1"}, {"long_name", "persons in reception"}}});
    EXPECT_EQ(occ.shape(), (std::vector<std::size_t>{2, 3, 4}));
    for (std::size_t s = 0; s < 2; ++s)
      for (std::size_t p0 = 0; p0 < 3; p0 += 2) {
        const std::size_t np = std::min<std::size_t>(2, 3 - p0);
        std::vector<std::int32_t> block;
        for (std::size_t p = p0; p < p0 + np; ++p)
          for (std::size_t w = 0; w < 4; ++w) block.push_back(d.occupancy(s, p, w));
        occ.write_block({s, p0, 0}, {1, np, 4}, block);
      }
    occ.close();
  }
  f.set_attribute("occupancy", "valid_min", std::int32_t{0});

  // Row blocks along the first dimension.
  {
    const auto all = d.inflow();
    Variable inflow =
        f.create_variable<std::int32_t>("inflow", {"scenario", "week", "region"}, {.string_attrs = {{"units", "1"}}});
    inflow.write_rows(0, 1, std::vector<std::int32_t>(all.begin(), all.begin() + 8));
    inflow.write_rows(1, 1, std::vector<std::int32_t>(all.begin() + 8, all.end()));
  }
  f.write_variable("occupancy_q", {"scenario", "week", "quantile"}, d.occupancy_q(),
                   {.string_attrs = {{"units", "1"}}, .double_attrs = {{"scale_hint", 0.5}}});
  {
    Variable wait = f.create_variable<float>("mean_wait", {"scenario", "week"},
                                             {.chunk = {1, 4},
                                              .fill_value = std::numeric_limits<double>::quiet_NaN(),
                                              .string_attrs = {{"long_name", "mean waiting time"}}});
    for (std::size_t s = 0; s < 2; ++s) wait.write_block({s, 0}, {1, 3}, d.mean_wait_row(s));
  }
  f.write_string_variable("week_label", {"week"}, d.week_labels);
  f.write_variable("seed_offset", {"member"}, d.seed_offsets);

  f.set_attribute("", "Conventions", "CF-1.8");
  f.set_attribute("/", "title", "chainsim test ensemble");
  f.set_attribute("", "config_toml", d.toml);
  f.set_attribute("", "horizon_years", 0.25);
  f.set_attribute("", "seed", std::int64_t{20220620});
  f.set_attribute("", "levels", std::vector<double>{0.05, 0.5, 0.95});
  f.close();
}

class H5File : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("chainsim_test_h5file_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    // RAII must have closed every HDF5 object of every file.
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0) << "leaked HDF5 handles";
    if (!HasFailure()) fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(H5File, RoundTripInCpp) {
  const Sample d;
  const fs::path file = dir_ / "sample.h5";
  write_sample(file, d);

  const File f = File::open_read(file);
  EXPECT_EQ(f.dimension_names(),
            (std::vector<std::string>{"scenario", "path", "week", "region", "quantile", "member"}));
  EXPECT_EQ(f.read_strings("scenario"), d.scenarios);
  EXPECT_EQ(f.read_variable<std::int32_t>("path"), d.paths);
  EXPECT_EQ(f.read_variable<std::int32_t>("week"), d.weeks);
  EXPECT_EQ(f.read_strings("region"), d.regions);
  EXPECT_EQ(f.read_variable<double>("quantile"), d.quantiles);
  EXPECT_EQ(f.shape("member"), (std::vector<std::size_t>{2}));

  EXPECT_EQ(f.dimensions("occupancy"), (std::vector<std::string>{"scenario", "path", "week"}));
  EXPECT_EQ(f.shape("occupancy"), (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_EQ(f.read_variable<std::int32_t>("occupancy"), d.occupancy_all());
  // Widening reads are allowed.
  const auto wide = f.read_variable<std::int64_t>("occupancy");
  EXPECT_EQ(wide.back(), std::numeric_limits<std::int32_t>::max());

  EXPECT_EQ(f.dimensions("inflow"), (std::vector<std::string>{"scenario", "week", "region"}));
  EXPECT_EQ(f.read_variable<std::int32_t>("inflow"), d.inflow());
  EXPECT_EQ(f.dimensions("occupancy_q"), (std::vector<std::string>{"scenario", "week", "quantile"}));
  EXPECT_EQ(f.read_variable<double>("occupancy_q"), d.occupancy_q());
  EXPECT_EQ(f.dimensions("seed_offset"), (std::vector<std::string>{"member"}));
  EXPECT_EQ(f.read_variable<std::int64_t>("seed_offset"), d.seed_offsets);
  EXPECT_EQ(f.read_strings("week_label"), d.week_labels);

  const auto wait = f.read_variable<float>("mean_wait");
  ASSERT_EQ(wait.size(), 8u);
  EXPECT_EQ(wait[0], 1.5f);
  EXPECT_EQ(wait[5], 2.25f);
  EXPECT_EQ(wait[6], 3.0f);
  EXPECT_TRUE(std::isnan(wait[3])) << "unwritten element reads as the fill value";
  EXPECT_TRUE(std::isnan(f.read_attribute<float>("mean_wait", "_FillValue")));

  EXPECT_EQ(f.read_string_attribute("", "Conventions"), "CF-1.8");
  EXPECT_EQ(f.read_string_attribute("/", "title"), "chainsim test ensemble");
  EXPECT_EQ(f.read_string_attribute("", "config_toml"), d.toml);
  EXPECT_EQ(f.read_attribute<double>("", "horizon_years"), 0.25);
  EXPECT_EQ(f.read_attribute<std::int64_t>("", "seed"), 20220620);
  EXPECT_EQ(f.read_vector_attribute<double>("", "levels"), (std::vector<double>{0.05, 0.5, 0.95}));
  EXPECT_EQ(f.read_string_attribute("week", "units"), "days since 2022-06-20");
  EXPECT_EQ(f.read_string_attribute("week", "calendar"), "proleptic_gregorian");
  EXPECT_EQ(f.read_string_attribute("occupancy", "units"), "1");
  EXPECT_EQ(f.read_attribute<std::int32_t>("occupancy", "valid_min"), 0);
  EXPECT_EQ(f.read_attribute<double>("occupancy_q", "scale_hint"), 0.5);
  // The layout's own attributes are there.
  EXPECT_EQ(f.read_attribute<std::int32_t>("quantile", "_Netcdf4Dimid"), 4);
  EXPECT_EQ(f.read_string_attribute("week", "CLASS"), "DIMENSION_SCALE");
  EXPECT_EQ(f.read_string_attribute("member", "NAME"),
            "This is a netCDF dimension but not a netCDF variable.         2");
  // No _FillValue on counts (xarray would turn them into float64).
  EXPECT_FALSE(f.has_attribute("occupancy", "_FillValue"));
  EXPECT_TRUE(f.has_variable("occupancy"));
  EXPECT_FALSE(f.has_variable("nonexistent"));
}

TEST_F(H5File, IdenticalCallsGiveIdenticalBytes) {
  // A different file in between dirties HDF5's free lists and the heap, so a buffer written
  // uninitialised would show up as a difference.
  write_sample(dir_ / "a1.h5", Sample(0));
  write_sample(dir_ / "b.h5", Sample(1));
  write_sample(dir_ / "a2.h5", Sample(0));
  const std::string a1 = read_bytes(dir_ / "a1.h5"), a2 = read_bytes(dir_ / "a2.h5");
  ASSERT_GT(a1.size(), 1000u);
  EXPECT_TRUE(a1 == a2) << "two writes of the same content differ";
  EXPECT_NE(a1, read_bytes(dir_ / "b.h5"));
}

TEST_F(H5File, ReadersSeeNetcdf4Layout) {
#ifndef CHAINSIM_PYTHON
  GTEST_SKIP() << "CHAINSIM_PYTHON not defined";
#else
  const Sample d;
  const fs::path file = dir_ / "sample.h5", toml = dir_ / "expected.toml", script = dir_ / "check.py";
  write_sample(file, d);
  std::ofstream(toml, std::ios::binary) << d.toml;
  std::ofstream(script) << R"PY(
import sys
import numpy as np
import xarray as xr
import h5py
import netCDF4

path = sys.argv[1]
expected_toml = open(sys.argv[2], encoding="utf-8").read()
sizes = {"scenario": 2, "path": 3, "week": 4, "region": 2, "quantile": 3, "member": 2}

for engine in ("h5netcdf", "netcdf4"):
    with xr.open_dataset(path, engine=engine) as ds:
        assert dict(ds.sizes) == sizes, (engine, dict(ds.sizes))
        assert ds["occupancy"].dims == ("scenario", "path", "week"), (engine, ds["occupancy"].dims)
        assert ds["inflow"].dims == ("scenario", "week", "region"), engine
        assert ds["occupancy_q"].dims == ("scenario", "week", "quantile"), engine
        assert ds["mean_wait"].dims == ("scenario", "week"), engine
        assert ds["seed_offset"].dims == ("member",), engine
        assert "member" not in ds.variables, (engine, "dimension without coordinates became a variable")
        assert np.issubdtype(ds["week"].dtype, np.datetime64), (engine, ds["week"].dtype)
        assert str(ds["week"].values[1])[:10] == "2022-06-27", (engine, ds["week"].values)
        assert ds["occupancy"].dtype == np.int32, (engine, ds["occupancy"].dtype)
        assert ds["inflow"].dtype == np.int32, (engine, ds["inflow"].dtype)
        assert ds["seed_offset"].dtype == np.int64, (engine, ds["seed_offset"].dtype)
        assert ds["path"].dtype == np.int32, (engine, ds["path"].dtype)
        assert ds["occupancy_q"].dtype == np.float64, engine
        assert int(ds["occupancy"].values[1, 2, 3]) == 2**31 - 1, engine
        assert int(ds["occupancy"].values[1, 0, 2]) == 1002, engine
        assert list(ds["scenario"].values) == ["baseline", "høg instroom"], (engine, ds["scenario"].values)
        assert list(ds["region"].values) == ["VR01", "VR02"], engine
        assert list(ds["week_label"].values) == ["2022-W25", "2022-W26", "2022-W27", "2022-W28"], engine
        assert np.isnan(ds["mean_wait"].values[0, 3]) and ds["mean_wait"].values[1, 0] == 2.5, engine
        toml = ds.attrs["config_toml"]
        assert isinstance(toml, str) and toml == expected_toml, (engine, repr(toml))
        for k in ("Conventions", "title"):
            assert isinstance(ds.attrs[k], str), (engine, k, repr(ds.attrs[k]))
        assert ds.attrs["horizon_years"] == 0.25, engine
        assert ds.attrs["seed"] == 20220620, engine
        units = ds["occupancy"].attrs["units"]
        assert isinstance(units, str) and units == "1", (engine, repr(units))
        assert ds["path"].attrs["standard_name"] == "realization", engine
        assert ds.sel(scenario="baseline", week="2022-07-04")["occupancy"].values.tolist() == [2, 102, 202], engine

with h5py.File(path, "r") as f:
    assert f["occupancy"].dims[1][0].name == "/path"
    assert isinstance(f.attrs["config_toml"], str)
    assert isinstance(f["week"].attrs["units"], str)

with netCDF4.Dataset(path) as nc:
    assert list(nc.dimensions) == list(sizes), list(nc.dimensions)
    assert nc.variables["occupancy"].dimensions == ("scenario", "path", "week")
    assert isinstance(nc.getncattr("config_toml"), str)
    assert nc.variables["occupancy"].filters()["zlib"] and nc.variables["occupancy"].filters()["shuffle"]
    assert nc.variables["occupancy"].chunking() == [1, 2, 4]
print("readers ok")
)PY";
  const auto [rc, out] =
      shell(std::string(CHAINSIM_PYTHON) + " " + quote(script) + " " + quote(file) + " " + quote(toml));
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("readers ok"), std::string::npos) << out;
#endif
}

TEST_F(H5File, NcdumpListsDimensions) {
  if (shell("command -v ncdump").rc != 0) GTEST_SKIP() << "ncdump not installed";
  const fs::path file = dir_ / "sample.h5";
  write_sample(file, Sample());
  const auto [rc, header] = shell("ncdump -h " + quote(file));
  ASSERT_EQ(rc, 0) << header;
  for (const char* s : {"scenario = 2 ;", "path = 3 ;", "week = 4 ;", "region = 2 ;", "quantile = 3 ;", "member = 2 ;",
                        "int occupancy(scenario, path, week) ;", "int inflow(scenario, week, region) ;",
                        "double occupancy_q(scenario, week, quantile) ;", "string scenario(scenario) ;",
                        "int64 seed_offset(member) ;", "week:units = \"days since 2022-06-20\" ;"})
    EXPECT_NE(header.find(s), std::string::npos) << "missing \"" << s << "\" in\n" << header;
  // A full dump makes netCDF-C decode the data (filters included) too.
  const auto [rc2, dump] = shell("ncdump " + quote(file));
  ASSERT_EQ(rc2, 0) << dump;
  EXPECT_NE(dump.find("2147483647"), std::string::npos) << dump;
}

TEST_F(H5File, MissingFileThrowsNamingIt) {
  const fs::path file = dir_ / "does_not_exist.h5";
  ::testing::internal::CaptureStderr();
  try {
    (void)File::open_read(file);
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), file.string());
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "HDF5 printed its error stack";
}

TEST_F(H5File, UnknownDimensionThrows) {
  const fs::path file = dir_ / "unknown_dim.h5";
  File f = File::create(file);
  f.define_dimension("week", std::vector<std::int32_t>{0, 7});
  ::testing::internal::CaptureStderr();
  try {
    f.write_variable("occupancy", {"week", "nope"}, std::vector<std::int32_t>{1, 2});
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("occupancy"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"nope\""), std::string::npos) << msg;
  }
  EXPECT_THROW(f.create_variable<double>("x", {"nope"}), Error);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_FALSE(f.has_variable("occupancy")) << "a failed call left a half-made variable";
  f.close();
}

TEST_F(H5File, MisuseThrowsCleanErrors) {
  const fs::path file = dir_ / "misuse.h5";
  File f = File::create(file);
  f.define_dimension("path", std::vector<std::int32_t>{0, 1, 2});
  f.define_dimension("week", std::vector<std::int32_t>{0, 7});
  // Wrong number of values.
  EXPECT_THROW(f.write_variable("a", {"path"}, std::vector<double>{1.0, 2.0}), Error);
  // Names: duplicate, empty, with '/'.
  EXPECT_THROW(f.define_dimension("path", std::vector<std::int32_t>{0}), Error);
  EXPECT_THROW(f.write_variable("", {"path"}, std::vector<double>{1, 2, 3}), Error);
  EXPECT_THROW(f.write_variable("a/b", {"path"}, std::vector<double>{1, 2, 3}), Error);
  // Filters without chunks; chunk larger than the dimension; lossy fill value.
  EXPECT_THROW(f.create_variable<std::int32_t>("c", {"path"}, {.deflate_level = 1}), Error);
  EXPECT_THROW(f.create_variable<std::int32_t>("c", {"path"}, {.chunk = {4}}), Error);
  EXPECT_THROW(f.create_variable<std::int32_t>("c", {"path"}, {.fill_value = 0.5}), Error);
  // Reserved and invalid attributes.
  EXPECT_THROW(f.set_attribute("", "_FillValue", 1.0), Error);
  EXPECT_THROW(f.set_attribute("", "_Netcdf4Dimid", std::int32_t{3}), Error);
  EXPECT_THROW(f.set_attribute("", "bad", std::string("\xff\xfe")), Error);
  EXPECT_THROW(f.set_attribute("nonexistent", "units", "1"), Error);
  // Replacing an attribute is allowed.
  f.set_attribute("", "history", "first");
  f.set_attribute("", "history", "second");
  EXPECT_EQ(f.read_string_attribute("", "history"), "second");

  Variable v = f.create_variable<std::int32_t>("v", {"path", "week"});
  EXPECT_THROW(v.write_rows(0, 1, std::vector<double>{1, 2}), Error);          // wrong type
  EXPECT_THROW(v.write_rows(2, 2, std::vector<std::int32_t>(4)), Error);       // past the end
  EXPECT_THROW(v.write_block({0}, {1}, std::vector<std::int32_t>(1)), Error);  // wrong rank
  v.write_rows(2, 1, std::vector<std::int32_t>{5, 6});
  // H5F_CLOSE_SEMI: closing the file while a Variable is open fails and keeps the file open.
  EXPECT_THROW(f.close(), Error);
  EXPECT_TRUE(f.is_open());
  v.close();
  f.close();

  File r = File::open_read(file);
  EXPECT_EQ(r.read_variable<std::int32_t>("v"), (std::vector<std::int32_t>{0, 0, 0, 0, 5, 6}));
  EXPECT_THROW(r.read_variable<std::int16_t>("v"), Error);                             // narrowing
  EXPECT_THROW(r.read_variable<double>("v"), Error);                                   // integer read as float
  EXPECT_THROW(r.write_variable("w", {"path"}, std::vector<double>{1, 2, 3}), Error);  // read-only
  EXPECT_THROW(r.read_variable<double>("nonexistent"), Error);
}

TEST_F(H5File, LargeTextAndNumericAttributes) {
  const fs::path file = dir_ / "attrs.h5";
  std::string big;
  for (int i = 0; big.size() < 200 * 1024; ++i) big += "line " + std::to_string(i) + " = \"ø\"\n";
  {
    File f = File::create(file);
    f.set_attribute("", "big", big);  // beyond the 64 KiB compact-attribute limit
    f.set_attribute("", "empty", "");
    f.set_attribute("", "i8", std::int8_t{-5});
    f.set_attribute("", "none", std::vector<double>{});
    f.set_attribute("", "ints", std::vector<std::int64_t>{1, -2, 3});
    f.close();
  }
  File f = File::open_read(file);
  EXPECT_EQ(f.read_string_attribute("", "big"), big);
  EXPECT_EQ(f.read_string_attribute("", "empty"), "");
  EXPECT_EQ(f.read_attribute<std::int8_t>("", "i8"), -5);
  EXPECT_EQ(f.read_attribute<std::int32_t>("", "i8"), -5);
  EXPECT_TRUE(f.read_vector_attribute<double>("", "none").empty());
  EXPECT_EQ(f.read_vector_attribute<std::int64_t>("", "ints"), (std::vector<std::int64_t>{1, -2, 3}));
  EXPECT_THROW(f.read_attribute<std::int64_t>("", "ints"), Error);  // not a single value
  EXPECT_THROW(f.read_string_attribute("", "i8"), Error);
}

}  // namespace

// ---- chunks compressed outside the library (io/h5_chunk_codec) ------------------------------

namespace {

// The stored (filtered) bytes and filter mask of the chunk at `offset`, as the library reads them.
struct RawChunk {
  std::uint32_t mask = 0;
  std::vector<unsigned char> bytes;
  bool operator==(const RawChunk&) const = default;
};

RawChunk raw_chunk(const fs::path& file, const std::string& name, std::vector<hsize_t> offset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  hsize_t size = 0;
  EXPECT_GE(H5Dget_chunk_storage_size(d, offset.data(), &size), 0);
  RawChunk c;
  c.bytes.resize(size);
  EXPECT_GE(H5Dread_chunk(d, H5P_DEFAULT, offset.data(), &c.mask, c.bytes.data()), 0);
  H5Dclose(d);
  H5Fclose(f);
  return c;
}

// Values with a structure like the engine's counts (slowly varying, some large) and
// doubles with varying low bits, so that shuffle and deflate have real work.
template <class T>
T value(std::size_t s, std::size_t p, std::size_t w) {
  if constexpr (std::is_same_v<T, double>) return 1e6 * std::sin(0.1 * double(p) + 0.37 * double(w)) + double(s);
  else return static_cast<T>((p * 7919 + w * w * 31 + s * 100000) % 250000);
}

}  // namespace

// Chunks encoded by encode_chunk and stored by write_chunk are byte-for-byte the chunks the
// library's own filter pipeline stores for the same values through write_block, including a
// partial edge chunk (padded with 0, as the library pads it), for every filter combination
// the engine can ask for; and they read back as the same values.
TEST_F(H5File, EncodedChunksEqualThoseOfTheFilterPipeline) {
  const std::size_t S = 2, P = 300, T = 37, CP = 128;  // chunks along path: 128, 128, 44 (edge)
  const fs::path file = dir_ / "chunks.h5";
  struct Case {
    std::string name;
    bool shuffle;
    int level;
  };
  const std::vector<Case> cases{
      {"shuffle_deflate1", true, 1}, {"deflate4", false, 4}, {"shuffle_only", true, 0}, {"shuffle_deflate9", true, 9}};
  {
    File f = File::create(file);
    std::vector<std::int32_t> sc(S), pa(P), we(T);
    for (std::size_t i = 0; i < S; ++i) sc[i] = static_cast<std::int32_t>(i);
    for (std::size_t i = 0; i < P; ++i) pa[i] = static_cast<std::int32_t>(i);
    for (std::size_t i = 0; i < T; ++i) we[i] = static_cast<std::int32_t>(7 * i);
    f.define_dimension("scenario", sc);
    f.define_dimension("path", pa);
    f.define_dimension("week", we);
    auto write_both = [&](auto zero, const Case& c) {
      using V = decltype(zero);
      const std::string kind = std::is_same_v<V, double> ? "_f64" : "_i32";
      const VarOptions o{.chunk = {1, CP, T}, .deflate_level = c.level, .shuffle = c.shuffle};
      Variable by_library = f.create_variable<V>("lib_" + c.name + kind, {"scenario", "path", "week"}, o);
      Variable by_us = f.create_variable<V>("enc_" + c.name + kind, {"scenario", "path", "week"}, o);
      for (std::size_t s = 0; s < S; ++s)
        for (std::size_t p0 = 0; p0 < P; p0 += CP) {
          const std::size_t np = std::min(CP, P - p0);
          std::vector<V> block(np * T), chunk(CP * T, V{});
          for (std::size_t i = 0; i < np; ++i)
            for (std::size_t w = 0; w < T; ++w) block[i * T + w] = chunk[i * T + w] = value<V>(s, p0 + i, w);
          by_library.write_block<V>({s, p0, 0}, {1, np, T}, block);
          const auto encoded = by_us.encode_chunk<V>(chunk);
          by_us.write_chunk({s, p0, 0}, encoded);
        }
      // Misuse is refused with the variable's name in the message.
      EXPECT_THROW(by_us.encode_chunk<V>(std::vector<V>(CP * T - 1)), Error);
      EXPECT_THROW(by_us.write_chunk({0, 1, 0}, std::vector<unsigned char>(8)), Error);  // not a chunk start
      EXPECT_THROW(by_us.write_chunk({0, P, 0}, std::vector<unsigned char>(8)), Error);  // outside
    };
    for (const Case& c : cases) {
      write_both(std::int32_t{}, c);
      write_both(double{}, c);
    }
    Variable contiguous = f.create_variable<std::int32_t>("contiguous", {"path"});
    EXPECT_THROW(contiguous.encode_chunk<std::int32_t>(std::vector<std::int32_t>(P)), Error);
    Variable checked = f.create_variable<std::int32_t>("checked", {"path"}, {.chunk = {CP}, .fletcher32 = true});
    EXPECT_THROW(checked.encode_chunk<std::int32_t>(std::vector<std::int32_t>(CP)), Error);
  }
  for (const Case& c : cases)
    for (const std::string kind : {"_i32", "_f64"}) {
      const std::string lib = "lib_" + c.name + kind, enc = "enc_" + c.name + kind;
      for (hsize_t s = 0; s < S; ++s)
        for (hsize_t p0 = 0; p0 < P; p0 += CP) {
          const RawChunk a = raw_chunk(file, lib, {s, p0, 0}), b = raw_chunk(file, enc, {s, p0, 0});
          EXPECT_FALSE(a.bytes.empty());
          EXPECT_TRUE(a == b) << enc << " chunk at scenario " << s << ", path " << p0;
        }
    }
  {
    const File r = File::open_read(file);
    for (const Case& c : cases) {
      const std::string i32 = c.name + "_i32", f64 = c.name + "_f64";
      EXPECT_EQ(r.read_variable<std::int32_t>("lib_" + i32), r.read_variable<std::int32_t>("enc_" + i32)) << i32;
      EXPECT_EQ(r.read_variable<double>("lib_" + f64), r.read_variable<double>("enc_" + f64)) << f64;
    }
  }
  // The codec alone: the shuffle of 2-byte and 4-byte elements.
  const std::vector<unsigned char> raw{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  EXPECT_EQ(encode_chunk(raw, 2, {.shuffle = true}),
            (std::vector<unsigned char>{1, 3, 5, 7, 9, 11, 13, 2, 4, 6, 8, 10, 12, 14}));
  EXPECT_EQ(encode_chunk(std::vector<unsigned char>(raw.begin(), raw.begin() + 12), 4, {.shuffle = true}),
            (std::vector<unsigned char>{1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12}));
  EXPECT_THROW(encode_chunk(raw, 4, {.shuffle = true}), std::invalid_argument);  // 14 bytes: not whole elements
}
