#pragma once
// The catalogue of per-path, per-week output variables (MODEL.md §7, plus
// the few diagnostics needed to check conservation). The order is the order of
// the enum values and is part of the output format.
#include <array>
#include <cstddef>
#include <string_view>

namespace chainsim::core {

// National totals, one value per path and week. Stocks are at the end of the
// week, flows are the week's totals (MODEL.md §10).
enum class Var : std::size_t {
  FirstApplications,
  RepeatApplications,
  Nareis,
  NareisDirect,
  Registered,
  RegistrationQueue,
  DublinClaims,  // diagnostic: registered persons entering the Dublin procedure
  Dublin,
  DublinTransfers,
  DublinAbsconded,
  DublinExpired,
  Procedure,
  Decisions,
  Grants,
  Rejections,
  Rejected,
  Returns,
  LeftUnverified,
  PermitHoldersNew,  // diagnostic: new permit holders entering reception (N_rec + Gr - Ng)
  PermitHolders,
  Housed,
  GuardianPlacements,
  Occupancy,
  CapacityRegular,
  CapacityCno,
  CapacityTnv,
  Capacity,
  Shortfall,
  CostEur,
  CnoStaffDays,
  // Added after the first model (appended: the indices above are part of the
  // output format).
  Withdrawn,
  DecisionCapacity,
  OccupiedRegular,
  OccupiedTnv,
  OccupiedCno,
  PermitHoldersWaitingOver14Weeks,
  HousingBacklog,
  Count
};
// The variables of the first model, in the order above.
inline constexpr std::size_t kNumFirstModelVars = static_cast<std::size_t>(Var::Withdrawn);
inline constexpr std::size_t kNumVars = static_cast<std::size_t>(Var::Count);

// Variables also reported per region (safety region), in this order.
enum class RegionalVar : std::size_t { PermitHolders, Housed, PermitHoldersNew, Count };
inline constexpr std::size_t kNumRegionalVars = static_cast<std::size_t>(RegionalVar::Count);

enum class Kind { Stock, Flow, Capacity, Money, Staff };

struct VarInfo {
  std::string_view name;       // output name
  std::string_view long_name;  // CF long_name
  std::string_view units;      // CF units
  Kind kind;
  bool integer;  // person counts are integers; cost is not
};

// One row per variable (clang-format would break the long ones).
// clang-format off
inline constexpr std::array<VarInfo, kNumVars> kVarInfo{{
    {"first_applications", "first asylum applications in the week", "persons", Kind::Flow, true},
    {"repeat_applications", "repeat asylum applications in the week", "persons", Kind::Flow, true},
    {"nareis", "family reunification arrivals in the week", "persons", Kind::Flow, true},
    {"nareis_direct", "family reunification arrivals going straight to a municipality", "persons", Kind::Flow, true},
    {"registered", "persons registered in the week", "persons", Kind::Flow, true},
    {"registration_queue", "arrived, not yet registered, at end of week", "persons", Kind::Stock, true},
    {"dublin_claims", "registered persons entering the Dublin procedure in the week", "persons", Kind::Flow, true},
    {"dublin", "in the Dublin procedure at end of week", "persons", Kind::Stock, true},
    {"dublin_transfers", "Dublin transfers out of the country in the week", "persons", Kind::Flow, true},
    {"dublin_absconded", "absconded from the Dublin procedure in the week", "persons", Kind::Flow, true},
    {"dublin_expired", "Dublin deadline passed, moved to the national procedure", "persons", Kind::Flow, true},
    {"procedure", "in the national asylum procedure at end of week", "persons", Kind::Stock, true},
    {"decisions", "first-instance decisions in the week", "persons", Kind::Flow, true},
    {"grants", "asylum permits granted in the week", "persons", Kind::Flow, true},
    {"rejections", "asylum applications rejected in the week", "persons", Kind::Flow, true},
    {"rejected", "rejected, still in reception at end of week", "persons", Kind::Stock, true},
    {"returns", "verified departures of rejected persons in the week", "persons", Kind::Flow, true},
    {"left_unverified", "rejected persons who left without verified departure", "persons", Kind::Flow, true},
    {"permit_holders_new", "new permit holders entering reception in the week", "persons", Kind::Flow, true},
    {"permit_holders", "permit holders in reception waiting for housing at end of week", "persons", Kind::Stock, true},
    {"housed", "permit holders housed by municipalities in the week", "persons", Kind::Flow, true},
    {"guardian_placements", "unaccompanied minors with a permit placed with the guardian organisation", "persons", Kind::Flow, true},
    {"occupancy", "persons in reception at end of week", "persons", Kind::Stock, true},
    {"capacity_regular", "regular reception places in effect", "places", Kind::Capacity, true},
    {"capacity_cno", "crisis emergency reception (CNO) places in effect", "places", Kind::Capacity, true},
    {"capacity_tnv", "large temporary facility (TNV) places in effect", "places", Kind::Capacity, true},
    {"capacity", "reception places in effect", "places", Kind::Capacity, true},
    {"shortfall", "persons in reception above capacity at end of week", "persons", Kind::Stock, true},
    {"cost_eur", "reception cost of the week", "EUR", Kind::Money, false},
    {"cno_staff_days", "CNO staff-days in the week", "staff-days", Kind::Staff, true},
    {"withdrawn", "applications closed without a first-instance decision in the week (withdrawn, otherwise closed)", "persons", Kind::Flow, true},
    {"decision_capacity", "decision capacity of the week (cases the IND can close)", "persons", Kind::Flow, true},
    {"occupied_regular", "persons in regular reception places at end of week", "persons", Kind::Stock, true},
    {"occupied_tnv", "persons in large temporary facilities (TNV) at end of week", "persons", Kind::Stock, true},
    {"occupied_cno", "persons in crisis emergency reception (CNO) at end of week", "persons", Kind::Stock, true},
    {"permit_holders_waiting_over_14_weeks", "permit holders in reception who have waited more than 14 weeks, at end of week", "persons", Kind::Stock, true},
    {"housing_backlog", "unmet housing quota carried over from earlier half-years (achterstand)", "persons", Kind::Stock, true},
}};
// clang-format on

inline constexpr std::array<RegionalVar, kNumRegionalVars> kRegionalVars{
    RegionalVar::PermitHolders, RegionalVar::Housed, RegionalVar::PermitHoldersNew};

// The national variable that a regional variable disaggregates.
constexpr Var national_of(RegionalVar v) noexcept {
  switch (v) {
    case RegionalVar::PermitHolders: return Var::PermitHolders;
    case RegionalVar::Housed: return Var::Housed;
    case RegionalVar::PermitHoldersNew: return Var::PermitHoldersNew;
    case RegionalVar::Count: break;
  }
  return Var::Count;
}

constexpr const VarInfo& info(Var v) noexcept { return kVarInfo[static_cast<std::size_t>(v)]; }

}  // namespace chainsim::core
