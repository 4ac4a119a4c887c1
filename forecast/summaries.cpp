#include "forecast/summaries.hpp"

#include "forecast/calendar.hpp"
#include "forecast/statistics.hpp"

#include <algorithm>
#include <chrono>

namespace chainsim {
namespace {

using core::Var;

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

// Copies a column of ints to doubles.
void to_double(std::span<const std::int32_t> in, std::vector<double>& out) {
  out.resize(in.size());
  std::copy(in.begin(), in.end(), out.begin());
}

void fill_stats(std::vector<double>& scratch, std::span<const double> probs, WeeklyStats& s, std::size_t cell) {
  const ColumnStats m = mean_sd(scratch);
  s.mean[cell] = m.mean;
  s.sd[cell] = m.sd;
  quantiles_of(scratch, probs, std::span<double>(s.quantiles).subspan(cell * probs.size(), probs.size()));
}

}  // namespace

std::vector<PeriodInfo> run_periods(Date start, int weeks, const std::vector<PeriodKind>& kinds) {
  std::vector<PeriodInfo> out;
  for (PeriodKind kind : kinds) {
    int t = 0;
    while (t < weeks) {
      const CalendarPeriod cp = calendar_period(kind, monday_of(start, t));
      PeriodInfo p{kind, cp.label, cp.start, t, t, false};
      while (p.end_week < weeks && monday_of(start, p.end_week) < cp.end) ++p.end_week;
      p.partial = (p.end_week - p.first_week) < mondays_between(cp.start, cp.end);
      out.push_back(p);
      t = p.end_week;
    }
  }
  return out;
}

ScenarioSummary summarize(const std::string& name, const Ensemble& ens, const std::vector<PeriodInfo>& periods,
                          const SummaryOptions& opt) {
  const int T = ens.weeks();
  const int R = ens.regions();
  const std::size_t Q = opt.quantiles.size();
  const std::size_t A = opt.risk_levels.size();
  const auto P = static_cast<std::size_t>(ens.paths());
  const std::span<const double> probs(opt.quantiles);

  ScenarioSummary out;
  out.name = name;
  auto allocate = [&](WeeklyStats& s, std::size_t cells) {
    s.mean.assign(cells, 0.0);
    s.sd.assign(cells, 0.0);
    s.quantiles.assign(cells * Q, 0.0);
  };
  out.national.resize(core::kNumVars);
  for (auto& s : out.national) allocate(s, static_cast<std::size_t>(T));
  out.regional.resize(kStoredRegionalVars);
  for (auto& s : out.regional) allocate(s, static_cast<std::size_t>(T) * static_cast<std::size_t>(R));

  // Weekly statistics: one work item per (variable, week); each writes its own cells.
  const std::int64_t national_items = static_cast<std::int64_t>(core::kNumVars) * T;
  const std::int64_t regional_items = static_cast<std::int64_t>(kStoredRegionalVars) * T;
  parallel_for(national_items + regional_items, opt.parallelism, [&](std::int64_t item) {
    std::vector<double> scratch;
    scratch.reserve(P);
    if (item < national_items) {
      const auto v = static_cast<Var>(item / T);
      const int t = static_cast<int>(item % T);
      if (v == Var::CostEur) {
        const auto c = ens.cost_column(t);
        scratch.assign(c.begin(), c.end());
      } else {
        to_double(ens.column(v, t), scratch);
      }
      fill_stats(scratch, probs, out.national[static_cast<std::size_t>(v)], static_cast<std::size_t>(t));
    } else {
      const std::int64_t k = item - national_items;
      const auto v = static_cast<core::RegionalVar>(k / T);
      const int t = static_cast<int>(k % T);
      for (int r = 0; r < R; ++r) {
        to_double(ens.regional_column(v, t, r), scratch);
        fill_stats(scratch, probs, out.regional[static_cast<std::size_t>(v)],
                   static_cast<std::size_t>(t) * static_cast<std::size_t>(R) + static_cast<std::size_t>(r));
      }
    }
  });

  // Period statistics: one work item per period.
  const std::size_t NP = periods.size();
  PeriodStats& ps = out.periods;
  ps.peak_occupancy_mean.assign(NP, 0.0);
  ps.peak_occupancy_quantiles.assign(NP * Q, 0.0);
  ps.shortfall_probability.assign(NP, 0.0);
  ps.shortfall_person_weeks.assign(NP, 0.0);
  ps.capacity_needed.assign(NP * A, 0.0);
  constexpr std::size_t QS = kSummaryQuantiles.size();
  ps.permit_holders_end_quantiles.assign(NP * QS, 0.0);
  ps.occupancy_end_quantiles.assign(NP * QS, 0.0);
  ps.capacity_end_mean.assign(NP, 0.0);
  parallel_for(static_cast<std::int64_t>(NP), opt.parallelism, [&](std::int64_t i) {
    const PeriodInfo& per = periods[static_cast<std::size_t>(i)];
    const auto pi = static_cast<std::size_t>(i);
    std::vector<double> peak(P, 0.0);
    std::vector<std::int64_t> shortfall_weeks_sum(P, 0);
    for (int t = per.first_week; t < per.end_week; ++t) {
      const auto occ = ens.column(Var::Occupancy, t);
      const auto u = ens.column(Var::Shortfall, t);
      for (std::size_t p = 0; p < P; ++p) {
        peak[p] = std::max(peak[p], static_cast<double>(occ[p]));
        shortfall_weeks_sum[p] += u[p];
      }
    }
    std::size_t any_shortfall = 0;
    double person_weeks = 0.0;
    for (std::size_t p = 0; p < P; ++p) {
      any_shortfall += shortfall_weeks_sum[p] > 0 ? 1 : 0;
      person_weeks += static_cast<double>(shortfall_weeks_sum[p]);
    }
    ps.shortfall_probability[pi] = static_cast<double>(any_shortfall) / static_cast<double>(P);
    ps.shortfall_person_weeks[pi] = person_weeks / static_cast<double>(P);
    ps.peak_occupancy_mean[pi] = mean_sd(peak).mean;
    quantiles_of(peak, probs, std::span<double>(ps.peak_occupancy_quantiles).subspan(pi * Q, Q));
    for (std::size_t a = 0; a < A; ++a) ps.capacity_needed[pi * A + a] = capacity_needed(peak, opt.risk_levels[a]);

    const int last = per.end_week - 1;
    std::vector<double> scratch;
    to_double(ens.column(Var::PermitHolders, last), scratch);
    quantiles_of(scratch, kSummaryQuantiles, std::span<double>(ps.permit_holders_end_quantiles).subspan(pi * QS, QS));
    to_double(ens.column(Var::Occupancy, last), scratch);
    quantiles_of(scratch, kSummaryQuantiles, std::span<double>(ps.occupancy_end_quantiles).subspan(pi * QS, QS));
    to_double(ens.column(Var::Capacity, last), scratch);
    ps.capacity_end_mean[pi] = mean_sd(scratch).mean;
  });
  return out;
}

}  // namespace chainsim
