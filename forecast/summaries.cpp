#include "forecast/summaries.hpp"

#include "forecast/calendar.hpp"
#include "forecast/mc_error.hpp"
#include "forecast/statistics.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace chainsim::forecast {
namespace {

using core::Var;

// Period metrics that are a variable summed over the period's weeks, and those
// that are a variable at the period's last week.
constexpr std::pair<PeriodMetric, Var> kPeriodSums[] = {{PeriodMetric::Housed, Var::Housed},
                                                        {PeriodMetric::DublinTransfers, Var::DublinTransfers},
                                                        {PeriodMetric::Returns, Var::Returns}};
constexpr std::pair<PeriodMetric, Var> kPeriodEnds[] = {
    {PeriodMetric::OccupancyEnd, Var::Occupancy},
    {PeriodMetric::PermitHoldersEnd, Var::PermitHolders},
    {PeriodMetric::CapacityEnd, Var::Capacity},
    {PeriodMetric::WithoutPlaceEnd, Var::Shortfall},
    {PeriodMetric::WaitingOver14End, Var::PermitHoldersWaitingOver14Weeks}};

// Calendar period of a date: its label, first day and the first day of the next one.
struct CalendarPeriod {
  std::string label;
  Date start, end;
};

CalendarPeriod calendar_period(PeriodKind kind, Date d) {
  using namespace std::chrono;
  const year y{year_of(d)};
  switch (kind) {
    case PeriodKind::Quarter: {
      const int q = quarter_of(d);
      const month m0{static_cast<unsigned>(3 * (q - 1) + 1)};
      const Date s = sys_days{y / m0 / 1};
      const Date e = q == 4 ? sys_days{(y + years{1}) / January / 1} : sys_days{y / (m0 + months{3}) / 1};
      return {std::to_string(static_cast<int>(y)) + "-Q" + std::to_string(q), s, e};
    }
    case PeriodKind::HalfYear: {
      const bool h1 = half_of(d) == 1;
      const Date s = sys_days{y / (h1 ? January : July) / 1};
      const Date e = h1 ? sys_days{y / July / 1} : sys_days{(y + years{1}) / January / 1};
      return {half_label(d), s, e};
    }
    case PeriodKind::Year:
      return {std::to_string(static_cast<int>(y)), sys_days{y / January / 1}, sys_days{(y + years{1}) / January / 1}};
  }
  return {};
}

int mondays_between(Date begin, Date end) {
  using namespace std::chrono;
  const Date monday = begin + (Monday - weekday{begin});
  if (monday >= end) return 0;
  return static_cast<int>(((end - monday).count() + 6) / 7);
}

void fill_stats(std::vector<double>& scratch, std::span<const double> probs, WeeklyStats& s, std::size_t cell) {
  const ColumnStats m = mean_sd(scratch);
  s.mean[cell] = m.mean;
  s.sd[cell] = m.sd;
  quantiles_of(scratch, probs, std::span<double>(s.quantiles).subspan(cell * probs.size(), probs.size()));
}

}  // namespace

std::string period_metric_description(PeriodMetric m) {
  switch (m) {
    case PeriodMetric::PeakOccupancy: return "peak weekly occupancy in the period";
    case PeriodMetric::OccupancyEnd: return "occupancy at the end of the period";
    case PeriodMetric::PermitHoldersEnd: return "permit holders waiting for housing at the end of the period";
    case PeriodMetric::CapacityEnd: return "capacity in effect at the end of the period";
    case PeriodMetric::ShortfallWeeks: return "number of weeks with occupancy above capacity in the period";
    case PeriodMetric::ShortfallPersonWeeks: return "shortfall person-weeks in the period";
    case PeriodMetric::Inflow: return "inflow in the period (first and repeat applications and family reunification)";
    case PeriodMetric::Housed: return "permit holders housed in the period";
    case PeriodMetric::DublinTransfers: return "Dublin transfers in the period";
    case PeriodMetric::Returns: return "verified returns in the period";
    case PeriodMetric::CostEur: return "reception cost of the period";
    case PeriodMetric::PlacesOccupiedEnd:
      return "persons in a reception place (regular, TNV, CNO) at the end of the period";
    case PeriodMetric::WithoutPlaceEnd:
      return "persons in the chain without a reception place at the end of the period";
    case PeriodMetric::WaitingOver14End:
      return "permit holders who have waited more than 14 weeks for housing at the end of the period";
    case PeriodMetric::Count: break;
  }
  return "";
}

const char* period_metric_units(PeriodMetric m) {
  switch (m) {
    case PeriodMetric::CapacityEnd: return "places";
    case PeriodMetric::ShortfallWeeks: return "weeks";
    case PeriodMetric::ShortfallPersonWeeks: return "persons week";
    case PeriodMetric::CostEur: return "EUR";
    default: return "persons";
  }
}

std::vector<PeriodInfo> run_periods(Date start, int weeks, const std::vector<PeriodKind>& kinds) {
  std::vector<PeriodInfo> out;
  for (PeriodKind kind : kinds) {
    int t = 0;
    while (t < weeks) {
      const CalendarPeriod cp = calendar_period(kind, monday_of(start, t));
      PeriodInfo p{kind, cp.label, cp.start, cp.end, t, t, false};
      while (p.end_week < weeks && monday_of(start, p.end_week) < cp.end) ++p.end_week;
      p.partial = (p.end_week - p.first_week) < mondays_between(cp.start, cp.end);
      out.push_back(p);
      t = p.end_week;
    }
  }
  return out;
}

PeriodPathMetrics::PeriodPathMetrics(std::size_t periods, std::int64_t paths)
    : periods_(periods), paths_(paths), values_(kNumPeriodMetrics * periods * static_cast<std::size_t>(paths), 0.0) {}

ScenarioSummarizer::ScenarioSummarizer(std::string name, int weeks, int regions, std::int64_t paths,
                                       std::vector<PeriodInfo> periods, SummaryOptions options)
    : weeks_(weeks),
      regions_(regions),
      paths_(paths),
      periods_(std::move(periods)),
      options_(std::move(options)),
      metrics_(periods_.size(), paths) {
  summary_.name = std::move(name);
  const std::size_t Q = options_.quantiles.size();
  auto allocate = [&](WeeklyStats& s, std::size_t cells) {
    s.mean.assign(cells, 0.0);
    s.sd.assign(cells, 0.0);
    s.quantiles.assign(cells * Q, 0.0);
  };
  summary_.national.resize(core::kNumVars);
  for (auto& s : summary_.national) allocate(s, static_cast<std::size_t>(weeks_));
  summary_.regional.resize(kStoredRegionalVars);
  for (auto& s : summary_.regional) allocate(s, static_cast<std::size_t>(weeks_) * static_cast<std::size_t>(regions_));
}

template <typename F>
void ScenarioSummarizer::for_each_window_cells(int first, int weeks, F&& f) {
  const std::size_t Q = options_.quantiles.size();
  auto visit = [&](WeeklyStats& s, std::size_t from, std::size_t cells) {
    f(std::span<double>(s.mean).subspan(from, cells));
    f(std::span<double>(s.sd).subspan(from, cells));
    f(std::span<double>(s.quantiles).subspan(from * Q, cells * Q));
  };
  const auto t0 = static_cast<std::size_t>(first), W = static_cast<std::size_t>(weeks);
  const auto R = static_cast<std::size_t>(regions_);
  for (auto& s : summary_.national) visit(s, t0, W);
  for (auto& s : summary_.regional) visit(s, t0 * R, W * R);
}

// The window's cells packed into one array, merged across the parts in one
// call, and put back.
void ScenarioSummarizer::merge_window(int first, int weeks, const WeeklyShare& share) {
  std::vector<double> packed;
  for_each_window_cells(first, weeks, [&](std::span<double> v) { packed.insert(packed.end(), v.begin(), v.end()); });
  share.merge(packed);
  std::size_t at = 0;
  for_each_window_cells(first, weeks, [&](std::span<double> v) {
    std::copy_n(packed.begin() + static_cast<std::ptrdiff_t>(at), v.size(), v.begin());
    at += v.size();
  });
}

void ScenarioSummarizer::add(const Ensemble& w, const WeeklyShare& share) {
  if (share.parts < 1 || share.part < 0 || share.part >= share.parts || (share.parts > 1 && !share.merge))
    throw std::invalid_argument("ScenarioSummarizer::add: a share needs 0 <= part < parts and, for parts > 1, a merge");
  const int W = w.weeks();
  const int R = regions_;
  const auto P = static_cast<std::size_t>(paths_);
  const std::span<const double> probs(options_.quantiles);

  // Weekly statistics: one work item per national variable and block of up
  // to kWeekBlock weeks, and per regional variable and week; each writes its
  // own cells. An item hands its columns (the block's weeks, or the week's
  // regions: adjacent cells) to int_columns_stats in one call, which takes
  // their sums of squares side by side. This part's items are every
  // parts-th, from its index on: adjacent items cost alike, so the parts'
  // shares do too.
  constexpr int kWeekBlock = 4;
  const int blocks = (W + kWeekBlock - 1) / kWeekBlock;
  const std::int64_t national_items = static_cast<std::int64_t>(core::kNumVars) * blocks;
  const std::int64_t regional_items = static_cast<std::int64_t>(kStoredRegionalVars) * W;
  const std::int64_t items = national_items + regional_items;
  const std::int64_t mine = (items - share.part + share.parts - 1) / share.parts;
  parallel_for(mine, options_.parallelism, [&](std::int64_t i) {
    const std::int64_t item = share.part + i * share.parts;
    std::vector<double> scratch;
    std::vector<std::int32_t> int_scratch;
    std::vector<std::uint32_t> counts;
    std::vector<std::span<const std::int32_t>> columns;
    std::vector<ColumnStats> stats;
    const std::size_t Q = probs.size();
    // The statistics of `columns` into the cells from `cell` on.
    auto int_stats = [&](WeeklyStats& s, std::size_t cell) {
      stats.resize(columns.size());
      int_columns_stats(columns, probs, std::span<double>(s.quantiles).subspan(cell * Q, columns.size() * Q), stats,
                        int_scratch, counts);
      for (std::size_t c = 0; c < columns.size(); ++c) {
        s.mean[cell + c] = stats[c].mean;
        s.sd[cell + c] = stats[c].sd;
      }
    };
    if (item < national_items) {
      const auto v = static_cast<Var>(item / blocks);
      const int first = w.first_week() + static_cast<int>(item % blocks) * kWeekBlock;
      const int end = std::min(first + kWeekBlock, w.end_week());
      WeeklyStats& s = summary_.national[static_cast<std::size_t>(v)];
      if (!core::info(v).integer) {
        // The one variable that is not a count, the cost, has columns of doubles.
        for (int t = first; t < end; ++t) {
          const auto c = w.cost_column(t);
          scratch.assign(c.begin(), c.end());
          fill_stats(scratch, probs, s, static_cast<std::size_t>(t));
        }
      } else {
        columns.clear();
        for (int t = first; t < end; ++t) columns.push_back(w.column(v, t));
        int_stats(s, static_cast<std::size_t>(first));
      }
    } else {
      const std::int64_t k = item - national_items;
      const auto v = static_cast<core::RegionalVar>(k / W);
      const int t = w.first_week() + static_cast<int>(k % W);
      columns.clear();
      for (int r = 0; r < R; ++r) columns.push_back(w.regional_column(v, t, r));
      int_stats(summary_.regional[static_cast<std::size_t>(v)],
                static_cast<std::size_t>(t) * static_cast<std::size_t>(R));
    }
  });
  if (share.parts > 1) merge_window(w.first_week(), W, share);

  // Period metrics, per path: one work item per period overlapping the window.
  parallel_for(static_cast<std::int64_t>(periods_.size()), options_.parallelism, [&](std::int64_t i) {
    const PeriodInfo& per = periods_[static_cast<std::size_t>(i)];
    const auto k = static_cast<std::size_t>(i);
    const int from = std::max(per.first_week, w.first_week());
    const int to = std::min(per.end_week, w.end_week());
    if (from >= to) return;
    auto row = [&](PeriodMetric m) { return metrics_.row(m, k); };
    double* peak = row(PeriodMetric::PeakOccupancy);
    double* shortfall_weeks = row(PeriodMetric::ShortfallWeeks);
    double* person_weeks = row(PeriodMetric::ShortfallPersonWeeks);
    double* inflow = row(PeriodMetric::Inflow);
    double* cost = row(PeriodMetric::CostEur);
    for (int t = from; t < to; ++t) {
      const auto occ = w.column(Var::Occupancy, t);
      const auto u = w.column(Var::Shortfall, t);
      const auto first = w.column(Var::FirstApplications, t);
      const auto repeat = w.column(Var::RepeatApplications, t);
      const auto nareis = w.column(Var::Nareis, t);
      const auto c = w.cost_column(t);
      for (std::size_t p = 0; p < P; ++p) {
        peak[p] = std::max(peak[p], static_cast<double>(occ[p]));
        shortfall_weeks[p] += u[p] > 0 ? 1.0 : 0.0;
        person_weeks[p] += u[p];
        inflow[p] += static_cast<double>(first[p]) + repeat[p] + nareis[p];
        cost[p] += c[p];
      }
      for (const auto& [m, v] : kPeriodSums) {
        double* sum = row(m);
        const auto x = w.column(v, t);
        for (std::size_t p = 0; p < P; ++p) sum[p] += x[p];
      }
    }
    if (to == per.end_week) {
      const int last = per.end_week - 1;
      for (const auto& [m, v] : kPeriodEnds) {
        double* end = row(m);
        const auto x = w.column(v, last);
        for (std::size_t p = 0; p < P; ++p) end[p] = x[p];
      }
      // In a reception place: everyone in the chain but those without one.
      double* placed = row(PeriodMetric::PlacesOccupiedEnd);
      const auto occ = w.column(Var::Occupancy, last);
      const auto without = w.column(Var::Shortfall, last);
      for (std::size_t p = 0; p < P; ++p) placed[p] = static_cast<double>(occ[p]) - without[p];
    }
  });
}

ScenarioSummary ScenarioSummarizer::finish() {
  const std::size_t NP = periods_.size();
  const std::size_t Q = options_.quantiles.size();
  const std::size_t A = options_.risk_levels.size();
  const auto P = static_cast<std::size_t>(paths_);
  constexpr std::size_t QS = kSummaryQuantiles.size();
  PeriodStats& ps = summary_.periods;
  ps.peak_occupancy_mean.assign(NP, 0.0);
  ps.peak_occupancy_quantiles.assign(NP * Q, 0.0);
  ps.shortfall_probability.assign(NP, 0.0);
  ps.shortfall_person_weeks.assign(NP, 0.0);
  ps.capacity_needed.assign(NP * A, 0.0);
  for (std::size_t m = 0; m < kNumPeriodMetrics; ++m) {
    ps.metric_mean[m].assign(NP, 0.0);
    ps.metric_quantiles[m].assign(NP * QS, 0.0);
    ps.metric_mean_mcse[m].assign(NP, 0.0);
    ps.metric_quantile_mc_low[m].assign(NP * QS, 0.0);
    ps.metric_quantile_mc_high[m].assign(NP * QS, 0.0);
  }
  ps.shortfall_probability_mcse.assign(NP, 0.0);
  ps.capacity_needed_mc_low.assign(NP * A, 0.0);
  ps.capacity_needed_mc_high.assign(NP * A, 0.0);
  // The order statistics the figures below read (0-based ranks): the summary
  // quantiles and their Monte Carlo intervals, and for the peak occupancy also
  // the configured quantiles, the capacity needed and its intervals. Only
  // these are selected (select_ranks); the figures are those of a full sort.
  std::vector<std::size_t> ranks, peak_ranks;
  auto add_interval = [&](double q, std::vector<std::size_t>& to) {
    const OrderStatisticRanks r = quantile_interval_ranks(P, q);
    if (r.low > 0) to.insert(to.end(), {r.low - 1, r.high - 1});
  };
  for (double q : kSummaryQuantiles) {
    add_quantile_ranks(P, q, ranks);
    add_interval(q, ranks);
  }
  peak_ranks = ranks;
  for (double q : options_.quantiles) add_quantile_ranks(P, q, peak_ranks);
  for (double alpha : options_.risk_levels) {
    if (P > 0) peak_ranks.push_back(capacity_needed_rank(P, alpha));
    add_interval(1.0 - alpha, peak_ranks);
  }
  parallel_for(static_cast<std::int64_t>(NP), options_.parallelism, [&](std::int64_t i) {
    const auto k = static_cast<std::size_t>(i);
    std::vector<double> scratch;
    for (std::size_t m = 0; m < kNumPeriodMetrics; ++m) {
      const double* row = metrics_.row(static_cast<PeriodMetric>(m), k);
      scratch.assign(row, row + P);
      const ColumnStats st = mean_sd(scratch);
      ps.metric_mean[m][k] = st.mean;
      ps.metric_mean_mcse[m][k] = mean_standard_error(st.sd, P);
      select_ranks(scratch, static_cast<PeriodMetric>(m) == PeriodMetric::PeakOccupancy ? peak_ranks : ranks);
      for (std::size_t q = 0; q < QS; ++q)
        ps.metric_quantiles[m][k * QS + q] = quantile_sorted(scratch, kSummaryQuantiles[q]);
      // The quantiles' Monte Carlo intervals are order statistics.
      for (std::size_t q = 0; q < QS; ++q) {
        const QuantileInterval iv = quantile_interval(scratch, kSummaryQuantiles[q]);
        ps.metric_quantile_mc_low[m][k * QS + q] = iv.low;
        ps.metric_quantile_mc_high[m][k * QS + q] = iv.high;
      }
      if (static_cast<PeriodMetric>(m) == PeriodMetric::PeakOccupancy) {
        // The configured quantiles and the capacity needed, from the selected values.
        ps.peak_occupancy_mean[k] = ps.metric_mean[m][k];
        for (std::size_t q = 0; q < Q; ++q)
          ps.peak_occupancy_quantiles[k * Q + q] = quantile_sorted(scratch, options_.quantiles[q]);
        for (std::size_t a = 0; a < A; ++a) {
          ps.capacity_needed[k * A + a] = capacity_needed(scratch, options_.risk_levels[a]);
          // The capacity needed at risk alpha is the (1 - alpha) quantile of the peak.
          const QuantileInterval iv = quantile_interval(scratch, 1.0 - options_.risk_levels[a]);
          ps.capacity_needed_mc_low[k * A + a] = iv.low;
          ps.capacity_needed_mc_high[k * A + a] = iv.high;
        }
      }
    }
    const double* weeks_short = metrics_.row(PeriodMetric::ShortfallWeeks, k);
    std::size_t any = 0;
    for (std::size_t p = 0; p < P; ++p) any += weeks_short[p] > 0 ? 1 : 0;
    ps.shortfall_probability[k] = static_cast<double>(any) / static_cast<double>(P);
    ps.shortfall_probability_mcse[k] = probability_standard_error(ps.shortfall_probability[k], P);
    ps.shortfall_person_weeks[k] = ps.metric_mean[static_cast<std::size_t>(PeriodMetric::ShortfallPersonWeeks)][k];
  });
  return summary_;
}

// A row (one metric of one period, over the paths) that is still all zero,
// bit for bit, is not written: early in a scenario most periods have not
// begun, and their rows were most of a checkpoint's bytes. A flag per row
// says which rows follow; restore() sets the others to +0.0 again.
namespace {
bool all_zero_bits(const double* row, std::size_t n) noexcept {
  std::uint64_t any = 0;
  for (std::size_t i = 0; i < n; ++i) any |= std::bit_cast<std::uint64_t>(row[i]);
  return any == 0;
}
}  // namespace

void PeriodPathMetrics::save(core::ByteWriter& out) const {
  out.put<std::uint64_t>(periods_);
  out.put<std::int64_t>(paths_);
  const std::size_t rows = kNumPeriodMetrics * periods_;
  const auto P = static_cast<std::size_t>(paths_);
  std::vector<std::uint8_t> written(rows);
  for (std::size_t r = 0; r < rows; ++r) written[r] = all_zero_bits(values_.data() + r * P, P) ? 0 : 1;
  out.put_vector(written);
  for (std::size_t r = 0; r < rows; ++r)
    if (written[r])
      out.put_bytes(std::span<const char>(reinterpret_cast<const char*>(values_.data() + r * P), P * sizeof(double)));
}

void PeriodPathMetrics::restore(core::ByteReader& in) {
  periods_ = in.get<std::uint64_t>();
  paths_ = in.get<std::int64_t>();
  const std::size_t rows = kNumPeriodMetrics * periods_;
  const auto P = static_cast<std::size_t>(paths_);
  std::vector<std::uint8_t> written;
  in.get_vector_sized(written, rows);  // bounds `rows` by the bytes left
  // Rows left out take no bytes, so the shape is checked before it is
  // allocated (the caller then checks it against the run's).
  if (paths_ < 0 || (rows > 0 && P > std::numeric_limits<std::size_t>::max() / sizeof(double) / rows))
    throw std::runtime_error("inconsistent state: period metrics shape");
  values_.assign(rows * P, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    if (written[r] > 1) throw std::runtime_error("inconsistent state: period metrics row flag");
    if (written[r]) in.get_bytes(std::span<char>(reinterpret_cast<char*>(values_.data() + r * P), P * sizeof(double)));
  }
}

namespace {
void save_stats(core::ByteWriter& out, const WeeklyStats& w) {
  out.put_vector(w.mean);
  out.put_vector(w.sd);
  out.put_vector(w.quantiles);
}
void restore_stats(core::ByteReader& in, WeeklyStats& w) {
  in.get_vector(w.mean);
  in.get_vector(w.sd);
  in.get_vector(w.quantiles);
}
// Calls f on every vector of the period statistics, in the order of the saved
// state (save and restore_summary both walk it, so the two cannot disagree).
template <class Stats, class F>
void for_each_period_vector(Stats& p, F&& f) {
  for (auto* v : {&p.peak_occupancy_mean, &p.peak_occupancy_quantiles, &p.shortfall_probability,
                  &p.shortfall_person_weeks, &p.capacity_needed})
    f(*v);
  for (std::size_t m = 0; m < kNumPeriodMetrics; ++m) {
    f(p.metric_mean[m]);
    f(p.metric_quantiles[m]);
  }
  for (std::size_t m = 0; m < kNumPeriodMetrics; ++m) {
    f(p.metric_mean_mcse[m]);
    f(p.metric_quantile_mc_low[m]);
    f(p.metric_quantile_mc_high[m]);
  }
  for (auto* v : {&p.shortfall_probability_mcse, &p.capacity_needed_mc_low, &p.capacity_needed_mc_high}) f(*v);
}

// The same for a scenario comparison.
template <class Comparison, class F>
void for_each_comparison_vector(Comparison& c, F&& f) {
  for (std::size_t m = 0; m < kNumPeriodMetrics; ++m) {
    f(c.mean[m]);
    f(c.low[m]);
    f(c.high[m]);
  }
  for (auto* v : {&c.shortfall_probability, &c.shortfall_probability_low, &c.shortfall_probability_high}) f(*v);
}

}  // namespace

void save(core::ByteWriter& out, const ScenarioSummary& s) {
  out.put_string(s.name);
  out.put<std::uint64_t>(s.national.size());
  for (const auto& w : s.national) save_stats(out, w);
  out.put<std::uint64_t>(s.regional.size());
  for (const auto& w : s.regional) save_stats(out, w);
  for_each_period_vector(s.periods, [&out](const std::vector<double>& v) { out.put_vector(v); });
}

ScenarioSummary restore_summary(core::ByteReader& in) {
  ScenarioSummary s;
  s.name = in.get_string();
  s.national.resize(in.get<std::uint64_t>());
  if (s.national.size() != core::kNumVars) throw std::runtime_error("inconsistent state: variables");
  for (auto& w : s.national) restore_stats(in, w);
  s.regional.resize(in.get<std::uint64_t>());
  if (s.regional.size() != kStoredRegionalVars) throw std::runtime_error("inconsistent state: regional variables");
  for (auto& w : s.regional) restore_stats(in, w);
  for_each_period_vector(s.periods, [&in](std::vector<double>& v) { in.get_vector(v); });
  return s;
}

void save(core::ByteWriter& out, const ScenarioComparison& c) {
  out.put_string(c.name);
  for_each_comparison_vector(c, [&out](const std::vector<double>& v) { out.put_vector(v); });
}

ScenarioComparison restore_comparison(core::ByteReader& in) {
  ScenarioComparison c;
  c.name = in.get_string();
  for_each_comparison_vector(c, [&in](std::vector<double>& v) { in.get_vector(v); });
  return c;
}

void ScenarioSummarizer::save(core::ByteWriter& out) const {
  forecast::save(out, summary_);
  metrics_.save(out);
}

void ScenarioSummarizer::restore(core::ByteReader& in) {
  ScenarioSummary s = restore_summary(in);
  if (s.national.front().mean.size() != summary_.national.front().mean.size() ||
      s.regional.front().mean.size() != summary_.regional.front().mean.size())
    throw std::runtime_error("inconsistent state: summary shape");
  summary_ = std::move(s);
  metrics_.restore(in);
  if (metrics_.periods() != periods_.size() || metrics_.paths() != paths_)
    throw std::runtime_error("inconsistent state: period metrics shape");
}

ScenarioSummary summarize(const std::string& name, const Ensemble& ensemble, const std::vector<PeriodInfo>& periods,
                          const SummaryOptions& options) {
  ScenarioSummarizer s(name, ensemble.end_week(), ensemble.regions(), ensemble.paths(), periods, options);
  s.add(ensemble);
  return s.finish();
}

ScenarioComparison compare_to_baseline(const std::string& name, const PeriodPathMetrics& scenario,
                                       const PeriodPathMetrics& baseline, const Parallelism& parallelism,
                                       std::int64_t pairing_shift) {
  const std::size_t NP = scenario.periods();
  const auto P = static_cast<std::size_t>(scenario.paths());
  ScenarioComparison c;
  c.name = name;
  for (std::size_t m = 0; m < kNumPeriodMetrics; ++m) {
    c.mean[m].assign(NP, 0.0);
    c.low[m].assign(NP, 0.0);
    c.high[m].assign(NP, 0.0);
  }
  c.shortfall_probability.assign(NP, 0.0);
  c.shortfall_probability_low.assign(NP, 0.0);
  c.shortfall_probability_high.assign(NP, 0.0);
  const auto shift =
      static_cast<std::size_t>(((pairing_shift % scenario.paths()) + scenario.paths()) % scenario.paths());
  // Path p is paired with baseline path (p + shift) mod P: the paths from
  // `shift` on, then those before it (no division per path).
  auto paired = [&](const double* s, const double* b, std::vector<double>& diff, auto&& f) {
    for (std::size_t p = 0; p < P - shift; ++p) diff[p] = f(s[p], b[p + shift]);
    for (std::size_t p = P - shift; p < P; ++p) diff[p] = f(s[p], b[p + shift - P]);
  };
  constexpr std::array<double, 2> kEffectQuantiles{0.05, 0.95};
  parallel_for(static_cast<std::int64_t>(NP), parallelism, [&](std::int64_t i) {
    const auto k = static_cast<std::size_t>(i);
    std::vector<double> diff(P);
    std::array<double, 2> q{};
    for (std::size_t m = 0; m < kNumPeriodMetrics; ++m) {
      paired(scenario.row(static_cast<PeriodMetric>(m), k), baseline.row(static_cast<PeriodMetric>(m), k), diff,
             [](double a, double b) { return a - b; });
      c.mean[m][k] = mean_sd(diff).mean;
      // The two order statistics by selection: the values a full sort gives.
      quantiles_of(diff, kEffectQuantiles, q);
      c.low[m][k] = q[0];
      c.high[m][k] = q[1];
    }
    // Shortfall indicator differences: mean ± 1.6449 standard errors (90 % normal interval).
    paired(scenario.row(PeriodMetric::ShortfallWeeks, k), baseline.row(PeriodMetric::ShortfallWeeks, k), diff,
           [](double a, double b) { return (a > 0 ? 1.0 : 0.0) - (b > 0 ? 1.0 : 0.0); });
    const ColumnStats st = mean_sd(diff);
    const double se = st.sd / std::sqrt(static_cast<double>(P));
    c.shortfall_probability[k] = st.mean;
    c.shortfall_probability_low[k] = st.mean - 1.6448536269514722 * se;
    c.shortfall_probability_high[k] = st.mean + 1.6448536269514722 * se;
  });
  return c;
}

}  // namespace chainsim::forecast
