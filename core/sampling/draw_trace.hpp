#pragma once
// Draw instrumentation: a record of every sampler call, for the sampling-floor
// benchmark (bench/bench_floor, bench/trace_seed_week).
//
// The hooks in core/sampling/samplers.cpp and core/sampling/binomial_inversion.cpp exist only when
// CHAINSIM_TRACE_DRAWS is defined, i.e. only in the target chainsim_core_traced
// (core/CMakeLists.txt). chainsim_core, and therefore the chainsim program, has
// no hooks, no trace pointer and none of the functions declared at the end of
// this header: calling them from a program linked against chainsim_core fails
// at link time, by design.
//
// The types below are plain data so that a trace can be written to a file by
// the traced program and read back by an untraced one.
#include "core/random/random_stream.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

namespace chainsim::core {

enum class DrawKind : std::uint8_t {
  Normal,
  Exponential,
  Gamma,
  Beta,
  Bernoulli,
  Poisson,
  Binomial,  // sample_binomial (BTRD / inversion from 0)
  Multinomial,
  BinomialInversion,  // sample_binomial_inversion (CDF inversion from the mode)
  Subset,             // remove_uniform_subset (n = k; probs = the group sizes)
  Count
};
inline constexpr std::size_t kNumDrawKinds = static_cast<std::size_t>(DrawKind::Count);

inline const char* draw_kind_name(DrawKind k) noexcept {
  switch (k) {
    case DrawKind::Normal: return "normal";
    case DrawKind::Exponential: return "exponential";
    case DrawKind::Gamma: return "gamma";
    case DrawKind::Beta: return "beta";
    case DrawKind::Bernoulli: return "bernoulli";
    case DrawKind::Poisson: return "poisson";
    case DrawKind::Binomial: return "binomial";
    case DrawKind::Multinomial: return "multinomial";
    case DrawKind::BinomialInversion: return "binomial_inversion";
    case DrawKind::Subset: return "subset";
    case DrawKind::Count: break;
  }
  return "?";
}

// One sampler call. The stream is captured by value at the call, so calling the
// same sampler with the same parameters on a copy of `stream` repeats the call
// exactly: the same uniforms, the same rejections, the same result.
// RandomStream is trivially copyable without padding, so a copy is its state.
static_assert(std::is_trivially_copyable_v<RandomStream>);
static_assert(std::has_unique_object_representations_v<RandomStream>,
              "draw tracing compares stream states byte by byte");

struct DrawRecord {
  RandomStream stream{0, 0, 0, Flow::InflowNoise};  // state of the stream when the sampler was called
  std::int64_t n = 0;                               // binomial, multinomial, binomial_inversion: n
  double a = 0.0;            // p (binomial, bernoulli), lambda, shape (gamma), mean (exp.), a (beta)
  double b = 0.0;            // scale (gamma), b (beta); binomial: 1 when drawn with a prepared rate (BinomialRate)
  std::uint32_t probs = 0;   // multinomial: index into DrawTrace::probs
  std::uint32_t words = 0;   // 32-bit words the call took from the stream (0: outcome known, no randomness)
  std::uint32_t blocks = 0;  // Philox blocks the call generated
  DrawKind kind = DrawKind::Count;
  std::uint8_t depth = 0;  // 0: called by the model; >= 1: called by another sampler
  bool fresh = false;      // the stream had produced no block before this call
};
static_assert(std::is_trivially_copyable_v<DrawRecord>);

struct DrawTrace {
  std::vector<DrawRecord> records;         // in call order (an outer call precedes its inner calls)
  std::vector<std::vector<double>> probs;  // distinct probability vectors of multinomial calls
  int depth = 0;                           // nesting of sampler calls in progress (hooks only)
};

#ifdef CHAINSIM_TRACE_DRAWS
// Installs `trace` for the calling thread (nullptr: stop recording). The pointer
// is thread_local: acceptable only because this is instrumentation that is
// compiled out of the product (chainsim_core has no such state, and its samplers
// keep no hidden state at all).
void install_draw_trace(DrawTrace* trace) noexcept;
DrawTrace* installed_draw_trace() noexcept;

namespace detail {
// The hook: one per sampler call, recording on entry and counting the stream's
// consumption on exit. Does nothing when no trace is installed.
class DrawHook {
 public:
  DrawHook(DrawKind kind, const RandomStream& rs, std::int64_t n, double a, double b,
           std::span<const double> probs = {}) noexcept;
  ~DrawHook();
  DrawHook(const DrawHook&) = delete;
  DrawHook& operator=(const DrawHook&) = delete;

 private:
  DrawTrace* trace_ = nullptr;
  const RandomStream* rs_ = nullptr;
  std::size_t index_ = 0;
};
}  // namespace detail
#endif

}  // namespace chainsim::core

// For the samplers: CHAINSIM_DRAW_HOOK(kind, rs, n, a, b[, probs]) at the top of
// a public sampler. Expands to nothing unless CHAINSIM_TRACE_DRAWS is defined.
#ifdef CHAINSIM_TRACE_DRAWS
#define CHAINSIM_DRAW_HOOK(...) const ::chainsim::core::detail::DrawHook chainsim_draw_hook_(__VA_ARGS__)
#else
#define CHAINSIM_DRAW_HOOK(...) static_cast<void>(0)
#endif
