// The properties every implementation of MODEL.md must show (§8): conservation,
// the deterministic limit, Little's law, known stationary distributions,
// reproducibility and common random numbers, and monotonicity under common
// random numbers.
#include "core/sampling/binomial_inversion.hpp"
#include "core/model/path_kernel.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/resolve.hpp"
#include "forecast/statistics.hpp"
#include "forecast/summaries.hpp"
#include "io/config_toml.hpp"
#include "model_fixtures.hpp"
#include "statistics_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <tuple>

namespace chainsim {
namespace {

using core::RegionalVar;
using core::Var;
using testing::chi_square_critical;
using testing::PathRecord;

// ---------------------------------------------------------------------------
// Conservation: per compartment and in total, every path and week; nothing negative.
// ---------------------------------------------------------------------------

// Checks one path; returns the number of violated identities (0 expected) and
// reports the first few.
int conservation_violations(const core::ModelSpec& spec, const PathRecord& rec, std::uint64_t seed,
                            std::uint64_t path) {
  int bad = 0;
  auto expect_eq = [&](std::int64_t lhs, std::int64_t rhs, const char* what, int t) {
    if (lhs != rhs) {
      if (bad < 5) ADD_FAILURE() << "path " << path << " week " << t << ": " << what << ": " << lhs << " != " << rhs;
      ++bad;
    }
  };
  const int d = spec.dublin_deadline_weeks;
  // The path's own initial stocks (they differ from the configured ones when
  // the initial state is uncertain).
  core::PathState initial(spec);
  core::init_path(spec, seed, path, initial);
  const core::PathState::Stocks s0 = initial.stocks();
  std::int64_t W = s0.queue, D = s0.dublin, A = s0.procedure, X = s0.rejected;
  std::vector<std::int64_t> S(s0.permit_holders);
  std::int64_t S_total = std::accumulate(S.begin(), S.end(), std::int64_t{0});
  std::int64_t O = W + D + A + X + S_total;
  (void)d;
  for (int t = 0; t < spec.weeks; ++t) {
    auto v = [&](Var var) { return rec.at(var, t); };
    for (std::size_t i = 0; i < core::kNumVars; ++i)
      if (core::kVarInfo[i].integer && rec.at(static_cast<Var>(i), t) < 0) {  // integer columns; cost has its own
        if (bad < 5) ADD_FAILURE() << "path " << path << " week " << t << ": " << core::kVarInfo[i].name << " < 0";
        ++bad;
      }
    const std::int64_t nareis_in = v(Var::Nareis) - v(Var::NareisDirect);
    expect_eq(v(Var::RegistrationQueue),
              W + v(Var::FirstApplications) + v(Var::RepeatApplications) - v(Var::Registered), "registration queue", t);
    expect_eq(v(Var::Dublin),
              D + v(Var::DublinClaims) - v(Var::DublinTransfers) - v(Var::DublinAbsconded) - v(Var::DublinExpired),
              "dublin", t);
    expect_eq(
        v(Var::Procedure),
        A + v(Var::Registered) - v(Var::DublinClaims) + v(Var::DublinExpired) - v(Var::Decisions) - v(Var::Withdrawn),
        "procedure", t);
    expect_eq(std::min(v(Var::DecisionCapacity), A + v(Var::Registered) - v(Var::DublinClaims) + v(Var::DublinExpired)),
              v(Var::Decisions) + v(Var::Withdrawn), "closures = min(backlog, capacity)", t);
    expect_eq(v(Var::Decisions), v(Var::Grants) + v(Var::Rejections), "decisions = grants + rejections", t);
    expect_eq(v(Var::Rejected), X + v(Var::Rejections) - v(Var::Returns) - v(Var::LeftUnverified), "rejected", t);
    expect_eq(v(Var::PermitHoldersNew), nareis_in + v(Var::Grants) - v(Var::GuardianPlacements), "new permit holders",
              t);
    expect_eq(v(Var::PermitHolders), S_total + v(Var::PermitHoldersNew) - v(Var::Housed), "permit holders", t);
    std::int64_t s_sum = 0, h_sum = 0, n_sum = 0;
    for (int r = 0; r < spec.regions; ++r) {
      const auto ru = static_cast<std::size_t>(r);
      const std::int64_t s_r = rec.at(RegionalVar::PermitHolders, t, r);
      const std::int64_t in_r = rec.at(RegionalVar::PermitHoldersNew, t, r);
      const std::int64_t out_r = rec.at(RegionalVar::Housed, t, r);
      expect_eq(s_r, S[ru] + in_r - out_r, "regional permit holders", t);
      if (s_r < 0 || in_r < 0 || out_r < 0) expect_eq(0, 1, "regional value negative", t);
      S[ru] = s_r;
      s_sum += s_r;
      h_sum += out_r;
      n_sum += in_r;
    }
    expect_eq(s_sum, v(Var::PermitHolders), "sum of regional permit holders", t);
    expect_eq(h_sum, v(Var::Housed), "sum of regional housed", t);
    expect_eq(n_sum, v(Var::PermitHoldersNew), "sum of regional new permit holders", t);
    expect_eq(v(Var::Occupancy),
              v(Var::RegistrationQueue) + v(Var::Dublin) + v(Var::Procedure) + v(Var::Rejected) + v(Var::PermitHolders),
              "occupancy = sum of compartments", t);
    // In total: what entered minus what left equals the change of occupancy.
    const std::int64_t entered = v(Var::FirstApplications) + v(Var::RepeatApplications) + nareis_in;
    const std::int64_t left = v(Var::DublinTransfers) + v(Var::DublinAbsconded) + v(Var::Returns) +
                              v(Var::LeftUnverified) + v(Var::GuardianPlacements) + v(Var::Housed) + v(Var::Withdrawn);
    expect_eq(v(Var::Occupancy), O + entered - left, "total occupancy balance", t);
    expect_eq(v(Var::Capacity), v(Var::CapacityRegular) + v(Var::CapacityCno) + v(Var::CapacityTnv), "capacity", t);
    expect_eq(v(Var::Shortfall), std::max<std::int64_t>(0, v(Var::Occupancy) - v(Var::Capacity)), "shortfall", t);
    expect_eq(v(Var::OccupiedRegular) + v(Var::OccupiedTnv) + v(Var::OccupiedCno) + v(Var::Shortfall),
              v(Var::Occupancy), "occupancy split = occupancy", t);
    expect_eq(v(Var::OccupiedRegular), std::min(v(Var::Occupancy), v(Var::CapacityRegular)), "regular places first", t);
    if (v(Var::OccupiedTnv) > v(Var::CapacityTnv) || v(Var::OccupiedCno) > v(Var::CapacityCno))
      expect_eq(0, 1, "occupied above the places of a type", t);
    if (v(Var::PermitHoldersWaitingOver14Weeks) > v(Var::PermitHolders))
      expect_eq(0, 1, "more waiting over 14 weeks than permit holders", t);
    W = v(Var::RegistrationQueue);
    D = v(Var::Dublin);
    A = v(Var::Procedure);
    X = v(Var::Rejected);
    S_total = v(Var::PermitHolders);
    O = v(Var::Occupancy);
  }
  return bad;
}

TEST(Conservation, EveryPathAndWeekOfTheSeedScenarioAndItsScenarios) {
  const forecast::ScenarioSet set = io::load_seed();
  for (std::size_t s = 0; s < set.scenarios.size(); ++s) {
    const core::ModelSpec spec = forecast::resolve(set.scenarios[s]);
    ASSERT_EQ(spec.regions, 25);
    // The baseline on all of the seed's 10,000 paths; the other scenarios on 1,000.
    const std::int64_t paths = s == 0 ? set.scenarios[s].run.paths : 1000;
    core::PathWorkspace ws(spec);
    int bad = 0;
    for (std::int64_t p = 0; p < paths && bad == 0; ++p) {
      const PathRecord rec = testing::run_path(spec, set.scenarios[s].run.seed, static_cast<std::uint64_t>(p), ws);
      bad += conservation_violations(spec, rec, set.scenarios[s].run.seed, static_cast<std::uint64_t>(p));
    }
    EXPECT_EQ(bad, 0) << "scenario " << set.names[s];
  }
}

TEST(Conservation, NationalModeOfTheSeed) {
  forecast::ScenarioSet set = io::load_seed();
  forecast::Config c = set.scenarios[0];
  c.run.regions = forecast::RegionMode::National;
  const core::ModelSpec spec = forecast::resolve(c);
  ASSERT_EQ(spec.regions, 1);
  core::PathWorkspace ws(spec);
  int bad = 0;
  for (std::uint64_t p = 0; p < 2000 && bad == 0; ++p)
    bad += conservation_violations(spec, testing::run_path(spec, c.run.seed, p, ws), c.run.seed, p);
  EXPECT_EQ(bad, 0);
}

TEST(Conservation, EveryLaterMechanismOnInBothModes) {
  for (forecast::RegionMode mode : {forecast::RegionMode::SafetyRegions, forecast::RegionMode::National}) {
    for (const forecast::Config& base : io::load_seed().scenarios) {
      forecast::Config c = testing::all_mechanisms_on(base);
      c.run.regions = mode;
      const core::ModelSpec spec = forecast::resolve(c);
      core::PathWorkspace ws(spec);
      int bad = 0;
      for (std::uint64_t p = 0; p < 300 && bad == 0; ++p)
        bad += conservation_violations(spec, testing::run_path(spec, c.run.seed, p, ws), c.run.seed, p);
      EXPECT_EQ(bad, 0);
    }
  }
}

// ---------------------------------------------------------------------------
// A stationary chain with constant Poisson inflow, no capacity limits and no
// parameter spread: expected stocks follow closed forms.
// ---------------------------------------------------------------------------

struct Stationary {
  double inflow = 500.0;
  double dublin_share = 0.2, transfer_share = 0.3, abscond = 0.01;
  int deadline = 26;
  double grant = 0.6, ret = 0.02, leave = 0.03;

  core::ModelSpec spec(int T) const {
    core::ModelSpec s = testing::minimal_spec(T);
    s.level = {std::log(inflow), 0.0};
    s.dublin_share = {dublin_share, 0.0};
    s.transfer_share = {transfer_share, 0.0};
    s.abscond_weekly = abscond;
    s.dublin_deadline_weeks = deadline;
    s.decision_capacity.assign(static_cast<std::size_t>(T), 1e9);  // every case decided in its week
    s.grant_rate = {grant, 0.0};
    s.return_weekly = ret;
    s.leave_weekly = leave;
    return s;
  }
  double dublin_survival() const {
    const double h_tr = 1.0 - std::pow(1.0 - transfer_share, 1.0 / deadline);
    return (1.0 - h_tr) * (1.0 - abscond);
  }
  // Expected Dublin stock at the end of a week: cohorts of ages 0..d-1.
  double dublin_mean() const {
    const double s = dublin_survival();
    return inflow * dublin_share * (1.0 - std::pow(s, deadline)) / (1.0 - s);
  }
  double rejections_mean() const {
    return (1.0 - grant) *
           (inflow * (1.0 - dublin_share) + inflow * dublin_share * std::pow(dublin_survival(), deadline));
  }
  double rejected_survival() const { return (1.0 - ret) * (1.0 - leave); }
  // Fixed point of X <- (X + Rj)(1 - h_ret)(1 - h_leave).
  double rejected_mean() const {
    const double s = rejected_survival();
    return rejections_mean() * s / (1.0 - s);
  }
};

std::vector<double> column_at(const core::ModelSpec& spec, Var v, int t, int paths, std::uint64_t seed) {
  core::PathWorkspace ws(spec);
  std::vector<double> out;
  for (int p = 0; p < paths; ++p)
    out.push_back(static_cast<double>(testing::run_path(spec, seed, static_cast<std::uint64_t>(p), ws).at(v, t)));
  return out;
}

double mean_of(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / x.size(); }
double var_of(const std::vector<double>& x) {
  const double m = mean_of(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return ss / (x.size() - 1);
}

TEST(DeterministicLimit, ExpectedStocksReachTheClosedFormFixedPoint) {
  // With all noise and spread off, the expected state obeys the model's difference
  // equation with Poisson/Binomial replaced by their means (the model is linear in
  // expectation here); after 300 weeks the transient (0.95^300 < 1e-6) is gone.
  const Stationary st;
  const core::ModelSpec spec = st.spec(300);
  const int paths = 4000;
  for (auto [var, expected] : {std::pair{Var::Rejected, st.rejected_mean()}, std::pair{Var::Dublin, st.dublin_mean()},
                               std::pair{Var::Procedure, 0.0}}) {
    const auto x = column_at(spec, var, 299, paths, 11);
    const double se = std::sqrt(var_of(x) / paths);
    // 4.5 standard errors: false-alarm rate below 1e-5 for a correct model.
    EXPECT_NEAR(mean_of(x), expected, 4.5 * se + 1e-9) << core::info(var).name;
  }
  // With no randomness at all (every draw has a known outcome) paths are identical
  // and follow the difference equation exactly: one cohort, no exits, no inflow.
  core::ModelSpec quiet = testing::minimal_spec(5);
  quiet.initial_rejected = 1000;
  core::PathWorkspace ws(quiet);
  const PathRecord rec = testing::run_path(quiet, 1, 0, ws);
  for (int t = 0; t < 5; ++t) EXPECT_EQ(rec.at(Var::Rejected, t), 1000);
}

TEST(LittlesLaw, MeanStockEqualsArrivalRateTimesMeanStay) {
  // Little's law L = lambda * W on the Dublin and rejected compartments, with the
  // arrival rate measured from the simulation and the mean stay (in week-ends
  // counted) from the weekly hazards: Dublin (1 - s^d)/(1 - s) with its deadline,
  // rejected s/(1 - s).
  const Stationary st;
  const int T = 400, burn_in = 150, paths = 400;
  const core::ModelSpec spec = st.spec(T);
  core::PathWorkspace ws(spec);
  std::vector<double> dublin_L, dublin_lambda, rejected_L, rejected_lambda;
  for (int p = 0; p < paths; ++p) {
    const PathRecord rec = testing::run_path(spec, 5, static_cast<std::uint64_t>(p), ws);
    double dl = 0, da = 0, rl = 0, ra = 0;
    for (int t = burn_in; t < T; ++t) {
      dl += rec.at(Var::Dublin, t);
      da += rec.at(Var::DublinClaims, t);
      rl += rec.at(Var::Rejected, t);
      ra += rec.at(Var::Rejections, t);
    }
    const double n = T - burn_in;
    dublin_L.push_back(dl / n);
    dublin_lambda.push_back(da / n);
    rejected_L.push_back(rl / n);
    rejected_lambda.push_back(ra / n);
  }
  const double sd = st.dublin_survival(), sx = st.rejected_survival();
  const double dublin_stay = (1.0 - std::pow(sd, st.deadline)) / (1.0 - sd);
  const double rejected_stay = sx / (1.0 - sx);
  // Tolerance: 5 standard errors of the difference L - lambda*W over paths
  // (false-alarm rate below 1e-6).
  auto check = [&](const std::vector<double>& L, const std::vector<double>& lambda, double stay, const char* what) {
    std::vector<double> diff;
    for (std::size_t i = 0; i < L.size(); ++i) diff.push_back(L[i] - lambda[i] * stay);
    EXPECT_NEAR(mean_of(diff), 0.0, 5.0 * std::sqrt(var_of(diff) / diff.size())) << what;
  };
  check(dublin_L, dublin_lambda, dublin_stay, "dublin");
  check(rejected_L, rejected_lambda, rejected_stay, "rejected");
}

TEST(KnownDistribution, RejectedStockIsPoissonWithTheStationaryMean) {
  // Poisson inflow thinned by binomial exits: the rejected stock at a late week is
  // exactly Poisson(X*) (a sum of independent thinned Poisson cohorts).
  const Stationary st;
  const core::ModelSpec spec = st.spec(300);
  const int paths = 6000;
  const auto x = column_at(spec, Var::Rejected, 299, paths, 99);
  const double mu = st.rejected_mean();
  // Cells: [0, lo), one per value lo..hi, [hi+1, inf) with expected counts >= 5.
  const int lo = static_cast<int>(mu - 4 * std::sqrt(mu)), hi = static_cast<int>(mu + 4 * std::sqrt(mu));
  std::vector<double> observed(static_cast<std::size_t>(hi - lo + 3), 0.0), expected(observed.size(), 0.0);
  for (double v : x) {
    const int k = static_cast<int>(v);
    observed[static_cast<std::size_t>(k < lo ? 0 : k > hi ? hi - lo + 2 : k - lo + 1)] += 1;
  }
  auto pmf = [&](int k) { return std::exp(k * std::log(mu) - mu - std::lgamma(k + 1.0)); };
  double inside = 0;
  for (int k = lo; k <= hi; ++k) {
    expected[static_cast<std::size_t>(k - lo + 1)] = paths * pmf(k);
    inside += pmf(k);
  }
  double below = 0;
  for (int k = 0; k < lo; ++k) below += pmf(k);
  expected[0] = paths * below;
  expected.back() = paths * (1.0 - inside - below);
  // Merge sparse cells into their neighbours toward the centre.
  double chi2 = 0;
  int cells = 0;
  double acc_o = 0, acc_e = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    acc_o += observed[i];
    acc_e += expected[i];
    if (acc_e >= 5 || i + 1 == observed.size()) {
      chi2 += (acc_o - acc_e) * (acc_o - acc_e) / std::max(acc_e, 1e-12);
      ++cells;
      acc_o = acc_e = 0;
    }
  }
  // Critical value at alpha = 0.001 (z = 3.0902): a correct model fails this
  // fixed-seed test with probability 0.001 over seeds.
  EXPECT_LT(chi2, chi_square_critical(cells - 1, 3.0902))
      << "cells " << cells << " mean " << mean_of(x) << " vs " << mu;
}

// The rejected step draws the leavers in one binomial and splits them (a
// stream-layout choice, see the kernel). Its law must be MODEL.md §4.5's:
// returns ~ Binomial(X, h_r), left unverified ~ Binomial(X, (1 - h_r) h_l),
// with the multinomial covariance -X h_r (1 - h_r) h_l. One week from a known
// stock, 20,000 paths; five z-tests at |z| < 4 (two-sided alpha 6.3e-5 each,
// about 3e-4 for the family at this fixed seed; variance and covariance use
// their normal approximations, ample at these sizes).
TEST(KnownDistribution, RejectedExitsHaveTheTwoBinomialsLaw) {
  core::ModelSpec spec = testing::minimal_spec(1);
  spec.initial_rejected = 2000;
  spec.return_weekly = 0.03;
  spec.m_return = {1.5};
  spec.leave_weekly = 0.02;
  const double n = 2000, pr = 0.045, pl = (1 - 0.045) * 0.02;
  const int paths = 20000;
  core::PathWorkspace ws(spec);
  double sr = 0, sl = 0, srr = 0, sll = 0, srl = 0;
  for (int p = 0; p < paths; ++p) {
    const auto rec = testing::run_path(spec, 314159, static_cast<std::uint64_t>(p), ws);
    const double r = static_cast<double>(rec.at(Var::Returns, 0)),
                 l = static_cast<double>(rec.at(Var::LeftUnverified, 0));
    ASSERT_EQ(rec.at(Var::Rejected, 0), 2000 - rec.at(Var::Returns, 0) - rec.at(Var::LeftUnverified, 0));
    sr += r, sl += l, srr += r * r, sll += l * l, srl += r * l;
  }
  const double P = paths, mr = sr / P, ml = sl / P;
  const double vr = (srr - P * mr * mr) / (P - 1), vl = (sll - P * ml * ml) / (P - 1);
  const double cov = (srl - P * mr * ml) / (P - 1);
  const double er = n * pr * (1 - pr), el = n * pl * (1 - pl), ec = -n * pr * pl;
  EXPECT_LT(std::abs(mr - n * pr) / std::sqrt(er / P), 4.0) << "mean returns " << mr;
  EXPECT_LT(std::abs(ml - n * pl) / std::sqrt(el / P), 4.0) << "mean left " << ml;
  EXPECT_LT(std::abs(vr - er) / (er * std::sqrt(2.0 / P)), 4.0) << "var returns " << vr << " vs " << er;
  EXPECT_LT(std::abs(vl - el) / (el * std::sqrt(2.0 / P)), 4.0) << "var left " << vl << " vs " << el;
  EXPECT_LT(std::abs(cov - ec) / std::sqrt((er * el + ec * ec) / P), 4.0) << "cov " << cov << " vs " << ec;
}

// ---------------------------------------------------------------------------
// The law of the Dublin step (MODEL.md §4 step 3). The model draws, per cohort,
// transfers and then absconders among the rest; the kernel draws the leavers of
// each cohort and splits all of the week's leavers into transferred and
// absconded in one draw. Both must give every person independently the
// outcomes transferred (h = h_tr m_dublin), absconded ((1 - h) h_ab) or staying
// (s = (1 - h)(1 - h_ab)), which these tests check on the kernel's outputs.
// ---------------------------------------------------------------------------

// One week of a chain that holds only a Dublin stock (no inflow, no new claims),
// spread over the cohorts as MODEL.md §10 says.
struct DublinWeek {
  int deadline = 26;
  std::int64_t stock = 0;       // initial Dublin stock N
  double transfer_share = 0.0;  // p_tr (no spread over paths)
  double multiplier = 1.0;      // m_dublin in week 0
  double abscond = 0.0;         // h_ab

  core::ModelSpec spec() const {
    core::ModelSpec s = testing::minimal_spec(1);
    s.dublin_deadline_weeks = deadline;
    s.initial_dublin = stock;
    s.transfer_share = {transfer_share, 0.0};
    s.abscond_weekly = abscond;
    s.m_dublin.assign(1, multiplier);
    return s;
  }
  double h() const { return std::min(1.0, (1.0 - std::pow(1.0 - transfer_share, 1.0 / deadline)) * multiplier); }
  double absconds() const { return (1.0 - h()) * abscond; }
  double stays() const { return (1.0 - h()) * (1.0 - abscond); }
  // D[d-1] at the start: floor(N/d) (the remainder goes one each to the youngest ages).
  std::int64_t oldest() const { return stock / deadline; }
};

// The week's outcomes on each path.
struct DublinOutcomes {
  std::vector<std::int64_t> transfers, absconded, leavers, expired, staying;
};

DublinOutcomes run_dublin_week(const DublinWeek& c, int paths, std::uint64_t seed) {
  const core::ModelSpec spec = c.spec();
  core::PathWorkspace ws(spec);
  DublinOutcomes o;
  for (int p = 0; p < paths; ++p) {
    const PathRecord rec = testing::run_path(spec, seed, static_cast<std::uint64_t>(p), ws);
    EXPECT_EQ(rec.at(Var::DublinClaims, 0), 0);
    o.transfers.push_back(rec.at(Var::DublinTransfers, 0));
    o.absconded.push_back(rec.at(Var::DublinAbsconded, 0));
    o.leavers.push_back(rec.at(Var::DublinTransfers, 0) + rec.at(Var::DublinAbsconded, 0));
    o.expired.push_back(rec.at(Var::DublinExpired, 0));
    o.staying.push_back(rec.at(Var::Dublin, 0));  // cohorts 0..d-2 moved up one age; D[0] = 0 claims
  }
  return o;
}

// Pearson chi-square of samples against Binomial(n, p), 0 < p < 1, over the whole
// support; cells are consecutive values merged left to right until each expects
// >= 5, the remainder joining the last cell. Returns the statistic and the cells.
std::pair<double, int> binomial_chi_square(const std::vector<std::int64_t>& xs, std::int64_t n, double p) {
  for (std::int64_t x : xs) EXPECT_TRUE(x >= 0 && x <= n) << x << " outside 0.." << n;
  const testing::Gof g =
      testing::chi_square_discrete(xs, 0, n, [&](std::int64_t k) { return testing::binomial_pmf_l(k, n, p); });
  return {g.stat, g.df + 1};
}

std::vector<double> as_double(const std::vector<std::int64_t>& x) { return {x.begin(), x.end()}; }

// Sample covariance against its exact value, at 5 standard errors estimated from
// the sample (two-sided false-alarm rate 5.7e-7).
void expect_covariance(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y, double expected,
                       const char* what) {
  const double mx = mean_of(as_double(x)), my = mean_of(as_double(y));
  std::vector<double> prod(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    prod[i] = (static_cast<double>(x[i]) - mx) * (static_cast<double>(y[i]) - my);
  EXPECT_NEAR(mean_of(prod), expected, 5.0 * std::sqrt(var_of(prod) / prod.size()) + 1e-12) << what;
}

TEST(KnownDistribution, DublinWeekIsAPerPersonTrinomial) {
  // Marginals, each by chi-square over 200,000 paths (one week each, so the
  // paths' draws are independent): transfers ~ Bin(N, h), absconded ~
  // Bin(N, (1 - h) h_ab), leavers ~ Bin(N, 1 - s), expired ~ Bin(D[d-1], s),
  // staying ~ Bin(N - D[d-1], s). Joint law: Cov(transfers, absconded) =
  // -N h (1 - h) h_ab, Cov(transfers, expired) = -D[d-1] h s, Cov(absconded,
  // staying) = -(N - D[d-1]) (1 - h) h_ab s, Cov(expired, staying) = 0; with the
  // variances (the marginals) this is the whole covariance of the trinomials.
  // Two set-ups: the seed's shape (26 cohorts of ~300, small hazards: the
  // cohort draws by inversion, the split with p > 1/2) and two large cohorts
  // with large hazards (BTRD, both sides of 1/2).
  // False-alarm rate: 10 chi-square tests at alpha = 1e-4 each (z = 3.719;
  // Wilson-Hilferty critical values, every test with >= 10 degrees of freedom)
  // and 8 covariance tests at 5.7e-7: about 1.0e-3 for the whole test.
  const int paths = 200'000;
  std::uint64_t seed = 2024;
  for (const DublinWeek& c : {DublinWeek{26, 26 * 300 + 11, 0.3, 1.0, 0.01}, DublinWeek{2, 801, 0.5, 1.6, 0.3}}) {
    SCOPED_TRACE(::testing::Message() << "d=" << c.deadline << " N=" << c.stock << " h=" << c.h()
                                      << " h_ab=" << c.abscond);
    const DublinOutcomes o = run_dublin_week(c, paths, seed++);
    const std::int64_t N = c.stock, last = c.oldest();
    for (int p = 0; p < paths; ++p) ASSERT_EQ(o.leavers[p] + o.expired[p] + o.staying[p], N) << "path " << p;
    const std::tuple<const char*, const std::vector<std::int64_t>*, std::int64_t, double> marginals[] = {
        {"transfers", &o.transfers, N, c.h()},
        {"absconded", &o.absconded, N, c.absconds()},
        {"leavers", &o.leavers, N, 1.0 - c.stays()},
        {"expired", &o.expired, last, c.stays()},
        {"staying", &o.staying, N - last, c.stays()}};
    for (const auto& [what, x, n, p] : marginals) {
      const auto [chi2, cells] = binomial_chi_square(*x, n, p);
      ASSERT_GE(cells, 11) << what;
      EXPECT_LT(chi2, chi_square_critical(cells - 1, 3.719))
          << what << ": cells " << cells << " mean " << mean_of(as_double(*x)) << " vs " << n * p;
    }
    const double h = c.h(), ab = c.absconds(), s = c.stays();
    expect_covariance(o.transfers, o.absconded, -N * h * ab, "cov(transfers, absconded)");
    expect_covariance(o.transfers, o.expired, -last * h * s, "cov(transfers, expired)");
    expect_covariance(o.absconded, o.staying, -(N - last) * ab * s, "cov(absconded, staying)");
    expect_covariance(o.expired, o.staying, 0.0, "cov(expired, staying)");
  }
}

TEST(KnownDistribution, DublinWeekWithSmallAndEmptyCohorts) {
  // 20 persons over 26 cohorts: ages 0..19 hold one each, 20..25 none (MODEL.md
  // §10), so empty cohorts draw nothing and nobody expires. Too few values for
  // a chi-square: mean and variance of transfers, absconded and staying at 5
  // standard errors (SE of the variance from the binomial's excess kurtosis), and
  // Cov(transfers, absconded); 7 tests at 5.7e-7 each, 4e-6 in all.
  const DublinWeek c{26, 20, 0.6, 1.5, 0.2};
  const int paths = 200'000;
  const DublinOutcomes o = run_dublin_week(c, paths, 77);
  for (int p = 0; p < paths; ++p) ASSERT_EQ(o.expired[p], 0);
  const double N = static_cast<double>(c.stock);
  for (const auto& [what, x, p] :
       {std::tuple{"transfers", &o.transfers, c.h()}, std::tuple{"absconded", &o.absconded, c.absconds()},
        std::tuple{"staying", &o.staying, c.stays()}}) {
    const std::vector<double> xd = as_double(*x);
    const double var = N * p * (1 - p), excess = (1 - 6 * p * (1 - p)) / var;
    EXPECT_NEAR(mean_of(xd), N * p, 5.0 * std::sqrt(var / paths)) << what;
    EXPECT_NEAR(var_of(xd), var, 5.0 * var * std::sqrt((2.0 + excess) / paths)) << what;
  }
  expect_covariance(o.transfers, o.absconded, -N * c.h() * c.absconds(), "cov(transfers, absconded)");
}

TEST(KnownDistribution, GuardianPlacementsAreBinomialOfTheGrants) {
  // MODEL.md §4 step 4: Am ~ Bin(Gr, a_amv), Ng ~ Bin(Am, q_guardian(t)); the
  // kernel draws Ng ~ Bin(Gr, a_amv q_guardian(t)) at once (the same law).
  // One week, Gr fixed at 1,000 (1,000 in procedure, ample decision capacity,
  // grant rate 1): Ng by chi-square over 200,000 paths against the two-step
  // law's Binomial, for the seed's shares (p = 0.03, inversion) and large
  // ones with a guardian multiplier (p = 0.405, BTRD). False-alarm rate: 2
  // tests at alpha = 1e-4 (z = 3.719), 2e-4 in all.
  const int paths = 200'000;
  std::uint64_t seed = 31;
  for (const auto& [share, to_guardian, multiplier] : {std::tuple{0.06, 0.5, 1.0}, std::tuple{0.45, 0.6, 1.5}}) {
    core::ModelSpec spec = testing::minimal_spec(1);
    spec.initial_procedure = 1000;
    spec.decision_capacity = {1e7};
    spec.grant_rate = {1.0, 0.0};
    spec.minors_share = share;
    spec.to_guardian = to_guardian;
    spec.m_guardian = {multiplier};
    const double p = share * std::min(1.0, to_guardian * multiplier);
    core::PathWorkspace ws(spec);
    std::vector<std::int64_t> ng;
    for (int path = 0; path < paths; ++path) {
      const PathRecord rec = testing::run_path(spec, seed, static_cast<std::uint64_t>(path), ws);
      ASSERT_EQ(rec.at(Var::Grants, 0), 1000);
      ng.push_back(rec.at(Var::GuardianPlacements, 0));
    }
    ++seed;
    const auto [chi2, cells] = binomial_chi_square(ng, 1000, p);
    ASSERT_GE(cells, 11);
    EXPECT_LT(chi2, chi_square_critical(cells - 1, 3.719))
        << "p " << p << ": cells " << cells << " mean " << mean_of(as_double(ng)) << " vs " << 1000 * p;
  }
}

TEST(DublinStep, CertainOutcomesAndTheEdgesOfTheSplit) {
  const int paths = 200;
  const std::int64_t N = 26 * 50 + 3, last = 50;
  // Nobody leaves (h = h_ab = 0): everyone moves up one age, the oldest expire.
  {
    const DublinOutcomes o = run_dublin_week({26, N, 0.0, 1.0, 0.0}, paths, 1);
    for (int p = 0; p < paths; ++p) {
      ASSERT_EQ(o.leavers[p], 0);
      ASSERT_EQ(o.expired[p], last);
      ASSERT_EQ(o.staying[p], N - last);
    }
  }
  // Everyone transferred: h_tr m_dublin clamped to 1.
  {
    const DublinOutcomes o = run_dublin_week({26, N, 0.3, 1e6, 0.2}, paths, 2);
    for (int p = 0; p < paths; ++p) ASSERT_EQ(o.transfers[p], N);
  }
  // Everyone absconds (h = 0, h_ab = 1).
  {
    const DublinOutcomes o = run_dublin_week({26, N, 0.0, 1.0, 1.0}, paths, 3);
    for (int p = 0; p < paths; ++p) ASSERT_EQ(o.absconded[p], N);
  }
  // Nobody stays (h_ab = 1) but the split is random; and h_ab = 0, where every
  // leaver is a transfer.
  {
    const DublinOutcomes o = run_dublin_week({26, N, 0.3, 1.0, 1.0}, paths, 4);
    std::int64_t lo = N, hi = 0;
    for (int p = 0; p < paths; ++p) {
      ASSERT_EQ(o.leavers[p], N);
      lo = std::min(lo, o.transfers[p]);
      hi = std::max(hi, o.transfers[p]);
    }
    EXPECT_LT(lo, hi);
    const DublinOutcomes q = run_dublin_week({26, N, 0.3, 1.0, 0.0}, paths, 5);
    for (int p = 0; p < paths; ++p) ASSERT_EQ(q.absconded[p], 0);
  }
}

// ---------------------------------------------------------------------------
// Reproducibility and common random numbers.
// ---------------------------------------------------------------------------

// Every value of b equals a's for the same week (a may span more weeks than b).
void expect_identical(const forecast::Ensemble& a, const forecast::Ensemble& b, const std::string& what) {
  ASSERT_EQ(a.paths(), b.paths());
  ASSERT_LE(a.first_week(), b.first_week());
  ASSERT_GE(a.end_week(), b.end_week());
  for (int t = b.first_week(); t < b.end_week(); ++t) {
    for (std::size_t v = 0; v < core::kNumVars; ++v) {
      if (!core::kVarInfo[v].integer) continue;  // the integer columns (cost is stored apart)
      const auto x = a.column(static_cast<Var>(v), t), y = b.column(static_cast<Var>(v), t);
      ASSERT_TRUE(std::equal(x.begin(), x.end(), y.begin())) << what << ": " << core::kVarInfo[v].name << " week " << t;
    }
    const auto cx = a.cost_column(t), cy = b.cost_column(t);
    ASSERT_EQ(0, std::memcmp(cx.data(), cy.data(), cx.size_bytes())) << what << ": cost week " << t;
    for (std::size_t v = 0; v < forecast::kStoredRegionalVars; ++v)
      for (int r = 0; r < a.regions(); ++r) {
        const auto x = a.regional_column(static_cast<RegionalVar>(v), t, r);
        const auto y = b.regional_column(static_cast<RegionalVar>(v), t, r);
        ASSERT_TRUE(std::equal(x.begin(), x.end(), y.begin())) << what << ": regional " << v << " week " << t;
      }
  }
}

TEST(Reproducibility, IdenticalForAnyThreadCountBackEndAndBlockSize) {
  forecast::Config c = io::load_seed().scenarios[0];
  c.run.weeks = 80;
  const core::ModelSpec spec = forecast::resolve(c);
  forecast::EnsembleOptions ref_opt;
  ref_opt.paths = 203;  // not a multiple of any block size
  ref_opt.seed = 7;
  ref_opt.parallelism = {forecast::Backend::OpenMP, 1};
  const forecast::Ensemble ref = simulate_ensemble(spec, ref_opt);
  for (forecast::Backend backend : {forecast::Backend::OpenMP, forecast::Backend::TBB})
    for (int threads : {1, 2, 3})
      for (std::int64_t block : {1, 7, 64, 1000}) {
        forecast::EnsembleOptions o = ref_opt;
        o.parallelism = {backend, threads};
        o.block_paths = block;
        expect_identical(ref, forecast::simulate_ensemble(spec, o),
                         forecast::backend_name(backend) + " threads " + std::to_string(threads) + " block " +
                             std::to_string(block));
      }
}

TEST(Reproducibility, DriverGivesEachPathWhatTheKernelGivesItAlone) {
  // The driver advances a block of paths a few weeks at a time (for locality);
  // every path must still get exactly what one uninterrupted call of the
  // kernel over the whole horizon gives it. Reference: simulate_path into a
  // private row buffer (week-major), independent of the driver's layout.
  forecast::Config c = io::load_seed().scenarios[0];
  c.run.weeks = 37;  // not a multiple of the driver's step
  const core::ModelSpec spec = forecast::resolve(c);
  forecast::EnsembleOptions o;
  o.paths = 70;
  o.seed = 11;
  o.parallelism = {forecast::Backend::OpenMP, 2};
  const forecast::Ensemble ens = simulate_ensemble(spec, o);
  const int T = c.run.weeks;
  const int R = spec.regions;
  core::PathWorkspace ws(spec);
  for (std::int64_t p : {0, 1, 33, 63, 64, 69}) {
    std::vector<std::int32_t> counts(core::kNumVars * static_cast<std::size_t>(T));
    std::vector<double> cost(static_cast<std::size_t>(T));
    std::vector<std::int32_t> regional(forecast::kStoredRegionalVars * static_cast<std::size_t>(T * R));
    core::PathSink sink;
    sink.counts = counts.data();
    sink.week_stride = core::kNumVars;
    sink.var_stride = 1;
    sink.cost = cost.data();
    sink.cost_week_stride = 1;
    sink.regional = regional.data();
    sink.reg_week_stride = static_cast<std::ptrdiff_t>(forecast::kStoredRegionalVars) * R;
    sink.reg_var_stride = R;
    sink.reg_region_stride = 1;
    sink.regional_count = forecast::kStoredRegionalVars;
    core::simulate_path(spec, o.seed, static_cast<std::uint64_t>(p), ws, sink);
    const auto pu = static_cast<std::size_t>(p);
    for (int t = 0; t < T; ++t) {
      const auto tu = static_cast<std::size_t>(t);
      for (std::size_t v = 0; v < core::kNumVars; ++v) {
        if (!core::kVarInfo[v].integer) continue;  // the integer columns (cost is stored apart)
        ASSERT_EQ(counts[tu * core::kNumVars + v], ens.column(static_cast<Var>(v), t)[pu])
            << "path " << p << " " << core::kVarInfo[v].name << " week " << t;
      }
      ASSERT_EQ(0, std::memcmp(&cost[tu], &ens.cost_column(t)[pu], sizeof(double)))
          << "path " << p << " cost week " << t;
      for (std::size_t v = 0; v < forecast::kStoredRegionalVars; ++v)
        for (int r = 0; r < R; ++r)
          ASSERT_EQ(regional[(tu * forecast::kStoredRegionalVars + v) * static_cast<std::size_t>(R) +
                             static_cast<std::size_t>(r)],
                    ens.regional_column(static_cast<RegionalVar>(v), t, r)[pu])
              << "path " << p << " regional " << v << " region " << r << " week " << t;
    }
  }
}

TEST(Reproducibility, WindowsOfWeeksGiveTheSameResultsAsOneGo) {
  // The driver runs long horizons in windows with the path states kept in
  // between; the split must not change a single bit, nor the summaries.
  forecast::Config c = io::load_seed().scenarios[0];
  c.run.weeks = 60;
  const core::ModelSpec spec = forecast::resolve(c);
  forecast::EnsembleOptions o;
  o.paths = 97;
  o.seed = 3;
  o.parallelism = {forecast::Backend::OpenMP, 2};
  const forecast::Ensemble whole = simulate_ensemble(spec, o);
  const auto periods =
      forecast::run_periods(c.run.start, c.run.weeks, {forecast::PeriodKind::Quarter, forecast::PeriodKind::Year});
  const forecast::SummaryOptions so{{0.05, 0.5, 0.95}, {0.1, 0.05}, o.parallelism};
  const forecast::ScenarioSummary one_go = summarize("x", whole, periods, so);
  // The run reuses one window's memory for every window (and scenario), so a
  // value the kernel failed to overwrite would show here as a stale one.
  forecast::Ensemble w(0, 0, spec.regions, o.paths);
  for (int window : {26, 7, 1}) {
    forecast::EnsembleRunner runner(spec, o);
    forecast::ScenarioSummarizer summarizer("x", c.run.weeks, spec.regions, o.paths, periods, so);
    while (!runner.done()) {
      runner.next_window(window, w);
      expect_identical(whole, w, "window " + std::to_string(window));
      summarizer.add(w);
    }
    const forecast::ScenarioSummary windowed = summarizer.finish();
    for (std::size_t v = 0; v < core::kNumVars; ++v) {
      EXPECT_EQ(one_go.national[v].quantiles, windowed.national[v].quantiles) << "window " << window;
      EXPECT_EQ(one_go.national[v].mean, windowed.national[v].mean) << "window " << window;
    }
    EXPECT_EQ(one_go.regional[0].quantiles, windowed.regional[0].quantiles);
    EXPECT_EQ(one_go.periods.capacity_needed, windowed.periods.capacity_needed);
    for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m)
      EXPECT_EQ(one_go.periods.metric_quantiles[m], windowed.periods.metric_quantiles[m])
          << forecast::kPeriodMetricNames[m];
  }
}

TEST(CommonRandomNumbers, PairedDifferencesAreNarrowerThanUnpaired) {
  // A lever scenario compared with the baseline path by path: the central 90 %
  // interval of the paired differences must be narrower than that of unpaired
  // differences (baseline paths shifted by half the ensemble, i.e. independent).
  const forecast::ScenarioSet set = io::load_seed();
  const std::size_t lever = 2;  // dublin-and-return-restored
  ASSERT_EQ(set.names[lever], "dublin-and-return-restored");
  forecast::EnsembleOptions o;
  o.paths = 400;
  o.seed = set.scenarios[0].run.seed;
  std::vector<forecast::PeriodPathMetrics> metrics;
  std::vector<forecast::PeriodInfo> periods;
  for (std::size_t s : {std::size_t{0}, lever}) {
    forecast::Config c = set.scenarios[s];
    c.run.weeks = 156;
    periods = forecast::run_periods(c.run.start, c.run.weeks, {forecast::PeriodKind::Year});
    const core::ModelSpec spec = forecast::resolve(c);
    forecast::ScenarioSummarizer summarizer(set.names[s], c.run.weeks, spec.regions, o.paths, periods,
                                            {{0.5}, {0.05}, o.parallelism});
    summarizer.add(forecast::simulate_ensemble(spec, o));
    summarizer.finish();
    metrics.push_back(summarizer.path_metrics());
  }
  const auto paired = forecast::compare_to_baseline("lever", metrics[1], metrics[0], o.parallelism);
  const auto unpaired = compare_to_baseline("lever", metrics[1], metrics[0], o.parallelism, o.paths / 2);
  const auto k = periods.size() - 1;  // the last year, when the lever has acted for a while
  for (forecast::PeriodMetric m :
       {forecast::PeriodMetric::OccupancyEnd, forecast::PeriodMetric::PeakOccupancy, forecast::PeriodMetric::Returns}) {
    const auto i = static_cast<std::size_t>(m);
    const double w_paired = paired.high[i][k] - paired.low[i][k];
    const double w_unpaired = unpaired.high[i][k] - unpaired.low[i][k];
    EXPECT_LT(w_paired, 0.5 * w_unpaired)
        << forecast::kPeriodMetricNames[i] << ": paired " << w_paired << " unpaired " << w_unpaired;
    // The lever lowers occupancy on average (more transfers and returns).
    if (m == forecast::PeriodMetric::OccupancyEnd) {
      EXPECT_LT(paired.mean[i][k], 0.0);
    }
  }
}

TEST(CommonRandomNumbers, ComparisonIsTheSortedDifferencesOfThePairedPaths) {
  // Hand-made metrics of 2 periods and 7 paths: for each pairing shift (0,
  // 3, and -2, i.e. 5) the comparison is, bit for bit, the mean of the
  // differences s[p] - b[(p + shift) mod P] in path order and the 5 % and 95 %
  // quantiles of their full sort.
  constexpr std::int64_t P = 7;
  forecast::PeriodPathMetrics scenario(2, P), baseline(2, P);
  for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m)
    for (std::size_t k = 0; k < 2; ++k)
      for (std::int64_t p = 0; p < P; ++p) {
        scenario.row(static_cast<forecast::PeriodMetric>(m), k)[p] = std::sin(1.0 + m + 7.0 * k + 3.1 * p) * 100;
        baseline.row(static_cast<forecast::PeriodMetric>(m), k)[p] = std::cos(2.0 + m + 5.0 * k + 1.7 * p) * 100;
      }
  for (std::int64_t shift : {0, 3, -2}) {
    const auto c = forecast::compare_to_baseline("x", scenario, baseline, {forecast::Backend::OpenMP, 1}, shift);
    for (std::size_t m = 0; m < forecast::kNumPeriodMetrics; ++m)
      for (std::size_t k = 0; k < 2; ++k) {
        std::vector<double> diff;
        for (std::int64_t p = 0; p < P; ++p)
          diff.push_back(scenario.row(static_cast<forecast::PeriodMetric>(m), k)[p] -
                         baseline.row(static_cast<forecast::PeriodMetric>(m), k)[((p + shift) % P + P) % P]);
        EXPECT_EQ(c.mean[m][k], forecast::mean_sd(diff).mean) << "shift " << shift << " metric " << m;
        std::sort(diff.begin(), diff.end());
        EXPECT_EQ(c.low[m][k], forecast::quantile_sorted(diff, 0.05)) << "shift " << shift << " metric " << m;
        EXPECT_EQ(c.high[m][k], forecast::quantile_sorted(diff, 0.95)) << "shift " << shift << " metric " << m;
      }
  }
}

TEST(CommonRandomNumbers, FlowsAScenarioDoesNotChangeDrawTheSameNumbers) {
  const forecast::ScenarioSet set = io::load_seed();
  forecast::EnsembleOptions o;
  o.paths = 300;
  o.seed = set.scenarios[0].run.seed;
  std::vector<forecast::Ensemble> runs;
  for (const forecast::Config& c : set.scenarios) {
    forecast::Config shorter = c;
    shorter.run.weeks = 104;
    runs.push_back(simulate_ensemble(forecast::resolve(shorter), o));
  }
  // Capacity, housing and Dublin/return levers do not change inflow or decisions.
  for (std::size_t s = 1; s < runs.size(); ++s)
    for (int t = 0; t < 104; ++t)
      for (Var v : {Var::FirstApplications, Var::RepeatApplications, Var::Registered, Var::DublinClaims}) {
        const auto a = runs[0].column(v, t), b = runs[s].column(v, t);
        ASSERT_TRUE(std::equal(a.begin(), a.end(), b.begin()))
            << set.names[s] << " " << core::info(v).name << " week " << t;
      }
  // Without crisis measures (no CNO, no accelerated relocation) the decisions
  // still match draw for draw; the permit holders waiting do not.
  bool differs = false;
  for (int t = 0; t < 104; ++t) {
    const auto a = runs[0].column(Var::Decisions, t), b = runs[1].column(Var::Decisions, t);
    ASSERT_TRUE(std::equal(a.begin(), a.end(), b.begin())) << "decisions week " << t;
    const auto pa = runs[0].column(Var::PermitHolders, t), pb = runs[1].column(Var::PermitHolders, t);
    differs = differs || !std::equal(pa.begin(), pa.end(), pb.begin());
  }
  EXPECT_TRUE(differs);
}

// ---------------------------------------------------------------------------
// Monotonicity under common random numbers, on every path and week.
// ---------------------------------------------------------------------------

forecast::Ensemble run_seed_variant(forecast::Config c, int paths) {
  c.run.weeks = 156;
  forecast::EnsembleOptions o;
  o.paths = paths;
  o.seed = c.run.seed;
  return forecast::simulate_ensemble(resolve(c), o);
}

void expect_never_above(const forecast::Ensemble& more, const forecast::Ensemble& less, Var v, const char* what) {
  std::int64_t strictly_lower = 0;
  for (int t = 0; t < more.weeks(); ++t) {
    const auto a = more.column(v, t), b = less.column(v, t);
    for (std::size_t p = 0; p < a.size(); ++p) {
      ASSERT_LE(a[p], b[p]) << what << ": path " << p << " week " << t;
      strictly_lower += a[p] < b[p];
    }
  }
  EXPECT_GT(strictly_lower, 0) << what << ": the lever had no effect at all";
}

TEST(Monotonicity, MoreCnoCapacityNeverIncreasesShortfall) {
  const forecast::Config base = io::load_seed().scenarios[0];
  forecast::Config more = base;
  more.capacity.cno.places_per_region = 600;
  expect_never_above(run_seed_variant(more, 400), run_seed_variant(base, 400), Var::Shortfall, "CNO 600 vs 225");
}

TEST(Monotonicity, MoreRegularCapacityNeverIncreasesShortfall) {
  // The CNO phase-out rule compares occupancy with regular capacity, so more regular
  // capacity can close the CNO earlier; the property is stated without that rule.
  forecast::Config base = io::load_seed().scenarios[0];
  base.capacity.cno.phaseout.weeks = 0;
  forecast::Config more = base;
  more.capacity.regular += 5000;
  expect_never_above(run_seed_variant(more, 400), run_seed_variant(base, 400), Var::Shortfall, "regular +5000");
}

// The documented exception (docs/model.md, "Properties"): with the CNO
// phase-out on, more regular capacity can close the CNO earlier, and then a
// path can have more shortfall in a later week. Stated and shown, not switched off.
TEST(Monotonicity, WithThePhaseOutMoreRegularCapacityCanRaiseShortfall) {
  // Shown on the seed as first published (its CNO phase-out is on): any configuration
  // with the exception proves that it exists.
  const forecast::Config base = testing::first_model(
      io::load_config_file(std::filesystem::path(CHAINSIM_TEST_DATA_DIR) / "first-model-seed.toml").scenarios[0]);
  ASSERT_GT(base.capacity.cno.phaseout.weeks, 0);
  forecast::Config more = base;
  more.capacity.regular += 5000;
  const forecast::Ensemble a = run_seed_variant(more, 400), b = run_seed_variant(base, 400);
  std::int64_t raised = 0;
  for (int t = 0; t < a.weeks(); ++t) {
    const auto x = a.column(Var::Shortfall, t), y = b.column(Var::Shortfall, t);
    const auto cx = a.column(Var::CapacityCno, t), cy = b.column(Var::CapacityCno, t);
    for (std::size_t p = 0; p < x.size(); ++p)
      if (x[p] > y[p]) {
        ++raised;
        // ... and only where the CNO had closed with more regular capacity.
        EXPECT_LT(cx[p], cy[p]) << "path " << p << " week " << t;
      }
  }
  EXPECT_GT(raised, 0) << "the exception did not occur on 400 paths of the seed";
}

TEST(Monotonicity, HigherReturnMultiplierNeverIncreasesRejected) {
  const forecast::Config base = io::load_seed().scenarios[0];
  forecast::Config more = base;
  more.levers.ret = {forecast::Period{base.run.start + std::chrono::days{70}, std::nullopt, 1.5}};
  expect_never_above(run_seed_variant(more, 400), run_seed_variant(base, 400), Var::Rejected, "return x1.5");
}

TEST(Monotonicity, InversionBinomialIsMonotoneInNAndP) {
  // The property above rests on this: for a fixed uniform, the quantile never
  // decreases in n or p, and n minus it never decreases in n.
  for (double u : {0x1.0p-53, 1e-9, 0.01, 0.3, 0.5, 0.77, 0.999, 1 - 1e-12, 1 - 0x1.0p-53})
    for (double p : {0.001, 0.02, 0.3, 0.9}) {
      std::int64_t previous = 0;
      for (std::int64_t n = 0; n < 3000; n += 1 + n / 50) {
        const std::int64_t k = core::binomial_quantile(u, n, p);
        ASSERT_GE(k, previous) << "u " << u << " p " << p << " n " << n;
        ASSERT_LE(k, n);
        previous = k;
        ASSERT_LE(core::binomial_quantile(u, n, p), core::binomial_quantile(u, n, std::min(1.0, p * 1.5)));
        ASSERT_LE(core::binomial_quantile(u, n + 1, p), k + 1) << "n - k must not decrease";
      }
    }
}

}  // namespace
}  // namespace chainsim
