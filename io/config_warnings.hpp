#pragma once
// Things in a valid configuration that are probably not what the user meant
// (issue 20), printed by `chainsim validate` and logged at the start of
// `chainsim run`: dated entries that fall outside the simulated weeks, an
// output file in a folder that does not exist, a custom file that keeps the
// seed's run name or output path (its output would replace the seed's), and a
// file whose scenario list drops the seed's scenarios.
#include <string>
#include <vector>

#include "forecast/config.hpp"

namespace chainsim::io {

struct ConfigNotice {
  bool warning = true;  // false: information (what the file does, stated so it is not a surprise)
  std::string text;
};

// The notices for `set`; `seed` is the embedded seed's set (io::load_seed()),
// whose run name, output path and scenario names a user file is compared with.
std::vector<ConfigNotice> config_notices(const forecast::ScenarioSet& set, const forecast::ScenarioSet& seed);

}  // namespace chainsim::io
