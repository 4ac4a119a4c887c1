#pragma once
// The model's random inputs in the groups whose influence `chainsim
// sensitivity` measures (docs/sensitivity.md): each prior on a per-path
// parameter, and the weekly process noise in three groups (the inflow's
// noise, its surges, and every other weekly draw). A group is a set of random
// flows (core/random/random_stream.hpp): which draws belong to it is fixed by the
// flows, not by the model's parameters.
#include "core/model/model_spec.hpp"
#include "core/random/random_stream.hpp"

#include <string>
#include <vector>

namespace chainsim::forecast {

enum class InputKind {
  Parameter,  // drawn once per path (a prior): uncertainty about the model's parameters
  Process,    // drawn every week: the chain's own randomness
};

struct InputGroup {
  std::string name;         // for tables and charts: "grant_rate", "inflow_noise", ...
  std::string description;  // what varies, for people
  InputKind kind = InputKind::Parameter;
  std::vector<core::Flow> flows;
  // Whether the group's draws can change anything in a specification: its
  // prior has a spread, its mechanism is on.
  bool (*active)(const core::ModelSpec&) = nullptr;
};

// Every group, in table order: the priors, then the process noise. Together
// they hold every flow exactly once.
std::vector<InputGroup> all_input_groups();

// The groups active in `spec`, and the others. An inactive group's indices
// are exactly zero (its draws are never used), so it is left out of the design.
struct ActiveGroups {
  std::vector<InputGroup> active;
  std::vector<InputGroup> inactive;
};
ActiveGroups active_input_groups(const core::ModelSpec& spec);

}  // namespace chainsim::forecast
