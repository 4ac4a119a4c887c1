// chainsim's samplers against those of well-kept libraries: libstdc++ (<random>),
// Boost.Random and the GNU Scientific Library. Why chainsim has its own samplers
// (core/sampling/samplers.cpp) rather than one of these: this benchmark.
//
// Fair terms for every implementation:
//  - the same random bits: one Philox4x32-10 stream (core::RandomStream), given to
//    libstdc++ and Boost as a 32-bit UniformRandomBitGenerator and to GSL as a
//    gsl_rng type whose get_double is RandomStream::uniform;
//  - the model's usage: the parameter changes from draw to draw (n or lambda is a
//    path's state), so no implementation gains from set-up cached across draws.
//    Each benchmark cycles through 64 parameters spread ±10 % around its regime;
//  - the seed scenario's regimes (docs/perf-log.md, "Where the time goes"): binomial
//    n·p < 10 (Dublin cohorts, guardian placements), n·p in the hundreds (claims,
//    grants, family members into reception), Poisson λ 3 (small regions' housing),
//    30 (housing, repeat applications) and 700 (first applications, decision
//    capacity), the inflow's normal, the priors' gamma, and the 25-region split.
//
// One item = one draw (one 25-category vector for the multinomial).
#include "bench_context.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"

#include <benchmark/benchmark.h>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <new>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using chainsim::core::Flow;
using chainsim::core::RandomStream;

const bool kContext = chainsim::bench::record_context("1");

RandomStream bench_stream() { return RandomStream(20240611, 1, 1, Flow::Grants); }

// Philox words as a C++ UniformRandomBitGenerator (libstdc++, Boost), 32 bits
// at a time, or 64 (two Philox words each): Boost then makes its uniforms from
// 64 bits, as RandomStream::uniform does from 52, instead of 32.
template <typename Word>
struct PhiloxBits {
  static_assert(std::is_same_v<Word, std::uint32_t> || std::is_same_v<Word, std::uint64_t>);
  using result_type = Word;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<Word>::max(); }
  result_type operator()() noexcept {
    if constexpr (sizeof(Word) == 4) return rs.next_u32();
    else return rs.next_u64();
  }
  RandomStream rs = bench_stream();
};

// Philox as a GSL generator: a gsl_rng whose state is a RandomStream.
struct GslPhiloxState {
  RandomStream rs;
};
void gsl_philox_set(void* state, unsigned long /*seed*/) { new (state) GslPhiloxState{bench_stream()}; }
unsigned long gsl_philox_get(void* state) { return static_cast<GslPhiloxState*>(state)->rs.next_u32(); }
double gsl_philox_get_double(void* state) { return static_cast<GslPhiloxState*>(state)->rs.uniform(); }
const gsl_rng_type kGslPhilox = {"chainsim_philox", 0xffffffffUL,          0, sizeof(GslPhiloxState), &gsl_philox_set,
                                 &gsl_philox_get,   &gsl_philox_get_double};

struct GslRng {
  gsl_rng* r = gsl_rng_alloc(&kGslPhilox);
  GslRng() = default;
  GslRng(const GslRng&) = delete;
  GslRng& operator=(const GslRng&) = delete;
  ~GslRng() { gsl_rng_free(r); }
};

// 64 values spread ±10 % around `centre` (at least 1 apart for counts).
template <typename T>
std::array<T, 64> around(double centre) {
  std::array<T, 64> v{};
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double x = centre * (0.9 + 0.2 * static_cast<double>((i * 37) % 64) / 63.0);
    if constexpr (std::is_integral_v<T>) v[i] = static_cast<T>(std::llround(x));
    else v[i] = x;
  }
  return v;
}

enum class Lib { Chainsim, Libstdcxx, Boost, Boost64, Gsl };

// Every implementation's generator, on the same stream.
struct Generators {
  PhiloxBits<std::uint32_t> bits;
  PhiloxBits<std::uint64_t> bits64;
  GslRng gsl;
};

// Times draw(parameter) with the parameters cycled; one item per draw.
template <typename Param, typename Draw>
void time_draws(benchmark::State& state, const std::array<Param, 64>& params, Draw draw) {
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(draw(params[i++ & 63]));
  state.SetItemsProcessed(state.iterations());
}

template <Lib lib>
void BM_Binomial(benchmark::State& state, double n, double p) {
  Generators g;
  std::binomial_distribution<std::int64_t> std_dist;
  using Boost = boost::random::binomial_distribution<std::int64_t, double>;
  time_draws(state, around<std::int64_t>(n), [&](std::int64_t ni) -> std::int64_t {
    if constexpr (lib == Lib::Chainsim) return chainsim::core::sample_binomial(g.bits.rs, ni, p);
    if constexpr (lib == Lib::Libstdcxx) return std_dist(g.bits, decltype(std_dist)::param_type(ni, p));
    if constexpr (lib == Lib::Boost) return Boost(ni, p)(g.bits);
    if constexpr (lib == Lib::Boost64) return Boost(ni, p)(g.bits64);
    if constexpr (lib == Lib::Gsl) return gsl_ran_binomial(g.gsl.r, p, static_cast<unsigned>(ni));
  });
}

template <Lib lib>
void BM_Poisson(benchmark::State& state, double lambda) {
  Generators g;
  std::poisson_distribution<std::int64_t> std_dist;
  using Boost = boost::random::poisson_distribution<std::int64_t, double>;
  time_draws(state, around<double>(lambda), [&](double l) -> std::int64_t {
    if constexpr (lib == Lib::Chainsim) return chainsim::core::sample_poisson(g.bits.rs, l);
    if constexpr (lib == Lib::Libstdcxx) return std_dist(g.bits, decltype(std_dist)::param_type(l));
    if constexpr (lib == Lib::Boost) return Boost(l)(g.bits);
    if constexpr (lib == Lib::Boost64) return Boost(l)(g.bits64);
    if constexpr (lib == Lib::Gsl) return gsl_ran_poisson(g.gsl.r, l);
  });
}

// GSL: its ziggurat, the fastest of its normals. No parameter.
template <Lib lib>
void BM_Normal(benchmark::State& state) {
  Generators g;
  std::normal_distribution<double> std_dist;
  boost::random::normal_distribution<double> boost_dist;
  time_draws(state, std::array<double, 64>{}, [&](double) -> double {
    if constexpr (lib == Lib::Chainsim) return chainsim::core::sample_normal(g.bits.rs);
    if constexpr (lib == Lib::Libstdcxx) return std_dist(g.bits);
    if constexpr (lib == Lib::Boost) return boost_dist(g.bits);
    if constexpr (lib == Lib::Gsl) return gsl_ran_gaussian_ziggurat(g.gsl.r, 1.0);
  });
}

// The priors' shapes (scale 1).
template <Lib lib>
void BM_Gamma(benchmark::State& state, double shape) {
  Generators g;
  std::gamma_distribution<double> std_dist;
  time_draws(state, around<double>(shape), [&](double a) -> double {
    if constexpr (lib == Lib::Chainsim) return chainsim::core::sample_gamma(g.bits.rs, a, 1.0);
    if constexpr (lib == Lib::Libstdcxx) return std_dist(g.bits, decltype(std_dist)::param_type(a, 1.0));
    if constexpr (lib == Lib::Boost) return boost::random::gamma_distribution<double>(a, 1.0)(g.bits);
    if constexpr (lib == Lib::Gsl) return gsl_ran_gamma(g.gsl.r, a, 1.0);
  });
}

// ---- multinomial over 25 regions (chainsim and GSL have one; shares ~ (i+1)^-1.3) ----
template <Lib lib>
void BM_Multinomial25(benchmark::State& state, double n) {
  static_assert(lib == Lib::Chainsim || lib == Lib::Gsl);
  std::array<double, 25> probs{};
  double s = 0;
  for (std::size_t r = 0; r < probs.size(); ++r) s += probs[r] = std::pow(static_cast<double>(r + 1), -1.3);
  for (auto& p : probs) p /= s;
  const chainsim::core::MultinomialRates rates(probs);
  const auto ns = around<std::int64_t>(n);
  std::array<std::int64_t, 25> counts{};
  std::array<unsigned, 25> gsl_counts{};
  std::size_t i = 0;
  Generators g;
  for (auto _ : state) {
    const std::int64_t ni = ns[i++ & 63];
    if constexpr (lib == Lib::Chainsim) {
      chainsim::core::sample_multinomial(g.bits.rs, ni, rates, counts);
      benchmark::DoNotOptimize(counts.data());
    } else {
      gsl_ran_multinomial(g.gsl.r, probs.size(), static_cast<unsigned>(ni), probs.data(), gsl_counts.data());
      benchmark::DoNotOptimize(gsl_counts.data());
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- registration: BM_<sampler>/<regime>/<library> ----
template <Lib lib>
constexpr const char* lib_name() {
  if constexpr (lib == Lib::Chainsim) return "chainsim";
  if constexpr (lib == Lib::Libstdcxx) return "libstdcxx";
  if constexpr (lib == Lib::Boost) return "boost";
  if constexpr (lib == Lib::Boost64) return "boost_u64";
  return "gsl";
}

template <Lib... libs, typename Fn, typename... Args>
void register_for(const std::string& prefix, Fn fn, Args... args) {
  (benchmark::RegisterBenchmark((prefix + "/" + lib_name<libs>()).c_str(), fn.template operator()<libs>(), args...),
   ...);
}

const bool kRegistered = [] {
  constexpr auto binomial = []<Lib lib>() { return &BM_Binomial<lib>; };
  constexpr auto poisson = []<Lib lib>() { return &BM_Poisson<lib>; };
  constexpr auto normal = []<Lib lib>() { return &BM_Normal<lib>; };
  constexpr auto gamma = []<Lib lib>() { return &BM_Gamma<lib>; };
  constexpr auto multinomial = []<Lib lib>() { return &BM_Multinomial25<lib>; };
  using enum Lib;
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Binomial/n100_p0.03", binomial, 100.0,
                                                         0.03);  // a Dublin cohort (n·p ≈ 3)
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Binomial/n800_p0.3", binomial, 800.0,
                                                         0.3);  // claims, grants (≈ 240)
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Binomial/n5000_p0.2", binomial, 5000.0,
                                                         0.2);                              // a large week (≈ 1000)
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Poisson/lam3", poisson, 3.0);  // a small region's housing
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Poisson/lam30", poisson,
                                                         30.0);  // housing, repeat applications
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Poisson/lam700", poisson,
                                                         700.0);  // first applications, capacity
  register_for<Chainsim, Libstdcxx, Boost, Gsl>("BM_Normal", normal);
  register_for<Chainsim, Libstdcxx, Boost, Gsl>("BM_Gamma/shape2.5", gamma, 2.5);
  register_for<Chainsim, Libstdcxx, Boost, Gsl>("BM_Gamma/shape50", gamma, 50.0);
  register_for<Chainsim, Gsl>("BM_Multinomial25/n320", multinomial, 320.0);
  return true;
}();

}  // namespace
