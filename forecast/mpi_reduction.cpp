#include "forecast/mpi_reduction.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace chainsim::forecast {

MpiReduction::MpiReduction(std::int64_t paths, MPI_Comm comm) : paths_(paths), comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

// `local` holds `blocks` column blocks of this rank's paths, one after the
// other ([block][path in range]); `whole` the same blocks of all P paths.
template <typename T>
void MpiReduction::gather(std::span<T> local, std::span<T> whole, std::size_t blocks, MPI_Datatype type,
                          std::vector<T>& staging) {
  std::vector<int> counts(size_), displs(size_);
  std::int64_t offset = 0;
  for (int k = 0; k < size_; ++k) {
    const std::int64_t n = static_cast<std::int64_t>(blocks) * split_paths(paths_, size_, k).size();
    offset += n;
    // MPI counts are int: a window larger than that is refused, not truncated.
    if (n > INT_MAX || offset > INT_MAX)
      throw std::length_error("MpiReduction: a window of more than 2^31 values; use a smaller window (--window-weeks)");
    counts[k] = static_cast<int>(n);
    displs[k] = static_cast<int>(offset - n);
  }
  if (static_cast<std::int64_t>(local.size()) != counts[rank_] || static_cast<std::int64_t>(whole.size()) != offset)
    throw std::logic_error("MpiReduction: window sizes do not match the split of the paths");
  staging.resize(static_cast<std::size_t>(offset));
  MPI_Allgatherv(local.data(), counts[rank_], type, staging.data(), counts.data(), displs.data(), type, comm_);
  received_bytes_ += static_cast<double>(offset - counts[rank_]) * static_cast<double>(sizeof(T));
  // Rank k's block b goes to whole[b * P + first_k ..].
  for (int k = 0; k < size_; ++k) {
    const PathRange r = split_paths(paths_, size_, k);
    const T* from = staging.data() + displs[k];
    for (std::size_t b = 0; b < blocks; ++b)
      std::copy_n(from + b * r.size(), r.size(), whole.data() + b * paths_ + r.first);
  }
}

const Ensemble& MpiReduction::all_paths(const Ensemble& local) {
  const auto t0 = std::chrono::steady_clock::now();
  if (local.path_range() != local_paths())
    throw std::invalid_argument("MpiReduction: the window does not hold this rank's paths");
  if (!whole_ || whole_->regions() != local.regions())
    whole_.emplace(local.first_week(), local.weeks(), local.regions(), whole_range(paths_));
  else whole_->reset(local.first_week(), local.weeks());
  // The accessors of a const window are column views; the data spans are the
  // whole arrays, which a gather only reads.
  auto& in = const_cast<Ensemble&>(local);
  const auto W = static_cast<std::size_t>(local.weeks());
  const auto R = static_cast<std::size_t>(local.regions());
  gather(in.counts_data(), whole_->counts_data(), core::kNumVars * W, MPI_INT32_T, staging_ints_);
  gather(in.cost_data(), whole_->cost_data(), W, MPI_DOUBLE, staging_doubles_);
  gather(in.regional_data(), whole_->regional_data(), kStoredRegionalVars * W * R, MPI_INT32_T, staging_ints_);
  gather_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return *whole_;
}

void MpiReduction::merge_disjoint(std::span<double> values) {
  static_assert(sizeof(double) == sizeof(std::uint64_t));
  const auto t0 = std::chrono::steady_clock::now();
  if (values.size() > INT_MAX) throw std::length_error("MpiReduction: more than 2^31 statistics in one window");
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_UINT64_T, MPI_BOR, comm_);
  gather_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

namespace mpi {

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int world_size() {
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

bool any(bool mine) {
  int in = mine ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return out != 0;
}

int broadcast(int value) {
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

std::vector<std::string> host_names() {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int len = 0;
  MPI_Get_processor_name(name, &len);
  std::vector<char> all(static_cast<std::size_t>(world_size()) * MPI_MAX_PROCESSOR_NAME);
  MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, MPI_COMM_WORLD);
  std::vector<std::string> hosts;
  for (std::size_t k = 0; k < all.size(); k += MPI_MAX_PROCESSOR_NAME)
    hosts.emplace_back(all.data() + k, strnlen(all.data() + k, MPI_MAX_PROCESSOR_NAME));
  return hosts;
}

namespace {

constexpr int kPartTag = 7101;
constexpr std::size_t kMaxMessage = std::size_t{1} << 30;  // MPI counts are int

}  // namespace

void send_part_to_root(const std::function<void(core::ByteWriter&)>& produce) {
  core::ByteWriter out([](std::span<const char> piece) {
    for (std::size_t at = 0; at < piece.size(); at += kMaxMessage)
      MPI_Send(piece.data() + at, static_cast<int>(std::min(kMaxMessage, piece.size() - at)), MPI_CHAR, 0, kPartTag,
               MPI_COMM_WORLD);
  });
  produce(out);
  out.flush();
  // An empty message ends the part (the writer never sends an empty piece).
  MPI_Send(nullptr, 0, MPI_CHAR, 0, kPartTag, MPI_COMM_WORLD);
}

void receive_parts(core::ByteWriter& into) {
  std::vector<char> piece;
  for (int k = 1; k < world_size(); ++k) {
    // Messages from one rank with one tag arrive in the order sent.
    for (;;) {
      MPI_Status status;
      MPI_Probe(k, kPartTag, MPI_COMM_WORLD, &status);
      int n = 0;
      MPI_Get_count(&status, MPI_CHAR, &n);
      piece.resize(static_cast<std::size_t>(n));
      MPI_Recv(piece.data(), n, MPI_CHAR, k, kPartTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (n == 0) break;
      into.put_bytes(piece);
    }
  }
}

std::vector<char> broadcast_bytes(std::vector<char> bytes) {
  std::uint64_t n = bytes.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  bytes.resize(n);
  for (std::uint64_t at = 0; at < n; at += kMaxMessage)
    MPI_Bcast(bytes.data() + at, static_cast<int>(std::min<std::uint64_t>(kMaxMessage, n - at)), MPI_CHAR, 0,
              MPI_COMM_WORLD);
  return bytes;
}

}  // namespace mpi

}  // namespace chainsim::forecast
