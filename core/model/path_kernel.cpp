#include "core/model/path_kernel.hpp"

#include "core/sampling/binomial_inversion.hpp"
#include "core/sampling/binomial_lanes.hpp"
#include "core/sampling/multinomial_lanes.hpp"
#include "core/sampling/poisson_lanes.hpp"
#include "core/sampling/prior_points.hpp"
#include "core/random/random_stream.hpp"
#include "core/sampling/samplers.hpp"
#include "core/sampling/subset_sampling.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <optional>
#include <span>

namespace chainsim::core {
namespace {

constexpr double kWeeksPerYear = 52.1775;
// Upper bound on the weekly Poisson mean of first applications. A run of surges
// can drive log λ very high; no real inflow comes near 1e8 a week, and the bound
// keeps the sampler in its exact range. Reached only by absurd configurations.
constexpr double kMaxWeeklyInflow = 1e8;
// Expected Dublin leavers in a week up to which they are drawn as a total and
// a random subset rather than per cohort (a speed choice, the law is the same):
// measured: a subset ~15 ns per leaver, a cohort's binomial ~50 ns (26 of
// them); 64 and 128 gave the same kernel speed on the seed (docs/perf-log.md, "Dublin step, few leavers").
constexpr double kFewLeavers = 64.0;

// The traced kernel draws every region, every Dublin cohort and every split
// through sample_poisson / sample_binomial / sample_multinomial, so that the
// draw trace records each draw.
#ifdef CHAINSIM_TRACE_DRAWS
constexpr bool kHousingInLanes = false;
constexpr bool kCohortsInLanes = false;
constexpr bool kSplitsInLanes = false;
#else
constexpr bool kHousingInLanes = true;
constexpr bool kCohortsInLanes = true;
constexpr bool kSplitsInLanes = true;
#endif
static_assert(kPathGroup <= kMultinomialLanes);

// The housing streams' first blocks are read in lane groups (WeekStreams pads
// them); the means are padded too, so that even a masked vector load of the
// last group stays inside the array.
static_assert(WeekStreams::kSubGroup % kPoissonLaneGroup == 0);
std::size_t lane_padded(int n) {
  const auto u = static_cast<std::size_t>(n);
  return (u + kPoissonLaneGroup - 1) / kPoissonLaneGroup * kPoissonLaneGroup;
}

double clamp01(double p) noexcept { return std::min(1.0, std::max(0.0, p)); }

// Output counts are int32 in the files; the kernel's state is int64. A value
// beyond int32 can only come from an absurd configuration; saturate rather
// than wrap.
std::int32_t to_out(std::int64_t v) noexcept {
  return static_cast<std::int32_t>(std::min<std::int64_t>(v, std::numeric_limits<std::int32_t>::max()));
}

// Sum over k = 1..L of w_k G[t-k], with four partial sums in a fixed order
// (deterministic, and shorter dependency chains than one running sum).
double lagged_grants(const double* history, const double* weights_rev, std::size_t n) noexcept {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += weights_rev[i] * history[i];
    s1 += weights_rev[i + 1] * history[i + 1];
    s2 += weights_rev[i + 2] * history[i + 2];
    s3 += weights_rev[i + 3] * history[i + 3];
  }
  for (; i < n; ++i) s0 += weights_rev[i] * history[i];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace

BetaShape beta_from_moments(double mean, double sd) {
  const double common = mean * (1.0 - mean) / (sd * sd) - 1.0;
  return BetaShape{mean * common, (1.0 - mean) * common};
}

PathState::PathState(const ModelSpec& spec)
    : dublin_(static_cast<std::size_t>(spec.dublin_deadline_weeks)),
      permit_(static_cast<std::size_t>(spec.regions)),
      grant_history_(spec.lag_weights.size()),
      pending_orders_(static_cast<std::size_t>(spec.adaptive.lead_weeks + 2)),
      with_response_(spec.decision_response.enabled),
      with_drift_(spec.grant_drift_weekly_sd > 0.0),
      with_housing_(spec.half_year_sd > 0.0 || spec.half_year_national_sd > 0.0 || spec.carry_over ||
                    spec.quota_rule.enabled),
      with_recent_(spec.quota_rule.enabled),
      with_waiting_(spec.track_waiting),
      with_programmes_(!spec.uncertain_programmes.empty()),
      with_productivity_(spec.decision_capacity_sd > 0.0),
      with_walk_(spec.level_walk_sd > 0.0) {
  const auto R = static_cast<std::size_t>(spec.regions);
  if (with_housing_) {
    half_factor_.assign(R, 1.0);
    half_task_.assign(R, 0.0);
    backlog_.assign(R, 0.0);
    quota_housed_.assign(R, 0);
  }
  if (with_recent_) recent_new_.assign(static_cast<std::size_t>(spec.quota_rule.lookback_weeks), 0.0);
  if (with_waiting_) {
    waiting_.assign(R * kWaitSlots, 0);
    waiting_over_.assign(R, 0);
  }
}

PathState::Stocks PathState::stocks() const {
  std::int64_t dublin = 0;
  for (std::int64_t v : dublin_) dublin += v;
  return {queue_, dublin, procedure_, rejected_, permit_};
}

void PathState::save(ByteWriter& out) const {
  out.put(par_.grant_rate);
  out.put(par_.dublin_share);
  out.put(par_.transfer_share);
  out.put(par_.transfer_hazard);
  out.put(par_.realisation);
  out.put(par_.nareis_per_grant);
  out.put(par_.level);
  out.put(par_.trend);
  out.put_vector(par_.regional_realisation);
  out.put(next_week_);
  out.put(queue_);
  out.put(procedure_);
  out.put(rejected_);
  out.put_vector(dublin_);
  out.put_vector(permit_);
  out.put_vector(grant_history_);
  out.put(x_);
  out.put(j_);
  out.put(adaptive_offset_);
  out.put(up_weeks_);
  out.put(down_weeks_);
  out.put_vector(pending_orders_);
  out.put(cno_closed_);
  out.put(phaseout_count_);
  // The later mechanisms' state, each only when on (see the header).
  if (with_productivity_) out.put(par_.decision_productivity);
  if (with_programmes_) {
    out.put_vector(par_.programme_delivered);
    out.put_vector(par_.programme_delay);
  }
  if (with_response_) out.put(decision_capacity_);
  if (with_drift_) out.put(grant_drift_);
  if (with_walk_) out.put(level_walk_);
  if (with_housing_) {
    out.put_vector(half_factor_);
    out.put_vector(half_task_);
    out.put_vector(backlog_);
    out.put_vector(quota_housed_);
  }
  if (with_recent_) out.put_vector(recent_new_);
  if (with_waiting_) {
    out.put_vector(waiting_);
    out.put_vector(waiting_over_);
  }
}

void PathState::restore(ByteReader& in) {
  par_.grant_rate = in.get<double>();
  par_.dublin_share = in.get<double>();
  par_.transfer_share = in.get<double>();
  par_.transfer_hazard = in.get<double>();
  par_.realisation = in.get<double>();
  par_.nareis_per_grant = in.get<double>();
  par_.level = in.get<double>();
  par_.trend = in.get<double>();
  in.get_vector_sized(par_.regional_realisation, permit_.size());
  next_week_ = in.get<int>();
  queue_ = in.get<std::int64_t>();
  procedure_ = in.get<std::int64_t>();
  rejected_ = in.get<std::int64_t>();
  in.get_vector_sized(dublin_, dublin_.size());
  in.get_vector_sized(permit_, permit_.size());
  in.get_vector_sized(grant_history_, grant_history_.size());
  x_ = in.get<double>();
  j_ = in.get<double>();
  adaptive_offset_ = in.get<std::int64_t>();
  up_weeks_ = in.get<int>();
  down_weeks_ = in.get<int>();
  in.get_vector_sized(pending_orders_, pending_orders_.size());
  cno_closed_ = in.get<bool>();
  phaseout_count_ = in.get<int>();
  if (with_productivity_) par_.decision_productivity = in.get<double>();
  if (with_programmes_) {
    in.get_vector_sized(par_.programme_delivered, par_.programme_delivered.size());
    in.get_vector_sized(par_.programme_delay, par_.programme_delay.size());
  }
  if (with_response_) decision_capacity_ = in.get<double>();
  if (with_drift_) grant_drift_ = in.get<double>();
  if (with_walk_) level_walk_ = in.get<double>();
  if (with_housing_) {
    in.get_vector_sized(half_factor_, half_factor_.size());
    in.get_vector_sized(half_task_, half_task_.size());
    in.get_vector_sized(backlog_, backlog_.size());
    in.get_vector_sized(quota_housed_, quota_housed_.size());
  }
  if (with_recent_) in.get_vector_sized(recent_new_, recent_new_.size());
  if (with_waiting_) {
    in.get_vector_sized(waiting_, waiting_.size());
    in.get_vector_sized(waiting_over_, waiting_over_.size());
  }
}

PathWorkspace::PathWorkspace(const ModelSpec& spec)
    : new_permit_(static_cast<std::size_t>(spec.regions)),
      housed_(static_cast<std::size_t>(spec.regions)),
      lag_weights_rev_(spec.lag_weights.rbegin(), spec.lag_weights.rend()),
      region_split_(spec.region_share),
      week_streams_(spec.dublin_deadline_weeks, spec.regions, kRegionSplitBlocks),
      housing_mean_(lane_padded(spec.regions), 0.0),
      housing_supply_(static_cast<std::size_t>(spec.regions), 0),
      cohort_left_(static_cast<std::size_t>(spec.dublin_deadline_weeks), 0),
      cohort_drawn_(static_cast<std::size_t>(spec.dublin_deadline_weeks), 0),
      quota_mean_(static_cast<std::size_t>(spec.regions), 0.0),
      programme_extra_(static_cast<std::size_t>(spec.regions), 0.0),
      scratch_state_(spec) {}

namespace {

// Where each per-path prior takes its uniform in a Sobol' point
// (run.sobol_parameters, core/sampling/prior_points.hpp): the inflow's level and
// trend first (the early coordinates of a Sobol' sequence are its most even),
// then the other priors, the programmes two each and the regions last. Every
// prior has its coordinate whether its mechanism is on or not, so a point's
// coordinates never move when a mechanism is switched.
namespace sobol_coordinate {
constexpr std::size_t kLevel = 0, kTrend = 1, kInflowStart = 2, kGrantRate = 3, kDublinShare = 4, kTransferShare = 5,
                      kRealisation = 6, kNareisPerGrant = 7, kProductivity = 8,
                      kInitialState = 9 /* 4: Dublin, procedure, rejected, permit holders */,
                      kProgrammes = 13 /* 2 per programme: delivered, delay */;
std::size_t first_region(const ModelSpec& spec) { return kProgrammes + 2 * spec.uncertain_programmes.size(); }
std::size_t count(const ModelSpec& spec) { return first_region(spec) + static_cast<std::size_t>(spec.regions); }
}  // namespace sobol_coordinate

// The draws of the per-path priors: from the prior flow's stream of path
// path_of(f) (the default), or, given a Sobol' point, through the inverse CDF
// at the prior's coordinate. Both give each prior its law exactly.
template <class PathOf>
class PriorDraws {
 public:
  PriorDraws(std::uint64_t seed, const PathOf& path_of, std::span<const double> point)
      : seed_(seed), path_of_(path_of), point_(point) {}

  // A prior with sd 0 is its mean and draws nothing; otherwise Beta or Gamma
  // with the prior's mean and sd.
  double beta(const Prior& p, Flow f, std::uint32_t sub, std::size_t coordinate) const {
    if (p.sd == 0.0) return p.mean;
    const BetaShape s = beta_from_moments(p.mean, p.sd);
    if (!point_.empty()) return beta_quantile(s.a, s.b, point_[coordinate]);
    RandomStream rs = stream(f, sub);
    return sample_beta(rs, s.a, s.b);
  }

  double gamma(const Prior& p, Flow f, std::uint32_t sub, std::size_t coordinate) const {
    if (p.sd == 0.0) return p.mean;
    const double shape = (p.mean / p.sd) * (p.mean / p.sd);
    const double scale = p.sd * p.sd / p.mean;
    if (!point_.empty()) return gamma_quantile(shape, scale, point_[coordinate]);
    RandomStream rs = stream(f, sub);
    return sample_gamma(rs, shape, scale);
  }

  // Standard normals, as many as z holds: from flow f's one stream, or from
  // the coordinates from `coordinate` on.
  void normals(Flow f, std::uint32_t sub, std::size_t coordinate, std::span<double> z) const {
    if (point_.empty()) {
      RandomStream rs = stream(f, sub);
      for (double& v : z) v = sample_normal(rs);
      return;
    }
    for (std::size_t k = 0; k < z.size(); ++k) z[k] = normal_quantile(point_[coordinate + k]);
  }
  double normal(Flow f, std::uint32_t sub, std::size_t coordinate) const {
    double z = 0.0;
    normals(f, sub, coordinate, {&z, 1});
    return z;
  }

 private:
  RandomStream stream(Flow f, std::uint32_t sub) const { return RandomStream(seed_, path_of_(f), kSetupWeek, f, sub); }
  std::uint64_t seed_;
  const PathOf& path_of_;
  std::span<const double> point_;
};

// The per-path parameters, drawn by `draw`.
template <class PathOf>
PathParameters draw_parameters(const ModelSpec& spec, const PriorDraws<PathOf>& draw) {
  namespace c = sobol_coordinate;
  PathParameters p;
  p.grant_rate = draw.beta(spec.grant_rate, Flow::PriorGrantRate, 0, c::kGrantRate);
  p.dublin_share = draw.beta(spec.dublin_share, Flow::PriorDublinShare, 0, c::kDublinShare);
  p.transfer_share = draw.beta(spec.transfer_share, Flow::PriorTransferShare, 0, c::kTransferShare);
  const double d = static_cast<double>(spec.dublin_deadline_weeks);
  p.transfer_hazard = 1.0 - std::pow(1.0 - p.transfer_share, 1.0 / d);
  p.realisation = draw.beta(spec.realisation, Flow::PriorRealisation, 0, c::kRealisation);
  p.nareis_per_grant = draw.gamma(spec.nareis_per_grant, Flow::PriorNareisPerGrant, 0, c::kNareisPerGrant);
  {
    // (alpha, beta) bivariate normal: beta's own noise is mixed with alpha's
    // by the configured correlation (Cholesky of the 2x2 correlation matrix).
    double z[2];
    draw.normals(Flow::PriorInflowLevelTrend, 0, c::kLevel, z);
    static_assert(c::kTrend == c::kLevel + 1);
    const double cor = spec.level_trend_correlation;
    p.level = spec.level.mean + spec.level.sd * z[0];
    p.trend = spec.trend.mean + spec.trend.sd * (cor * z[0] + std::sqrt(1.0 - cor * cor) * z[1]);
  }
  if (spec.decision_capacity_sd > 0.0) {
    // Mean-one log-normal factor on the decision capacity (the IND's uncertain productivity).
    const double sd = spec.decision_capacity_sd;
    p.decision_productivity =
        std::exp(sd * draw.normal(Flow::PriorDecisionProductivity, 0, c::kProductivity) - 0.5 * sd * sd);
  }
  const std::size_t n_programmes = spec.uncertain_programmes.size();
  p.programme_delivered.assign(n_programmes, 1.0);
  p.programme_delay.assign(n_programmes, 0);
  for (std::size_t i = 0; i < n_programmes; ++i) {
    const ProgrammeSpec& g = spec.uncertain_programmes[i];
    const auto sub = static_cast<std::uint32_t>(i);
    p.programme_delivered[i] = draw.beta(g.delivered, Flow::PriorProgrammeDelivery, sub, c::kProgrammes + 2 * i);
    const double delay = g.delay_weeks.mean > 0.0
                             ? draw.gamma(g.delay_weeks, Flow::PriorProgrammeDelay, sub, c::kProgrammes + 2 * i + 1)
                             : 0.0;
    p.programme_delay[i] = static_cast<int>(std::min(delay, 1e6));  // whole weeks, rounded down
  }
  p.regional_realisation.assign(static_cast<std::size_t>(spec.regions), p.realisation);
  if (spec.regions > 1 && spec.regional_sd > 0.0) {
    const double tau = spec.regional_sd;
    for (int r = 0; r < spec.regions; ++r) {
      const double z = draw.normal(Flow::PriorRegionalRealisation, static_cast<std::uint32_t>(r),
                                   c::first_region(spec) + static_cast<std::size_t>(r));
      p.regional_realisation[static_cast<std::size_t>(r)] = p.realisation * std::exp(tau * z - 0.5 * tau * tau);
    }
  }
  return p;
}

// Path `path`'s Sobol' point, or none (empty) when the priors draw their streams.
std::vector<double> sobol_point(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path) {
  if (!spec.sobol_parameters) return {};
  std::vector<double> u(sobol_coordinate::count(spec));
  scrambled_sobol_point(seed, path, u);
  return u;
}

}  // namespace

PathParameters draw_path_parameters(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path) {
  const auto path_of = [path](Flow) { return path; };
  const std::vector<double> point = sobol_point(spec, seed, path);
  return draw_parameters(spec, PriorDraws(seed, path_of, point));
}

PathParameters draw_path_parameters(const ModelSpec& spec, std::uint64_t seed, const FlowPaths& flow_paths) {
  const auto path_of = [&flow_paths](Flow f) { return flow_paths.of(f); };
  return draw_parameters(spec, PriorDraws(seed, path_of, {}));
}

void init_path(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path, PathState& st,
               const FlowPaths* flow_paths) {
  // With flow_paths (the pick-freeze designs of forecast/sensitivity.hpp) every
  // prior draws its stream: those designs need independent draws, not a point set.
  const std::vector<double> point = flow_paths ? std::vector<double>{} : sobol_point(spec, seed, path);
  const auto path_of = [&](Flow f) { return flow_paths ? flow_paths->of(f) : path; };
  const PriorDraws draw(seed, path_of, point);
  st.par_ = draw_parameters(spec, draw);
  st.flow_paths_ = flow_paths;
  st.next_week_ = 0;
  // Initial state, identical on every path (MODEL.md §10).
  st.queue_ = spec.initial_queue;
  st.procedure_ = spec.initial_procedure;
  st.rejected_ = spec.initial_rejected;
  const int d = spec.dublin_deadline_weeks;
  std::fill(st.dublin_.begin(), st.dublin_.end(), spec.initial_dublin / d);
  for (std::int64_t a = 0; a < spec.initial_dublin % d; ++a) ++st.dublin_[static_cast<std::size_t>(a)];
  std::copy(spec.initial_permit_holders.begin(), spec.initial_permit_holders.end(), st.permit_.begin());
  std::fill(st.grant_history_.begin(), st.grant_history_.end(), spec.initial_grants_per_week);
  std::fill(st.pending_orders_.begin(), st.pending_orders_.end(), 0);
  st.x_ = 0.0;
  st.j_ = 0.0;
  st.adaptive_offset_ = 0;
  st.up_weeks_ = st.down_weeks_ = 0;
  st.cno_closed_ = false;
  st.phaseout_count_ = 0;

  // ---- the mechanisms added after the first model ----
  if (spec.start_deviation.mean != 0.0 || spec.start_deviation.sd > 0.0) {
    // The inflow starts at its recent observed level: x at week 0.
    st.x_ = spec.start_deviation.mean +
            (spec.start_deviation.sd > 0.0
                 ? spec.start_deviation.sd * draw.normal(Flow::PriorInflowStart, 0, sobol_coordinate::kInflowStart)
                 : 0.0);
  }
  if (spec.track_waiting) {
    // Those who have waited more than 14 weeks, and the rest spread evenly
    // over the entry weeks -14..-1 (slots 1..14), the remainder to the youngest.
    for (int r = 0; r < spec.regions; ++r) {
      const auto ru = static_cast<std::size_t>(r);
      const std::int64_t over = std::min(st.permit_[ru], spec.initial_waiting_over_14[ru]);
      st.waiting_over_[ru] = over;
      std::int64_t* slots = st.waiting_.data() + ru * kWaitSlots;
      const std::int64_t rest = st.permit_[ru] - over;
      slots[0] = 0;
      for (int k = 1; k < kWaitSlots; ++k) slots[k] = rest / (kWaitSlots - 1);
      for (std::int64_t k = 0; k < rest % (kWaitSlots - 1); ++k) ++slots[kWaitSlots - 1 - k];
    }
  }
  if (spec.initial_uncertainty_sd > 0.0 || spec.initial_permit_holders_extra_sd > 0.0) {
    // The stocks at the origin are estimates: each is scaled by its own
    // mean-one log-normal factor and rounded to whole persons. The permit
    // holders' count may be older than the others (C5), hence its own sd.
    const double permit_sd = std::hypot(spec.initial_uncertainty_sd, spec.initial_permit_holders_extra_sd);
    const auto factor = [&](std::uint32_t which) {
      const double sd = which == 3 ? permit_sd : spec.initial_uncertainty_sd;
      const double z = draw.normal(Flow::PriorInitialState, which, sobol_coordinate::kInitialState + which);
      return std::exp(sd * z - 0.5 * sd * sd);
    };
    const auto scaled = [](std::int64_t n, double f) {
      return static_cast<std::int64_t>(std::llround(static_cast<double>(n) * f));
    };
    const std::int64_t dublin = scaled(spec.initial_dublin, factor(0));
    std::fill(st.dublin_.begin(), st.dublin_.end(), dublin / d);
    for (std::int64_t a = 0; a < dublin % d; ++a) ++st.dublin_[static_cast<std::size_t>(a)];
    st.procedure_ = scaled(spec.initial_procedure, factor(1));
    st.rejected_ = scaled(spec.initial_rejected, factor(2));
    const double f = factor(3);
    for (std::size_t r = 0; r < st.permit_.size(); ++r) st.permit_[r] = scaled(st.permit_[r], f);
    if (spec.track_waiting) {
      for (std::size_t i = 0; i < st.waiting_.size(); ++i) st.waiting_[i] = scaled(st.waiting_[i], f);
      for (std::size_t r = 0; r < st.permit_.size(); ++r) {
        st.waiting_over_[r] = scaled(st.waiting_over_[r], f);
        std::int64_t sum = st.waiting_over_[r];
        for (int k = 0; k < kWaitSlots; ++k) sum += st.waiting_[r * kWaitSlots + static_cast<std::size_t>(k)];
        st.permit_[r] = sum;  // the ages' rounding decides the total
      }
    }
  }
  if (st.with_response_) st.decision_capacity_ = spec.weeks > 0 ? spec.decision_capacity[0] : 0.0;
  st.grant_drift_ = 0.0;
  st.level_walk_ = 0.0;
  if (st.with_housing_) {
    std::fill(st.half_factor_.begin(), st.half_factor_.end(), 1.0);
    std::fill(st.half_task_.begin(), st.half_task_.end(), 0.0);
    std::fill(st.backlog_.begin(), st.backlog_.end(), 0.0);
    std::fill(st.quota_housed_.begin(), st.quota_housed_.end(), 0);
  }
  // Before week 0 the new permit holders are taken as the grants per week.
  if (st.with_recent_) std::fill(st.recent_new_.begin(), st.recent_new_.end(), spec.initial_grants_per_week);
}

void simulate_path(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path, PathWorkspace& ws,
                   const PathSink& sink) {
  init_path(spec, seed, path, ws.scratch_state_);
  advance_path(spec, seed, path, ws.scratch_state_, ws, spec.weeks, sink);
}

namespace detail {

// One path carried through its weeks: its state in locals, as the week's code
// reads it, and the values of the week in progress. A week runs in two halves
// around the regional split of its new permit holders, so that a group of
// paths can make their splits side by side (advance_paths); one path alone
// runs the halves back to back (advance_path). The same code, the same
// results either way. (Members are named as in MODEL.md §4, like the locals
// they were.)
class PathWeeks {
 public:
  PathWeeks(const ModelSpec& spec_, std::uint64_t seed_, std::uint64_t path_, PathState& st_, PathWorkspace& ws_,
            const PathSink& sink_) noexcept
      : spec(spec_),
        seed(seed_),
        path(path_),
        st(st_),
        ws(ws_),
        sink(sink_),
        par(st_.par_),
        R(spec_.regions),
        d(spec_.dublin_deadline_weeks),
        L(spec_.lag_weights.size()),
        orders(st_.pending_orders_.size()),
        W(st_.queue_),
        A(st_.procedure_),
        X(st_.rejected_),
        D(st_.dublin_),
        S(st_.permit_),
        x(st_.x_),
        j(st_.j_),
        adaptive_offset(st_.adaptive_offset_),
        up_weeks(st_.up_weeks_),
        down_weeks(st_.down_weeks_),
        cno_closed(st_.cno_closed_),
        phaseout_count(st_.phaseout_count_) {}

  // Capacity in effect and steps 1-4 of week t, up to the new permit holders.
  void first_half(int t) noexcept;
  // The week's new permit holders and the stream of their regional split; the
  // split goes into split_counts() (sized R).
  std::int64_t permit_holders_new() const noexcept { return new_permit; }
  RandomStream split_stream() const noexcept { return stream(Flow::PermitHolderRegions); }
  std::vector<std::int64_t>& split_counts() noexcept { return ws.new_permit_; }
  // The split drawn for this path alone.
  void split() noexcept;
  // Steps 5-7b, the rules and the record of week t, after the split.
  void second_half(int t) noexcept;
  // Writes the locals back into the state; end_week is the first week not simulated.
  void store(int end_week) noexcept;

 private:
  RandomStream stream(Flow f, std::uint32_t sub = 0) const noexcept { return ws.week_streams_.open(f, sub); }
  void put(Var v, int t, std::int64_t value) const noexcept {
    if (sink.counts)
      sink.counts[static_cast<std::ptrdiff_t>(v) * sink.var_stride + (t - sink.first_week) * sink.week_stride] =
          to_out(value);
  }
  void put_regional(RegionalVar v, int t, const std::vector<std::int64_t>& values) const noexcept {
    if (!sink.regional || static_cast<std::size_t>(v) >= sink.regional_count) return;
    std::int32_t* base = sink.regional + static_cast<std::ptrdiff_t>(v) * sink.reg_var_stride +
                         (t - sink.first_week) * sink.reg_week_stride;
    for (int r = 0; r < R; ++r) base[r * sink.reg_region_stride] = to_out(values[static_cast<std::size_t>(r)]);
  }

  const ModelSpec& spec;
  const std::uint64_t seed, path;
  PathState& st;
  PathWorkspace& ws;
  const PathSink& sink;
  const PathParameters& par;
  const int R, d;
  const std::size_t L, orders;

  // The path's state, carried from week to week.
  std::int64_t W, A, X;
  std::vector<std::int64_t>& D;
  std::vector<std::int64_t>& S;
  double x, j;
  std::int64_t adaptive_offset;
  int up_weeks, down_weeks;
  bool cno_closed;
  int phaseout_count;

  // The week in progress: set by first_half, read by second_half.
  std::uint32_t week = 0;
  std::size_t ring = 0;
  std::int64_t k_reg = 0, k_cno = 0, k_tnv = 0, K = 0;
  bool cno_open = false;
  std::int64_t F = 0, Rp = 0, N = 0, N_rec = 0, reg = 0, Dub = 0;
  std::int64_t transfers = 0, absconded = 0, expired = 0;
  std::int64_t C = 0, dec = 0, Gr = 0, Rj = 0, Ng = 0, new_permit = 0;
  std::int64_t Wd = 0;  // closed without a decision

  // The first week of a half-year: the previous half-year's unmet quota, the
  // new quota and the half-year's realisation factors (docs/model.md, "Housing quota").
  void start_half(int t) noexcept;
  // The weeks a half-year's task is spread over (week 0's half-year: those from week 0 on).
  double half_span(int t) const noexcept {
    const double w = spec.half_weeks[static_cast<std::size_t>(t)];
    return spec.half_index[static_cast<std::size_t>(t)] == 0 ? w * spec.first_half_fraction : w;
  }
};

void PathWeeks::start_half(int t) noexcept {
  const auto tu = static_cast<std::size_t>(t);
  double H = spec.half_quota[tu];
  if (std::isnan(H)) {
    // The rule: share x the expected new permit holders of the half-year,
    // from the mean of the last lookback weeks.
    double sum = 0.0;
    for (double v : st.recent_new_) sum += v;
    const double per_week = st.recent_new_.empty() ? 0.0 : sum / static_cast<double>(st.recent_new_.size());
    H = spec.quota_rule.share * per_week * spec.half_weeks[tu];
  }
  const double span_share = spec.half_index[tu] == 0 ? spec.first_half_fraction : 1.0;
  // The half-year's national realisation factor, shared by every region (1 when off).
  double national = 1.0;
  if (spec.half_year_national_sd > 0.0) {
    auto rs = stream(Flow::HousingHalfYearNational);
    const double sd = spec.half_year_national_sd;
    national = std::exp(sd * sample_normal(rs) - 0.5 * sd * sd);
  }
  for (int r = 0; r < R; ++r) {
    const auto ru = static_cast<std::size_t>(r);
    // Unmet quota carries over, but never more than the permit holders waiting.
    double backlog = 0.0;
    if (t > 0 && spec.carry_over) {
      const double unmet = st.half_task_[ru] - static_cast<double>(st.quota_housed_[ru]);
      backlog = std::clamp(unmet, 0.0, static_cast<double>(S[ru]));
    }
    st.backlog_[ru] = backlog;
    st.half_task_[ru] = H * spec.region_share[ru] * span_share + backlog;
    st.quota_housed_[ru] = 0;
    if (spec.half_year_sd > 0.0) {
      auto rs = stream(Flow::HousingHalfYear, static_cast<std::uint32_t>(r));
      const double sd = spec.half_year_sd;
      st.half_factor_[ru] = national * std::exp(sd * sample_normal(rs) - 0.5 * sd * sd);
    } else {
      st.half_factor_[ru] = national;
    }
  }
}

void PathWeeks::first_half(int t) noexcept {
  week = static_cast<std::uint32_t>(t);

  // Whether the Dublin step draws its leavers per cohort or as one subset
  // (step 3 below) is known now: D and the hazards do not change before it.
  // The week's streams are opened from blocks computed together up front;
  // the per-cohort ones only when they will be drawn from.
  const double h_transfer = clamp01(par.transfer_hazard * spec.m_dublin[week]);
  const double h_leave = clamp01(h_transfer + (1.0 - h_transfer) * spec.abscond_weekly);  // 1 - s
  // Leaving is certain when s = 0 exactly (h = 1 or h_ab = 1), whatever the rounding above.
  const double leave_p = (1.0 - h_transfer) * (1.0 - spec.abscond_weekly) > 0.0 ? h_leave : 1.0;
  std::int64_t in_dublin = 0;
  for (int a = 0; a < d; ++a) in_dublin += D[static_cast<std::size_t>(a)];
  // When the week's expected leavers are few (at most kFewLeavers), step 3
  // draws them as a subset (see there).
  const bool few = leave_p > 0.0 && in_dublin > 0 && in_dublin < (std::int64_t{1} << 31) &&
                   static_cast<double>(in_dublin) * leave_p <= kFewLeavers;
  ws.week_streams_.prepare(seed, path, week, !few, st.flow_paths_);

  // ---- 7a. capacity in effect this week (before the flows) ----
  const std::int64_t regular_base = spec.regular_capacity[static_cast<std::size_t>(t)];
  // Orders take effect lead_weeks + 1 weeks after they are placed; the ring holds
  // the changes due in each of the coming lead_weeks + 2 weeks.
  std::int64_t& due = st.pending_orders_[static_cast<std::size_t>(t) % orders];
  if (std::int64_t delta = due; delta != 0) {
    // A removal never takes K_reg below the floor (nor lowers one already below it).
    if (delta < 0 && regular_base + adaptive_offset + delta < spec.adaptive.floor)
      delta = std::min<std::int64_t>(0, spec.adaptive.floor - (regular_base + adaptive_offset));
    adaptive_offset += delta;
    due = 0;
  }
  k_reg = regular_base + adaptive_offset;
  cno_open = !cno_closed && t >= spec.cno_from_week && t < spec.cno_until_week && spec.cno_places_per_region > 0;
  k_cno = cno_open ? spec.cno_places_per_region * spec.cno_regions : 0;
  k_tnv = spec.tnv_capacity[static_cast<std::size_t>(t)];
  K = k_reg + k_cno + k_tnv;

  if (st.with_housing_ && spec.half_start[week]) start_half(t);

  // ---- 1. inflow ----
  {
    auto rs = stream(Flow::InflowNoise);
    x = spec.ar_phi * x + spec.ar_sigma * sample_normal(rs);
  }
  if (st.with_walk_) {
    // The local level (docs/model.md C11): a random walk the AR(1) deviation
    // reverts to, so that the spread of the level grows with the horizon.
    auto rs = stream(Flow::InflowLevelWalk);
    st.level_walk_ = spec.level_walk_phi * st.level_walk_ + spec.level_walk_sd * sample_normal(rs);
  }
  {
    auto rs_b = stream(Flow::InflowShockOccurs);
    double jump = 0.0;
    if (sample_bernoulli(rs_b, spec.shock_probability)) {
      auto rs_y = stream(Flow::InflowShockSize);
      jump = sample_exponential(rs_y, spec.shock_mean);
    }
    j = spec.shock_decay * j + jump;
  }
  const double log_lambda =
      par.level + par.trend * (t / kWeeksPerYear) + spec.log_season[week] + x + st.level_walk_ + j;
  const double lambda = std::min(kMaxWeeklyInflow, std::exp(log_lambda) * spec.m_inflow[week]);
  {
    auto rs = stream(Flow::FirstApplications);
    F = sample_poisson(rs, lambda);
  }
  {
    auto rs = stream(Flow::RepeatApplications);
    Rp = sample_poisson(rs, spec.repeat_share * lambda);
  }
  // Family reunification from the grants of the past L weeks. The ring holds
  // G[t-L..t-1] starting at position t mod L (oldest first), in two pieces.
  ring = L ? static_cast<std::size_t>(t) % L : 0;
  N = 0;
  N_rec = 0;
  if (L) {
    const double* history = st.grant_history_.data();
    const double* weights = ws.lag_weights_rev_.data();
    const double lagged =
        lagged_grants(history + ring, weights, L - ring) + lagged_grants(history, weights + (L - ring), ring);
    auto rs = stream(Flow::Nareis);
    N = sample_poisson(rs, par.nareis_per_grant * spec.m_nareis[week] * lagged);
    auto rs_in = stream(Flow::NareisIntoReception);
    N_rec = sample_binomial(rs_in, N, spec.into_reception);
  }

  // ---- 2. registration ----
  const std::int64_t pool = W + F + Rp;
  const double rcap = spec.registration_capacity[week];
  reg = rcap >= static_cast<double>(pool) ? pool : static_cast<std::int64_t>(std::floor(rcap));
  W = pool - reg;
  {
    auto rs = stream(Flow::DublinClaims);
    Dub = sample_binomial(rs, reg, par.dublin_share);
  }
  A += reg - Dub;

  // ---- 3. Dublin, oldest cohort first ----
  // MODEL.md §4 step 3 draws, per cohort a, tr ~ Bin(D[a], h) and then
  // ab ~ Bin(D[a] - tr, h_ab), with h = h_tr m_dublin(t) the same for every
  // cohort this week. That is: each person independently is transferred
  // (probability h), absconds ((1 - h) h_ab) or stays (s = (1 - h)(1 - h_ab)),
  // so (tr, ab, rest) of a cohort is Multinomial(D[a]; h, (1 - h) h_ab, s),
  // independently over cohorts. We draw the same law in fewer draws:
  //   leavers L_a ~ Bin(D[a], 1 - s) per cohort (rest = D[a] - L_a, exact);
  //   transfers ~ Bin(sum_a L_a, h / (1 - s)) once for all cohorts together,
  //   absconded = sum_a L_a - transfers.
  // Exact: given L_a, each leaver of cohort a is transferred with probability
  // h / (1 - s) independently of everyone else, and this probability is the
  // same for all cohorts, so the sum over cohorts of the per-cohort transfer
  // counts is Bin(sum L_a, h / (1 - s)) — the one draw. Only the week's totals
  // of transfers and absconded are outputs (and stocks depend only on the
  // rest of each cohort), so the joint law of (D', transfers, absconded,
  // expired) is identical to the per-cohort scheme: 27 draws instead of 52.
  // MODEL.md §4 asks for exact draws from the named law, not for a stream
  // layout; the streams are (DublinLeavers, sub = age) and
  // (DublinTransferSplit, sub = 0).
  // h_transfer, h_leave = 1 - s and leave_p are computed at the top of the week.
  //
  // When the week's expected leavers are few (at most kFewLeavers), the same
  // law is drawn in another way: the total T ~ Bin(sum_a D[a], 1 - s), then
  // which T of the sum_a D[a] persons leave, a uniformly random T-subset
  // (given T, every subset is equally likely: the persons are exchangeable).
  // That costs one binomial and about one 32-bit word per leaver instead of
  // one binomial per cohort. Which way is taken depends only on the path's
  // state, so results stay reproducible; the streams are DublinLeaversTotal
  // and DublinLeaverCohorts.
  // (`few`, decided at the top of the week.)
  std::int64_t leavers = 0;
  expired = 0;
  if (few) {
    auto rs_total = stream(Flow::DublinLeaversTotal);
    leavers = sample_binomial(rs_total, in_dublin, leave_p);
    auto rs_who = stream(Flow::DublinLeaverCohorts);
    remove_uniform_subset(rs_who, D, leavers, ws.subset_);  // D[a] = those who stay
  }
  const BinomialRate leave_rate = prepare_binomial(few ? 0.0 : leave_p);
  // The cohorts' draws by inversion are made side by side
  // (core/sampling/binomial_lanes.hpp); the ones they do not settle one by one. The
  // results are sample_binomial's either way.
  std::uint8_t* cohort_drawn = ws.cohort_drawn_.data();
  const std::uint32_t* cohort_blocks =
      kCohortsInLanes && !few && leave_p > 0.0 ? ws.week_streams_.first_blocks(Flow::DublinLeavers) : nullptr;
  if (cohort_blocks)
    binomial_inversion_lanes(leave_rate, D.data(), static_cast<std::size_t>(d), cohort_blocks,
                             ws.week_streams_.stride(), ws.cohort_left_.data(), cohort_drawn);
  for (int a = d - 1; a >= 0; --a) {
    const std::int64_t n = D[static_cast<std::size_t>(a)];
    std::int64_t left = 0;
    if (cohort_blocks && cohort_drawn[a]) {
      left = ws.cohort_left_[static_cast<std::size_t>(a)];
    } else if (!few && n > 0 && leave_p > 0.0) {  // 1 - s = 0: no draw, everyone stays
      auto rs = stream(Flow::DublinLeavers, static_cast<std::uint32_t>(a));
      left = sample_binomial(rs, n, leave_rate);
    }
    const std::int64_t rest = n - left;
    leavers += left;
    if (a == d - 1) {
      expired = rest;
      A += rest;
    } else {
      D[static_cast<std::size_t>(a + 1)] = rest;
    }
  }
  transfers = 0;
  if (leavers > 0) {
    auto rs = stream(Flow::DublinTransferSplit);
    transfers = sample_binomial(rs, leavers, clamp01(h_transfer / leave_p));
  }
  absconded = leavers - transfers;
  D[0] = Dub;

  // ---- 4. decisions ----
  // The decision capacity: as configured, or following the backlog A with a
  // lag (partial adjustment towards A / target_weeks, never below the week's
  // floor nor above max_per_week), times the path's productivity.
  double capacity_mean = spec.decision_capacity[week];
  if (st.with_response_) {
    const DecisionResponseSpec& resp = spec.decision_response;
    const double target = static_cast<double>(A) / resp.target_weeks;
    const double floor = spec.decision_capacity_floor[week];
    double c = st.decision_capacity_ + (target - st.decision_capacity_) / resp.adjust_weeks;
    c = std::clamp(c, floor, std::max(floor, resp.max_per_week));
    st.decision_capacity_ = c;
    capacity_mean = c;
  }
  if (st.with_productivity_) capacity_mean *= par.decision_productivity;
  {
    auto rs = stream(Flow::DecisionCapacity);
    C = sample_poisson(rs, std::min(capacity_mean, kMaxWeeklyInflow));
  }
  // The cases closed this week; a share of them without a decision
  // (withdrawn or otherwise closed: they leave reception).
  const std::int64_t closures = std::min(A, C);
  Wd = 0;
  if (spec.withdrawn_share > 0.0 && closures > 0) {
    auto rs = stream(Flow::Withdrawn);
    Wd = sample_binomial(rs, closures, spec.withdrawn_share);
  }
  dec = closures - Wd;
  double grant_rate = par.grant_rate;
  if (st.with_drift_ && grant_rate > 0.0 && grant_rate < 1.0) {
    // logit(g_t) = logit(g) + u_t, u a random walk from 0.
    auto rs = stream(Flow::GrantDrift);
    st.grant_drift_ += spec.grant_drift_weekly_sd * sample_normal(rs);
    const double logit = std::log(grant_rate / (1.0 - grant_rate)) + st.grant_drift_;
    grant_rate = 1.0 / (1.0 + std::exp(-logit));
  }
  {
    auto rs = stream(Flow::Grants);
    Gr = sample_binomial(rs, dec, grant_rate);
  }
  Rj = dec - Gr;
  A -= closures;
  // MODEL.md §4 step 4 draws the unaccompanied minors Am ~ Bin(Gr, a_amv) and
  // of them Ng ~ Bin(Am, q_guardian(t)) into the guardian organisation. Am is
  // no output and nothing else reads it, and a binomial thinned by a binomial
  // is a binomial: each of the Gr grants independently is a minor who goes to
  // the guardian with probability a_amv q_guardian(t). So Ng is drawn once,
  // Ng ~ Bin(Gr, a_amv q_guardian(t)): the same law in one draw instead of
  // two (a deliberate change of what is drawn; docs/perf-log.md, session 8). The
  // stream is (GuardianPlacements, sub = 0); Minors is drawn no more.
  {
    auto rs = stream(Flow::GuardianPlacements);
    Ng = sample_binomial(rs, Gr, spec.minors_share * clamp01(spec.to_guardian * spec.m_guardian[week]));
  }
  // New permit holders (family members into reception and new grants) split over
  // regions in one multinomial draw of their sum (MODEL.md §10).
  new_permit = N_rec + Gr - Ng;
}

void PathWeeks::split() noexcept {
  auto& NS = ws.new_permit_;
  if (R == 1) {
    NS[0] = new_permit;
  } else {
    auto rs = stream(Flow::PermitHolderRegions);
    sample_multinomial(rs, new_permit, ws.region_split_, NS);
  }
}

void PathWeeks::second_half(int t) noexcept {
  auto& NS = ws.new_permit_;
  for (int r = 0; r < R; ++r) S[static_cast<std::size_t>(r)] += NS[static_cast<std::size_t>(r)];
  if (L) {
    st.grant_history_[ring] = static_cast<double>(Gr);  // replaces G[t-L]
  }
  if (st.with_recent_)
    st.recent_new_[static_cast<std::size_t>(t) % st.recent_new_.size()] = static_cast<double>(new_permit);
  if (st.with_waiting_) {
    // Those who entered kWaitSlots weeks ago have now waited more than 14 weeks.
    const std::size_t slot = static_cast<std::size_t>(t) % kWaitSlots;
    for (std::size_t r = 0; r < static_cast<std::size_t>(R); ++r) {
      std::int64_t& entered = st.waiting_[r * kWaitSlots + slot];
      st.waiting_over_[r] += entered;
      entered = NS[r];
    }
  }

  // ---- 5. rejected ----
  // Each rejected person independently returns (h_r), leaves without verified
  // departure ((1 - h_r) h_l) or stays. The leavers are one binomial with
  // p = 1 - (1 - h_r)(1 - h_l), drawn by inversion, and are then split into
  // returns and departures with p = h_r / (that): the same joint law as
  // MODEL.md §4.5's two successive binomials, one monotone inversion instead
  // of two. Inversion is monotone in n and p, so the stock that stays
  // (X - leavers) never increases with the return multiplier or decreases
  // with X on any path under common random numbers (MODEL.md §8).
  X += Rj;
  std::int64_t Rt = 0, Lv = 0;
  {
    const double h_r = clamp01(spec.return_weekly * spec.m_return[week]);
    const double h_l = spec.leave_weekly;
    const double leave = clamp01(h_r + h_l - h_r * h_l);
    auto rs = stream(Flow::RejectedLeaving);
    const std::int64_t leavers = sample_binomial_inversion(rs, X, leave);
    if (leavers > 0) {
      auto rs_split = stream(Flow::RejectedReturnSplit);
      Rt = sample_binomial(rs_split, leavers, clamp01(h_r / leave));
    }
    Lv = leavers - Rt;
  }
  X -= Rt + Lv;

  // ---- 6. housing, per region ----
  std::int64_t housed_total = 0;
  const double* quota = spec.quota_rate.data() + static_cast<std::size_t>(t) * R;
  const double* programme = spec.programme_rate.data() + static_cast<std::size_t>(t) * R;
  double* mean = ws.housing_mean_.data();
  std::int64_t* supply = ws.housing_supply_.data();
  const double* extra = nullptr;  // uncertain programmes' supply of this path and week
  if (st.with_programmes_) {
    double* e = ws.programme_extra_.data();
    std::fill(e, e + R, 0.0);
    for (std::size_t i = 0; i < spec.uncertain_programmes.size(); ++i) {
      const int from = t - par.programme_delay[i];
      if (from < 0) continue;
      const double share = par.programme_delivered[i];
      const double* rate = spec.uncertain_programmes[i].rate.data() + static_cast<std::size_t>(from) * R;
      for (int r = 0; r < R; ++r) e[r] += share * rate[r];
    }
    extra = e;
  }
  if (!st.with_housing_) {
    for (int r = 0; r < R; ++r)
      mean[r] = par.regional_realisation[static_cast<std::size_t>(r)] * quota[r] + programme[r];
    if (extra)
      for (int r = 0; r < R; ++r) mean[r] += extra[r];
  } else {
    // The half-year's task (quota share and carried backlog) spread over its
    // weeks, realised at the path's regional rate times the half-year's factor.
    const double span = half_span(t);
    for (int r = 0; r < R; ++r) {
      const auto ru = static_cast<std::size_t>(r);
      const double programmes = programme[r] + (extra ? extra[r] : 0.0);
      const double q = par.regional_realisation[ru] * st.half_factor_[ru] * st.half_task_[ru] / span;
      ws.quota_mean_[ru] = q;
      mean[r] = q + programmes;
    }
  }
  // The regions' draws are made side by side (core/sampling/poisson_lanes.hpp); the
  // results are sample_poisson's either way.
  if (kHousingInLanes && R >= kHousingLanesFrom) {
    sample_poisson_lanes(mean, static_cast<std::size_t>(R), ws.week_streams_, Flow::HousingSupply, supply);
  } else {
    for (int r = 0; r < R; ++r) {
      auto rs = stream(Flow::HousingSupply, static_cast<std::uint32_t>(r));
      supply[r] = sample_poisson(rs, mean[r]);
    }
  }
  for (int r = 0; r < R; ++r) {
    const auto ru = static_cast<std::size_t>(r);
    // Who can be housed: everyone waiting, or only those who have waited at
    // least min_wait_weeks (matching with a home takes time).
    std::int64_t can_go = S[ru];
    if (st.with_waiting_ && spec.min_wait_weeks > 0) {
      can_go = st.waiting_over_[ru];
      const std::int64_t* slots = st.waiting_.data() + ru * kWaitSlots;
      for (int a = spec.min_wait_weeks; a < kWaitSlots; ++a)
        can_go += slots[static_cast<std::size_t>(t + kWaitSlots - a) % kWaitSlots];
    }
    const std::int64_t housed = std::min(can_go, supply[r]);
    if (st.with_housing_ && spec.carry_over) {
      // What counts towards the quota: the quota's part of the supply (a
      // Poisson supply split by its two means is a binomial thinning, exact),
      // housed before the programmes' part. Programme relocations do not count.
      std::int64_t quota_supply = supply[r];
      const double q = ws.quota_mean_[ru];
      if (supply[r] > 0 && mean[r] > q) {
        auto rs = stream(Flow::HousingQuotaShare, static_cast<std::uint32_t>(r));
        quota_supply = sample_binomial(rs, supply[r], clamp01(q / mean[r]));
      }
      st.quota_housed_[ru] += std::min(can_go, quota_supply);
    }
    if (st.with_waiting_) {
      // Housed longest-waiting first.
      std::int64_t left = housed;
      std::int64_t& over = st.waiting_over_[ru];
      const std::int64_t from_over = std::min(over, left);
      over -= from_over;
      left -= from_over;
      std::int64_t* slots = st.waiting_.data() + ru * kWaitSlots;
      for (int k = 1; k <= kWaitSlots && left > 0; ++k) {
        std::int64_t& n = slots[static_cast<std::size_t>(t + k) % kWaitSlots];
        const std::int64_t take = std::min(n, left);
        n -= take;
        left -= take;
      }
    }
    S[ru] -= housed;
    ws.housed_[ru] = housed;
    housed_total += housed;
  }

  // ---- 7b. occupancy, shortfall, cost, staffing ----
  std::int64_t dublin_total = 0;
  for (std::int64_t v : D) dublin_total += v;
  std::int64_t permit_total = 0;
  for (std::int64_t v : S) permit_total += v;
  const std::int64_t O = W + dublin_total + A + X + permit_total;
  const std::int64_t U = std::max<std::int64_t>(0, O - K);
  // Who sleeps where: regular places first, then TNV, then CNO; the rest (U) without a place.
  const std::int64_t occupied_regular = std::min(O, k_reg);
  const std::int64_t occupied_tnv = std::min(O - occupied_regular, k_tnv);
  const std::int64_t occupied_cno = std::min(O - occupied_regular - occupied_tnv, k_cno);
  const double cost = spec.cost_regular * static_cast<double>(k_reg) + spec.cost_cno * static_cast<double>(k_cno) +
                      spec.cost_tnv * static_cast<double>(k_tnv) + spec.cost_shortfall * static_cast<double>(U);
  const auto staff_days = static_cast<std::int64_t>(
      std::llround(cno_open ? spec.cno_staff_per_region_per_day * 7.0 * spec.cno_regions : 0.0));

  // ---- rules evaluated after the flows ----
  if (cno_open && spec.cno_phaseout_weeks > 0) {
    const double threshold = static_cast<double>(k_reg + k_tnv) * (1.0 - spec.cno_phaseout_margin);
    phaseout_count = static_cast<double>(O) < threshold ? phaseout_count + 1 : 0;
    if (phaseout_count >= spec.cno_phaseout_weeks) cno_closed = true;  // from next week, for good
  }
  if (spec.adaptive.enabled) {
    const double k = static_cast<double>(K);
    up_weeks = static_cast<double>(O) > spec.adaptive.upper * k ? up_weeks + 1 : 0;
    down_weeks = static_cast<double>(O) < spec.adaptive.lower * k ? down_weeks + 1 : 0;
    std::int64_t& order = st.pending_orders_[static_cast<std::size_t>(t + 1 + spec.adaptive.lead_weeks) % orders];
    if (up_weeks >= spec.adaptive.weeks) {
      order += spec.adaptive.step;
      up_weeks = 0;
    }
    if (down_weeks >= spec.adaptive.weeks) {
      order -= spec.adaptive.step;
      down_weeks = 0;
    }
  }

  // ---- record the week ----
  put(Var::FirstApplications, t, F);
  put(Var::RepeatApplications, t, Rp);
  put(Var::Nareis, t, N);
  put(Var::NareisDirect, t, N - N_rec);
  put(Var::Registered, t, reg);
  put(Var::RegistrationQueue, t, W);
  put(Var::DublinClaims, t, Dub);
  put(Var::Dublin, t, dublin_total);
  put(Var::DublinTransfers, t, transfers);
  put(Var::DublinAbsconded, t, absconded);
  put(Var::DublinExpired, t, expired);
  put(Var::Procedure, t, A);
  put(Var::Decisions, t, dec);
  put(Var::Grants, t, Gr);
  put(Var::Rejections, t, Rj);
  put(Var::Rejected, t, X);
  put(Var::Returns, t, Rt);
  put(Var::LeftUnverified, t, Lv);
  put(Var::PermitHoldersNew, t, new_permit);
  put(Var::PermitHolders, t, permit_total);
  put(Var::Housed, t, housed_total);
  put(Var::GuardianPlacements, t, Ng);
  put(Var::Occupancy, t, O);
  put(Var::CapacityRegular, t, k_reg);
  put(Var::CapacityCno, t, k_cno);
  put(Var::CapacityTnv, t, k_tnv);
  put(Var::Capacity, t, K);
  put(Var::Shortfall, t, U);
  put(Var::CnoStaffDays, t, staff_days);
  put(Var::Withdrawn, t, Wd);
  put(Var::DecisionCapacity, t, C);
  put(Var::OccupiedRegular, t, occupied_regular);
  put(Var::OccupiedTnv, t, occupied_tnv);
  put(Var::OccupiedCno, t, occupied_cno);
  {
    std::int64_t waiting_over = 0;
    if (st.with_waiting_)
      for (std::int64_t v : st.waiting_over_) waiting_over += v;
    put(Var::PermitHoldersWaitingOver14Weeks, t, waiting_over);
    double backlog = 0.0;
    if (st.with_housing_)
      for (double v : st.backlog_) backlog += v;
    put(Var::HousingBacklog, t, static_cast<std::int64_t>(std::llround(backlog)));
  }
  if (sink.cost) sink.cost[(t - sink.first_week) * sink.cost_week_stride] = cost;
  put_regional(RegionalVar::PermitHolders, t, S);
  put_regional(RegionalVar::Housed, t, ws.housed_);
  put_regional(RegionalVar::PermitHoldersNew, t, NS);
}

void PathWeeks::store(int end_week) noexcept {
  st.next_week_ = std::max(st.next_week_, end_week);
  st.queue_ = W;
  st.procedure_ = A;
  st.rejected_ = X;
  st.x_ = x;
  st.j_ = j;
  st.adaptive_offset_ = adaptive_offset;
  st.up_weeks_ = up_weeks;
  st.down_weeks_ = down_weeks;
  st.cno_closed_ = cno_closed;
  st.phaseout_count_ = phaseout_count;
}

}  // namespace detail

void advance_path(const ModelSpec& spec, std::uint64_t seed, std::uint64_t path, PathState& st, PathWorkspace& ws,
                  int end_week, const PathSink& sink) {
  detail::PathWeeks weeks(spec, seed, path, st, ws, sink);
  for (int t = st.next_week_; t < end_week; ++t) {
    weeks.first_half(t);
    weeks.split();
    weeks.second_half(t);
  }
  weeks.store(end_week);
}

void advance_paths(const ModelSpec& spec, std::uint64_t seed, std::uint64_t first_path, std::span<PathState> states,
                   std::span<PathWorkspace> workspaces, int end_week, std::span<const PathSink> sinks) {
  const std::size_t n = states.size();
  assert(n <= kPathGroup && workspaces.size() >= n && sinks.size() >= n);
  if (n == 0) return;
  const int start = states[0].next_week_;
  std::optional<detail::PathWeeks> paths[kPathGroup];
  for (std::size_t i = 0; i < n; ++i) {
    assert(states[i].next_week_ == start);
    paths[i].emplace(spec, seed, first_path + i, states[i], workspaces[i], sinks[i]);
  }
  const bool split_in_lanes = kSplitsInLanes && spec.regions > 1 && n > 1 && binomial_lanes_available();
  RandomStream split_streams[kPathGroup];
  RandomStream* streams[kPathGroup];
  std::int64_t new_permit[kPathGroup];
  std::int64_t* counts[kPathGroup];
  for (int t = start; t < end_week; ++t) {
    for (std::size_t i = 0; i < n; ++i) paths[i]->first_half(t);
    if (split_in_lanes) {
      for (std::size_t i = 0; i < n; ++i) {
        split_streams[i] = paths[i]->split_stream();
        streams[i] = &split_streams[i];
        new_permit[i] = paths[i]->permit_holders_new();
        counts[i] = paths[i]->split_counts().data();
      }
      sample_multinomial_lanes(streams, new_permit, n, workspaces[0].region_split_, counts);
    } else {
      for (std::size_t i = 0; i < n; ++i) paths[i]->split();
    }
    for (std::size_t i = 0; i < n; ++i) paths[i]->second_half(t);
  }
  for (std::size_t i = 0; i < n; ++i) paths[i]->store(end_week);
}

}  // namespace chainsim::core
