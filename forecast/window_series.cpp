#include "forecast/window_series.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace chainsim::forecast {

core::Var var_of(const std::string& name) {
  for (std::size_t i = 0; i < core::kNumVars; ++i)
    if (core::kVarInfo[i].name == name) return static_cast<core::Var>(i);
  throw std::invalid_argument("unknown variable " + name);
}

std::size_t per_path_element_bytes(const std::string& name) {
  return core::kVarInfo[static_cast<std::size_t>(var_of(name))].integer ? sizeof(std::int32_t) : sizeof(double);
}

void window_variables(const Ensemble& w, const std::vector<std::string>& names, const Parallelism& par,
                      std::vector<std::vector<char>>& out) {
  const auto P = static_cast<std::size_t>(w.paths());
  const auto W = static_cast<std::size_t>(w.weeks());
  constexpr std::size_t kPathBlock = 4096;
  const std::size_t blocks = (P + kPathBlock - 1) / kPathBlock;
  out.resize(names.size());
  std::vector<core::Var> vars;
  for (std::size_t i = 0; i < names.size(); ++i) {
    vars.push_back(var_of(names[i]));
    const std::size_t element = core::info(vars[i]).integer ? sizeof(std::int32_t) : sizeof(double);
    out[i].resize(P * W * element);
  }
  auto transpose = [&](auto* buf, auto column_of, std::size_t p0, std::size_t p1) {
    for (std::size_t t = 0; t < W; ++t) {
      const auto col = column_of(w.first_week() + static_cast<int>(t));
      for (std::size_t p = p0; p < p1; ++p) buf[p * W + t] = col[p];
    }
  };
  parallel_for(static_cast<std::int64_t>(names.size() * blocks), par, [&](std::int64_t item) {
    const std::size_t i = static_cast<std::size_t>(item) / blocks;
    const std::size_t p0 = (static_cast<std::size_t>(item) % blocks) * kPathBlock;
    const std::size_t p1 = std::min(P, p0 + kPathBlock);
    const core::Var v = vars[i];
    if (!core::info(v).integer)  // the cost, the one variable kept as a double
      transpose(
          reinterpret_cast<double*>(out[i].data()), [&](int t) { return w.cost_column(t); }, p0, p1);
    else
      transpose(
          reinterpret_cast<std::int32_t*>(out[i].data()), [&](int t) { return w.column(v, t); }, p0, p1);
  });
}

}  // namespace chainsim::forecast
