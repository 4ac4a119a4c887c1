// Draw instrumentation (see draw_trace.hpp). Everything here is compiled only
// into chainsim_core_traced; in chainsim_core this file is empty.
#ifdef CHAINSIM_TRACE_DRAWS
#include "core/sampling/draw_trace.hpp"

#include <algorithm>
#include <cstring>

namespace chainsim::core {
namespace {
// Instrumentation only (see install_draw_trace): the product has no thread_local state.
thread_local DrawTrace* t_trace = nullptr;

bool same_state(const RandomStream& x, const RandomStream& y) noexcept {
  return std::memcmp(&x, &y, sizeof(RandomStream)) == 0;
}
}  // namespace

void install_draw_trace(DrawTrace* trace) noexcept { t_trace = trace; }
DrawTrace* installed_draw_trace() noexcept { return t_trace; }

namespace detail {

DrawHook::DrawHook(DrawKind kind, const RandomStream& rs, std::int64_t n, double a, double b,
                   std::span<const double> probs) noexcept {
  DrawTrace* t = t_trace;
  if (!t) return;
  trace_ = t;
  rs_ = &rs;
  DrawRecord r;
  r.stream = rs.detached();  // the week's precomputed blocks are gone when the trace is replayed
  r.n = n;
  r.a = a;
  r.b = b;
  r.kind = kind;
  r.depth = static_cast<std::uint8_t>(std::min(t->depth, 255));
  r.fresh = rs.blocks_used() == 0;
  if (kind == DrawKind::Subset) {
    // Group sizes differ from call to call: stored, not interned.
    r.probs = static_cast<std::uint32_t>(t->probs.size());
    t->probs.emplace_back(probs.begin(), probs.end());
  } else if (kind == DrawKind::Multinomial) {
    // Intern the probability vector (the model passes the same one every week).
    std::size_t i = t->probs.size();
    while (i-- > 0)
      if (std::equal(probs.begin(), probs.end(), t->probs[i].begin(), t->probs[i].end())) break;
    if (i == static_cast<std::size_t>(-1)) {
      i = t->probs.size();
      t->probs.emplace_back(probs.begin(), probs.end());
    }
    r.probs = static_cast<std::uint32_t>(i);
  }
  index_ = t->records.size();
  t->records.push_back(r);
  ++t->depth;
}

DrawHook::~DrawHook() {
  if (!trace_) return;
  --trace_->depth;
  // Count the words taken: step a copy of the entry state until it equals the
  // exit state (exact; a call takes a handful of words).
  DrawRecord& r = trace_->records[index_];
  RandomStream s = r.stream;
  std::uint32_t words = 0;
  const RandomStream exit = rs_->detached();
  while (!same_state(s, exit)) {
    s.next_u32();
    ++words;
  }
  r.words = words;
  r.blocks = rs_->blocks_used() - r.stream.blocks_used();
}

}  // namespace detail
}  // namespace chainsim::core
#endif  // CHAINSIM_TRACE_DRAWS
