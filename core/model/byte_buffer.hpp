#pragma once
// Plain little binary buffers for saving and restoring in-memory state
// (checkpoints). They know nothing of files (a writer may hand its bytes to a
// sink as it goes); a reader throws on truncated or inconsistent input
// instead of reading past the end.
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace chainsim::core {

class ByteWriter {
 public:
  // Keeps every byte (bytes()).
  ByteWriter() = default;
  // Hands the bytes on to `sink`, in order, in pieces of about `piece_bytes`
  // (a large vector goes on whole, uncopied), and keeps only the current
  // piece: the state of 10^5 paths is over a gigabyte, and a copy of it in
  // memory would be most of a run's peak. Call flush() after the last put.
  explicit ByteWriter(std::function<void(std::span<const char>)> sink, std::size_t piece_bytes = std::size_t{1} << 22)
      : sink_(std::move(sink)), piece_(piece_bytes) {}

  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  template <class T>
  void put_vector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(v.size());
    if (v.empty()) return;
    append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void put_string(const std::string& s) {
    put<std::uint64_t>(s.size());
    append(s.data(), s.size());
  }
  // Bytes another writer produced (e.g. another MPI rank's part of a checkpoint).
  void put_bytes(std::span<const char> bytes) { append(bytes.data(), bytes.size()); }
  // Passes the bytes held so far to the sink (nothing without one).
  void flush() {
    if (!sink_ || bytes_.empty()) return;
    sink_(std::span<const char>(bytes_.data(), bytes_.size()));
    bytes_.clear();
  }
  const std::vector<char>& bytes() const noexcept { return bytes_; }
  std::vector<char>& bytes() noexcept { return bytes_; }

 private:
  void append(const char* p, std::size_t n) {
    if (sink_ && n >= piece_) {
      flush();
      sink_(std::span<const char>(p, n));
      return;
    }
    bytes_.insert(bytes_.end(), p, p + n);
    if (sink_ && bytes_.size() >= piece_) flush();
  }

  std::function<void(std::span<const char>)> sink_;
  std::size_t piece_ = 0;
  std::vector<char> bytes_;
};

class ByteReader {
 public:
  ByteReader(const char* data, std::size_t size) : p_(data), end_(data + size) {}
  explicit ByteReader(const std::vector<char>& v) : ByteReader(v.data(), v.size()) {}

  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  template <class T>
  void get_vector(std::vector<T>& v) {
    const auto n = get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(end_ - p_) / sizeof(T)) throw std::runtime_error("truncated state: vector");
    v.resize(n);
    if (n > 0) std::memcpy(v.data(), p_, n * sizeof(T));  // an empty vector's data() may be null
    p_ += n * sizeof(T);
  }
  // Reads a vector that must have exactly `expected` elements.
  template <class T>
  void get_vector_sized(std::vector<T>& v, std::size_t expected) {
    get_vector(v);
    if (v.size() != expected) throw std::runtime_error("inconsistent state: vector size");
  }
  // Reads exactly into.size() bytes (written by ByteWriter::put_bytes).
  void get_bytes(std::span<char> into) {
    need(into.size());
    if (!into.empty()) std::memcpy(into.data(), p_, into.size());
    p_ += into.size();
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    need(n);
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  bool at_end() const noexcept { return p_ == end_; }

 private:
  void need(std::size_t n) const {
    if (n > static_cast<std::size_t>(end_ - p_)) throw std::runtime_error("truncated state");
  }
  const char* p_;
  const char* end_;
};

}  // namespace chainsim::core
