// Thin, typed RAII wrapper over the HDF5 C API that writes netCDF-4-compatible files.
//
// It knows nothing of the model: it writes named dimensions (HDF5 dimension scales),
// variables on those dimensions, and attributes, following the recipe listed at the top of
// h5file.cpp (netCDF-C's own layout), so that ncdump, netCDF4-python, h5py and xarray
// (engines "netcdf4" and "h5netcdf") see named dimensions, decoded dates and str attributes
// without custom code. Identical calls give byte-identical files (no object timestamps
// anywhere).
//
// Not thread-safe: keep every call on one writer thread. A thread-safe HDF5 build puts every
// call behind one global lock anyway, and a build without thread safety must not be called
// from two threads at once.
#pragma once

#include "io/h5_chunk_codec.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chainsim::io::h5 {

// Every failure (of an HDF5 call or of a precondition) throws this, naming the file, the
// object ("/" = root group) and the operation. `detail` is HDF5's innermost error message
// when HDF5 reported one. HDF5's own automatic error-stack printing is switched off while
// wrapper code runs, so the user sees this one message only.
class Error : public std::runtime_error {
 public:
  Error(std::string file, std::string object, std::string operation, std::string detail);
  const std::string& file() const noexcept { return file_; }
  const std::string& object() const noexcept { return object_; }
  const std::string& operation() const noexcept { return operation_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string file_, object_, operation_, detail_;
};

// True once HDF5 has failed to create or close a file or object of this
// process (typically: a full disk while a file's superblock or its final
// flush is written). HDF5 1.10 then keeps a half-made or half-destroyed
// object in its tables, and its exit-time cleanup (H5close, run by atexit)
// crashes on it with SIGSEGV or loops and reports "infinite loop closing
// library"; a program that sees this must end with _exit after flushing its
// own output. File::discard before closing an abandoned file avoids most
// such failures in the first place.
bool exit_cleanup_unsafe() noexcept;

// Why `text` cannot be stored as a text attribute or string ("contains a NUL
// byte", "is not valid UTF-8"); empty when it can. Lets a caller refuse early
// what set_attribute would refuse only when it is reached.
std::string invalid_text_reason(std::string_view text);
// `text` with bytes that are not printable ASCII or valid UTF-8 as \xNN, for messages.
std::string escaped(std::string_view text);

// Element types of numeric variables and attributes. All are valid netCDF-4 types
// (bool is not: h5netcdf refuses it; use int8 with flag_values).
template <class T>
concept Element = std::same_as<T, std::int8_t> || std::same_as<T, std::uint8_t> || std::same_as<T, std::int16_t> ||
    std::same_as<T, std::int32_t> || std::same_as<T, std::int64_t> || std::same_as<T, float> || std::same_as<T, double>;

// Attributes are written in the order given (the file tracks attribute creation order).
using StringAttrs = std::vector<std::pair<std::string, std::string>>;
using DoubleAttrs = std::vector<std::pair<std::string, double>>;

// Every member has a default member initializer so designated initializers that name only
// some members do not trip g++ 12's -Wmissing-field-initializers.
struct DimOptions {
  StringAttrs string_attrs{};  // e.g. units = "days since 2022-06-20", calendar, long_name
  DoubleAttrs double_attrs{};
};

struct VarOptions {
  // Chunk shape, one entry per dimension; empty = contiguous. Required for filters.
  std::vector<std::size_t> chunk{};
  int deflate_level = 0;    // 0 = off, 1..9 (1..4 is the useful range; above, time grows for little gain)
  bool shuffle = false;     // byte shuffle before deflate (integer counts compress far better)
  bool fletcher32 = false;  // checksum per chunk, verified transparently by every reader
  // No _FillValue unless given: xarray turns integer variables with a _FillValue into
  // float64. When given, it is stored both as the dataset's fill value and as a
  // `_FillValue` attribute of the variable's own type, as netCDF-C does; it must be
  // exactly representable in that type.
  std::optional<double> fill_value{};
  StringAttrs string_attrs{};
  DoubleAttrs double_attrs{};
};

class File;

// A dataset created by File::create_variable and written block by block (hyperslabs).
// Must be closed or destroyed before its File is closed.
class Variable {
 public:
  Variable(Variable&& other) noexcept;
  Variable& operator=(Variable&& other) noexcept;
  Variable(const Variable&) = delete;
  Variable& operator=(const Variable&) = delete;
  ~Variable();

  const std::string& name() const noexcept { return name_; }
  const std::vector<std::size_t>& shape() const noexcept { return shape_; }
  bool is_open() const noexcept { return id_ >= 0; }

  // Writes the box [start, start+count) (row-major `data`, size = product of count).
  // T must be the element type the variable was created with.
  template <Element T>
  void write_block(const std::vector<std::size_t>& start, const std::vector<std::size_t>& count,
                   std::span<const T> data);
  template <Element T>
  void write_block(const std::vector<std::size_t>& start, const std::vector<std::size_t>& count,
                   const std::vector<T>& data) {
    write_block(start, count, std::span<const T>(data));
  }

  // Writes rows [first_row, first_row+nrows) along the first dimension, all of the others.
  template <Element T>
  void write_rows(std::size_t first_row, std::size_t nrows, std::span<const T> data);
  template <Element T>
  void write_rows(std::size_t first_row, std::size_t nrows, const std::vector<T>& data) {
    write_rows(first_row, nrows, std::span<const T>(data));
  }

  // Chunks compressed by many threads, stored by one (see h5_chunk_codec.hpp).
  // encode_chunk: `data` is one whole chunk, row-major in the chunk shape (an
  // edge chunk padded with the fill value); it makes no HDF5 call and may run
  // on any thread while another thread writes. Throws for a contiguous variable
  // or one with the fletcher32 checksum.
  template <Element T>
  std::vector<unsigned char> encode_chunk(std::span<const T> data) const;
  // write_chunk stores an encoded chunk whose first element is `start` (a
  // multiple of the chunk shape along every dimension): the file then holds
  // what write_block of the same values would have stored.
  void write_chunk(const std::vector<std::size_t>& start, std::span<const unsigned char> encoded);

  void close();

 private:
  friend class File;
  Variable(std::string file, std::string name, std::int64_t id, int type_tag, std::vector<std::size_t> shape,
           const VarOptions& opt);

  std::string file_;
  std::string name_;
  std::int64_t id_ = -1;  // hid_t of the dataset
  int type_tag_ = -1;     // which Element type the dataset was created with
  std::vector<std::size_t> shape_;
  std::vector<std::size_t> chunk_;  // empty: contiguous
  ChunkFilters filters_;
  bool fletcher32_ = false;
};

// One HDF5 file with a flat netCDF-4 layout: all dimensions and variables in the root group.
class File {
 public:
  // Creates (truncates) `p` for writing.
  static File create(const std::filesystem::path& p);
  // Opens an existing file read-only.
  static File open_read(const std::filesystem::path& p);

  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  // Closes the file if still open, swallowing errors; call close() to see them. With a
  // Variable still open the close fails and the file stays open until the process ends.
  ~File();

  const std::filesystem::path& path() const noexcept { return path_; }
  bool is_open() const noexcept { return id_ >= 0; }
  void flush();
  // Throws if a Variable of this file is still open (the file is then left open).
  void close();
  // For a file that is being abandoned after an error (a write failed, the
  // disk is full): empties it on disk now, so that closing its Variables and
  // itself, which flushes what HDF5 still holds, finds room and succeeds.
  // HDF5 cannot survive a failed close (see exit_cleanup_unsafe()); a full disk is
  // the usual reason for one. The file's content is lost: only for files
  // that are to be removed anyway.
  void discard() noexcept;

  // --- Dimensions --------------------------------------------------------------------------
  // A named dimension whose coordinate variable (a dimension scale of the same name) holds
  // `coords`. Dimension ids (_Netcdf4Dimid) are 0, 1, 2, ... in definition order; define
  // all dimensions before the variables that use them.
  void define_dimension(const std::string& name, std::span<const double> coords, const DimOptions& opt = {});
  void define_dimension(const std::string& name, std::span<const float> coords, const DimOptions& opt = {});
  void define_dimension(const std::string& name, std::span<const std::int32_t> coords, const DimOptions& opt = {});
  void define_dimension(const std::string& name, std::span<const std::int64_t> coords, const DimOptions& opt = {});
  // String coordinates (e.g. scenario names, region codes): variable-length UTF-8 strings,
  // i.e. netCDF-4 NC_STRING.
  void define_dimension(const std::string& name, std::span<const std::string> coords, const DimOptions& opt = {});
  // netCDF "dimension without variable": readers see the dimension but no coordinate.
  void define_dimension_without_coords(const std::string& name, std::size_t size);

  // --- Variables ---------------------------------------------------------------------------
  // Creates variable `name` on previously defined dimensions `dims` (outermost first; empty
  // = scalar), writes all of `data` (row-major) and attaches the dimension scales.
  template <Element T>
  void write_variable(const std::string& name, const std::vector<std::string>& dims, std::span<const T> data,
                      const VarOptions& opt = {});
  template <Element T>
  void write_variable(const std::string& name, const std::vector<std::string>& dims, const std::vector<T>& data,
                      const VarOptions& opt = {}) {
    write_variable(name, dims, std::span<const T>(data), opt);
  }
  // Variable of variable-length UTF-8 strings (e.g. week_label(week)); no fill value.
  void write_string_variable(const std::string& name, const std::vector<std::string>& dims,
                             std::span<const std::string> data, const VarOptions& opt = {});

  // Creates the variable without writing data; write it with Variable::write_block/_rows.
  // Parts never written read as the fill value (0 unless VarOptions::fill_value).
  template <Element T>
  Variable create_variable(const std::string& name, const std::vector<std::string>& dims, const VarOptions& opt = {});

  // --- Attributes --------------------------------------------------------------------------
  // `object` is "" or "/" for the file (root group), else a variable or coordinate name.
  // An existing attribute of that name is replaced. Text is stored as a scalar
  // variable-length UTF-8 string (the form h5py writes for a Python str) and
  // must be valid UTF-8 without NUL bytes.
  void set_attribute(const std::string& object, const std::string& name, std::string_view value);
  template <Element T>
  void set_attribute(const std::string& object, const std::string& name, T value);
  template <Element T>
  void set_attribute(const std::string& object, const std::string& name, std::span<const T> values);
  template <Element T>
  void set_attribute(const std::string& object, const std::string& name, const std::vector<T>& values) {
    set_attribute(object, name, std::span<const T>(values));
  }

  // --- Reading (tests, verification) -------------------------------------------------------
  bool has_variable(const std::string& name) const;  // any dataset, coordinates included
  bool has_attribute(const std::string& object, const std::string& name) const;
  // Dimensions of the file in _Netcdf4Dimid order.
  std::vector<std::string> dimension_names() const;
  // Names of the dimension scales attached to each axis of `variable` ("" = none).
  std::vector<std::string> dimensions(const std::string& variable) const;
  std::vector<std::size_t> shape(const std::string& variable) const;
  // Reads the whole variable. T must be of the stored class (integer/float) and at least
  // as wide, so no value is silently rounded or clipped.
  template <Element T>
  std::vector<T> read_variable(const std::string& name) const;
  std::vector<std::string> read_strings(const std::string& name) const;
  // Reads variable-length and fixed-length string attributes alike.
  std::string read_string_attribute(const std::string& object, const std::string& name) const;
  template <Element T>
  T read_attribute(const std::string& object, const std::string& name) const;
  template <Element T>
  std::vector<T> read_vector_attribute(const std::string& object, const std::string& name) const;

 private:
  struct Dim {
    std::string name;
    std::size_t size;
  };
  File(std::filesystem::path p, std::int64_t id, bool writable);

  void require_writable(const std::string& object, const std::string& operation) const;
  void require_new_name(const std::string& name, const std::string& operation) const;
  const Dim& find_dim(const std::string& variable, const std::string& dim) const;
  std::vector<std::size_t> shape_for_values(const std::string& variable, const std::vector<std::string>& dims,
                                            std::size_t values, const std::string& operation) const;
  void finish_dimension(const std::string& name, std::int64_t dataset, std::size_t size, const DimOptions& opt);
  // Opens attribute `name` of `object` and returns read(ctx, attribute, its
  // file type, its dataspace) (h5file.cpp).
  template <class Read>
  auto open_attribute(const std::string& object, const std::string& name, Read read) const;
  // Opens `object` for a new attribute `name`, after the checks every
  // attribute write makes, and writes it with write(ctx, object id) (h5file.cpp).
  template <class Write>
  void write_attribute(const std::string& object, const std::string& name, Write write);
  // Creates dimension `name`: `size` coordinates of HDF5 file type `ftype`,
  // written from `data` in memory type `mtype`.
  void write_dimension(const std::string& name, std::size_t size, std::int64_t ftype, std::int64_t mtype,
                       const void* data, const DimOptions& opt);
  template <class C>
  void define_numeric_dimension(const std::string& name, std::span<const C> coords, const DimOptions& opt);
  std::int64_t create_dataset(const std::string& name, const std::vector<std::string>& dims, int type_tag,
                              const VarOptions& opt, std::vector<std::size_t>& shape);
  std::int64_t open_object(const std::string& object, const std::string& operation) const;

  std::filesystem::path path_;
  std::int64_t id_ = -1;  // hid_t of the file
  bool writable_ = false;
  std::vector<Dim> dims_;  // dimensions defined through this handle, in _Netcdf4Dimid order
};

}  // namespace chainsim::io::h5
