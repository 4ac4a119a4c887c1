#pragma once
// The scenario configuration as data: what CONFIG.md describes, after parsing
// and validation, with defaults filled in. Dates are calendar days; turning
// them into week indices is forecast/resolve's job. This header knows nothing
// of TOML (io/config_toml does the parsing and printing).
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chainsim {

using Date = std::chrono::sys_days;

// { mean, sd }: Beta for probabilities and shares, Gamma for positive rates,
// normal for the inflow level and trend; sd == 0 means fixed at the mean.
struct Prior {
  double mean = 0.0;
  double sd = 0.0;
};

// One period of a schedule: active for week(from) <= t < week(to); open-ended
// when `to` is absent.
struct Period {
  Date from{};
  std::optional<Date> to;
  double value = 1.0;
};
using Schedule = std::vector<Period>;

// A number that may vary over time: `base` outside every period.
struct TimeVarying {
  double base = 0.0;
  Schedule periods;
};

enum class RegionMode { National, SafetyRegions };
enum class PeriodKind { Quarter, HalfYear, Year };

struct HousingProgramme {
  std::string name;
  Date from{};
  std::optional<int> weeks;               // spread over this many weeks, or
  std::optional<Date> to;                 // up to this date (exclusive)
  std::optional<double> persons;          // total persons, or
  std::optional<double> persons_per_year; // a rate (open-ended unless weeks/to given)
  std::string region;                     // "" = national, else a code like "VR01"
  // Delivery uncertainty (docs/model.md, "Programme delivery"): the share of
  // the announced persons actually delivered (Beta) and the start delay in
  // weeks (Gamma, rounded down), drawn once per path. {1, 0} and {0, 0}: as announced.
  Prior delivered{1.0, 0.0};
  Prior delay_weeks{0.0, 0.0};
};

struct CapacityChange {
  Date at{};
  std::int64_t delta = 0;
};

struct TnvLocation {
  std::string name;
  std::int64_t places = 0;
  Date from{};
  int weeks = 0;
};

struct Config {
  struct Run {
    std::string name;
    Date start{};
    int weeks = 0;
    std::int64_t paths = 0;
    std::uint64_t seed = 0;
    RegionMode regions = RegionMode::SafetyRegions;
  } run;

  struct Output {
    std::string path;
    std::vector<std::string> ensemble;  // per-path variable names ("all" expanded)
    std::vector<double> quantiles;
    std::vector<PeriodKind> periods;
    std::vector<double> risk_levels;
  } output;

  struct Initial {
    std::int64_t registration_queue = 0;
    std::int64_t dublin = 0;
    std::int64_t procedure = 0;
    std::int64_t rejected = 0;
    std::int64_t permit_holders = 0;
    double grants_per_week = 0.0;
    // Log sd of a per-path factor on each initial stock (Dublin, procedure,
    // rejected, permit holders): the stocks at the origin are estimates. 0: exact.
    double uncertainty_sd = 0.0;
    // Permit holders at the origin who have waited more than 14 weeks; present
    // switches on the tracking of waiting times (output
    // permit_holders_waiting_over_14_weeks).
    std::optional<std::int64_t> permit_holders_over_14_weeks;
  } initial;

  struct Inflow {
    Prior level;                 // alpha, log scale
    Prior trend_per_year;        // beta
    double level_trend_correlation = 0.0;
    std::array<double, 12> season{};
    double ar_phi = 0.0;
    double ar_sigma = 0.0;
    double shock_probability = 0.0;
    double shock_mean = 0.0;     // kappa
    double shock_decay = 0.0;    // psi
    double repeat_share = 0.0;
    // The AR(1) deviation x at week 0 (normal, drawn per path): the recent
    // observed deviation of log inflow from the long-run line. {0, 0}: x starts at 0.
    Prior start_deviation;
  } inflow;

  struct Registration {
    TimeVarying capacity_per_week;
  } registration;

  struct Dublin {
    Prior share;
    Prior transfer_share;
    double abscond_weekly = 0.0;
    int deadline_weeks = 0;
  } dublin;

  struct Decisions {
    TimeVarying capacity_per_week;
    Prior grant_rate;
    // Decision capacity that follows the backlog (docs/model.md, "Decision
    // capacity"): absent = the configured capacity as it is.
    struct Response {
      bool enabled = false;
      double target_weeks = 26.0;  // capacity aims at clearing the backlog in this many weeks
      double adjust_weeks = 13.0;  // mean lag of the adjustment (partial adjustment 1/adjust_weeks a week)
      double max_per_week = 0.0;   // capacity never above this
      double min_per_week = 0.0;   // nor below this (nor below a scheduled capacity_per_week period)
    } response;
    double capacity_sd = 0.0;      // log sd of a per-path productivity factor (mean 1)
    double withdrawn_share = 0.0;  // share of case closures without a decision (withdrawn, otherwise closed)
    double grant_drift_sd = 0.0;   // sd per sqrt(year) of a random walk on logit(grant rate)
  } decisions;

  struct Rejected {
    double return_weekly = 0.0;
    double leave_weekly = 0.0;
  } rejected;

  struct Nareis {
    Prior per_grant;
    double lag_mean_weeks = 0.0;
    double lag_sd_weeks = 0.0;
    int max_lag_weeks = 0;
    double into_reception = 0.0;
  } nareis;

  struct Minors {
    double share_of_grants = 0.0;
    double to_guardian = 0.0;
  } minors;

  struct Housing {
    Prior realisation;
    double regional_sd = 0.0;
    std::map<std::string, double> taakstelling;  // "2022-H2" -> persons
    double taakstelling_default = 0.0;
    std::vector<HousingProgramme> programmes;
    // Permit holders are housed only after this many weeks in reception (matching
    // with a home takes time); needs the waiting times (initial.permit_holders_over_14_weeks). 0: at once.
    int min_wait_weeks = 0;
    // Log sd of the realisation factor of each half-year and region (mean 1). 0: none.
    double half_year_sd = 0.0;
    // Unmet quota of a half-year added to the next half-year's task.
    bool carry_over = false;
    // The quota of a half-year without its own entry set from the expected new
    // permit holders (docs/model.md, "Housing quota") instead of `default`.
    struct QuotaRule {
      bool enabled = false;
      double share = 1.0;       // quota = share x expected new permit holders of the half-year
      int lookback_weeks = 26;  // expected = mean weekly new permit holders over these weeks x weeks in the half
    } quota_rule;
  } housing;

  struct Capacity {
    std::int64_t regular = 0;
    std::vector<CapacityChange> changes;
    struct Cno {
      std::int64_t places_per_region = 0;
      Date from{};
      int weeks = 0;
      double staff_per_region_per_day = 0.0;
      double phaseout_margin = 0.0;
      int phaseout_weeks = 0;
    } cno;
    std::vector<TnvLocation> tnv;
    struct Adaptive {
      bool enabled = false;
      double upper = 0.0;
      double lower = 0.0;
      int weeks = 0;
      std::int64_t step = 0;
      int lead_weeks = 0;
      std::int64_t floor = 0;
    } adaptive;
  } capacity;

  struct Costs {
    double regular_place_week = 0.0;
    double cno_place_week = 0.0;
    double tnv_place_week = 0.0;
    double shortfall_person_week = 0.0;
  } costs;

  struct Levers {
    Schedule inflow;
    Schedule dublin;
    Schedule ret;      // key "return"
    Schedule nareis;
    Schedule guardian;
  } levers;
};

// A run: the base ("baseline") and its scenario overlays, each fully resolved.
struct ScenarioSet {
  std::string source;                   // file name, or "<embedded seed>"
  std::string resolved_toml;            // the resolved configuration as TOML text
  std::vector<std::string> names;       // names[0] == "baseline"
  std::vector<Config> scenarios;        // scenarios[0] is the base
  // Where each key of the base was set, by "section.key": "file:line" for a
  // key of the user's file; keys taken from the seed are absent.
  std::map<std::string, std::string> user_keys;
};

}  // namespace chainsim
