// chainsim's samplers against those of well-kept libraries: libstdc++ (<random>),
// Boost.Random and the GNU Scientific Library. Why chainsim has its own samplers
// (core/samplers.cpp) rather than one of these: this benchmark.
//
// Fair terms for every implementation:
//  - the same random bits: one Philox4x32-10 stream (core::RandomStream), given to
//    libstdc++ and Boost as a 32-bit UniformRandomBitGenerator and to GSL as a
//    gsl_rng type whose get_double is RandomStream::uniform;
//  - the model's usage: the parameter changes from draw to draw (n or lambda is a
//    path's state), so no implementation gains from set-up cached across draws.
//    Each benchmark cycles through 64 parameters spread ±10 % around its regime;
//  - the seed scenario's regimes (BENCHMARKS.md, "Where the time goes"): binomial
//    n·p < 10 (Dublin cohorts, guardian placements), n·p in the hundreds (claims,
//    grants, family members into reception), Poisson λ 3 (small regions' housing),
//    30 (housing, repeat applications) and 700 (first applications, decision
//    capacity), the inflow's normal, the priors' gamma, and the 25-region split.
//
// One item = one draw (one 25-category vector for the multinomial).
#include "bench_context.hpp"
#include "core/random_stream.hpp"
#include "core/samplers.hpp"

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

// Philox words as a C++ UniformRandomBitGenerator (libstdc++, Boost).
struct PhiloxBits {
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xffffffffu; }
  result_type operator()() noexcept { return rs.next_u32(); }
  RandomStream rs = bench_stream();
};

// The same as 64-bit words (two Philox words each): Boost then makes its
// uniforms from 64 bits, as RandomStream::uniform does from 52, instead of 32.
struct PhiloxBits64 {
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~std::uint64_t{0}; }
  result_type operator()() noexcept { return rs.next_u64(); }
  RandomStream rs = bench_stream();
};

// Philox as a GSL generator: a gsl_rng whose state is a RandomStream.
struct GslPhiloxState {
  RandomStream rs;
};
void gsl_philox_set(void* state, unsigned long /*seed*/) { new (state) GslPhiloxState{bench_stream()}; }
unsigned long gsl_philox_get(void* state) { return static_cast<GslPhiloxState*>(state)->rs.next_u32(); }
double gsl_philox_get_double(void* state) { return static_cast<GslPhiloxState*>(state)->rs.uniform(); }
const gsl_rng_type kGslPhilox = {"chainsim_philox", 0xffffffffUL, 0, sizeof(GslPhiloxState),
                                 &gsl_philox_set, &gsl_philox_get, &gsl_philox_get_double};

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
    if constexpr (std::is_integral_v<T>)
      v[i] = static_cast<T>(std::llround(x));
    else
      v[i] = x;
  }
  return v;
}

enum class Lib { Chainsim, Libstdcxx, Boost, Boost64, Gsl };

// ---- binomial ----
template <Lib lib>
void BM_Binomial(benchmark::State& state, double n, double p) {
  const auto ns = around<std::int64_t>(n);
  std::size_t i = 0;
  PhiloxBits bits;
  PhiloxBits64 bits64;
  GslRng gsl;
  std::binomial_distribution<std::int64_t> std_dist;
  for (auto _ : state) {
    const std::int64_t ni = ns[i++ & 63];
    std::int64_t k = 0;
    if constexpr (lib == Lib::Chainsim) k = chainsim::core::sample_binomial(bits.rs, ni, p);
    if constexpr (lib == Lib::Libstdcxx) k = std_dist(bits, decltype(std_dist)::param_type(ni, p));
    if constexpr (lib == Lib::Boost) k = boost::random::binomial_distribution<std::int64_t, double>(ni, p)(bits);
    if constexpr (lib == Lib::Boost64) k = boost::random::binomial_distribution<std::int64_t, double>(ni, p)(bits64);
    if constexpr (lib == Lib::Gsl) k = gsl_ran_binomial(gsl.r, p, static_cast<unsigned>(ni));
    benchmark::DoNotOptimize(k);
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- Poisson ----
template <Lib lib>
void BM_Poisson(benchmark::State& state, double lambda) {
  const auto lambdas = around<double>(lambda);
  std::size_t i = 0;
  PhiloxBits bits;
  PhiloxBits64 bits64;
  GslRng gsl;
  std::poisson_distribution<std::int64_t> std_dist;
  for (auto _ : state) {
    const double l = lambdas[i++ & 63];
    std::int64_t k = 0;
    if constexpr (lib == Lib::Chainsim) k = chainsim::core::sample_poisson(bits.rs, l);
    if constexpr (lib == Lib::Libstdcxx) k = std_dist(bits, decltype(std_dist)::param_type(l));
    if constexpr (lib == Lib::Boost) k = boost::random::poisson_distribution<std::int64_t, double>(l)(bits);
    if constexpr (lib == Lib::Boost64) k = boost::random::poisson_distribution<std::int64_t, double>(l)(bits64);
    if constexpr (lib == Lib::Gsl) k = gsl_ran_poisson(gsl.r, l);
    benchmark::DoNotOptimize(k);
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- normal (GSL: its ziggurat, the fastest of its normals) ----
template <Lib lib>
void BM_Normal(benchmark::State& state) {
  PhiloxBits bits;
  GslRng gsl;
  std::normal_distribution<double> std_dist;
  boost::random::normal_distribution<double> boost_dist;
  for (auto _ : state) {
    double z = 0;
    if constexpr (lib == Lib::Chainsim) z = chainsim::core::sample_normal(bits.rs);
    if constexpr (lib == Lib::Libstdcxx) z = std_dist(bits);
    if constexpr (lib == Lib::Boost) z = boost_dist(bits);
    if constexpr (lib == Lib::Gsl) z = gsl_ran_gaussian_ziggurat(gsl.r, 1.0);
    benchmark::DoNotOptimize(z);
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- gamma (the priors' shapes) ----
template <Lib lib>
void BM_Gamma(benchmark::State& state, double shape) {
  const auto shapes = around<double>(shape);
  std::size_t i = 0;
  PhiloxBits bits;
  GslRng gsl;
  std::gamma_distribution<double> std_dist;
  for (auto _ : state) {
    const double a = shapes[i++ & 63];
    double g = 0;
    if constexpr (lib == Lib::Chainsim) g = chainsim::core::sample_gamma(bits.rs, a, 1.0);
    if constexpr (lib == Lib::Libstdcxx) g = std_dist(bits, decltype(std_dist)::param_type(a, 1.0));
    if constexpr (lib == Lib::Boost) g = boost::random::gamma_distribution<double>(a, 1.0)(bits);
    if constexpr (lib == Lib::Gsl) g = gsl_ran_gamma(gsl.r, a, 1.0);
    benchmark::DoNotOptimize(g);
  }
  state.SetItemsProcessed(state.iterations());
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
  PhiloxBits bits;
  GslRng gsl;
  for (auto _ : state) {
    const std::int64_t ni = ns[i++ & 63];
    if constexpr (lib == Lib::Chainsim) {
      chainsim::core::sample_multinomial(bits.rs, ni, rates, counts);
      benchmark::DoNotOptimize(counts.data());
    } else {
      gsl_ran_multinomial(gsl.r, probs.size(), static_cast<unsigned>(ni), probs.data(), gsl_counts.data());
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
  (benchmark::RegisterBenchmark((prefix + "/" + lib_name<libs>()).c_str(), fn.template operator()<libs>(), args...), ...);
}

const bool kRegistered = [] {
  constexpr auto binomial = []<Lib lib>() { return &BM_Binomial<lib>; };
  constexpr auto poisson = []<Lib lib>() { return &BM_Poisson<lib>; };
  constexpr auto normal = []<Lib lib>() { return &BM_Normal<lib>; };
  constexpr auto gamma = []<Lib lib>() { return &BM_Gamma<lib>; };
  constexpr auto multinomial = []<Lib lib>() { return &BM_Multinomial25<lib>; };
  using enum Lib;
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Binomial/n100_p0.03", binomial, 100.0, 0.03);  // a Dublin cohort (n·p ≈ 3)
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Binomial/n800_p0.3", binomial, 800.0, 0.3);    // claims, grants (≈ 240)
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Binomial/n5000_p0.2", binomial, 5000.0, 0.2);  // a large week (≈ 1000)
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Poisson/lam3", poisson, 3.0);      // a small region's housing
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Poisson/lam30", poisson, 30.0);    // housing, repeat applications
  register_for<Chainsim, Libstdcxx, Boost, Boost64, Gsl>("BM_Poisson/lam700", poisson, 700.0);  // first applications, capacity
  register_for<Chainsim, Libstdcxx, Boost, Gsl>("BM_Normal", normal);
  register_for<Chainsim, Libstdcxx, Boost, Gsl>("BM_Gamma/shape2.5", gamma, 2.5);
  register_for<Chainsim, Libstdcxx, Boost, Gsl>("BM_Gamma/shape50", gamma, 50.0);
  register_for<Chainsim, Gsl>("BM_Multinomial25/n320", multinomial, 320.0);
  return true;
}();

}  // namespace
