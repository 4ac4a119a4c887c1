#pragma once
// Scores of one probabilistic forecast (an ensemble) against one observation,
// and their sums over many, for the stock backtest. Pure computation.
#include <array>
#include <cstdint>
#include <vector>

namespace chainsim::forecast::stock {

// Quantile levels written per forecast: median first, then the central 90 %,
// 80 % and 50 % intervals' ends.
inline constexpr std::array<double, 7> kScoreLevels{0.5, 0.05, 0.10, 0.25, 0.75, 0.90, 0.95};

struct ForecastScore {
  std::array<double, 7> q{};        // at kScoreLevels (type-7 quantiles of the members)
  double pit = 0.0;                 // (members below y + half the members equal to y) / members
  double crps = 0.0;                // calib::crps_sorted
  bool in50 = false, in80 = false;  // y in [q25, q75], [q10, q90], ends included
  double median() const noexcept { return q[0]; }
};

// Sorts `members` and scores them against y. PIT ties take the mid-point rule
// (deterministic, and uniform for a calibrated forecast of a count). A point
// forecast is a one-member ensemble: its CRPS is the absolute error, its PIT
// 0, 0.5 or 1, and its intervals cover only an exact hit.
ForecastScore score_ensemble(std::vector<double>& members, double y);

// A deterministic log-normal "ensemble" of P members with median `median` and
// log sd `sd`: member i is the exact quantile at (i + 1/2) / P.
std::vector<double> lognormal_members(double median, double sd, std::int64_t P);

// Sums over the forecasts of one method, target and horizon.
struct ScoreSum {
  int n = 0;
  double in50 = 0, in80 = 0, pit_above_half = 0, crps = 0, abs_error = 0, error = 0, rel_error = 0;
  void add(const ForecastScore& s, double y) noexcept;
  // Means (0 when n == 0).
  double cov50() const noexcept { return n ? in50 / n : 0.0; }
  double cov80() const noexcept { return n ? in80 / n : 0.0; }
  double pit_share() const noexcept { return n ? pit_above_half / n : 0.0; }
  double mean_crps() const noexcept { return n ? crps / n : 0.0; }
  double mae() const noexcept { return n ? abs_error / n : 0.0; }
  double bias() const noexcept { return n ? error / n : 0.0; }          // median - observed
  double rel_bias() const noexcept { return n ? rel_error / n : 0.0; }  // (median - observed) / observed
};

}  // namespace chainsim::forecast::stock
