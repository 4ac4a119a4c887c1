#include "io/regional_planning_table.hpp"

#include "core/model/variables.hpp"
#include "forecast/calendar.hpp"
#include "io/number_format.hpp"
#include "io/planning_table.hpp"
#include "io/table_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>

namespace chainsim::io {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double v) { return trimmed_decimal(v, 2); }

// "-" for a missing value.
std::string persons(double v) { return std::isfinite(v) ? grouped_thousands(v) : "-"; }

// A Markdown table cell: '|' and '\' escaped, line breaks as spaces.
std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

const char* kind_name(forecast::PeriodKind k) {
  return k == forecast::PeriodKind::Quarter ? "quarter" : k == forecast::PeriodKind::HalfYear ? "half-year" : "year";
}

std::optional<std::size_t> quantile_index(const std::vector<double>& quantiles, double p) {
  for (std::size_t i = 0; i < quantiles.size(); ++i)
    if (std::abs(quantiles[i] - p) < 1e-9) return i;
  return std::nullopt;
}

}  // namespace

RegionalPlanningTables regional_planning_tables(const std::vector<forecast::PeriodInfo>& periods,
                                                const std::vector<forecast::ScenarioSummary>& scenarios,
                                                const std::vector<std::string>& region_codes,
                                                const std::vector<std::string>& region_names,
                                                const std::vector<double>& quantiles) {
  const std::size_t R = region_codes.size(), Q = quantiles.size();
  if (region_names.size() != R)
    throw std::invalid_argument("regional planning table: " + std::to_string(R) + " region codes but " +
                                std::to_string(region_names.size()) + " names");
  const auto ph = static_cast<std::size_t>(core::RegionalVar::PermitHolders);
  const auto housed = static_cast<std::size_t>(core::RegionalVar::Housed);
  const auto q50 = quantile_index(quantiles, 0.50), q05 = quantile_index(quantiles, 0.05),
             q95 = quantile_index(quantiles, 0.95);

  RegionalPlanningTables out;
  std::string& c = out.csv;
  c = "period,period_kind,period_start,period_end,partial,scenario,region,region_name,"
      "permit_holders_p50,permit_holders_p05,permit_holders_p95,permit_holders_mean,housed_mean\n";
  std::string& md = out.md;
  md = "| period | scenario | region | permit holders waiting at end: median [90 % interval] | mean | "
       "housed in the period (mean) |\n|---|---|---|---|---|---|\n";
  for (const forecast::PeriodInfo& p : periods) {
    if (p.end_week <= p.first_week) continue;
    const auto last = static_cast<std::size_t>(p.end_week - 1);
    for (const forecast::ScenarioSummary& s : scenarios) {
      if (s.regional.size() <= std::max(ph, housed))
        throw std::invalid_argument("regional planning table: scenario " + s.name + " has no regional statistics");
      const forecast::WeeklyStats& w = s.regional[ph];
      const forecast::WeeklyStats& h = s.regional[housed];
      for (std::size_t r = 0; r < R; ++r) {
        const std::size_t cell = last * R + r;
        auto quant = [&](std::optional<std::size_t> qi) { return qi ? w.quantiles.at(cell * Q + *qi) : kNaN; };
        double housed_total = 0.0;
        for (int t = p.first_week; t < p.end_week; ++t) housed_total += h.mean.at(static_cast<std::size_t>(t) * R + r);
        const double mid = quant(q50), lo = quant(q05), hi = quant(q95), mean = w.mean.at(cell);
        c += csv_field(p.label) + "," + kind_name(p.kind) + "," + forecast::iso_date(p.start) + "," +
             forecast::iso_date(p.end - std::chrono::days{1}) + "," + (p.partial ? "1" : "0") + "," +
             csv_field(s.name) + "," + csv_field(region_codes[r]) + "," + csv_field(region_names[r]) + "," + num(mid) +
             "," + num(lo) + "," + num(hi) + "," + num(mean) + "," + num(housed_total) + "\n";
        md += "| " + p.label + (p.partial ? "*" : "") + " | " + md_cell(s.name) + " | " + md_cell(region_names[r]) +
              " (" + md_cell(region_codes[r]) + ") | " + persons(mid) + " [" + persons(lo) + " – " + persons(hi) +
              "] | " + persons(mean) + " | " + persons(housed_total) + " |\n";
      }
    }
  }
  md +=
      "\nPermit holders in reception waiting for housing in the safety region at the period's last week "
      "(median and 5 %–95 % quantiles over paths, and the mean), and permit holders housed by the region's "
      "municipalities in the period (mean over paths). * partial period.\n";
  return out;
}

void write_regional_planning_tables(const std::string& stem, const std::vector<forecast::PeriodInfo>& periods,
                                    const std::vector<forecast::ScenarioSummary>& scenarios,
                                    const std::vector<std::string>& region_codes,
                                    const std::vector<std::string>& region_names,
                                    const std::vector<double>& quantiles) {
  const RegionalPlanningTables t = regional_planning_tables(periods, scenarios, region_codes, region_names, quantiles);
  write_text_atomically(stem + ".regional.csv", t.csv);
  write_text_atomically(stem + ".regional.md", t.md);
}

}  // namespace chainsim::io
