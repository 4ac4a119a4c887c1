#include "forecast/input_groups.hpp"

#include <algorithm>
#include <utility>

namespace chainsim::forecast {
namespace {

using core::Flow;
using core::ModelSpec;

bool has_spread(const core::Prior& p) { return p.sd > 0.0; }

// Whether the prior at `member` has a spread.
template <core::Prior ModelSpec::*member>
bool prior_spread(const ModelSpec& s) {
  return has_spread(s.*member);
}

// The group of one prior drawn from one flow, active when the prior has a spread.
template <core::Prior ModelSpec::*member>
InputGroup prior_group(std::string name, std::string description, Flow flow) {
  return {std::move(name), std::move(description), InputKind::Parameter, {flow}, prior_spread<member>};
}

// The weekly flows of the first and the last id (core/random/random_stream.hpp numbers them consecutively).
constexpr auto kFirstWeekly = static_cast<std::uint32_t>(Flow::InflowNoise);
constexpr auto kLastWeekly = static_cast<std::uint32_t>(core::kLastFlow);

}  // namespace

std::vector<InputGroup> all_input_groups() {
  using K = InputKind;
  std::vector<InputGroup> g = {
      prior_group<&ModelSpec::grant_rate>("grant_rate", "prior of the share of decisions that grant a permit",
                                          Flow::PriorGrantRate),
      prior_group<&ModelSpec::dublin_share>(
          "dublin_share", "prior of the share of registrations that become Dublin claims", Flow::PriorDublinShare),
      prior_group<&ModelSpec::transfer_share>("transfer_share",
                                              "prior of the share of Dublin claims transferred within the deadline",
                                              Flow::PriorTransferShare),
      prior_group<&ModelSpec::realisation>("realisation", "prior of the share of the housing quota realised",
                                           Flow::PriorRealisation),
      prior_group<&ModelSpec::nareis_per_grant>("nareis_per_grant", "prior of family members arriving per grant",
                                                Flow::PriorNareisPerGrant),
      {"inflow_level_trend",
       "priors of the inflow's long-run level and trend",
       K::Parameter,
       {Flow::PriorInflowLevelTrend},
       [](const ModelSpec& s) { return has_spread(s.level) || has_spread(s.trend); }},
      {"regional_realisation",
       "per-region factors on the quota realisation",
       K::Parameter,
       {Flow::PriorRegionalRealisation},
       [](const ModelSpec& s) { return s.regions > 1 && s.regional_sd > 0.0; }},
      prior_group<&ModelSpec::start_deviation>("inflow_start", "prior of the inflow's deviation at the start",
                                               Flow::PriorInflowStart),
      {"initial_state",
       "factors on the stocks at the start (they are estimates)",
       K::Parameter,
       {Flow::PriorInitialState},
       [](const ModelSpec& s) { return s.initial_uncertainty_sd > 0.0 || s.initial_permit_holders_extra_sd > 0.0; }},
      {"decision_productivity",
       "prior of the decision capacity's productivity factor",
       K::Parameter,
       {Flow::PriorDecisionProductivity},
       [](const ModelSpec& s) { return s.decision_capacity_sd > 0.0; }},
      {"programme_delivery",
       "priors of the housing programmes' delivered share and start delay",
       K::Parameter,
       {Flow::PriorProgrammeDelivery, Flow::PriorProgrammeDelay},
       [](const ModelSpec& s) {
         return std::any_of(s.uncertain_programmes.begin(), s.uncertain_programmes.end(), [](const auto& p) {
           return has_spread(p.delivered) || (p.delay_weeks.mean > 0.0 && has_spread(p.delay_weeks));
         });
       }},
      {"inflow_noise",
       "the inflow's weekly noise and its local level's steps",
       K::Process,
       {Flow::InflowNoise, Flow::InflowLevelWalk},
       [](const ModelSpec& s) { return s.ar_sigma > 0.0 || s.level_walk_sd > 0.0; }},
      {"inflow_surges",
       "whether an inflow surge starts in a week, and its size",
       K::Process,
       {Flow::InflowShockOccurs, Flow::InflowShockSize},
       [](const ModelSpec& s) { return s.shock_probability > 0.0 && s.shock_mean > 0.0; }},
      {"housing_half_years",
       "the half-years' realisation factors of the housing quota (national and per region)",
       K::Process,
       {Flow::HousingHalfYear, Flow::HousingHalfYearNational},
       [](const ModelSpec& s) { return s.half_year_sd > 0.0 || s.half_year_national_sd > 0.0; }},
  };
  // Every other weekly draw: arrivals, claims, decisions, departures, housing, ...
  InputGroup other{"other_process_noise",
                   "every other weekly draw (arrivals, Dublin, decisions, departures, housing supply, ...)",
                   K::Process,
                   {},
                   [](const ModelSpec&) { return true; }};
  for (std::uint32_t id = kFirstWeekly; id <= kLastWeekly; ++id) {
    const auto f = static_cast<Flow>(id);
    const bool taken = std::any_of(g.begin(), g.end(), [&](const InputGroup& x) {
      return std::find(x.flows.begin(), x.flows.end(), f) != x.flows.end();
    });
    if (!taken) other.flows.push_back(f);
  }
  g.push_back(std::move(other));
  return g;
}

ActiveGroups active_input_groups(const core::ModelSpec& spec) {
  ActiveGroups out;
  for (InputGroup& g : all_input_groups()) (g.active(spec) ? out.active : out.inactive).push_back(std::move(g));
  return out;
}

}  // namespace chainsim::forecast
