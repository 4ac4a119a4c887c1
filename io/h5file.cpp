// Implementation notes. The files must open in ncdump, netCDF4-python, h5py and xarray
// (engines "netcdf4" and "h5netcdf") without custom code, and identical calls must give
// identical bytes. The recipe that achieves this, which the comments below refer to:
//  1. Creation order: link and attribute creation order tracked and indexed on the root
//     group, attribute creation order on every dataset, as netCDF-C does for every object it
//     writes (netCDF-C needs it to modify a file; large attributes such as the embedded
//     configuration then go to dense storage instead of hitting the 64 KiB object-header
//     limit).
//  2. Dimensions: every coordinate is an HDF5 dimension scale named after its link, written
//     before the variables that use it, with a scalar int32 `_Netcdf4Dimid` (0, 1, 2, ...) on
//     every scale; every variable has a scale attached on every axis. netCDF-C and h5netcdf
//     reject a variable with some axes labelled and others not, and h5netcdf names a
//     dimension after the scale's link, not its NAME attribute.
//  3. Types: text as scalar variable-length UTF-8 strings (the form h5py writes for a str,
//     which every reader returns as str); no bool (h5netcdf refuses it as "not netCDF"; int8
//     with flag_values instead); no _FillValue on integer counts (xarray turns an integer
//     variable with _FillValue into float64).
//  4. Reproducibility: no access/modification timestamps on any object. HDF5 stamps them by
//     default, so two identical runs would otherwise differ in bytes.
//  5. Compatibility: library format bounds EARLIEST..V18, so HDF5 1.8-era tools read the files;
//     never LATEST, which only single-writer/multiple-reader mode needs and we do not use.
//  6. Locking: HDF5's file locking fails on some network file systems (NFS, Lustre); the
//     error message then says how to switch it off.
//
// Debian's HDF5 1.10.8 is built with H5_USE_18_API_DEFAULT, so unversioned names map to the
// 1.8 API; every call here names its version (H5Dcreate2, H5Eset_auto2, ...) explicitly.
#include "io/h5file.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <type_traits>

namespace chainsim::io::h5 {

static_assert(std::is_same_v<hid_t, std::int64_t>, "the header stores hid_t as int64_t");

namespace {

// ---- Errors -------------------------------------------------------------------------------

// Set when HDF5 fails to create or close a file or object (exit_cleanup_unsafe()
// in the header).
std::atomic<bool> g_cleanup_unsafe{false};

// Switches HDF5's automatic error-stack printing off while wrapper code runs and restores
// the caller's setting afterwards, so failures surface only as one Error message and other
// HDF5 users in the process keep their own setting.
class ErrorSilencer {
 public:
  ErrorSilencer() {
    restore_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~ErrorSilencer() {
    if (restore_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
  }
  ErrorSilencer(const ErrorSilencer&) = delete;
  ErrorSilencer& operator=(const ErrorSilencer&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool restore_ = false;
};

// The innermost (most specific) message on HDF5's error stack, e.g. the driver's
// "unable to open file: name = ..., errno = 2, error message = 'No such file or directory'".
// Takes the stack, so the next failure starts from a clean one.
std::string hdf5_detail() {
  const hid_t stack = H5Eget_current_stack();
  if (stack < 0) return {};
  std::string detail;
  H5Ewalk2(
      stack, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* err, void* out) -> herr_t {
        if (err->desc != nullptr) *static_cast<std::string*>(out) = err->desc;
        return 1;  // stop after the innermost entry
      },
      &detail);
  H5Eclose_stack(stack);
  // The POSIX driver's message lists its call's arguments (time, descriptor,
  // buffer address, sizes) around the one part a user needs: keep
  // "file write failed: No space left on device (errno 28)".
  const auto said = detail.find("error message = '");
  const auto number = detail.find("errno = ");
  if (said != std::string::npos && number != std::string::npos) {
    const auto text_end = detail.find('\'', said + 17);
    const std::string what =
        detail.substr(said + 17, text_end == std::string::npos ? std::string::npos : text_end - said - 17);
    const std::string err = detail.substr(number + 8, detail.find_first_not_of("0123456789", number + 8) - number - 8);
    const auto colon = detail.find(": ");
    detail = (colon == std::string::npos || colon > said ? std::string() : detail.substr(0, colon) + ": ") + what +
             " (errno " + err + ")";
  }
  // File locking fails on some network file systems (recipe 6).
  if (detail.find("lock") != std::string::npos) detail += " (on NFS/Lustre, try HDF5_USE_FILE_LOCKING=FALSE)";
  return detail;
}

[[noreturn]] void throw_hdf5(const std::string& file, const std::string& object, const std::string& operation) {
  throw Error(file, object, operation, hdf5_detail());
}

// Throws if an HDF5 return value (hid_t, herr_t, htri_t, ssize_t) signals failure.
template <class R>
R check(R r, const std::string& file, const std::string& object, const std::string& operation) {
  if (r < 0) throw_hdf5(file, object, operation);
  return r;
}

// ---- Handles ------------------------------------------------------------------------------

// Owns one hid_t and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer closer) : id_(id), close_(closer) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const noexcept { return id_; }
  operator hid_t() const noexcept { return id_; }  // NOLINT: pass straight to H5 calls
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  // Closes now and reports failure (used where a failed close must not go unnoticed).
  herr_t close() noexcept {
    const herr_t rc = id_ >= 0 ? close_(std::exchange(id_, H5I_INVALID_HID)) : 0;
    if (rc < 0) g_cleanup_unsafe = true;
    return rc;
  }

 private:
  void reset() noexcept {
    if (id_ >= 0) {
      ErrorSilencer quiet;
      if (close_(id_) < 0) g_cleanup_unsafe = true;
    }
    id_ = H5I_INVALID_HID;
  }
  hid_t id_;
  Closer close_;
};

// Closes an id whose owner is going away, without printing or throwing.
void close_quietly(hid_t id, Handle::Closer closer) noexcept {
  if (id >= 0) {
    ErrorSilencer quiet;
    if (closer(id) < 0) g_cleanup_unsafe = true;
  }
}

// Checked constructors for the handle kinds used here.
struct Ctx {
  const std::string& file;
  const std::string& object;
  const std::string& operation;
  template <class R>
  R ok(R r) const {
    return check(r, file, object, operation);
  }
  Handle space(hid_t id) const { return Handle(ok(id), H5Sclose); }
  Handle plist(hid_t id) const { return Handle(ok(id), H5Pclose); }
  Handle type(hid_t id) const { return Handle(ok(id), H5Tclose); }
  Handle dataset(hid_t id) const { return Handle(ok(id), H5Dclose); }
  Handle attr(hid_t id) const { return Handle(ok(id), H5Aclose); }
  Handle object_(hid_t id) const { return Handle(ok(id), H5Oclose); }
};

// ---- Element types ------------------------------------------------------------------------

enum Tag : int { kI8, kU8, kI16, kI32, kI64, kF32, kF64, kString };

template <class T>
constexpr int tag_of() {
  if constexpr (std::is_same_v<T, std::int8_t>) return kI8;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return kU8;
  else if constexpr (std::is_same_v<T, std::int16_t>) return kI16;
  else if constexpr (std::is_same_v<T, std::int32_t>) return kI32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return kI64;
  else if constexpr (std::is_same_v<T, float>) return kF32;
  else return kF64;
}

hid_t mem_type(int tag) {
  switch (tag) {
    case kI8: return H5T_NATIVE_INT8;
    case kU8: return H5T_NATIVE_UINT8;
    case kI16: return H5T_NATIVE_INT16;
    case kI32: return H5T_NATIVE_INT32;
    case kI64: return H5T_NATIVE_INT64;
    case kF32: return H5T_NATIVE_FLOAT;
    default: return H5T_NATIVE_DOUBLE;
  }
}

// Little-endian on disk whatever the host, so the same run gives the same bytes everywhere.
hid_t file_type(int tag) {
  switch (tag) {
    case kI8: return H5T_STD_I8LE;
    case kU8: return H5T_STD_U8LE;
    case kI16: return H5T_STD_I16LE;
    case kI32: return H5T_STD_I32LE;
    case kI64: return H5T_STD_I64LE;
    case kF32: return H5T_IEEE_F32LE;
    default: return H5T_IEEE_F64LE;
  }
}

const char* type_name(int tag) {
  static constexpr std::array<const char*, 8> names{"int8",  "uint8", "int16",  "int32",
                                                    "int64", "float", "double", "string"};
  return names.at(static_cast<std::size_t>(tag));
}

// Variable-length UTF-8 string: netCDF-4's NC_STRING and what h5py writes for a Python str
// (recipe 3), so h5py, netCDF4 and xarray all return str.
Handle vlen_utf8(const Ctx& c) {
  Handle t = c.type(H5Tcopy(H5T_C_S1));
  c.ok(H5Tset_size(t, H5T_VARIABLE));
  c.ok(H5Tset_cset(t, H5T_CSET_UTF8));
  return t;
}

// ---- Validation ---------------------------------------------------------------------------

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr std::array<std::uint32_t, 5> min_cp{0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Text stored as a C string: no NUL inside, valid UTF-8 (the type says UTF-8). "" if fine.
std::string text_problem(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return "text contains a NUL byte";
  if (!valid_utf8(s)) return "text is not valid UTF-8";
  return {};
}

// A netCDF name for a dimension, variable or attribute (netCDF-C NC_check_name, simplified):
// non-empty UTF-8, no '/', no control characters, no leading/trailing whitespace.
std::string name_problem(std::string_view n) {
  if (n.empty()) return "empty name";
  if (n.find('/') != std::string_view::npos) return "name contains '/'";
  if (!valid_utf8(n)) return "name is not valid UTF-8";
  for (char ch : n)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) return "name contains a control character";
  if (n.front() == ' ' || n.back() == ' ') return "name has leading or trailing whitespace";
  return {};
}

// Opens dataset `name` of the file `file_id` for reading, after the checks every read makes.
Handle open_dataset(const Ctx& c, hid_t file_id, const std::string& name) {
  if (file_id < 0) throw Error(c.file, name, c.operation, "file is closed");
  if (auto p = name_problem(name); !p.empty()) throw Error(c.file, name, c.operation, p);
  return c.dataset(H5Dopen2(file_id, name.c_str(), H5P_DEFAULT));
}

// Attributes the netCDF-4 layout itself owns (h5netcdf hides and refuses the same list);
// _FillValue must match the variable's type and fill property, so it goes via VarOptions.
bool reserved_attribute(std::string_view n) {
  static constexpr std::array<std::string_view, 9> reserved{"CLASS",          "NAME",          "DIMENSION_LIST",
                                                            "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
                                                            "_nc3_strict",    "_NCProperties", "_FillValue"};
  return std::find(reserved.begin(), reserved.end(), n) != reserved.end();
}

std::string object_path(const std::string& object) {
  return object.empty() || object == "/" ? std::string("/") : object;
}

// ---- Property lists -----------------------------------------------------------------------

// Dataset creation: attribute creation order tracked+indexed as netCDF-C does for every
// object (recipe 1), and no access/modification timestamps (recipe 4).
Handle dataset_plist(const Ctx& c) {
  Handle p = c.plist(H5Pcreate(H5P_DATASET_CREATE));
  c.ok(H5Pset_attr_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
  c.ok(H5Pset_obj_track_times(p, 0));
  return p;
}

// Link and attribute names are UTF-8.
Handle link_plist(const Ctx& c) {
  Handle p = c.plist(H5Pcreate(H5P_LINK_CREATE));
  c.ok(H5Pset_char_encoding(p, H5T_CSET_UTF8));
  return p;
}

Handle attr_plist(const Ctx& c) {
  Handle p = c.plist(H5Pcreate(H5P_ATTRIBUTE_CREATE));
  c.ok(H5Pset_char_encoding(p, H5T_CSET_UTF8));
  return p;
}

// File access: H5F_CLOSE_SEMI makes H5Fclose fail while an object is still open instead of
// silently leaving the file open and unflushed; EARLIEST..V18 keeps the format readable by
// HDF5 1.8-era tools, as netCDF-C itself does (never LATEST; recipe 5).
Handle file_access_plist(const Ctx& c) {
  Handle p = c.plist(H5Pcreate(H5P_FILE_ACCESS));
  c.ok(H5Pset_fclose_degree(p, H5F_CLOSE_SEMI));
  c.ok(H5Pset_libver_bounds(p, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18));
  return p;
}

// ---- Attributes ---------------------------------------------------------------------------

// Creates (replacing any existing one) attribute `name` on `obj`.
void write_attr(const Ctx& c, hid_t obj, const std::string& name, hid_t ftype, hid_t space, hid_t mtype,
                const void* buf) {
  if (c.ok(H5Aexists(obj, name.c_str())) > 0) c.ok(H5Adelete(obj, name.c_str()));
  Handle acpl = attr_plist(c);
  Handle a = c.attr(H5Acreate2(obj, name.c_str(), ftype, space, acpl, H5P_DEFAULT));
  c.ok(H5Awrite(a, mtype, buf));
  c.ok(a.close());
}

void write_string_attr(const Ctx& c, hid_t obj, const std::string& name, const std::string& value) {
  Handle t = vlen_utf8(c);
  Handle s = c.space(H5Screate(H5S_SCALAR));
  const char* p = value.c_str();
  write_attr(c, obj, name, t, s, t, &p);
}

template <class T>
void write_scalar_attr(const Ctx& c, hid_t obj, const std::string& name, T value) {
  Handle s = c.space(H5Screate(H5S_SCALAR));
  write_attr(c, obj, name, file_type(tag_of<T>()), s, mem_type(tag_of<T>()), &value);
}

void check_attr_name(const std::string& file, const std::string& object, const std::string& name,
                     const std::string& operation) {
  if (auto p = name_problem(name); !p.empty()) throw Error(file, object, operation, "attribute \"" + name + "\": " + p);
  if (reserved_attribute(name))
    throw Error(file, object, operation,
                "attribute \"" + name + "\" is reserved by the netCDF-4 layout" +
                    (name == "_FillValue" ? " (use VarOptions::fill_value)" : ""));
}

void write_attr_lists(const Ctx& c, hid_t obj, const StringAttrs& strings, const DoubleAttrs& doubles) {
  for (const auto& [k, v] : strings) {
    check_attr_name(c.file, c.object, k, c.operation);
    if (auto p = text_problem(v); !p.empty())
      throw Error(c.file, c.object, c.operation, "attribute \"" + k + "\": " + p);
    write_string_attr(c, obj, k, v);
  }
  for (const auto& [k, v] : doubles) {
    check_attr_name(c.file, c.object, k, c.operation);
    write_scalar_attr(c, obj, k, v);
  }
}

// ---- Strings ------------------------------------------------------------------------------

std::vector<const char*> c_strings(const Ctx& c, std::span<const std::string> values) {
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) {
    if (auto p = text_problem(v); !p.empty()) throw Error(c.file, c.object, c.operation, "string \"" + v + "\": " + p);
    ptrs.push_back(v.c_str());
  }
  return ptrs;
}

// Reads `n` strings of string type `ftype` with `read(mtype, buffer)` (H5Dread or H5Aread),
// variable-length or fixed-length alike.
template <class Read>
std::vector<std::string> read_string_values(const Ctx& c, hid_t ftype, hid_t space, std::size_t n, Read read) {
  std::vector<std::string> out;
  out.reserve(n);
  // Same type, cset included (HDF5 does not convert between character sets), as memory type.
  Handle mtype = c.type(H5Tcopy(ftype));
  if (c.ok(H5Tis_variable_str(ftype)) > 0) {
    std::vector<char*> buf(n, nullptr);
    if (n > 0) c.ok(read(mtype.get(), static_cast<void*>(buf.data())));
    for (char* s : buf) out.emplace_back(s != nullptr ? s : "");
    if (n > 0) c.ok(H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, buf.data()));
  } else {
    const std::size_t size = H5Tget_size(ftype);
    if (size == 0) throw_hdf5(c.file, c.object, c.operation);
    std::vector<char> buf(n * size);
    if (n > 0) c.ok(read(mtype.get(), static_cast<void*>(buf.data())));
    const bool space_pad = H5Tget_strpad(ftype) == H5T_STR_SPACEPAD;
    for (std::size_t i = 0; i < n; ++i) {
      std::string_view s(buf.data() + i * size, size);
      s = s.substr(0, s.find('\0'));
      if (space_pad) s = s.substr(0, s.find_last_not_of(' ') + 1);
      out.emplace_back(s);
    }
  }
  return out;
}

std::size_t npoints(const Ctx& c, hid_t space) {
  return static_cast<std::size_t>(c.ok(H5Sget_simple_extent_npoints(space)));
}

// Refuses reads that could silently round or clip: the stored type must be of T's class
// (integer or float) and no wider than T (unsigned fits signed only if strictly narrower).
template <class T>
void check_readable_as(const Ctx& c, hid_t ftype) {
  const H5T_class_t cls = H5Tget_class(ftype);
  const std::size_t size = H5Tget_size(ftype);
  bool ok = false;
  if constexpr (std::is_integral_v<T>) {
    if (cls == H5T_INTEGER) {
      const bool stored_signed = H5Tget_sign(ftype) == H5T_SGN_2;
      if (stored_signed == std::is_signed_v<T>) ok = size <= sizeof(T);
      else ok = !stored_signed && size < sizeof(T);
    }
  } else {
    ok = cls == H5T_FLOAT && size <= sizeof(T);
  }
  if (!ok)
    throw Error(c.file, c.object, c.operation,
                std::string("stored ") + std::to_string(size) + "-byte " +
                    (cls == H5T_INTEGER ? "integer"
                     : cls == H5T_FLOAT ? "float"
                                        : "non-numeric") +
                    " values cannot be read as " + type_name(tag_of<T>()) + " without loss");
}

// ---- Fill values --------------------------------------------------------------------------

template <class T>
bool convert_fill(double v, T& out) {
  if constexpr (std::is_integral_v<T>) {
    if (!std::isfinite(v) || v != std::trunc(v)) return false;
    if (v < static_cast<double>(std::numeric_limits<T>::lowest())) return false;
    // max()+1 is a power of two, so exact in double even for int64.
    if (v >= static_cast<double>(std::numeric_limits<T>::max()) + 1.0) return false;
    out = static_cast<T>(v);
    return true;
  } else {
    out = static_cast<T>(v);
    return std::isnan(v) || static_cast<double>(out) == v;
  }
}

// Calls f(T{}) with the C++ type of a numeric tag.
template <class F>
decltype(auto) with_type(int tag, F&& f) {
  switch (tag) {
    case kI8: return f(std::int8_t{});
    case kU8: return f(std::uint8_t{});
    case kI16: return f(std::int16_t{});
    case kI32: return f(std::int32_t{});
    case kI64: return f(std::int64_t{});
    case kF32: return f(float{});
    default: return f(double{});
  }
}

std::vector<hsize_t> to_hsize(const std::vector<std::size_t>& v) { return {v.begin(), v.end()}; }

std::size_t product(const std::vector<std::size_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::size_t{1}, std::multiplies<>());
}

const std::string kRoot = "/";

}  // namespace

// ==== Error ================================================================================

Error::Error(std::string file, std::string object, std::string operation, std::string detail)
    : std::runtime_error("HDF5 error in file \"" + file + "\", object \"" + object + "\": " + operation +
                         (detail.empty() ? std::string() : ": " + detail)),
      file_(std::move(file)),
      object_(std::move(object)),
      operation_(std::move(operation)),
      detail_(std::move(detail)) {}

// ==== Variable =============================================================================

Variable::Variable(std::string file, std::string name, std::int64_t id, int type_tag, std::vector<std::size_t> shape,
                   const VarOptions& opt)
    : file_(std::move(file)),
      name_(std::move(name)),
      id_(id),
      type_tag_(type_tag),
      shape_(std::move(shape)),
      chunk_(opt.chunk),
      filters_{.shuffle = opt.shuffle, .deflate_level = opt.deflate_level},
      fletcher32_(opt.fletcher32) {}

Variable::Variable(Variable&& o) noexcept
    : file_(std::move(o.file_)),
      name_(std::move(o.name_)),
      id_(std::exchange(o.id_, -1)),
      type_tag_(o.type_tag_),
      shape_(std::move(o.shape_)),
      chunk_(std::move(o.chunk_)),
      filters_(o.filters_),
      fletcher32_(o.fletcher32_) {}

Variable& Variable::operator=(Variable&& o) noexcept {
  if (this != &o) {
    close_quietly(id_, H5Dclose);
    file_ = std::move(o.file_);
    name_ = std::move(o.name_);
    id_ = std::exchange(o.id_, -1);
    type_tag_ = o.type_tag_;
    shape_ = std::move(o.shape_);
    chunk_ = std::move(o.chunk_);
    filters_ = o.filters_;
    fletcher32_ = o.fletcher32_;
  }
  return *this;
}

Variable::~Variable() { close_quietly(id_, H5Dclose); }

void Variable::close() {
  if (id_ < 0) return;
  ErrorSilencer quiet;
  const herr_t rc = H5Dclose(std::exchange(id_, -1));
  if (rc < 0) g_cleanup_unsafe = true;
  check(rc, file_, name_, "close variable");
}

template <Element T>
void Variable::write_block(const std::vector<std::size_t>& start, const std::vector<std::size_t>& count,
                           std::span<const T> data) {
  ErrorSilencer quiet;
  const std::string op = "write block";
  const Ctx c{file_, name_, op};
  if (id_ < 0) throw Error(file_, name_, op, "variable is closed");
  if (tag_of<T>() != type_tag_)
    throw Error(file_, name_, op,
                std::string("data are ") + type_name(tag_of<T>()) + " but the variable is " + type_name(type_tag_));
  if (start.size() != shape_.size() || count.size() != shape_.size())
    throw Error(file_, name_, op,
                "start/count have " + std::to_string(start.size()) + "/" + std::to_string(count.size()) +
                    " entries, the variable has " + std::to_string(shape_.size()) + " dimensions");
  for (std::size_t i = 0; i < shape_.size(); ++i)
    if (count[i] > shape_[i] || start[i] > shape_[i] - count[i])
      throw Error(file_, name_, op,
                  "block [" + std::to_string(start[i]) + ", " + std::to_string(start[i] + count[i]) +
                      ") exceeds dimension " + std::to_string(i) + " of size " + std::to_string(shape_[i]));
  const std::size_t n = product(count);
  if (data.size() != n)
    throw Error(file_, name_, op,
                "block holds " + std::to_string(n) + " values but " + std::to_string(data.size()) + " were given");
  if (n == 0) return;
  if (shape_.empty()) {  // scalar: the whole (single-value) dataset
    c.ok(H5Dwrite(id_, mem_type(type_tag_), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()));
    return;
  }
  Handle fspace = c.space(H5Dget_space(id_));
  const auto hstart = to_hsize(start), hcount = to_hsize(count);
  c.ok(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, hstart.data(), nullptr, hcount.data(), nullptr));
  const hsize_t hn = n;
  Handle mspace = c.space(H5Screate_simple(1, &hn, nullptr));
  c.ok(H5Dwrite(id_, mem_type(type_tag_), mspace, fspace, H5P_DEFAULT, data.data()));
}

template <Element T>
std::vector<unsigned char> Variable::encode_chunk(std::span<const T> data) const {
  static_assert(std::endian::native == std::endian::little,
                "chunks are encoded from memory, which must be in the file's (little-endian) byte order");
  const std::string op = "encode chunk";
  if (tag_of<T>() != type_tag_)
    throw Error(file_, name_, op,
                std::string("data are ") + type_name(tag_of<T>()) + " but the variable is " + type_name(type_tag_));
  if (chunk_.empty()) throw Error(file_, name_, op, "the variable is not chunked");
  if (fletcher32_) throw Error(file_, name_, op, "the fletcher32 checksum is not supported here");
  if (data.size() != product(chunk_))
    throw Error(file_, name_, op,
                "a chunk holds " + std::to_string(product(chunk_)) + " values but " + std::to_string(data.size()) +
                    " were given");
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  return h5::encode_chunk(std::span<const unsigned char>(bytes, data.size_bytes()), sizeof(T), filters_);
}

void Variable::write_chunk(const std::vector<std::size_t>& start, std::span<const unsigned char> encoded) {
  ErrorSilencer quiet;
  const std::string op = "write chunk";
  const Ctx c{file_, name_, op};
  if (id_ < 0) throw Error(file_, name_, op, "variable is closed");
  if (chunk_.empty()) throw Error(file_, name_, op, "the variable is not chunked");
  if (start.size() != shape_.size())
    throw Error(file_, name_, op,
                "start has " + std::to_string(start.size()) + " entries, the variable has " +
                    std::to_string(shape_.size()) + " dimensions");
  for (std::size_t i = 0; i < shape_.size(); ++i)
    if (start[i] % chunk_[i] != 0 || start[i] >= shape_[i])
      throw Error(file_, name_, op,
                  "start " + std::to_string(start[i]) + " along dimension " + std::to_string(i) +
                      " is not the first element of a chunk of size " + std::to_string(chunk_[i]) +
                      " inside the dimension of size " + std::to_string(shape_[i]));
  const auto offset = to_hsize(start);
  // Filter mask 0: every filter of the variable was applied (by encode_chunk).
  c.ok(H5Dwrite_chunk(id_, H5P_DEFAULT, 0u, offset.data(), encoded.size(), encoded.data()));
}

template <Element T>
void Variable::write_rows(std::size_t first_row, std::size_t nrows, std::span<const T> data) {
  if (shape_.empty()) throw Error(file_, name_, "write rows", "the variable is a scalar");
  std::vector<std::size_t> start(shape_.size(), 0), count = shape_;
  start[0] = first_row;
  count[0] = nrows;
  write_block(start, count, data);
}

// ==== File: lifetime =======================================================================

File::File(std::filesystem::path p, std::int64_t id, bool writable)
    : path_(std::move(p)), id_(id), writable_(writable) {}

File::File(File&& o) noexcept
    : path_(std::move(o.path_)), id_(std::exchange(o.id_, -1)), writable_(o.writable_), dims_(std::move(o.dims_)) {}

File& File::operator=(File&& o) noexcept {
  if (this != &o) {
    close_quietly(id_, H5Fclose);
    path_ = std::move(o.path_);
    id_ = std::exchange(o.id_, -1);
    writable_ = o.writable_;
    dims_ = std::move(o.dims_);
  }
  return *this;
}

File::~File() {
  // Best effort, quiet. If a Variable is still open, H5F_CLOSE_SEMI makes H5Fclose fail and
  // the file stays open until the process ends: destroy Variables first, and call close()
  // to see errors.
  close_quietly(id_, H5Fclose);
}

File File::create(const std::filesystem::path& p) {
  ErrorSilencer quiet;
  const std::string f = p.string(), op = "create file";
  const Ctx c{f, kRoot, op};
  // Recipe 1: link and attribute creation order tracked+indexed (netCDF-C does this for
  // every group), and no timestamps on the root group (recipe 4: with creation-order
  // tracking the root gets a v2 object header that would otherwise store times).
  Handle fcpl = c.plist(H5Pcreate(H5P_FILE_CREATE));
  c.ok(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
  c.ok(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
  c.ok(H5Pset_obj_track_times(fcpl, 0));
  Handle fapl = file_access_plist(c);
  const hid_t id = H5Fcreate(f.c_str(), H5F_ACC_TRUNC, fcpl, fapl);
  // A create that fails once the file exists (a full disk while the
  // superblock is written) leaves HDF5 holding a half-made file it cannot
  // release at exit ("infinite loop closing library").
  if (id < 0) g_cleanup_unsafe = true;
  return File(p, c.ok(id), true);
}

File File::open_read(const std::filesystem::path& p) {
  ErrorSilencer quiet;
  const std::string f = p.string(), op = "open file for reading";
  const Ctx c{f, kRoot, op};
  // Same access properties as create(): HDF5 refuses to open one file twice in a process
  // with different close degrees.
  Handle fapl = file_access_plist(c);
  const hid_t id = c.ok(H5Fopen(f.c_str(), H5F_ACC_RDONLY, fapl));
  return File(p, id, false);
}

void File::flush() {
  if (id_ < 0 || !writable_) return;
  ErrorSilencer quiet;
  check(H5Fflush(id_, H5F_SCOPE_GLOBAL), path_.string(), kRoot, "flush file");
}

void File::close() {
  if (id_ < 0) return;
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "close file";
  const ssize_t open =
      check(H5Fget_obj_count(id_, H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR | H5F_OBJ_LOCAL), f,
            kRoot, op);
  if (open > 0)
    throw Error(f, kRoot, op,
                std::to_string(open) + " object(s) of this file still open (close or destroy every Variable first)");
  const herr_t rc = H5Fclose(std::exchange(id_, -1));
  if (rc < 0) g_cleanup_unsafe = true;
  check(rc, f, kRoot, op);
}

void File::discard() noexcept {
  if (id_ < 0 || !writable_) return;
  // Emptied by name: HDF5 keeps writing through its own descriptor, into a
  // file that now takes no space beyond what the close writes. A failure
  // leaves nothing to do: the close may still find room.
  const int ignored = ::truncate(path_.c_str(), 0);
  (void)ignored;
}

bool exit_cleanup_unsafe() noexcept { return g_cleanup_unsafe.load(); }

std::string invalid_text_reason(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return "contains a NUL byte";
  if (!valid_utf8(text)) return "is not valid UTF-8";
  return {};
}

std::string escaped(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    // The longest valid UTF-8 sequence starting here, if any, is kept as it is.
    std::size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (len > 1 && (i + len > text.size() || !valid_utf8(text.substr(i, len)))) len = 0;
    if (len == 1 && (b < 0x20 || b == 0x7F)) len = 0;
    if (len == 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

// ==== File: helpers ========================================================================

void File::require_writable(const std::string& object, const std::string& operation) const {
  if (id_ < 0) throw Error(path_.string(), object, operation, "file is closed");
  if (!writable_) throw Error(path_.string(), object, operation, "file is open read-only");
}

void File::require_new_name(const std::string& name, const std::string& operation) const {
  const std::string f = path_.string();
  if (auto p = name_problem(name); !p.empty()) throw Error(f, name, operation, p);
  if (check(H5Lexists(id_, name.c_str(), H5P_DEFAULT), f, name, operation) > 0)
    throw Error(f, name, operation, "an object of that name already exists");
}

const File::Dim& File::find_dim(const std::string& variable, const std::string& dim) const {
  for (const auto& d : dims_)
    if (d.name == dim) return d;
  throw Error(path_.string(), variable, "create variable",
              "unknown dimension \"" + dim + "\" (define it with define_dimension first)");
}

// The shape of a variable over `dims`, checked against the number of values
// before anything is created, so a mistake leaves no half-made variable.
std::vector<std::size_t> File::shape_for_values(const std::string& variable, const std::vector<std::string>& dims,
                                                std::size_t values, const std::string& operation) const {
  std::vector<std::size_t> shape;
  for (const auto& d : dims) shape.push_back(find_dim(variable, d).size);
  if (values != product(shape))
    throw Error(
        path_.string(), variable, operation,
        "data hold " + std::to_string(values) + " values, the dimensions need " + std::to_string(product(shape)));
  return shape;
}

std::int64_t File::open_object(const std::string& object, const std::string& operation) const {
  const std::string f = path_.string();
  if (id_ < 0) throw Error(f, object, operation, "file is closed");
  const std::string p = object_path(object);
  if (p != "/") {
    if (auto prob = name_problem(p); !prob.empty()) throw Error(f, object, operation, prob);
    if (check(H5Lexists(id_, p.c_str(), H5P_DEFAULT), f, object, operation) <= 0)
      throw Error(f, object, operation, "no such variable");
  }
  return check(H5Oopen(id_, p.c_str(), H5P_DEFAULT), f, object, operation);
}

// Dimension scale (recipe 2): H5DSset_scale names it after its link, and
// `_Netcdf4Dimid` (scalar int32) on every scale fixes the dimension ids for netCDF-C.
void File::finish_dimension(const std::string& name, std::int64_t dataset, std::size_t size, const DimOptions& opt) {
  const std::string f = path_.string(), op = "define dimension";
  const Ctx c{f, name, op};
  c.ok(H5DSset_scale(dataset, name.c_str()));
  write_scalar_attr(c, dataset, "_Netcdf4Dimid", static_cast<std::int32_t>(dims_.size()));
  write_attr_lists(c, dataset, opt.string_attrs, opt.double_attrs);
  dims_.push_back({name, size});
}

void File::write_dimension(const std::string& name, std::size_t size, std::int64_t ftype, std::int64_t mtype,
                           const void* data, const DimOptions& opt) {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "define dimension";
  const Ctx c{f, name, op};
  require_writable(name, op);
  require_new_name(name, op);
  const hsize_t n = size;
  Handle space = c.space(H5Screate_simple(1, &n, nullptr));
  Handle dcpl = dataset_plist(c);
  Handle lcpl = link_plist(c);
  Handle ds = c.dataset(H5Dcreate2(id_, name.c_str(), ftype, space, lcpl, dcpl, H5P_DEFAULT));
  if (n > 0) c.ok(H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
  finish_dimension(name, ds, size, opt);
  c.ok(ds.close());
}

template <class C>
void File::define_numeric_dimension(const std::string& name, std::span<const C> coords, const DimOptions& opt) {
  const int tag = tag_of<C>();
  write_dimension(name, coords.size(), file_type(tag), mem_type(tag), coords.data(), opt);
}

void File::define_dimension(const std::string& name, std::span<const double> coords, const DimOptions& opt) {
  define_numeric_dimension(name, coords, opt);
}
void File::define_dimension(const std::string& name, std::span<const float> coords, const DimOptions& opt) {
  define_numeric_dimension(name, coords, opt);
}
void File::define_dimension(const std::string& name, std::span<const std::int32_t> coords, const DimOptions& opt) {
  define_numeric_dimension(name, coords, opt);
}
void File::define_dimension(const std::string& name, std::span<const std::int64_t> coords, const DimOptions& opt) {
  define_numeric_dimension(name, coords, opt);
}

void File::define_dimension(const std::string& name, std::span<const std::string> coords, const DimOptions& opt) {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "define dimension";
  const Ctx c{f, name, op};
  const auto ptrs = c_strings(c, coords);  // each a valid string, or an error naming it
  Handle t = vlen_utf8(c);
  write_dimension(name, coords.size(), t, t, ptrs.data(), opt);
}

// netCDF-C's "dimension without variable" (recipe 2): a float dataset of the
// dimension's length, never written (so no storage), whose NAME is the fixed phrase
// followed by the length in "%10d"; readers then list the dimension but no variable.
void File::define_dimension_without_coords(const std::string& name, std::size_t size) {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "define dimension";
  const Ctx c{f, name, op};
  require_writable(name, op);
  require_new_name(name, op);
  if (size > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw Error(f, name, op, "size does not fit netCDF's %10d dimension-length field");
  const hsize_t n = size;
  Handle space = c.space(H5Screate_simple(1, &n, nullptr));
  Handle dcpl = dataset_plist(c);
  Handle lcpl = link_plist(c);
  Handle ds = c.dataset(H5Dcreate2(id_, name.c_str(), H5T_IEEE_F32BE, space, lcpl, dcpl, H5P_DEFAULT));
  std::array<char, 96> scale_name{};
  std::snprintf(scale_name.data(), scale_name.size(), "%s%10d", "This is a netCDF dimension but not a netCDF variable.",
                static_cast<int>(size));
  c.ok(H5DSset_scale(ds, scale_name.data()));
  write_scalar_attr(c, ds, "_Netcdf4Dimid", static_cast<std::int32_t>(dims_.size()));
  dims_.push_back({name, size});
  c.ok(ds.close());
}

// ==== File: variables ======================================================================

// Creates the dataset of a variable (recipe 2): chunking and filters, fill value
// only when asked, scales attached on every axis (all or none, or netCDF-C and h5netcdf
// reject it), then _FillValue and the user's attributes. Returns the open dataset.
std::int64_t File::create_dataset(const std::string& name, const std::vector<std::string>& dims, int type_tag,
                                  const VarOptions& opt, std::vector<std::size_t>& shape) {
  const std::string f = path_.string(), op = "create variable";
  const Ctx c{f, name, op};
  require_writable(name, op);
  require_new_name(name, op);
  shape.clear();
  for (const auto& d : dims) shape.push_back(find_dim(name, d).size);
  const std::size_t rank = shape.size();

  const bool filtered = opt.deflate_level > 0 || opt.shuffle || opt.fletcher32;
  if (opt.deflate_level < 0 || opt.deflate_level > 9) throw Error(f, name, op, "deflate_level must be 0..9");
  if (!opt.chunk.empty()) {
    if (opt.chunk.size() != rank)
      throw Error(
          f, name, op,
          "chunk has " + std::to_string(opt.chunk.size()) + " entries for " + std::to_string(rank) + " dimensions");
    for (std::size_t i = 0; i < rank; ++i)
      if (opt.chunk[i] < 1 || opt.chunk[i] > shape[i])
        throw Error(f, name, op,
                    "chunk size " + std::to_string(opt.chunk[i]) + " along \"" + dims[i] +
                        "\" must be between 1 and the dimension size " + std::to_string(shape[i]));
  } else if (filtered) {
    throw Error(f, name, op, "shuffle/deflate/fletcher32 need a chunk shape");
  }
  if (opt.fill_value && type_tag == kString) throw Error(f, name, op, "string variables take no fill value");

  Handle space = c.space(rank == 0 ? H5Screate(H5S_SCALAR) : [&] {
    const auto h = to_hsize(shape);
    return H5Screate_simple(static_cast<int>(rank), h.data(), nullptr);
  }());
  Handle dcpl = dataset_plist(c);
  if (!opt.chunk.empty()) {
    const auto h = to_hsize(opt.chunk);
    c.ok(H5Pset_chunk(dcpl, static_cast<int>(rank), h.data()));
    // Filter order as netCDF-C applies them: shuffle, deflate, then the checksum of the
    // compressed chunk. Only these filters decode everywhere without plugins
    // (szip is read-only in most builds; zstd and blosc need plugins).
    if (opt.shuffle) c.ok(H5Pset_shuffle(dcpl));
    if (opt.deflate_level > 0) c.ok(H5Pset_deflate(dcpl, static_cast<unsigned>(opt.deflate_level)));
    if (opt.fletcher32) c.ok(H5Pset_fletcher32(dcpl));
  }
  if (opt.fill_value) {
    with_type(type_tag, [&](auto zero) {
      using T = decltype(zero);
      T v{};
      if (!convert_fill(*opt.fill_value, v))
        throw Error(f, name, op,
                    "fill value " + std::to_string(*opt.fill_value) + " is not exactly representable as " +
                        type_name(type_tag));
      c.ok(H5Pset_fill_value(dcpl, mem_type(type_tag), &v));
    });
  }

  Handle lcpl = link_plist(c);
  Handle vtype = type_tag == kString ? vlen_utf8(c) : Handle(H5I_INVALID_HID, H5Tclose);
  const hid_t ftype = type_tag == kString ? vtype.get() : file_type(type_tag);
  Handle ds = c.dataset(H5Dcreate2(id_, name.c_str(), ftype, space, lcpl, dcpl, H5P_DEFAULT));

  for (std::size_t i = 0; i < rank; ++i) {
    Handle scale = c.dataset(H5Dopen2(id_, dims[i].c_str(), H5P_DEFAULT));
    c.ok(H5DSattach_scale(ds, scale, static_cast<unsigned>(i)));
  }

  if (opt.fill_value) {
    with_type(type_tag, [&](auto zero) {
      using T = decltype(zero);
      T v{};
      convert_fill(*opt.fill_value, v);
      write_scalar_attr(c, ds, "_FillValue", v);
    });
  }
  write_attr_lists(c, ds, opt.string_attrs, opt.double_attrs);
  return ds.release();
}

template <Element T>
void File::write_variable(const std::string& name, const std::vector<std::string>& dims, std::span<const T> data,
                          const VarOptions& opt) {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "write variable";
  const Ctx c{f, name, op};
  std::vector<std::size_t> shape = shape_for_values(name, dims, data.size(), op);
  Handle ds(create_dataset(name, dims, tag_of<T>(), opt, shape), H5Dclose);
  if (!data.empty()) c.ok(H5Dwrite(ds, mem_type(tag_of<T>()), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()));
  c.ok(ds.close());
}

void File::write_string_variable(const std::string& name, const std::vector<std::string>& dims,
                                 std::span<const std::string> data, const VarOptions& opt) {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "write variable";
  const Ctx c{f, name, op};
  std::vector<std::size_t> shape = shape_for_values(name, dims, data.size(), op);
  const auto ptrs = c_strings(c, data);
  Handle ds(create_dataset(name, dims, kString, opt, shape), H5Dclose);
  Handle t = vlen_utf8(c);
  if (!data.empty()) c.ok(H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()));
  c.ok(ds.close());
}

template <Element T>
Variable File::create_variable(const std::string& name, const std::vector<std::string>& dims, const VarOptions& opt) {
  ErrorSilencer quiet;
  std::vector<std::size_t> shape;
  const hid_t id = create_dataset(name, dims, tag_of<T>(), opt, shape);
  return Variable(path_.string(), name, id, tag_of<T>(), std::move(shape), opt);
}

// ==== File: attributes =====================================================================

template <class Write>
void File::write_attribute(const std::string& object, const std::string& name, Write write) {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "set attribute \"" + name + "\"", o = object_path(object);
  const Ctx c{f, o, op};
  require_writable(object, op);
  check_attr_name(f, object, name, op);
  Handle obj = c.object_(open_object(object, op));
  write(c, obj);
}

void File::set_attribute(const std::string& object, const std::string& name, std::string_view value) {
  write_attribute(object, name, [&](const Ctx& c, hid_t obj) {
    if (auto p = text_problem(value); !p.empty()) throw Error(c.file, object, c.operation, p);
    write_string_attr(c, obj, name, std::string(value));
  });
}

template <Element T>
void File::set_attribute(const std::string& object, const std::string& name, T value) {
  write_attribute(object, name, [&](const Ctx& c, hid_t obj) { write_scalar_attr(c, obj, name, value); });
}

template <Element T>
void File::set_attribute(const std::string& object, const std::string& name, std::span<const T> values) {
  write_attribute(object, name, [&](const Ctx& c, hid_t obj) {
    const hsize_t n = values.size();
    // An empty attribute is a null dataspace, as netCDF-C writes zero-length attributes.
    Handle space = c.space(n == 0 ? H5Screate(H5S_NULL) : H5Screate_simple(1, &n, nullptr));
    T dummy{};
    write_attr(c, obj, name, file_type(tag_of<T>()), space, mem_type(tag_of<T>()), n == 0 ? &dummy : values.data());
  });
}

// ==== File: reading ========================================================================

bool File::has_variable(const std::string& name) const {
  ErrorSilencer quiet;
  if (id_ < 0 || !name_problem(name).empty()) return false;
  const std::string f = path_.string(), op = "look up variable";
  if (check(H5Lexists(id_, name.c_str(), H5P_DEFAULT), f, name, op) <= 0) return false;
  Handle obj(check(H5Oopen(id_, name.c_str(), H5P_DEFAULT), f, name, op), H5Oclose);
  return H5Iget_type(obj) == H5I_DATASET;
}

bool File::has_attribute(const std::string& object, const std::string& name) const {
  ErrorSilencer quiet;
  const std::string op = "look up attribute \"" + name + "\"";
  Handle obj(open_object(object, op), H5Oclose);
  return check(H5Aexists(obj, name.c_str()), path_.string(), object_path(object), op) > 0;
}

std::vector<std::string> File::dimension_names() const {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "list dimensions";
  const Ctx c{f, kRoot, op};
  if (id_ < 0) throw Error(f, kRoot, op, "file is closed");
  std::vector<std::string> links;
  hsize_t idx = 0;
  c.ok(H5Literate(
      id_, H5_INDEX_NAME, H5_ITER_INC, &idx,
      [](hid_t, const char* n, const H5L_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(n);
        return 0;
      },
      &links));
  std::vector<std::pair<std::int64_t, std::string>> found;
  for (const auto& n : links) {
    Handle obj = c.object_(H5Oopen(id_, n.c_str(), H5P_DEFAULT));
    if (H5Iget_type(obj) != H5I_DATASET || c.ok(H5DSis_scale(obj)) <= 0) continue;
    std::int64_t dimid = std::numeric_limits<std::int64_t>::max();  // no id: after the others
    if (c.ok(H5Aexists(obj, "_Netcdf4Dimid")) > 0) {
      Handle a = c.attr(H5Aopen(obj, "_Netcdf4Dimid", H5P_DEFAULT));
      std::int32_t v = 0;
      c.ok(H5Aread(a, H5T_NATIVE_INT32, &v));
      dimid = v;
    }
    found.emplace_back(dimid, n);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [id, n] : found) out.push_back(std::move(n));
  return out;
}

std::vector<std::string> File::dimensions(const std::string& variable) const {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "read dimensions";
  const Ctx c{f, variable, op};
  Handle obj = c.object_(open_object(variable, op));
  if (H5Iget_type(obj) != H5I_DATASET) throw Error(f, variable, op, "not a variable");
  // A dimension scale is its own (only) dimension.
  if (c.ok(H5DSis_scale(obj)) > 0) return {variable};
  Handle space = c.space(H5Dget_space(obj));
  const int rank = c.ok(H5Sget_simple_extent_ndims(space));
  std::vector<std::string> out;
  for (int i = 0; i < rank; ++i) {
    std::string name;
    if (c.ok(H5DSget_num_scales(obj, static_cast<unsigned>(i))) > 0) {
      c.ok(H5DSiterate_scales(
          obj, static_cast<unsigned>(i), nullptr,
          [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
            const ssize_t len = H5Iget_name(scale, nullptr, 0);
            if (len < 0) return -1;
            std::string n(static_cast<std::size_t>(len) + 1, '\0');
            H5Iget_name(scale, n.data(), n.size());
            n.resize(static_cast<std::size_t>(len));
            if (!n.empty() && n.front() == '/') n.erase(0, 1);
            *static_cast<std::string*>(out) = n;
            return 1;  // first attached scale is enough
          },
          &name));
    }
    out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::size_t> File::shape(const std::string& variable) const {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "read shape";
  const Ctx c{f, variable, op};
  Handle ds = c.dataset(H5Dopen2(id_, variable.c_str(), H5P_DEFAULT));
  Handle space = c.space(H5Dget_space(ds));
  const int rank = c.ok(H5Sget_simple_extent_ndims(space));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  c.ok(H5Sget_simple_extent_dims(space, dims.data(), nullptr));
  return {dims.begin(), dims.end()};
}

template <Element T>
std::vector<T> File::read_variable(const std::string& name) const {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "read variable";
  const Ctx c{f, name, op};
  Handle ds = open_dataset(c, id_, name);
  Handle ftype = c.type(H5Dget_type(ds));
  check_readable_as<T>(c, ftype);
  Handle space = c.space(H5Dget_space(ds));
  std::vector<T> out(npoints(c, space));
  if (!out.empty()) c.ok(H5Dread(ds, mem_type(tag_of<T>()), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()));
  return out;
}

std::vector<std::string> File::read_strings(const std::string& name) const {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "read strings";
  const Ctx c{f, name, op};
  Handle ds = open_dataset(c, id_, name);
  Handle ftype = c.type(H5Dget_type(ds));
  if (H5Tget_class(ftype) != H5T_STRING) throw Error(f, name, op, "not a string variable");
  Handle space = c.space(H5Dget_space(ds));
  return read_string_values(c, ftype, space, npoints(c, space),
                            [&](hid_t mt, void* buf) { return H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); });
}

template <class Read>
auto File::open_attribute(const std::string& object, const std::string& name, Read read) const {
  ErrorSilencer quiet;
  const std::string f = path_.string(), op = "read attribute \"" + name + "\"", o = object_path(object);
  const Ctx c{f, o, op};
  Handle obj = c.object_(open_object(object, op));
  Handle a = c.attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  Handle ftype = c.type(H5Aget_type(a));
  Handle space = c.space(H5Aget_space(a));
  return read(c, hid_t{a}, hid_t{ftype}, hid_t{space});
}

std::string File::read_string_attribute(const std::string& object, const std::string& name) const {
  return open_attribute(object, name, [&](const Ctx& c, hid_t a, hid_t ftype, hid_t space) -> std::string {
    if (H5Tget_class(ftype) != H5T_STRING) throw Error(c.file, c.object, c.operation, "not a string attribute");
    if (H5Sget_simple_extent_type(space) == H5S_NULL) return {};
    const std::size_t n = npoints(c, space);
    if (n != 1) throw Error(c.file, c.object, c.operation, "holds " + std::to_string(n) + " strings, not one");
    return read_string_values(c, ftype, space, n, [&](hid_t mt, void* buf) { return H5Aread(a, mt, buf); }).front();
  });
}

template <Element T>
std::vector<T> File::read_vector_attribute(const std::string& object, const std::string& name) const {
  return open_attribute(object, name, [&](const Ctx& c, hid_t a, hid_t ftype, hid_t space) -> std::vector<T> {
    check_readable_as<T>(c, ftype);
    if (H5Sget_simple_extent_type(space) == H5S_NULL) return {};
    std::vector<T> out(npoints(c, space));
    if (!out.empty()) c.ok(H5Aread(a, mem_type(tag_of<T>()), out.data()));
    return out;
  });
}

template <Element T>
T File::read_attribute(const std::string& object, const std::string& name) const {
  const auto v = read_vector_attribute<T>(object, name);
  if (v.size() != 1)
    throw Error(path_.string(), object_path(object), "read attribute \"" + name + "\"",
                "holds " + std::to_string(v.size()) + " values, not one");
  return v.front();
}

// ==== Explicit instantiations ==============================================================

#define CHAINSIM_H5_INSTANTIATE(T)                                                                                    \
  template void Variable::write_block<T>(const std::vector<std::size_t>&, const std::vector<std::size_t>&,            \
                                         std::span<const T>);                                                         \
  template void Variable::write_rows<T>(std::size_t, std::size_t, std::span<const T>);                                \
  template std::vector<unsigned char> Variable::encode_chunk<T>(std::span<const T>) const;                            \
  template void File::write_variable<T>(const std::string&, const std::vector<std::string>&, std::span<const T>,      \
                                        const VarOptions&);                                                           \
  template Variable File::create_variable<T>(const std::string&, const std::vector<std::string>&, const VarOptions&); \
  template void File::set_attribute<T>(const std::string&, const std::string&, T);                                    \
  template void File::set_attribute<T>(const std::string&, const std::string&, std::span<const T>);                   \
  template std::vector<T> File::read_variable<T>(const std::string&) const;                                           \
  template T File::read_attribute<T>(const std::string&, const std::string&) const;                                   \
  template std::vector<T> File::read_vector_attribute<T>(const std::string&, const std::string&) const;

CHAINSIM_H5_INSTANTIATE(std::int8_t)
CHAINSIM_H5_INSTANTIATE(std::uint8_t)
CHAINSIM_H5_INSTANTIATE(std::int16_t)
CHAINSIM_H5_INSTANTIATE(std::int32_t)
CHAINSIM_H5_INSTANTIATE(std::int64_t)
CHAINSIM_H5_INSTANTIATE(float)
CHAINSIM_H5_INSTANTIATE(double)

#undef CHAINSIM_H5_INSTANTIATE

}  // namespace chainsim::io::h5
