#pragma once
// The MPI back end of the reduction (reduction.hpp), only in the MPI build
// (CHAINSIM_WITH_MPI): rank k of R simulates split_paths(P, R, k), and after
// each window every rank gathers every rank's paths into one window of all P
// paths, so that each rank's summariser sees the serial run's values in path
// order and computes the serial run's bits. Rank 0 writes the output.
//
// How a window is gathered (measured in docs/cluster.md): one MPI_Allgatherv
// per array of the window (counts, cost, regional), each rank's contiguous
// array as it is, into a staging buffer; then each rank's column blocks are
// copied to their paths' offsets. Three collectives per window instead of one
// per (variable, week[, region]) column block, at the price of a staging
// buffer as large as the whole window. Each rank then computes 1/R of the
// window's weekly statistics and merge_disjoint gives every rank all of them.
#include "core/model/byte_buffer.hpp"
#include "forecast/reduction.hpp"

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chainsim::forecast {

class MpiReduction final : public Reduction {
 public:
  // The paths [0, paths) split over the ranks of `comm` (MPI initialised).
  MpiReduction(std::int64_t paths, MPI_Comm comm);

  std::int64_t total_paths() const noexcept override { return paths_; }
  PathRange local_paths() const noexcept override { return split_paths(paths_, size_, rank_); }
  bool writes_output() const noexcept override { return rank_ == 0; }
  const Ensemble& all_paths(const Ensemble& local) override;
  int part() const noexcept override { return rank_; }
  int parts() const noexcept override { return size_; }
  // One MPI_Allreduce with bitwise or over the values' 64-bit patterns: a
  // value and all-zero bits give the value's bits, whatever its sign.
  void merge_disjoint(std::span<double> values) override;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  // Seconds spent in all_paths and merge_disjoint so far (the gather, the
  // reordering and the merge of the statistics).
  double gather_seconds() const noexcept { return gather_seconds_; }
  // Bytes this rank received from the others in all_paths so far (the scaling
  // model's traffic, scripts/scaling-model; the merged statistics, 1/P of it
  // per path-week, are not counted).
  double received_bytes() const noexcept { return received_bytes_; }

 private:
  template <typename T>
  void gather(std::span<T> local, std::span<T> whole, std::size_t blocks, MPI_Datatype type, std::vector<T>& staging);

  std::int64_t paths_;
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  std::optional<Ensemble> whole_;
  std::vector<std::int32_t> staging_ints_;
  std::vector<double> staging_doubles_;
  double gather_seconds_ = 0.0;
  double received_bytes_ = 0.0;
};

// What the run needs of MPI beside the reduction: collectives over
// MPI_COMM_WORLD, called by every rank in the same order.
namespace mpi {
int world_rank();
int world_size();
// Whether any rank passes true (e.g. a stop asked for on any rank).
bool any(bool mine);
// Rank 0's value on every rank.
int broadcast(int value);
// Every rank's host name, rank order (on every rank).
std::vector<std::string> host_names();

// Checkpoints over several ranks (docs/cluster.md). The saved form is the
// serial run's (forecast::EnsembleRunner::save_header): rank 0 writes its own
// part and then every other rank's, in rank order, as they arrive; a resumed
// run's checkpoint, read by rank 0, goes to every rank. Parts travel in pieces
// of at most 1 GiB, so no part is ever whole in rank 0's memory.
// On a rank other than 0: what `produce` writes is sent to rank 0.
void send_part_to_root(const std::function<void(core::ByteWriter&)>& produce);
// On rank 0: the parts of ranks 1..R-1, in rank order, into `into`.
void receive_parts(core::ByteWriter& into);
// Rank 0's `bytes` on every rank.
std::vector<char> broadcast_bytes(std::vector<char> bytes);
}  // namespace mpi

}  // namespace chainsim::forecast
