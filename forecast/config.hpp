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

#include "core/model/model_spec.hpp"

namespace chainsim::forecast {

using Date = std::chrono::sys_days;

// { mean, sd }: Beta for probabilities and shares, Gamma for positive rates,
// normal for the inflow level and trend; sd == 0 means fixed at the mean.
// The kernel's type (core/model/model_spec.hpp), so that a prior reaches it as it is.
using Prior = core::Prior;

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
  std::optional<int> weeks;                // spread over this many weeks, or
  std::optional<Date> to;                  // up to this date (exclusive)
  std::optional<double> persons;           // total persons, or
  std::optional<double> persons_per_year;  // a rate (open-ended unless weeks/to given)
  std::string region;                      // "" = national, else a code like "VR01"
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

// Aliases for member types whose names hold a comma (core/model/key_table.hpp
// passes them through macros).
using Quotas = std::map<std::string, double>;  // "2022-H2" -> persons
using MonthFactors = std::array<double, 12>;
using OptionalCount = std::optional<std::int64_t>;
using Programmes = std::vector<HousingProgramme>;
using Changes = std::vector<CapacityChange>;
using TnvLocations = std::vector<TnvLocation>;

// The members of each section are the keys of its list in core/model/key_table.hpp,
// which gives each one's type, initial value, unit, allowed values and meaning.
// One line per section, as the key table's lists (clang-format would open each).
// clang-format off
struct Config {
  struct Run { CHAINSIM_KEYS_run(CHAINSIM_KEY_MEMBER) } run;
  struct Output { CHAINSIM_KEYS_output(CHAINSIM_KEY_MEMBER) } output;  // ensemble: "all" expanded
  struct Initial { CHAINSIM_KEYS_initial(CHAINSIM_KEY_MEMBER) } initial;
  struct Inflow { CHAINSIM_KEYS_inflow(CHAINSIM_KEY_MEMBER) } inflow;
  struct Registration { CHAINSIM_KEYS_registration(CHAINSIM_KEY_MEMBER) } registration;
  struct Dublin { CHAINSIM_KEYS_dublin(CHAINSIM_KEY_MEMBER) } dublin;
  struct Decisions {
    struct Response { CHAINSIM_KEYS_decisions_response(CHAINSIM_KEY_MEMBER) };
    CHAINSIM_KEYS_decisions(CHAINSIM_KEY_MEMBER)
  } decisions;
  struct Rejected { CHAINSIM_KEYS_rejected(CHAINSIM_KEY_MEMBER) } rejected;
  struct Nareis { CHAINSIM_KEYS_nareis(CHAINSIM_KEY_MEMBER) } nareis;
  struct Minors { CHAINSIM_KEYS_minors(CHAINSIM_KEY_MEMBER) } minors;
  struct Housing {
    CHAINSIM_KEYS_housing(CHAINSIM_KEY_MEMBER)
    double taakstelling_default = 0.0;  // the "default" entry of taakstelling
  } housing;
  struct Capacity {
    struct Cno {
      struct Phaseout { CHAINSIM_KEYS_capacity_cno_phaseout(CHAINSIM_KEY_MEMBER) };
      CHAINSIM_KEYS_capacity_cno(CHAINSIM_KEY_MEMBER)
    };
    CHAINSIM_KEYS_capacity(CHAINSIM_KEY_MEMBER)
  } capacity;
  struct Costs { CHAINSIM_KEYS_costs(CHAINSIM_KEY_MEMBER) } costs;
  struct Levers { CHAINSIM_KEYS_levers(CHAINSIM_KEY_MEMBER) } levers;  // ret: key "return"
};
// clang-format on

// A run: the base ("baseline") and its scenario overlays, each fully resolved.
struct ScenarioSet {
  std::string source;              // file name, or "<embedded seed>"
  std::string resolved_toml;       // the resolved configuration as TOML text
  std::vector<std::string> names;  // names[0] == "baseline"
  std::vector<Config> scenarios;   // scenarios[0] is the base
  // Where each key of the base was set, by "section.key": "file:line" for a
  // key of the user's file; keys taken from the seed are absent.
  std::map<std::string, std::string> user_keys;
};

}  // namespace chainsim::forecast
