#include "io/terminal_summary.hpp"

#include "io/table_writer.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace chainsim::io {
namespace {

std::string thousands(double v) {
  if (!std::isfinite(v)) return "-";
  const long long n = std::llround(v);
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

void print_summary(std::ostream& out, const std::vector<forecast::ScenarioSummary>& scenarios,
                   const std::vector<forecast::PeriodInfo>& periods, const std::vector<double>& risk_levels) {
  // Year rows only; fall back to every period when no yearly periods were asked for.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < periods.size(); ++i)
    if (periods[i].kind == forecast::PeriodKind::Year) rows.push_back(i);
  if (rows.empty())
    for (std::size_t i = 0; i < periods.size(); ++i) rows.push_back(i);
  // The capacity-needed column shows the smallest configured alpha (the strictest risk).
  std::size_t a_col = 0;
  for (std::size_t a = 1; a < risk_levels.size(); ++a)
    if (risk_levels[a] < risk_levels[a_col]) a_col = a;
  const std::string need_label =
      risk_levels.empty()
          ? "need"
          : "need@" + std::to_string(static_cast<int>(std::lround(100 * (1 - risk_levels[a_col])))) + "%";

  constexpr std::size_t QS = forecast::kSummaryQuantiles.size();
  for (const auto& sc : scenarios) {
    out << "\nscenario " << one_line(sc.name) << "\n";
    out << pad("period", 10) << pad("occupancy at end: median [5%, 95%]", 38) << pad("capacity", 10)
        << pad("P(short)", 10) << pad(need_label, 10) << pad("permit holders waiting [5%, 95%]", 36) << "\n";
    for (std::size_t i : rows) {
      const forecast::PeriodInfo& p = periods[i];
      const auto& ps = sc.periods;
      const double* occ = &ps.metric_quantiles[static_cast<std::size_t>(forecast::PeriodMetric::OccupancyEnd)][i * QS];
      const double* ph =
          &ps.metric_quantiles[static_cast<std::size_t>(forecast::PeriodMetric::PermitHoldersEnd)][i * QS];
      const double capacity = ps.metric_mean[static_cast<std::size_t>(forecast::PeriodMetric::CapacityEnd)][i];
      char prob[16];
      std::snprintf(prob, sizeof prob, "%.1f%%", 100.0 * ps.shortfall_probability[i]);
      const std::string need =
          risk_levels.empty() ? "-" : thousands(ps.capacity_needed[i * risk_levels.size() + a_col]);
      out << pad(p.label + (p.partial ? "*" : ""), 10)
          << pad(thousands(occ[1]) + " [" + thousands(occ[0]) + ", " + thousands(occ[2]) + "]", 38)
          << pad(thousands(capacity), 10) << pad(prob, 10) << pad(need, 10)
          << pad(thousands(ph[1]) + " [" + thousands(ph[0]) + ", " + thousands(ph[2]) + "]", 36) << "\n";
    }
  }
  out << "\n* partial period (the run covers only part of it). P(short): probability that occupancy\n"
         "  exceeds capacity in some week of the period; capacity is the mean at the period's end.\n";
}

}  // namespace chainsim::io
