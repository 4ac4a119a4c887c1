#include "core/sampling/subset_sampling.hpp"

#include "core/sampling/draw_trace.hpp"  // CHAINSIM_DRAW_HOOK: nothing unless CHAINSIM_TRACE_DRAWS

#include <algorithm>
#include <cassert>

namespace chainsim::core {

std::uint32_t uniform_below(RandomStream& rs, std::uint32_t m) noexcept {
  std::uint64_t product = static_cast<std::uint64_t>(rs.next_u32()) * m;
  auto low = static_cast<std::uint32_t>(product);
  if (low < m) {
    // 2^32 mod m values of the low word would make some results more likely.
    const std::uint32_t threshold = static_cast<std::uint32_t>(-m) % m;
    while (low < threshold) {
      product = static_cast<std::uint64_t>(rs.next_u32()) * m;
      low = static_cast<std::uint32_t>(product);
    }
  }
  return static_cast<std::uint32_t>(product >> 32);
}

void remove_uniform_subset(RandomStream& rs, std::span<std::int64_t> groups, std::int64_t k, SubsetScratch& s) {
#ifdef CHAINSIM_TRACE_DRAWS
  // The trace keeps the group sizes (as doubles) so the floor can repeat the call.
  std::vector<double> sizes(groups.begin(), groups.end());
  CHAINSIM_DRAW_HOOK(DrawKind::Subset, rs, k, 0.0, 0.0, sizes);
#endif
  if (k <= 0) return;
  const std::size_t G = groups.size();
  s.cumulative.resize(G + 1);
  s.cumulative[0] = 0;
  for (std::size_t g = 0; g < G; ++g) s.cumulative[g + 1] = s.cumulative[g] + groups[g];
  const std::int64_t N = s.cumulative[G];
  assert(k <= N && N < (std::int64_t{1} << 32));
  const auto words = static_cast<std::size_t>(N / 64 + 1);
  if (s.taken.size() < words) s.taken.resize(words, 0);  // kept all-zero between calls
  s.chosen.clear();
  // Floyd: for j = N - k .. N - 1 take a uniform t in [0, j]; if t is taken already,
  // take j (never taken before this step). Every k-subset is equally likely.
  for (std::int64_t j = N - k; j < N; ++j) {
    std::uint32_t t = uniform_below(rs, static_cast<std::uint32_t>(j + 1));
    if (s.taken[t >> 6] & (std::uint64_t{1} << (t & 63))) t = static_cast<std::uint32_t>(j);
    s.taken[t >> 6] |= std::uint64_t{1} << (t & 63);
    s.chosen.push_back(t);
  }
  // Each member to its group: the last g with cumulative[g] <= t (a group
  // holding t is not empty, so cumulative[g + 1] > t), by a binary search
  // whose steps depend only on G -- no branch on the data to mispredict,
  // which the guess-and-walk this replaced did on most members.
  const std::int64_t* cum = s.cumulative.data();
  for (const std::uint32_t t : s.chosen) {
    s.taken[t >> 6] = 0;  // restore the all-zero bitset
    std::size_t g = 0;
    for (std::size_t len = G; len > 1;) {
      const std::size_t half = len / 2;
      g = cum[g + half] <= static_cast<std::int64_t>(t) ? g + half : g;
      len -= half;
    }
    --groups[g];
  }
}

}  // namespace chainsim::core
