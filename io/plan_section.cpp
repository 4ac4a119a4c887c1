#include "io/plan_section.hpp"

#include "forecast/calendar.hpp"
#include "io/h5file.hpp"
#include "io/output_file.hpp"

#include <cmath>

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

}  // namespace

void write_plan_section(OutputFile& out, const Plan& plan, const Config& base) {
  h5::File& f = out.h5_file();
  const Date start = base.run.start;
  const std::vector<CapacityPeriodPlan>& cap = plan.capacity;
  const double n = static_cast<double>(plan.paths);

  // --- how the plan was searched ---
  f.set_attribute("/", "plan_method",
                  "smallest additional regular capacity per period with P(shortfall in the period) <= plan_risk, "
                  "and smallest half-yearly quota with P(permit holders waiting <= target on the date) >= "
                  "1 - plan_risk, by search over re-simulations with common random numbers (docs/plan.md)");
  f.set_attribute<double>("/", "plan_risk", plan.risk);
  f.set_attribute("/", "plan_period_kind", plan.period == PeriodKind::Quarter ? "quarter" : "half-year");
  f.set_attribute<std::int32_t>("/", "plan_lead_weeks", plan.lead_weeks);
  f.set_attribute<std::int64_t>("/", "plan_paths", plan.paths);
  f.set_attribute("/", "plan_seed", std::to_string(plan.seed));
  f.set_attribute<std::int64_t>("/", "plan_capacity_step", plan.capacity_step);
  f.set_attribute<std::int64_t>("/", "plan_quota_step", plan.quota_step);

  // --- capacity, per period ---
  if (!cap.empty()) {
    std::vector<std::string> labels, status;
    std::vector<std::int32_t> first, end, order, effective, evaluations;
    std::vector<std::int8_t> orderable;
    std::vector<std::int64_t> added, total;
    std::vector<double> p_ref, p_plan, p_se, p_before, pw_ref, pw_plan, cost, emergency, shortfall;
    for (const CapacityPeriodPlan& p : cap) {
      labels.push_back(p.period.label);
      status.emplace_back(plan_status_name(p.status));
      first.push_back(p.period.first_week);
      end.push_back(p.period.end_week);
      order.push_back(p.order_week);
      effective.push_back(p.effective_week);
      evaluations.push_back(p.evaluations);
      orderable.push_back(p.orderable ? 1 : 0);
      added.push_back(p.added);
      total.push_back(p.total_added);
      p_ref.push_back(p.p_reference);
      p_plan.push_back(p.p_planned);
      p_se.push_back(std::sqrt(p.p_planned * (1 - p.p_planned) / n));
      p_before.push_back(p.p_before_delivery);
      pw_ref.push_back(p.shortfall_person_weeks_reference);
      pw_plan.push_back(p.shortfall_person_weeks_planned);
      cost.push_back(p.cost_added_places);
      emergency.push_back(p.avoided_at_emergency_rate);
      shortfall.push_back(p.avoided_at_shortfall_rate);
    }
    f.define_dimension("plan_period", std::span<const std::string>(labels),
                       {{{"long_name", "period of the capacity plan: quarter or half-year of the week's Monday"}}, {}});
    const std::vector<std::string> d = {"plan_period"};
    const std::string days = "days since " + iso_date(start);
    f.write_variable<std::int32_t>("plan_period_first_week", d, first,
                                   described("index of the period's first simulated week"));
    f.write_variable<std::int32_t>("plan_period_end_week", d, end,
                                   described("index one past the period's last simulated week"));
    f.write_variable<std::int8_t>("plan_orderable", d, orderable,
                                  {.string_attrs = {{"long_name", "1 if places ordered at the start can be in effect "
                                                                  "in some week of the period (lead time)"},
                                                    {"flag_values", "0 1"},
                                                    {"flag_meanings", "too_late orderable"}}});
    f.write_variable<std::int32_t>("plan_order_week", d, order,
                                   described("week in which the period's places are ordered (effective week minus "
                                             "the lead time)"));
    f.write_variable<std::int32_t>("plan_effective_week", d, effective,
                                   described("first week in which the period's added places are in effect"));
    f.write_variable<std::int64_t>("plan_places_added", d, added,
                                   described("regular places the plan adds for the period, from its effective week "
                                             "on (places)"));
    f.write_variable<std::int64_t>("plan_places_added_total", d, total,
                                   described("regular places the plan has added up to and including the period "
                                             "(places)"));
    f.write_variable<double>("plan_shortfall_probability_reference", d, p_ref,
                             described("probability of a shortfall in some week of the period without added places "
                                       "(the plan's quota kept)"));
    f.write_variable<double>("plan_shortfall_probability", d, p_plan,
                             described("probability of a shortfall in some week of the period with the plan"));
    f.write_variable<double>("plan_shortfall_probability_se", d, p_se,
                             described("Monte Carlo standard error of plan_shortfall_probability"));
    f.write_variable<double>("plan_shortfall_probability_before_delivery", d, p_before,
                             described("probability of a shortfall in the period's weeks before its effective week "
                                       "(beyond the reach of an order placed at the start)"));
    f.write_variable<double>("plan_shortfall_person_weeks_reference", d, pw_ref,
                             described("expected shortfall person-weeks in the period without added places "
                                       "(person-weeks)",
                                       "week"));
    f.write_variable<double>("plan_shortfall_person_weeks", d, pw_plan,
                             described("expected shortfall person-weeks in the period with the plan (person-weeks)",
                                       "week"));
    f.write_variable<double>("plan_cost_added_places", d, cost,
                             euro("cost of the added places in effect in the period, at the regular rate",
                                  base.costs.regular_place_week, "regular_place_week"));
    f.write_variable<double>("plan_avoided_at_emergency_rate", d, emergency,
                             euro("shortfall person-weeks the plan avoids in the period, at the emergency rate",
                                  base.costs.cno_place_week, "cno_place_week"));
    f.write_variable<double>("plan_avoided_at_shortfall_rate", d, shortfall,
                             euro("shortfall person-weeks the plan avoids in the period, at the shortfall rate",
                                  base.costs.shortfall_person_week, "shortfall_person_week"));
    f.write_variable<std::int32_t>("plan_evaluations", d, evaluations,
                                   described("re-simulations of the period's weeks the search made"));
    f.write_string_variable("plan_status", d, std::span<const std::string>(status),
                            {.string_attrs = {{"long_name", "whether the period meets the risk: met, or why not"}}});
  }

  // --- housing quota ---
  const QuotaPlan& q = plan.quota;
  f.set_attribute<std::int8_t>("/", "plan_quota_searched", q.searched ? 1 : 0);
  if (!q.searched) return;
  f.set_attribute<double>("/", "plan_quota_target", q.goal.target);
  f.set_attribute("/", "plan_quota_by", iso_date(q.goal.by));
  f.set_attribute<std::int32_t>("/", "plan_quota_week", q.week);
  f.set_attribute<double>("/", "plan_quota_probability_reference", q.p_reference);
  f.set_attribute<double>("/", "plan_quota_probability", q.p_planned);
  f.set_attribute("/", "plan_quota_status", plan_status_name(q.status));
  f.set_attribute<std::int32_t>("/", "plan_quota_evaluations", q.evaluations);
  if (q.half_years.empty()) return;
  f.define_dimension("plan_half_year", std::span<const std::string>(q.half_years),
                     {{{"long_name", "half-year whose national housing quota the plan sets"}}, {}});
  const std::vector<double> quota(q.half_years.size(), q.status == PlanStatus::Met ? q.quota : std::nan(""));
  f.write_variable<double>("plan_quota", {"plan_half_year"}, quota,
                           described("national housing quota (taakstelling) the plan sets for the half-year; NaN "
                                     "when no quota meets the target (persons)"));
}

}  // namespace chainsim::io
