#pragma once
// A configuration, or the data a configuration is derived from, that cannot
// be used. Defined beside the configuration types (forecast/config.hpp) so
// that the calibration's derivation (forecast/seed_calibration.hpp) reports
// a missing data row as every reader of configuration text does; io/errors.hpp
// names it io::ConfigError, and main.cpp turns it into exit status 65.
#include <stdexcept>
#include <string>
#include <utility>

namespace chainsim::forecast {

// A configuration that cannot be used: a TOML syntax error, an unknown key, a
// wrong type, a value out of range or an impossible combination. what() is the
// complete message for a human,
//   "<file>:<line>: key '<dotted.key>' = <value found>: <what is allowed>",
// and the parts are kept separately for callers and tests.
struct ConfigError : std::runtime_error {
  ConfigError(std::string file_, int line_, std::string key_, std::string found_, std::string allowed_)
      : std::runtime_error(format(file_, line_, key_, found_, allowed_)),
        file(std::move(file_)),
        line(line_),
        key(std::move(key_)),
        found(std::move(found_)),
        allowed(std::move(allowed_)) {}

  std::string file;
  int line = 0;         // 1-based; 0 when the problem has no line (file too large)
  std::string key;      // dotted key; empty for syntax errors
  std::string found;    // the value found, as TOML; empty when the key is missing
  std::string allowed;  // what is allowed (or the parser's description)

  static std::string format(const std::string& file, int line, const std::string& key, const std::string& found,
                            const std::string& allowed) {
    // Appended piece by piece: g++ 12 warns falsely (-Wrestrict) on "x" + string.
    std::string m = file;
    if (line > 0) m.append(":").append(std::to_string(line));
    m.append(": ");
    if (!key.empty()) {
      m.append("key '").append(key).append("'");
      if (found.empty()) {
        m.append(" is missing");
      } else {
        m.append(" = ").append(found);
      }
      m.append(": ");
    }
    return m.append(allowed);
  }
};

}  // namespace chainsim::forecast
