#include "io/planning_table.hpp"

#include "forecast/calendar.hpp"
#include "io/number_format.hpp"
#include "io/table_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <span>
#include <system_error>

namespace chainsim::io {
namespace {

using M = forecast::PeriodMetric;
constexpr std::size_t QS = forecast::kSummaryQuantiles.size();  // 5 %, 50 %, 95 %

// Counts and euros get 2 decimals (quantiles interpolate between paths),
// probabilities 6.
std::string num(double v, int decimals = 2) { return trimmed_decimal(v, decimals); }
std::string prob(double v) { return num(v, 6); }

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 12345.6 -> "12,346" for people.
std::string persons(double v) {
  if (!std::isfinite(v)) return "-";
  const long long n = std::llround(v);
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string signed_persons(double v) { return (v > 0.5 ? "+" : "") + persons(v); }

const char* kind_name(forecast::PeriodKind k) {
  return k == forecast::PeriodKind::Quarter ? "quarter" : k == forecast::PeriodKind::HalfYear ? "half-year" : "year";
}

double q(const forecast::PeriodStats& ps, M m, std::size_t k, std::size_t which) {
  return ps.metric_quantiles[static_cast<std::size_t>(m)][k * QS + which];
}
double mean(const forecast::PeriodStats& ps, M m, std::size_t k) {
  return ps.metric_mean[static_cast<std::size_t>(m)][k];
}
// Monte Carlo error (forecast/mc_error.hpp): the 95 % interval of a quantile,
// the standard error of a mean.
double q_low(const forecast::PeriodStats& ps, M m, std::size_t k, std::size_t which) {
  return ps.metric_quantile_mc_low[static_cast<std::size_t>(m)][k * QS + which];
}
double q_high(const forecast::PeriodStats& ps, M m, std::size_t k, std::size_t which) {
  return ps.metric_quantile_mc_high[static_cast<std::size_t>(m)][k * QS + which];
}
double mean_se(const forecast::PeriodStats& ps, M m, std::size_t k) {
  return ps.metric_mean_mcse[static_cast<std::size_t>(m)][k];
}

// The planning CSV's quantile columns after the period and scenario columns,
// in column order: (metric, which summary quantile, column name). The Monte
// Carlo interval columns follow the same list.
struct QuantileColumn {
  M metric;
  std::size_t which;  // index into kSummaryQuantiles
  const char* name;
};

std::string alpha_label(double alpha) { return std::to_string(static_cast<int>(std::lround(100 * (1 - alpha)))); }

// Metrics compared between scenarios, in column order.
constexpr M kCompared[] = {M::OccupancyEnd,         M::PeakOccupancy, M::PermitHoldersEnd,
                           M::ShortfallPersonWeeks, M::Housed,        M::Inflow,
                           M::DublinTransfers,      M::Returns,       M::CostEur};

}  // namespace

PlanningTables planning_tables(const std::vector<forecast::PeriodInfo>& periods,
                               const std::vector<forecast::ScenarioSummary>& scenarios,
                               const std::vector<forecast::ScenarioComparison>& comparisons,
                               const std::vector<double>& risk_levels) {
  PlanningTables out;
  const std::size_t A = risk_levels.size();

  // ---- planning table, CSV ----
  std::string& c = out.planning_csv;
  std::vector<std::string> head = {
      "period",   "period_kind",           "period_start",          "period_end",    "partial",
      "scenario", "occupancy_p50",         "occupancy_p05",         "occupancy_p95", "peak_occupancy_p50",
      "capacity", "shortfall_probability", "shortfall_person_weeks"};
  for (double a : risk_levels) head.push_back("capacity_needed_" + alpha_label(a));
  for (const char* h : {"permit_holders_p50", "permit_holders_p05", "permit_holders_p95", "housed_p50", "inflow_p50",
                        "inflow_p05", "inflow_p95", "dublin_transfers_p50", "returns_p50", "cost_eur_mean",
                        "places_occupied_p50", "places_occupied_p05", "places_occupied_p95", "without_place_p50",
                        "without_place_p95", "waiting_over_14_weeks_p50", "waiting_over_14_weeks_p95"})
    head.emplace_back(h);
  // Monte Carlo error of every figure, appended after the figures (the columns
  // above keep their order): `_mc_low`/`_mc_high` for quantiles and the
  // capacity needed (95 % order-statistic interval), `_mcse` for means and the
  // probability (standard error).
  const QuantileColumn qcols_a[] = {{M::OccupancyEnd, 1, "occupancy_p50"},
                                    {M::OccupancyEnd, 0, "occupancy_p05"},
                                    {M::OccupancyEnd, 2, "occupancy_p95"},
                                    {M::PeakOccupancy, 1, "peak_occupancy_p50"}};
  const QuantileColumn qcols_b[] = {{M::PermitHoldersEnd, 1, "permit_holders_p50"},
                                    {M::PermitHoldersEnd, 0, "permit_holders_p05"},
                                    {M::PermitHoldersEnd, 2, "permit_holders_p95"},
                                    {M::Housed, 1, "housed_p50"},
                                    {M::Inflow, 1, "inflow_p50"},
                                    {M::Inflow, 0, "inflow_p05"},
                                    {M::Inflow, 2, "inflow_p95"},
                                    {M::DublinTransfers, 1, "dublin_transfers_p50"},
                                    {M::Returns, 1, "returns_p50"}};
  const QuantileColumn qcols_c[] = {
      {M::PlacesOccupiedEnd, 1, "places_occupied_p50"},     {M::PlacesOccupiedEnd, 0, "places_occupied_p05"},
      {M::PlacesOccupiedEnd, 2, "places_occupied_p95"},     {M::WithoutPlaceEnd, 1, "without_place_p50"},
      {M::WithoutPlaceEnd, 2, "without_place_p95"},         {M::WaitingOver14End, 1, "waiting_over_14_weeks_p50"},
      {M::WaitingOver14End, 2, "waiting_over_14_weeks_p95"}};
  auto interval_heads = [&](std::span<const QuantileColumn> cols) {
    for (const QuantileColumn& col : cols) {
      head.push_back(std::string(col.name) + "_mc_low");
      head.push_back(std::string(col.name) + "_mc_high");
    }
  };
  interval_heads(qcols_a);
  for (const char* h : {"capacity_mcse", "shortfall_probability_mcse", "shortfall_person_weeks_mcse"})
    head.emplace_back(h);
  for (double a : risk_levels) {
    head.push_back("capacity_needed_" + alpha_label(a) + "_mc_low");
    head.push_back("capacity_needed_" + alpha_label(a) + "_mc_high");
  }
  interval_heads(qcols_b);
  head.emplace_back("cost_eur_mean_mcse");
  interval_heads(qcols_c);
  append_csv_row(c, head);
  for (std::size_t k = 0; k < periods.size(); ++k) {
    const forecast::PeriodInfo& p = periods[k];
    for (const forecast::ScenarioSummary& s : scenarios) {
      const forecast::PeriodStats& ps = s.periods;
      std::vector<std::string> row = {p.label,
                                      kind_name(p.kind),
                                      forecast::iso_date(p.start),
                                      forecast::iso_date(p.end - std::chrono::days{1}),
                                      p.partial ? "1" : "0",
                                      s.name};
      for (double v : {q(ps, M::OccupancyEnd, k, 1), q(ps, M::OccupancyEnd, k, 0), q(ps, M::OccupancyEnd, k, 2),
                       q(ps, M::PeakOccupancy, k, 1), mean(ps, M::CapacityEnd, k)})
        row.push_back(num(v));
      row.push_back(prob(ps.shortfall_probability[k]));
      row.push_back(num(ps.shortfall_person_weeks[k]));
      for (std::size_t a = 0; a < A; ++a) row.push_back(num(ps.capacity_needed[k * A + a]));
      for (double v :
           {q(ps, M::PermitHoldersEnd, k, 1), q(ps, M::PermitHoldersEnd, k, 0), q(ps, M::PermitHoldersEnd, k, 2),
            q(ps, M::Housed, k, 1), q(ps, M::Inflow, k, 1), q(ps, M::Inflow, k, 0), q(ps, M::Inflow, k, 2),
            q(ps, M::DublinTransfers, k, 1), q(ps, M::Returns, k, 1), mean(ps, M::CostEur, k),
            q(ps, M::PlacesOccupiedEnd, k, 1), q(ps, M::PlacesOccupiedEnd, k, 0), q(ps, M::PlacesOccupiedEnd, k, 2),
            q(ps, M::WithoutPlaceEnd, k, 1), q(ps, M::WithoutPlaceEnd, k, 2), q(ps, M::WaitingOver14End, k, 1),
            q(ps, M::WaitingOver14End, k, 2)})
        row.push_back(num(v));
      auto intervals = [&](std::span<const QuantileColumn> cols) {
        for (const QuantileColumn& col : cols) {
          row.push_back(num(q_low(ps, col.metric, k, col.which)));
          row.push_back(num(q_high(ps, col.metric, k, col.which)));
        }
      };
      intervals(qcols_a);
      row.push_back(num(mean_se(ps, M::CapacityEnd, k)));
      row.push_back(prob(ps.shortfall_probability_mcse[k]));
      row.push_back(num(mean_se(ps, M::ShortfallPersonWeeks, k)));
      for (std::size_t a = 0; a < A; ++a) {
        row.push_back(num(ps.capacity_needed_mc_low[k * A + a]));
        row.push_back(num(ps.capacity_needed_mc_high[k * A + a]));
      }
      intervals(qcols_b);
      row.push_back(num(mean_se(ps, M::CostEur, k)));
      intervals(qcols_c);
      append_csv_row(c, row);
    }
  }

  // ---- planning table, Markdown ----
  std::string& md = out.planning_md;
  md = "| period | scenario | occupancy at end: median [90 % interval] | in a reception place [90 %] | "
       "without a place: median (95 %) | capacity | P(shortfall) |";
  for (double a : risk_levels) md += " capacity needed (" + alpha_label(a) + " %) |";
  md +=
      " permit holders waiting [90 %] | of them > 14 weeks | housed | inflow [90 %] | Dublin transfers | returns | "
      "cost (EUR m) |\n";
  md += "|---|---|---|---|---|---|---|";
  for (std::size_t a = 0; a < A; ++a) md += "---|";
  md += "---|---|---|---|---|---|---|\n";
  for (std::size_t k = 0; k < periods.size(); ++k) {
    const forecast::PeriodInfo& p = periods[k];
    for (const forecast::ScenarioSummary& s : scenarios) {
      const forecast::PeriodStats& ps = s.periods;
      md += "| " + p.label + (p.partial ? "*" : "") + " | " + markdown_cell(s.name) + " | " +
            persons(q(ps, M::OccupancyEnd, k, 1)) + " [" + persons(q(ps, M::OccupancyEnd, k, 0)) + " – " +
            persons(q(ps, M::OccupancyEnd, k, 2)) + "] | " + persons(q(ps, M::PlacesOccupiedEnd, k, 1)) + " [" +
            persons(q(ps, M::PlacesOccupiedEnd, k, 0)) + " – " + persons(q(ps, M::PlacesOccupiedEnd, k, 2)) + "] | " +
            persons(q(ps, M::WithoutPlaceEnd, k, 1)) + " (" + persons(q(ps, M::WithoutPlaceEnd, k, 2)) + ") | " +
            persons(mean(ps, M::CapacityEnd, k)) + " | " + fixed(100 * ps.shortfall_probability[k], 1) + " % ± " +
            fixed(100 * ps.shortfall_probability_mcse[k], 1) + " |";
      for (std::size_t a = 0; a < A; ++a)
        md += " " + persons(ps.capacity_needed[k * A + a]) + " (" + persons(ps.capacity_needed_mc_low[k * A + a]) +
              "–" + persons(ps.capacity_needed_mc_high[k * A + a]) + ") |";
      md += " " + persons(q(ps, M::PermitHoldersEnd, k, 1)) + " [" + persons(q(ps, M::PermitHoldersEnd, k, 0)) + " – " +
            persons(q(ps, M::PermitHoldersEnd, k, 2)) + "] | " + persons(q(ps, M::WaitingOver14End, k, 1)) + " | " +
            persons(q(ps, M::Housed, k, 1)) + " | " + persons(q(ps, M::Inflow, k, 1)) + " [" +
            persons(q(ps, M::Inflow, k, 0)) + " – " + persons(q(ps, M::Inflow, k, 2)) + "] | " +
            persons(q(ps, M::DublinTransfers, k, 1)) + " | " + persons(q(ps, M::Returns, k, 1)) + " | " +
            fixed(mean(ps, M::CostEur, k) / 1e6, 1) + " |\n";
    }
  }
  md +=
      "\nOccupancy (everyone in the chain, with or without a bed), persons in a reception place (regular, TNV "
      "and CNO places: comparable with COA's published occupancy), persons without a place and permit holders at "
      "the period's last week; \"> 14 weeks\": permit holders who have waited longer than 14 weeks (median; 0 when "
      "the scenario does not track waiting times); housed, inflow (first and repeat "
      "applications and family reunification), Dublin transfers and returns are period totals (medians over "
      "paths); capacity and cost are means. P(shortfall): probability that occupancy exceeds capacity in some "
      "week of the period. Capacity needed (x %): the smallest capacity that the peak occupancy of the period "
      "exceeds with probability at most 100 − x %. Monte Carlo error (from the finite number of paths): P(shortfall) ± "
      "one standard error in percentage points; capacity needed with its 95 % Monte Carlo interval in parentheses "
      "(order statistics); the CSV has the error of every figure (`_mcse`, `_mc_low`, `_mc_high`). * partial "
      "period.\n";

  // ---- scenario comparison ----
  // The capacity columns (mean capacity at the period's end in the baseline,
  // and the paired difference) show when a difference comes from the
  // scenario's own capacity rather than from its flows.
  std::string& cc = out.comparison_csv;
  std::vector<std::string> chead = {"period", "period_kind", "period_start", "partial", "scenario", "baseline"};
  for (M m : kCompared) {
    const std::string n = forecast::kPeriodMetricNames[static_cast<std::size_t>(m)];
    for (const char* stat : {"_diff_mean", "_diff_p05", "_diff_p95"}) chead.push_back(n + stat);
  }
  for (const char* h :
       {"shortfall_probability_diff", "shortfall_probability_diff_lo90", "shortfall_probability_diff_hi90",
        "capacity_baseline", "capacity_diff_mean", "capacity_diff_p05", "capacity_diff_p95"})
    chead.emplace_back(h);
  append_csv_row(cc, chead);
  std::string& cm = out.comparison_md;
  cm = "| period | scenario − baseline | occupancy at end: mean [90 %] | peak occupancy | permit holders waiting | "
       "shortfall person-weeks | P(shortfall) [90 % CI] | cost (EUR m) | capacity at end: baseline, difference |\n"
       "|---|---|---|---|---|---|---|---|---|\n";
  const std::string base = scenarios.empty() ? "baseline" : scenarios.front().name;
  for (std::size_t k = 0; k < periods.size(); ++k) {
    const forecast::PeriodInfo& p = periods[k];
    const double base_capacity = scenarios.empty() ? std::nan("") : mean(scenarios.front().periods, M::CapacityEnd, k);
    for (const forecast::ScenarioComparison& d : comparisons) {
      std::vector<std::string> row = {
          p.label, kind_name(p.kind), forecast::iso_date(p.start), p.partial ? "1" : "0", d.name, base};
      for (M m : kCompared) {
        const auto i = static_cast<std::size_t>(m);
        for (double v : {d.mean[i][k], d.low[i][k], d.high[i][k]}) row.push_back(num(v));
      }
      for (double v : {d.shortfall_probability[k], d.shortfall_probability_low[k], d.shortfall_probability_high[k]})
        row.push_back(prob(v));
      const auto cap = static_cast<std::size_t>(M::CapacityEnd);
      for (double v : {base_capacity, d.mean[cap][k], d.low[cap][k], d.high[cap][k]}) row.push_back(num(v));
      append_csv_row(cc, row);
      auto cell = [&](M m) {
        const auto i = static_cast<std::size_t>(m);
        return signed_persons(d.mean[i][k]) + " [" + signed_persons(d.low[i][k]) + ", " + signed_persons(d.high[i][k]) +
               "]";
      };
      const auto cost = static_cast<std::size_t>(M::CostEur);
      cm += "| " + p.label + (p.partial ? "*" : "") + " | " + markdown_cell(d.name) + " | " + cell(M::OccupancyEnd) +
            " | " + cell(M::PeakOccupancy) + " | " + cell(M::PermitHoldersEnd) + " | " + cell(M::ShortfallPersonWeeks) +
            " | " + fixed(100 * d.shortfall_probability[k], 1) + " pp [" +
            fixed(100 * d.shortfall_probability_low[k], 1) + ", " + fixed(100 * d.shortfall_probability_high[k], 1) +
            "] | " + fixed(d.mean[cost][k] / 1e6, 1) + " [" + fixed(d.low[cost][k] / 1e6, 1) + ", " +
            fixed(d.high[cost][k] / 1e6, 1) + "] | " + persons(base_capacity) + ", " + cell(M::CapacityEnd) + " |\n";
    }
  }
  cm +=
      "\nPaired differences path by path (common random numbers): the mean and, in brackets, the 5 % and 95 % "
      "quantiles of the per-path differences; for P(shortfall) the difference in percentage points with its 90 % "
      "confidence interval. Capacity at end: the baseline's mean capacity in the period's last week and "
      "the scenario's paired difference to it (mean [5 %, 95 %]).\n";
  return out;
}

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::system_error(err, std::generic_category(), "cannot write " + tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::system_error(err, std::generic_category(), "cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace chainsim::io
