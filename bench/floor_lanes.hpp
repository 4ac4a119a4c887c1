#pragma once
// The sampling floor in lanes (bench_floor, BM_FloorLanes_*): the model's calls
// of a draw trace made the way the kernel makes them, with no model logic.
//
// The scalar floor (BM_Floor_*) replays every call one by one. The kernel makes
// three kinds of draws several at a time in SIMD lanes: a week's Dublin cohorts
// (binomial_inversion_lanes), a week's housing draws (sample_poisson_lanes)
// and a path group's regional splits (sample_multinomial_lanes). Against the
// scalar floor the kernel is "more than 100 % efficient" by what the lanes
// save. This replay makes those draws with the same lane functions, from the
// same streams (each path-week's streams from a core::WeekStreams, as the
// kernel opens them), paths in groups of core::kPathGroup week by week: the
// kernel's sampling work as the kernel does it, and nothing else.
//
// Every result equals the scalar replay's (the lane functions give the scalar
// samplers' results; bench_floor checks the two replays' checksums at start-up).
#include "core/sampling/binomial_lanes.hpp"
#include "core/sampling/draw_trace.hpp"
#include "core/model/model_spec.hpp"
#include "core/sampling/multinomial_lanes.hpp"
#include "core/model/path_kernel.hpp"
#include "core/sampling/poisson_lanes.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"
#include "core/random/week_streams.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <stdexcept>
#include <vector>

namespace chainsim::bench {

// The records [begin, end) of a trace's model calls that one path made in one
// week (week core::kSetupWeek: its set-up calls), from the stream counters'
// words 3 (path) and 2 (week).
struct PathWeekRecords {
  std::size_t begin = 0, end = 0;
  std::uint32_t week = 0, path = 0;
};

// The flow and sub of a record's stream (the counter's word 1).
inline core::Flow flow_of(const core::DrawRecord& rec) {
  return static_cast<core::Flow>(rec.stream.counter().v[1] >> 16);
}
inline std::uint32_t sub_of(const core::DrawRecord& rec) { return rec.stream.counter().v[1] & 0xFFFFu; }

class LaneReplay {
 public:
  // `top`: a trace's model calls (depth 0) in call order, path by path, each
  // path's set-up calls first and then its weeks in order, `path_weeks` their
  // ranges; a cohort's binomial drawn with a prepared rate has probs = 1 + its
  // index in `rates`.
  LaneReplay(const std::vector<core::DrawRecord>& top, std::span<const PathWeekRecords> path_weeks,
             const std::vector<std::vector<double>>& probs, const std::vector<core::BinomialRate>& rates,
             const core::ModelSpec& spec, std::uint64_t seed)
      : top_(top), rates_(rates), seed_(seed), regions_(spec.regions), cohorts_(spec.dublin_deadline_weeks) {
    for (const PathWeekRecords& range : path_weeks) {
      PathWeek pw{range, kNone, false};
      for (std::size_t i = range.begin; i < range.end; ++i) {
        if (top[i].kind == core::DrawKind::Multinomial) pw.split = i;
        pw.cohorts = pw.cohorts || is_cohort(top[i]);
      }
      if (paths_.empty() || paths_.back().front().path != pw.path) paths_.emplace_back();
      paths_.back().push_back(pw);
    }
    for (const auto& path : paths_)
      if (path.size() != paths_.front().size())
        throw std::runtime_error("LaneReplay: paths of the trace have different numbers of weeks");
    for (std::size_t l = 0; l < core::kPathGroup; ++l)
      streams_.emplace_back(cohorts_, regions_, core::kRegionSplitBlocks);
    for (const auto& rec : top)
      if (rec.kind == core::DrawKind::Multinomial && !split_rates_.count(rec.probs))
        split_rates_.emplace(rec.probs, core::MultinomialRates(probs[rec.probs]));
    cohort_n_.assign(static_cast<std::size_t>(cohorts_), 0);
    cohort_left_.assign(static_cast<std::size_t>(cohorts_), 0);
    cohort_settled_.assign(static_cast<std::size_t>(cohorts_), 0);
    const std::size_t padded = (static_cast<std::size_t>(regions_) + core::kPoissonLaneGroup - 1) /
                               core::kPoissonLaneGroup * core::kPoissonLaneGroup;
    lambda_.assign(padded, 0.0);
    supply_.assign(padded, 0);
    split_counts_.assign(core::kPathGroup * static_cast<std::size_t>(regions_), 0);
  }

  // One replay of the whole trace; `scalar(record, stream, acc, dacc)` makes a
  // call the lanes do not and adds its result as the scalar replay does.
  // Returns acc + dacc (the scalar replay's checksum).
  template <class Scalar>
  std::int64_t run(Scalar&& scalar) {
    std::int64_t acc = 0;
    double dacc = 0.0;
    for (std::size_t first = 0; first < paths_.size(); first += core::kPathGroup) {
      const std::size_t n = std::min(core::kPathGroup, paths_.size() - first);
      for (std::size_t w = 0; w < paths_[first].size(); ++w) {
        // As core::advance_paths: each path's week up to its split, the
        // group's splits in lanes, each path's rest of the week.
        for (std::size_t l = 0; l < n; ++l) {
          const PathWeek& pw = paths_[first + l][w];
          if (pw.week != core::kSetupWeek) streams_[l].prepare(seed_, pw.path, pw.week, pw.cohorts);
          calls(pw, l, pw.begin, pw.split == kNone ? pw.end : pw.split, scalar, acc, dacc);
        }
        split_group(first, n, w, acc);
        for (std::size_t l = 0; l < n; ++l) {
          const PathWeek& pw = paths_[first + l][w];
          if (pw.split != kNone) calls(pw, l, pw.split + 1, pw.end, scalar, acc, dacc);
        }
      }
    }
    return acc + static_cast<std::int64_t>(dacc);
  }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};
  struct PathWeek : PathWeekRecords {
    std::size_t split;  // the multinomial record, or kNone
    bool cohorts;       // the week draws its Dublin cohorts one by one (in lanes)
  };

  static bool is_cohort(const core::DrawRecord& rec) {
    return rec.kind == core::DrawKind::Binomial && rec.probs != 0 && flow_of(rec) == core::Flow::DublinLeavers;
  }
  static bool is_housing(const core::DrawRecord& rec) {
    return rec.kind == core::DrawKind::Poisson && flow_of(rec) == core::Flow::HousingSupply;
  }
  // Records [i, end) of path-week pw (path slot l): cohorts and housing in
  // lanes, every other call through `scalar` on the stream the kernel opens.
  template <class Scalar>
  void calls(const PathWeek& pw, std::size_t l, std::size_t i, std::size_t end, Scalar& scalar, std::int64_t& acc,
             double& dacc) {
    const core::WeekStreams& ws = streams_[l];
    while (i < end) {
      const core::DrawRecord& rec = top_[i];
      if (is_cohort(rec)) {
        i = cohorts(l, i, end, acc);
      } else if (is_housing(rec) && regions_ >= core::kHousingLanesFrom) {
        i = housing(l, i, end, acc);
      } else {
        core::RandomStream rs =
            rec.fresh && pw.week != core::kSetupWeek ? ws.open(flow_of(rec), sub_of(rec)) : rec.stream;
        scalar(rec, rs, acc, dacc);
        ++i;
      }
    }
  }

  // The week's cohort draws (consecutive records) in lanes, the rest one by one.
  std::size_t cohorts(std::size_t l, std::size_t i, std::size_t end, std::int64_t& acc) {
    const core::WeekStreams& ws = streams_[l];
    const core::BinomialRate& rate = rates_[top_[i].probs - 1];
    std::fill(cohort_n_.begin(), cohort_n_.end(), 0);
    std::size_t j = i;
    for (; j < end && is_cohort(top_[j]); ++j) cohort_n_[sub_of(top_[j])] = top_[j].n;
    core::binomial_inversion_lanes(rate, cohort_n_.data(), cohort_n_.size(), ws.first_blocks(core::Flow::DublinLeavers),
                                   ws.stride(), cohort_left_.data(), cohort_settled_.data());
    for (std::size_t k = i; k < j; ++k) {
      const std::uint32_t a = sub_of(top_[k]);
      if (cohort_settled_[a]) {
        acc += cohort_left_[a];
      } else {
        core::RandomStream rs = ws.open(core::Flow::DublinLeavers, a);
        acc += core::sample_binomial(rs, top_[k].n, rate);
      }
    }
    return j;
  }

  // The week's housing draws (consecutive records, one per region) in lanes.
  std::size_t housing(std::size_t l, std::size_t i, std::size_t end, std::int64_t& acc) {
    std::size_t j = i;
    for (; j < end && is_housing(top_[j]); ++j) lambda_[sub_of(top_[j])] = top_[j].a;
    if (j - i != static_cast<std::size_t>(regions_))
      throw std::runtime_error("LaneReplay: a week without one housing draw per region");
    core::sample_poisson_lanes(lambda_.data(), j - i, streams_[l], core::Flow::HousingSupply, supply_.data());
    for (std::size_t r = 0; r < j - i; ++r) acc += supply_[r];
    return j;
  }

  // Week w's regional splits of paths first .. first + n - 1, in lanes.
  void split_group(std::size_t first, std::size_t n, std::size_t w, std::int64_t& acc) {
    core::RandomStream streams[core::kPathGroup];
    core::RandomStream* stream_ptrs[core::kPathGroup];
    std::int64_t ns[core::kPathGroup];
    std::int64_t* counts[core::kPathGroup];
    std::size_t count = 0;
    const core::MultinomialRates* rates = nullptr;
    for (std::size_t l = 0; l < n; ++l) {
      const PathWeek& pw = paths_[first + l][w];
      if (pw.split == kNone) continue;
      const core::DrawRecord& rec = top_[pw.split];
      const core::MultinomialRates& r = split_rates_.at(rec.probs);
      if (rates && rates != &r) throw std::runtime_error("LaneReplay: a group's splits with different shares");
      rates = &r;
      streams[count] = streams_[l].open(core::Flow::PermitHolderRegions);
      stream_ptrs[count] = &streams[count];
      ns[count] = rec.n;
      counts[count] = split_counts_.data() + count * static_cast<std::size_t>(regions_);
      ++count;
    }
    if (count == 0) return;
    core::sample_multinomial_lanes(stream_ptrs, ns, count, *rates, counts);
    for (std::size_t k = 0; k < count; ++k) acc += counts[k][0] + counts[k][regions_ - 1];
  }

  const std::vector<core::DrawRecord>& top_;
  const std::vector<core::BinomialRate>& rates_;
  std::uint64_t seed_;
  int regions_, cohorts_;
  std::vector<std::vector<PathWeek>> paths_;  // per path: its set-up, then its weeks
  std::vector<core::WeekStreams> streams_;    // per path of a group
  std::map<std::uint32_t, core::MultinomialRates> split_rates_;
  std::vector<std::int64_t> cohort_n_, cohort_left_;
  std::vector<std::uint8_t> cohort_settled_;
  std::vector<double> lambda_;
  std::vector<std::int64_t> supply_, split_counts_;
};

}  // namespace chainsim::bench
