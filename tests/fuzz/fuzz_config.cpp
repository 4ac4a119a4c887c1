// libFuzzer target over the configuration loader (issue #6, item 7): any input
// must either load or be refused with a ConfigError. Any other exception, a crash,
// a sanitizer report, a hang or runaway memory is a finding. Loaded configurations
// are also checked to print and load back to the same text (README: print-config
// "loads back to the same configuration") and to resolve into weekly tables
// (a ResolveError is a refusal, as `chainsim run` reports it).
//
// Build and run: scripts/fuzz (clang++-14, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "forecast/resolve.hpp"
#include "io/config_toml.hpp"
#include "io/errors.hpp"

namespace {

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_config: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  chainsim::forecast::ScenarioSet set;
  try {
    set = chainsim::io::load_config_text(text, "fuzz");
  } catch (const chainsim::io::ConfigError&) {
    return 0;  // a refusal with a message: the expected outcome for most inputs
  }

  // What print-config writes must load back to the same configuration.
  try {
    const chainsim::forecast::ScenarioSet again = chainsim::io::load_config_text(set.resolved_toml, "fuzz-resolved");
    if (again.resolved_toml != set.resolved_toml) {
      finding("the resolved configuration does not load back to itself",
              "--- first ---\n" + set.resolved_toml + "\n--- reloaded ---\n" + again.resolved_toml);
    }
  } catch (const chainsim::io::ConfigError& e) {
    finding("the resolved configuration is refused when loaded back", std::string(e.what()) + "\n" + set.resolved_toml);
  }

  // Every scenario resolves into weekly tables or is refused with a ResolveError.
  for (const chainsim::forecast::Config& c : set.scenarios) {
    try {
      (void)chainsim::forecast::resolve(c);
    } catch (const chainsim::forecast::ResolveError&) {}
  }
  return 0;
}
