#include "io/plan_table.hpp"

#include "forecast/calendar.hpp"
#include "io/number_format.hpp"
#include "io/table_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace chainsim::io {
namespace {

// NaN and infinities as an empty field.
std::string num(double v, int decimals = 2) { return std::isfinite(v) ? trimmed_decimal(v, decimals) : ""; }

std::string grouped(double v) { return grouped_thousands(v); }

std::string percent(double p) { return percent_one_decimal(p); }

std::string millions(double eur) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", eur / 1e6);
  return buf;
}

// Monte Carlo standard error of a probability estimated from n paths.
double standard_error(double p, std::int64_t n) { return std::sqrt(p * (1 - p) / static_cast<double>(n)); }

const char* period_word(forecast::PeriodKind k) { return k == forecast::PeriodKind::Quarter ? "quarter" : "half-year"; }

// The configuration's price of something, or why there is none.
struct Price {
  bool given;
  std::string missing;  // what the table says instead
};
Price price(double rate, const char* key) {
  if (rate > 0) return {true, ""};
  return {false, std::string("no price: costs.") + key + " is 0 in the configuration"};
}

std::string capacity_note(const forecast::CapacityPeriodPlan& p, const forecast::Plan& plan,
                          const forecast::Config& base) {
  const forecast::Date start = base.run.start;
  const std::string arrival = forecast::iso_date(forecast::monday_of(start, plan.lead_weeks));
  std::string note;
  auto add = [&](const std::string& s) { note += (note.empty() ? "" : "; ") + s; };
  if (!p.orderable)
    add("places ordered at the start arrive on " + arrival + " (lead time " + std::to_string(plan.lead_weeks) +
        " weeks), after this period");
  else if (p.effective_week > p.period.first_week)
    add("places ordered at the start arrive on " + arrival +
        "; P(shortfall before then) = " + num(p.p_before_delivery, 4));
  if (p.status == forecast::PlanStatus::Unreachable) add("the target is not met with any number of places searched");
  return note;
}

}  // namespace

PlanTables plan_tables(const forecast::Plan& plan, const forecast::Config& base) {
  PlanTables out;
  const forecast::Date start = base.run.start;
  const Price regular = price(base.costs.regular_place_week, "regular_place_week");
  const Price emergency = price(base.costs.cno_place_week, "cno_place_week");
  const Price shortfall = price(base.costs.shortfall_person_week, "shortfall_person_week");
  const std::string no_housing_price = "no price: the configuration has no cost key for housing";
  const forecast::QuotaPlan& q = plan.quota;

  // ---- CSV ----
  append_csv_row(out.csv, {"lever",
                           "period",
                           "period_start",
                           "period_end",
                           "status",
                           "order_by",
                           "in_effect_from",
                           "places_added",
                           "places_added_total",
                           "quota",
                           "quota_target",
                           "quota_by",
                           "risk_reference",
                           "risk_plan",
                           "risk_plan_se",
                           "risk_before_delivery",
                           "shortfall_person_weeks_reference",
                           "shortfall_person_weeks_plan",
                           "cost_added_places_eur",
                           "avoided_at_emergency_rate_eur",
                           "avoided_at_shortfall_rate_eur",
                           "note"});
  for (const forecast::CapacityPeriodPlan& p : plan.capacity) {
    std::string note = capacity_note(p, plan, base);
    for (const Price* pr : {&regular, &emergency, &shortfall})
      if (!pr->given) note += (note.empty() ? "" : "; ") + pr->missing;
    append_csv_row(out.csv, {"capacity",
                             p.period.label,
                             forecast::iso_date(p.period.start),
                             forecast::iso_date(p.period.end - std::chrono::days{1}),
                             plan_status_name(p.status),
                             p.orderable ? forecast::iso_date(forecast::monday_of(start, p.order_week)) : "",
                             p.orderable ? forecast::iso_date(forecast::monday_of(start, p.effective_week)) : "",
                             num(p.added, 0),
                             num(p.total_added, 0),
                             "",
                             "",
                             "",
                             num(p.p_reference, 6),
                             num(p.p_planned, 6),
                             num(standard_error(p.p_planned, plan.paths), 6),
                             num(p.p_before_delivery, 6),
                             num(p.shortfall_person_weeks_reference),
                             num(p.shortfall_person_weeks_planned),
                             regular.given ? num(p.cost_added_places) : "",
                             emergency.given ? num(p.avoided_at_emergency_rate) : "",
                             shortfall.given ? num(p.avoided_at_shortfall_rate) : "",
                             note});
  }
  if (q.searched) {
    std::string note = q.status == forecast::PlanStatus::Unreachable
                           ? "the target is not met with any quota up to " + grouped(q.largest_searched) +
                                 "; the configuration's quotas are kept"
                           : std::string();
    note += (note.empty() ? "" : "; ") + no_housing_price;
    const auto& labels = q.half_years.empty() ? std::vector<std::string>{""} : q.half_years;
    for (const std::string& h : labels)
      append_csv_row(out.csv, {"quota",
                               h,
                               "",
                               "",
                               forecast::plan_status_name(q.status),
                               "",
                               "",
                               "",
                               "",
                               q.status == forecast::PlanStatus::Met ? num(q.quota, 0) : "",
                               num(q.goal.target, 0),
                               forecast::iso_date(q.goal.by),
                               num(1 - q.p_reference, 6),
                               num(1 - q.p_planned, 6),
                               num(standard_error(q.p_planned, plan.paths), 6),
                               "",
                               "",
                               "",
                               "",
                               "",
                               "",
                               note});
  }

  // ---- Markdown ----
  std::string& md = out.md;
  md += "# Plan: " + markdown_cell(base.run.name) + "\n\n";
  md += "Risk α = " + num(plan.risk, 4) + "; " + grouped(static_cast<double>(plan.paths)) + " paths, seed " +
        std::to_string(plan.seed) + "; common random numbers for every candidate (docs/plan.md).\n\n";
  if (q.searched) {
    md += "## Housing quota\n\n";
    md +=
        "| half-years | quota per half-year | target | P(above the target) with the configured quotas | "
        "with the plan (± MC se) | status | cost |\n|---|---|---|---|---|---|---|\n";
    std::string halves;
    for (const auto& h : q.half_years) halves += (halves.empty() ? "" : ", ") + h;
    md += "| " + markdown_cell(halves.empty() ? "-" : halves) + " | " +
          (q.status == forecast::PlanStatus::Met ? grouped(q.quota) : "-") + " | at most " + grouped(q.goal.target) +
          " permit holders waiting on " + forecast::iso_date(q.goal.by) + " | " + percent(1 - q.p_reference) + " | " +
          percent(1 - q.p_planned) + " (± " + percent(standard_error(q.p_planned, plan.paths)) + ") | " +
          markdown_cell(forecast::plan_status_name(q.status)) + " | " + markdown_cell(no_housing_price) + " |\n\n";
    if (q.status == forecast::PlanStatus::Unreachable)
      md += "No quota up to " + grouped(q.largest_searched) +
            " a half-year meets the target; the configuration's quotas are kept.\n\n";
  }
  md += "## Regular capacity per " + std::string(period_word(plan.period)) + "\n\n";
  md += "Places are ordered " + std::to_string(plan.lead_weeks) +
        " weeks before they are in effect and stay for the rest of the run. Costs in EUR million: the added "
        "places at the regular rate; the person-weeks without a place that they avoid, priced at the emergency "
        "rate and at the shortfall rate.\n\n";
  md +=
      "| period | status | order by | in effect from | places added | added in total | P(shortfall) without "
      "added places | with the plan (± MC se) | person-weeks without a place: without / with | cost of the added "
      "places | avoided, at the emergency rate | avoided, at the shortfall rate | note |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const forecast::CapacityPeriodPlan& p : plan.capacity) {
    md += "| " + markdown_cell(p.period.label) + (p.period.partial ? "*" : "") + " | " +
          markdown_cell(plan_status_name(p.status)) + " | " +
          (p.added > 0 ? forecast::iso_date(forecast::monday_of(start, p.order_week)) : "-") + " | " +
          (p.added > 0 ? forecast::iso_date(forecast::monday_of(start, p.effective_week)) : "-") + " | " +
          (p.added > 0 ? "+" : "") + grouped(static_cast<double>(p.added)) + " | " +
          grouped(static_cast<double>(p.total_added)) + " | " + percent(p.p_reference) + " | " + percent(p.p_planned) +
          " (± " + percent(standard_error(p.p_planned, plan.paths)) + ") | " +
          grouped(p.shortfall_person_weeks_reference) + " / " + grouped(p.shortfall_person_weeks_planned) + " | " +
          (regular.given ? millions(p.cost_added_places) : "-") + " | " +
          (emergency.given ? millions(p.avoided_at_emergency_rate) : "-") + " | " +
          (shortfall.given ? millions(p.avoided_at_shortfall_rate) : "-") + " | " +
          markdown_cell(capacity_note(p, plan, base)) + " |\n";
  }
  md += "\n* partial period.";
  for (const Price* pr : {&regular, &emergency, &shortfall})
    if (!pr->given) md += " " + markdown_cell(pr->missing) + ".";
  md += "\n";
  return out;
}

}  // namespace chainsim::io
