#include "forecast/stock_origin.hpp"

#include "forecast/calendar.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace chainsim::forecast::stock {
namespace {

constexpr double kWeeksPerYear = 52.1775;

}  // namespace

OriginStocks stocks_at_origin(const std::vector<Observation>& occupancy, const std::vector<Observation>& permits,
                              Date origin) {
  const Observation* occ = latest_at_or_before(occupancy, origin);
  if (!occ) throw std::invalid_argument("no occupancy observation on or before " + iso_date(origin));
  const Observation* ph = latest_at_or_before(permits, origin);
  if (!ph) throw std::invalid_argument("no permit-holder observation on or before " + iso_date(origin));
  OriginStocks s;
  s.occupancy = *occ;
  s.permit_point = *ph;
  if (months_between(ph->date, origin) <= kPermitPointMaxAgeMonths) {
    s.permit_holders = ph->value;
    return s;
  }
  const Observation* then = latest_at_or_before(occupancy, ph->date);
  if (!then)
    throw std::invalid_argument("no occupancy observation on or before " + iso_date(ph->date) +
                                " for the permit holders' share");
  s.permit_from_share = true;
  s.share_occupancy = *then;
  s.permit_share = ph->value / then->value;
  s.permit_holders = s.permit_share * occ->value;
  return s;
}

InitialSpread initial_spread(const OriginStocks& stocks, const std::vector<Observation>& occupancy,
                             const std::vector<Observation>& permits, const std::vector<Observation>& year_end,
                             Date origin, double base_sd) {
  InitialSpread s;
  s.occupancy_age_months = std::max(0.0, months_between(stocks.occupancy.date, origin));
  s.permit_age_months = std::max(0.0, months_between(stocks.permit_point.date, origin));
  if (s.occupancy_age_months > 0.0)
    s.occupancy_sd = naive_log_sd(occupancy, year_end, origin, s.occupancy_age_months).sd;
  if (s.permit_age_months > 0.0) s.permit_sd = naive_log_sd(permits, year_end, origin, s.permit_age_months).sd;
  s.uncertainty_sd = std::hypot(base_sd, s.occupancy_sd);
  s.permit_holders_extra_sd = std::sqrt(std::max(0.0, s.permit_sd * s.permit_sd - s.occupancy_sd * s.occupancy_sd));
  return s;
}

InitialState apportion_initial_state(std::int64_t occupancy, std::int64_t permit_holders, const ChainRates& r) {
  InitialState s;
  s.occupancy = occupancy;
  s.permit_holders = permit_holders;
  s.dublin_rule = steady_state_dublin(r.first_applications_per_week, r.repeat_share, r.dublin_share, r.transfer_share,
                                      r.abscond_weekly, r.deadline_weeks);
  s.dublin = s.dublin_rule.stock;
  s.rejected = steady_state_rejected(r.rejections_per_week, r.exit_hazard);
  s.procedure = occupancy - permit_holders - s.dublin - s.rejected;
  if (s.procedure < 0) {
    s.procedure = 0;
    s.procedure_floored = true;
  }
  return s;
}

DecisionRates decision_rates(const std::vector<DecisionPeriod>& quarters, const std::vector<DecisionPeriod>& years,
                             Date origin) {
  // Latest year ending on or before the origin.
  const DecisionPeriod* year = nullptr;
  for (const auto& y : years)
    if (y.end <= origin && (!year || y.end > year->end)) year = &y;
  // Latest run of four consecutive quarters ending on or before the origin.
  std::vector<const DecisionPeriod*> q;
  for (const auto& p : quarters)
    if (p.end <= origin) q.push_back(&p);
  std::sort(q.begin(), q.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  std::vector<const DecisionPeriod*> four;
  for (std::size_t i = q.size(); i >= 4 && four.empty(); --i) {
    bool consecutive = true;
    for (std::size_t k = i - 3; k < i; ++k) consecutive = consecutive && q[k - 1]->end == q[k]->begin;
    if (consecutive)
      four.assign(q.begin() + static_cast<std::ptrdiff_t>(i - 4), q.begin() + static_cast<std::ptrdiff_t>(i));
  }
  const bool use_quarters = !four.empty() && (!year || four.back()->end > year->end);
  if (!use_quarters && !year)
    throw std::invalid_argument("no published year or four quarters of decisions before " + iso_date(origin));
  // A year and four quarters are both taken as 52.1775 weeks, as the seed takes a year.
  double positive = 0, total = 0;
  DecisionRates d;
  if (use_quarters) {
    for (const auto* p : four) positive += p->positive, total += p->total;
    d.window = four.front()->label + ".." + four.back()->label + " (" + four.back()->source + ")";
  } else {
    positive = year->positive, total = year->total;
    d.window = year->label + " (" + year->source + ")";
  }
  d.decisions_per_week = total / kWeeksPerYear;
  d.grants_per_week = positive / kWeeksPerYear;
  d.rejections_per_week = (total - positive) / kWeeksPerYear;
  d.grant_rate = positive / total;
  // Grant rate's sd over the five years ending with the last complete one.
  const DecisionPeriod* last_year = year;
  if (!last_year) throw std::invalid_argument("no published year of decisions before " + iso_date(origin));
  const int Y = year_of(last_year->begin);
  std::vector<double> g;
  for (const auto& y : years)
    if (year_of(y.begin) >= Y - 4 && year_of(y.begin) <= Y && y.total > 0) g.push_back(y.positive / y.total);
  if (g.size() < 2) throw std::invalid_argument("fewer than two years of decisions before " + iso_date(origin));
  double m = 0;
  for (double v : g) m += v;
  m /= static_cast<double>(g.size());
  double v = 0;
  for (double x : g) v += (x - m) * (x - m);
  d.grant_rate_sd = std::sqrt(v / static_cast<double>(g.size() - 1));
  d.sd_years = std::to_string(Y - 4) + ".." + std::to_string(Y);
  return d;
}

HousingTask housing_task(const std::map<std::string, double>& tasks, Date origin, double new_per_week) {
  HousingTask h;
  const std::string origin_half = half_label(origin);
  std::string latest;
  for (const auto& [label, persons] : tasks) {
    // Labels "YYYY-H1"/"YYYY-H2" sort in time order; a half-year has begun by
    // the origin when its label is not after the origin's own.
    if (label > origin_half) continue;
    h.known[label] = persons;
    latest = label;
  }
  if (!latest.empty()) {
    h.later = h.known[latest];
    h.rule = "taakstelling " + latest + " (" + std::to_string(static_cast<long long>(std::llround(h.later))) +
             ") for later half-years";
  } else {
    h.steady_state = true;
    h.later = new_per_week * kWeeksPerYear / 2.0;
    h.rule = "no task known: new permit holders a half-year at the origin's rates";
  }
  return h;
}

Config stock_origin_config(Config c, const OriginSetup& s) {
  c.initial.registration_queue = 0;
  c.initial.dublin = s.initial.dublin;
  c.initial.procedure = s.initial.procedure;
  c.initial.rejected = s.initial.rejected;
  c.initial.permit_holders = s.initial.permit_holders;
  c.initial.uncertainty_sd = s.spread.uncertainty_sd;
  c.initial.permit_holders_extra_sd = s.spread.permit_holders_extra_sd;
  c.initial.grants_per_week = s.decisions.grants_per_week;
  c.decisions.capacity_per_week = {s.decisions.decisions_per_week, {}};
  c.decisions.grant_rate = {s.decisions.grant_rate, s.decisions.grant_rate_sd};
  c.housing.taakstelling = s.housing.known;
  c.housing.taakstelling_default = s.housing.later;
  c.housing.programmes.clear();
  c.capacity.regular = kNonBindingCapacity;
  c.capacity.changes.clear();
  c.capacity.cno.places_per_region = 0;
  c.capacity.tnv.clear();
  c.capacity.adaptive.enabled = false;
  c.levers = {};
  return c;
}

}  // namespace chainsim::forecast::stock
