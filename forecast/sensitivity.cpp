#include "forecast/sensitivity.hpp"

#include "core/model/path_kernel.hpp"
#include "core/model/variables.hpp"
#include "forecast/calendar.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>

namespace chainsim::forecast {
namespace {

// Rows of one matrix a work item simulates (any value gives the same results).
constexpr std::int64_t kBlockRows = 64;
// Weeks in a horizon's year (for its peak and shortfall).
constexpr int kYearWeeks = 52;

SensitivityHorizon horizon_ending(Date start, int weeks, Date day, std::string label) {
  const int last = week_of(start, day) - 1;  // weeks 0..last end on or before `day`
  if (last < 0)
    throw std::invalid_argument("horizon " + label + " (" + iso_date(day) +
                                ") ends before the first week of the run (" + iso_date(start) + ")");
  if (last >= weeks)
    throw std::invalid_argument("horizon " + label + " (" + iso_date(day) + ") is after the run's last week (" +
                                std::to_string(weeks) + " weeks from " + iso_date(start) + ")");
  SensitivityHorizon h;
  h.label = std::move(label);
  h.last_week = last;
  h.first_week = std::max(0, last - kYearWeeks + 1);
  h.date = monday_of(start, last + 1) - std::chrono::days{1};
  return h;
}

// The outputs of one simulated path, written as [output][horizon].
void path_outputs(const std::int32_t* counts, int weeks, const std::vector<SensitivityHorizon>& horizons, double* out) {
  const auto var = [&](core::Var v, int t) {
    return static_cast<double>(
        counts[static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks) + static_cast<std::size_t>(t)]);
  };
  const std::size_t H = horizons.size();
  for (std::size_t h = 0; h < H; ++h) {
    const SensitivityHorizon& hz = horizons[h];
    double peak = 0.0, shortfall = 0.0;
    for (int t = hz.first_week; t <= hz.last_week; ++t) {
      peak = std::max(peak, var(core::Var::Occupancy, t));
      if (var(core::Var::Shortfall, t) > 0.0) shortfall = 1.0;
    }
    const auto put = [&](SensitivityOutput o, double v) { out[static_cast<std::size_t>(o) * H + h] = v; };
    put(SensitivityOutput::Occupancy, var(core::Var::Occupancy, hz.last_week));
    put(SensitivityOutput::Shortfall, shortfall);
    put(SensitivityOutput::PeakOccupancy, peak);
    put(SensitivityOutput::PermitHolders, var(core::Var::PermitHolders, hz.last_week));
  }
}

}  // namespace

std::string sensitivity_output_description(SensitivityOutput o) {
  switch (o) {
    case SensitivityOutput::Occupancy: return "occupancy in the horizon's last week";
    case SensitivityOutput::Shortfall:
      return "shortfall: occupancy above capacity in some week of the year up to the horizon (0/1 per path; its "
             "mean is P(shortfall))";
    case SensitivityOutput::PeakOccupancy:
      return "peak weekly occupancy of the year up to the horizon (capacity needed is a quantile of it)";
    case SensitivityOutput::PermitHolders: return "permit holders waiting for a home in the horizon's last week";
    case SensitivityOutput::Count: break;
  }
  return "";
}

SensitivityHorizon horizon_after_years(Date start, int weeks, int years) {
  using namespace std::chrono;
  if (years < 1) throw std::invalid_argument("horizon of " + std::to_string(years) + " years: expected 1 or more");
  const year_month_day ymd{start};
  // 29 February plus a year is 1 March (sys_days of an invalid day rolls over).
  const Date day = sys_days{year_month_day{ymd.year() + std::chrono::years{years}, ymd.month(), ymd.day()}};
  return horizon_ending(start, weeks, day, "year " + std::to_string(years));
}

SensitivityHorizon horizon_at_date(Date start, int weeks, Date date) {
  // The horizon is the end of `date`: weeks ending on it count.
  return horizon_ending(start, weeks, date + std::chrono::days{1}, iso_date(date));
}

std::int64_t sensitivity_paths(std::int64_t design_size, const std::vector<InputGroup>& groups) {
  const auto params =
      std::count_if(groups.begin(), groups.end(), [](const InputGroup& g) { return g.kind == InputKind::Parameter; });
  const std::int64_t matrices = 2 + static_cast<std::int64_t>(groups.size()) + (params >= 2 ? 1 : 0);
  return design_size * matrices;
}

bool SensitivityResult::has_parameters() const noexcept {
  return std::any_of(groups.begin(), groups.end(), [](const InputGroup& g) { return g.kind == InputKind::Parameter; });
}

VarianceSplit variance_split(const SensitivityResult& r, SensitivityOutput o, std::size_t horizon) {
  const SobolIndices& s = r.at(o, horizon);
  VarianceSplit v;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!r.has_parameters()) {
    // Nothing but process noise: all of the variance is its own.
    const bool varies = s.variance > 0.0;
    v.parameters = varies ? IndexEstimate{0, 0, 0} : IndexEstimate{nan, nan, nan};
    v.interaction = varies ? IndexEstimate{0, nan, nan} : IndexEstimate{nan, nan, nan};
    v.process = varies ? IndexEstimate{1, 1, 1} : IndexEstimate{nan, nan, nan};
    return v;
  }
  const IndexEstimate& first = s.first.back();
  const IndexEstimate& total = s.total.back();
  v.parameters = first;
  v.interaction = {total.estimate - first.estimate, nan, nan};
  v.process = {1.0 - total.estimate, 1.0 - total.high, 1.0 - total.low};
  return v;
}

core::FlowPaths design_row(const std::vector<InputGroup>& groups, const std::vector<bool>& from_b,
                           std::int64_t design_size, std::int64_t row) {
  const auto a = static_cast<std::uint64_t>(row);
  const auto b = static_cast<std::uint64_t>(design_size + row);
  core::FlowPaths paths(a);
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (from_b[i])
      for (core::Flow f : groups[i].flows) paths.set(f, b);
  return paths;
}

DesignValues simulate_design(const core::ModelSpec& spec, const std::vector<SensitivityHorizon>& horizons,
                             const SensitivityOptions& options, const std::function<void(std::int64_t)>& on_progress) {
  const std::int64_t N = options.design_size;
  if (N < 2) throw std::invalid_argument("sensitivity: the design needs at least 2 rows");
  // Stream path ids are 32 bits (core/random/random_stream.hpp): rows of B are N..2N-1.
  if (N > std::numeric_limits<std::int32_t>::max())
    throw std::invalid_argument("sensitivity: the design is limited to 2^31 - 1 rows");
  if (horizons.empty()) throw std::invalid_argument("sensitivity: no horizon");
  for (const auto& h : horizons)
    if (h.first_week < 0 || h.last_week < h.first_week || h.last_week >= spec.weeks)
      throw std::invalid_argument("sensitivity: horizon " + h.label + " is outside the run's weeks");

  DesignValues d;
  ActiveGroups groups = active_input_groups(spec);
  d.groups = std::move(groups.active);
  d.inactive = std::move(groups.inactive);
  d.horizons = horizons;
  d.design_size = N;
  const std::size_t G = d.groups.size();

  // The matrices: which groups each takes from B.
  d.matrices.push_back(std::vector<bool>(G, false));  // A
  d.matrices.push_back(std::vector<bool>(G, true));   // B
  for (std::size_t i = 0; i < G; ++i) {
    std::vector<bool> m(G, false);
    m[i] = true;
    d.matrices.push_back(std::move(m));
  }
  std::vector<bool> params(G);
  for (std::size_t i = 0; i < G; ++i) params[i] = d.groups[i].kind == InputKind::Parameter;
  const auto n_params = std::count(params.begin(), params.end(), true);
  if (n_params >= 2) {
    d.matrices.push_back(params);
    d.parameter_matrix = d.matrices.size() - 1;
  } else if (n_params == 1) {  // the one parameter group's own matrix
    d.parameter_matrix = 2 + static_cast<std::size_t>(std::find(params.begin(), params.end(), true) - params.begin());
  }
  const std::size_t M = d.matrices.size();
  // The kernel computes the week's first blocks for the path most flows draw
  // (core/random/week_streams.hpp): that of the group holding the most flows.
  std::size_t largest = 0;
  for (std::size_t i = 1; i < G; ++i)
    if (d.groups[i].flows.size() > d.groups[largest].flows.size()) largest = i;

  const std::size_t H = horizons.size(), O = kNumSensitivityOutputs;
  const int weeks = std::max_element(horizons.begin(), horizons.end(),
                                     [](const auto& x, const auto& y) { return x.last_week < y.last_week; })
                        ->last_week +
                    1;
  d.values.assign(M * O * H * static_cast<std::size_t>(N), 0.0);

  const std::int64_t blocks_per_matrix = (N + kBlockRows - 1) / kBlockRows;
  std::atomic<std::int64_t> done{0};
  parallel_for(static_cast<std::int64_t>(M) * blocks_per_matrix, options.parallelism, [&](std::int64_t item) {
    const auto m = static_cast<std::size_t>(item / blocks_per_matrix);
    const std::vector<bool>& from_b = d.matrices[m];
    const std::int64_t first_row = (item % blocks_per_matrix) * kBlockRows;
    const std::int64_t end_row = std::min(N, first_row + kBlockRows);
    std::vector<core::PathState> states(core::kPathGroup, core::PathState(spec));
    std::vector<core::PathWorkspace> workspaces(core::kPathGroup, core::PathWorkspace(spec));
    std::vector<core::PathSink> sinks(core::kPathGroup);
    std::vector<core::FlowPaths> paths(core::kPathGroup);
    // Each path's national variables over the weeks simulated, [v * weeks + t].
    const std::size_t per_path = core::kNumVars * static_cast<std::size_t>(weeks);
    std::vector<std::int32_t> counts(core::kPathGroup * per_path);
    std::vector<double> out(O * H);
    for (std::size_t i = 0; i < core::kPathGroup; ++i) {
      sinks[i].counts = counts.data() + i * per_path;
      sinks[i].var_stride = weeks;
      sinks[i].week_stride = 1;
    }
    for (std::int64_t row = first_row; row < end_row; row += static_cast<std::int64_t>(core::kPathGroup)) {
      const auto n = static_cast<std::size_t>(std::min<std::int64_t>(end_row - row, core::kPathGroup));
      // advance_paths numbers a group's paths consecutively: the largest
      // group's stream paths (a_j or b_j of consecutive rows j) are.
      const std::uint64_t base = static_cast<std::uint64_t>(from_b[largest] ? N + row : row);
      for (std::size_t i = 0; i < n; ++i) {
        paths[i] = design_row(d.groups, from_b, N, row + static_cast<std::int64_t>(i));
        core::init_path(spec, options.seed, base + i, states[i], &paths[i]);
      }
      core::advance_paths(spec, options.seed, base, std::span(states).first(n), workspaces, weeks, sinks);
      for (std::size_t i = 0; i < n; ++i) {
        path_outputs(counts.data() + i * per_path, weeks, horizons, out.data());
        for (std::size_t k = 0; k < O * H; ++k)
          d.values[(m * O * H + k) * static_cast<std::size_t>(N) + static_cast<std::size_t>(row) + i] = out[k];
      }
    }
    if (on_progress) on_progress(done.fetch_add(end_row - first_row) + (end_row - first_row));
  });
  return d;
}

SensitivityResult estimate_sensitivity(const DesignValues& d, const BootstrapOptions& bootstrap,
                                       const Parallelism& parallelism) {
  SensitivityResult r;
  r.groups = d.groups;
  r.inactive = d.inactive;
  r.horizons = d.horizons;
  r.design_size = d.design_size;
  r.simulated_paths = d.design_size * static_cast<std::int64_t>(d.matrices.size());
  const std::size_t H = d.horizons.size(), G = d.groups.size();
  r.indices.resize(kNumSensitivityOutputs * H);
  parallel_for(static_cast<std::int64_t>(r.indices.size()), parallelism, [&](std::int64_t kk) {
    const auto k = static_cast<std::size_t>(kk);
    const auto o = static_cast<SensitivityOutput>(k / H);
    const std::size_t h = k % H;
    std::vector<std::span<const double>> ab;
    for (std::size_t i = 0; i < G; ++i) ab.push_back(d.column(2 + i, o, h));
    if (d.parameter_matrix) ab.push_back(d.column(d.parameter_matrix, o, h));
    r.indices[k] = sobol_indices(d.column(0, o, h), d.column(1, o, h), ab, bootstrap);
  });
  return r;
}

SensitivityResult run_sensitivity(const core::ModelSpec& spec, const std::vector<SensitivityHorizon>& horizons,
                                  const SensitivityOptions& options,
                                  const std::function<void(std::int64_t)>& on_progress) {
  return estimate_sensitivity(simulate_design(spec, horizons, options, on_progress), options.bootstrap,
                              options.parallelism);
}

}  // namespace chainsim::forecast
