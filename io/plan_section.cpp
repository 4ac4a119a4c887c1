#include "io/plan_section.hpp"

#include "forecast/calendar.hpp"
#include "io/h5file.hpp"
#include "io/output_file.hpp"

#include <cmath>
#include <functional>

namespace chainsim::io {
namespace {

h5::VarOptions described(const std::string& long_name, const std::string& units = "1") {
  return {.string_attrs = {{"long_name", long_name}, {"units", units}}};
}

h5::VarOptions euro(const std::string& long_name, double rate, const std::string& key) {
  h5::VarOptions o = described(long_name + " (euro)");
  o.string_attrs.push_back({"currency", "EUR"});
  o.string_attrs.push_back({"rate_key", "costs." + key});
  o.double_attrs.push_back({"rate_eur", rate});
  return o;
}

// One value per row of `rows`, as the variable's element type; `get` is a
// function of the row or a pointer to one of its members.
template <class T, class Row, class Get>
std::vector<T> column(const std::vector<Row>& rows, const Get& get) {
  std::vector<T> v;
  v.reserve(rows.size());
  for (const Row& r : rows) v.push_back(static_cast<T>(std::invoke(get, r)));
  return v;
}

}  // namespace

void write_plan_section(OutputFile& out, const forecast::Plan& plan, const forecast::Config& base) {
  h5::File& f = out.h5_file();
  const forecast::Date start = base.run.start;
  using Period = forecast::CapacityPeriodPlan;
  const std::vector<Period>& cap = plan.capacity;
  const double n = static_cast<double>(plan.paths);

  // --- how the plan was searched ---
  f.set_attribute("/", "plan_method",
                  "smallest additional regular capacity per period with P(shortfall in the period) <= plan_risk, "
                  "and smallest half-yearly quota with P(permit holders waiting <= target on the date) >= "
                  "1 - plan_risk, by search over re-simulations with common random numbers (docs/plan.md)");
  f.set_attribute<double>("/", "plan_risk", plan.risk);
  f.set_attribute("/", "plan_period_kind", plan.period == forecast::PeriodKind::Quarter ? "quarter" : "half-year");
  f.set_attribute<std::int32_t>("/", "plan_lead_weeks", plan.lead_weeks);
  f.set_attribute<std::int64_t>("/", "plan_paths", plan.paths);
  f.set_attribute("/", "plan_seed", std::to_string(plan.seed));
  f.set_attribute<std::int64_t>("/", "plan_capacity_step", plan.capacity_step);
  f.set_attribute<std::int64_t>("/", "plan_quota_step", plan.quota_step);

  // --- capacity, per period ---
  if (!cap.empty()) {
    const auto labels = column<std::string>(cap, [](const Period& p) { return p.period.label; });
    const auto status =
        column<std::string>(cap, [](const Period& p) { return std::string(plan_status_name(p.status)); });
    f.define_dimension("plan_period", std::span<const std::string>(labels),
                       {{{"long_name", "period of the capacity plan: quarter or half-year of the week's Monday"}}, {}});
    const std::vector<std::string> d = {"plan_period"};
    const std::string days = "days since " + forecast::iso_date(start);
    f.write_variable<std::int32_t>("plan_period_first_week", d,
                                   column<std::int32_t>(cap, [](const Period& p) { return p.period.first_week; }),
                                   described("index of the period's first simulated week"));
    f.write_variable<std::int32_t>("plan_period_end_week", d,
                                   column<std::int32_t>(cap, [](const Period& p) { return p.period.end_week; }),
                                   described("index one past the period's last simulated week"));
    f.write_variable<std::int8_t>("plan_orderable", d,
                                  column<std::int8_t>(cap, [](const Period& p) { return p.orderable ? 1 : 0; }),
                                  {.string_attrs = {{"long_name",
                                                     "1 if places ordered at the start can be in effect "
                                                     "in some week of the period (lead time)"},
                                                    {"flag_values", "0 1"},
                                                    {"flag_meanings", "too_late orderable"}}});
    f.write_variable<std::int32_t>("plan_order_week", d, column<std::int32_t>(cap, &Period::order_week),
                                   described("week in which the period's places are ordered (effective week minus "
                                             "the lead time)"));
    f.write_variable<std::int32_t>("plan_effective_week", d, column<std::int32_t>(cap, &Period::effective_week),
                                   described("first week in which the period's added places are in effect"));
    f.write_variable<std::int64_t>("plan_places_added", d, column<std::int64_t>(cap, &Period::added),
                                   described("regular places the plan adds for the period, from its effective week "
                                             "on (places)"));
    f.write_variable<std::int64_t>("plan_places_added_total", d, column<std::int64_t>(cap, &Period::total_added),
                                   described("regular places the plan has added up to and including the period "
                                             "(places)"));
    f.write_variable<double>("plan_shortfall_probability_reference", d, column<double>(cap, &Period::p_reference),
                             described("probability of a shortfall in some week of the period without added places "
                                       "(the plan's quota kept)"));
    f.write_variable<double>("plan_shortfall_probability", d, column<double>(cap, &Period::p_planned),
                             described("probability of a shortfall in some week of the period with the plan"));
    f.write_variable<double>(
        "plan_shortfall_probability_se", d,
        column<double>(cap, [n](const Period& p) { return std::sqrt(p.p_planned * (1 - p.p_planned) / n); }),
        described("Monte Carlo standard error of plan_shortfall_probability"));
    f.write_variable<double>("plan_shortfall_probability_before_delivery", d,
                             column<double>(cap, &Period::p_before_delivery),
                             described("probability of a shortfall in the period's weeks before its effective week "
                                       "(beyond the reach of an order placed at the start)"));
    f.write_variable<double>("plan_shortfall_person_weeks_reference", d,
                             column<double>(cap, &Period::shortfall_person_weeks_reference),
                             described("expected shortfall person-weeks in the period without added places "
                                       "(person-weeks)",
                                       "week"));
    f.write_variable<double>(
        "plan_shortfall_person_weeks", d, column<double>(cap, &Period::shortfall_person_weeks_planned),
        described("expected shortfall person-weeks in the period with the plan (person-weeks)", "week"));
    f.write_variable<double>("plan_cost_added_places", d, column<double>(cap, &Period::cost_added_places),
                             euro("cost of the added places in effect in the period, at the regular rate",
                                  base.costs.regular_place_week, "regular_place_week"));
    f.write_variable<double>("plan_avoided_at_emergency_rate", d,
                             column<double>(cap, &Period::avoided_at_emergency_rate),
                             euro("shortfall person-weeks the plan avoids in the period, at the emergency rate",
                                  base.costs.cno_place_week, "cno_place_week"));
    f.write_variable<double>("plan_avoided_at_shortfall_rate", d,
                             column<double>(cap, &Period::avoided_at_shortfall_rate),
                             euro("shortfall person-weeks the plan avoids in the period, at the shortfall rate",
                                  base.costs.shortfall_person_week, "shortfall_person_week"));
    f.write_variable<std::int32_t>("plan_evaluations", d, column<std::int32_t>(cap, &Period::evaluations),
                                   described("re-simulations of the period's weeks the search made"));
    f.write_string_variable("plan_status", d, std::span<const std::string>(status),
                            {.string_attrs = {{"long_name", "whether the period meets the risk: met, or why not"}}});
  }

  // --- housing quota ---
  const forecast::QuotaPlan& q = plan.quota;
  f.set_attribute<std::int8_t>("/", "plan_quota_searched", q.searched ? 1 : 0);
  if (!q.searched) return;
  f.set_attribute<double>("/", "plan_quota_target", q.goal.target);
  f.set_attribute("/", "plan_quota_by", forecast::iso_date(q.goal.by));
  f.set_attribute<std::int32_t>("/", "plan_quota_week", q.week);
  f.set_attribute<double>("/", "plan_quota_probability_reference", q.p_reference);
  f.set_attribute<double>("/", "plan_quota_probability", q.p_planned);
  f.set_attribute("/", "plan_quota_status", forecast::plan_status_name(q.status));
  f.set_attribute<std::int32_t>("/", "plan_quota_evaluations", q.evaluations);
  if (q.half_years.empty()) return;
  f.define_dimension("plan_half_year", std::span<const std::string>(q.half_years),
                     {{{"long_name", "half-year whose national housing quota the plan sets"}}, {}});
  const std::vector<double> quota(q.half_years.size(), q.status == forecast::PlanStatus::Met ? q.quota : std::nan(""));
  f.write_variable<double>("plan_quota", {"plan_half_year"}, quota,
                           described("national housing quota (taakstelling) the plan sets for the half-year; NaN "
                                     "when no quota meets the target (persons)"));
}

}  // namespace chainsim::io
