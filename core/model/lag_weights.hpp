#pragma once
// The discretised family-reunification lag distribution (MODEL.md §10):
// w_k ∝ F(k) − F(k − 1) for k = 1..L, F the gamma CDF with the given mean and
// sd, renormalised over 1..L.
#include <vector>

namespace chainsim::core {

// Regularised lower incomplete gamma P(a, x), a > 0, x >= 0.
double regularized_gamma_p(double a, double x);

// w_1..w_L (index k-1); sums to 1.
std::vector<double> nareis_lag_weights(double mean_weeks, double sd_weeks, int max_lag_weeks);

}  // namespace chainsim::core
