#pragma once
// chainsim's own wording for command-line errors (issue 20): CLI11's checks
// are replaced by validators that say what was expected and what was given
// ("--paths: expected a whole number from 1 to 100000000, got 'abc'"), and its
// parse errors are rewritten with the `chainsim:` prefix and, for an unknown
// option or command, the nearest known one ("did you mean --paths?").
// Header-only: used by app/main.cpp alone.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace chainsim::app::cli {

// A whole number in [lo, hi], written in digits (no exponent, no fraction).
inline CLI::Validator whole_number(std::int64_t lo, std::int64_t hi) {
  const std::string expected = "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [=](std::string& v) -> std::string {
        std::int64_t x = 0;
        const auto* end = v.data() + v.size();
        const auto r = std::from_chars(v.data(), end, x);
        if (v.empty() || r.ec != std::errc() || r.ptr != end || x < lo || x > hi) return expected + ", got '" + v + "'";
        return {};
      },
      std::to_string(lo) + " to " + std::to_string(hi));
}

// A finite number in [lo, hi].
inline CLI::Validator number(double lo, double hi) {
  const std::string expected =
      "expected a number from " + CLI::detail::to_string(lo) + " to " + CLI::detail::to_string(hi);
  return CLI::Validator(
      [=](std::string& v) -> std::string {
        double x = 0;
        const auto* end = v.data() + v.size();
        const auto r = std::from_chars(v.data(), end, x);
        if (v.empty() || r.ec != std::errc() || r.ptr != end || !(x >= lo && x <= hi))
          return expected + ", got '" + v + "'";
        return {};
      },
      CLI::detail::to_string(lo) + " to " + CLI::detail::to_string(hi));
}

// A probability strictly between 0 and 1 (a risk level alpha).
inline CLI::Validator probability() {
  const std::string expected = "expected a number strictly between 0 and 1";
  return CLI::Validator(
      [=](std::string& v) -> std::string {
        double x = 0;
        const auto* end = v.data() + v.size();
        const auto r = std::from_chars(v.data(), end, x);
        if (v.empty() || r.ec != std::errc() || r.ptr != end || !(x > 0.0 && x < 1.0))
          return expected + ", got '" + v + "'";
        return {};
      },
      "0 < x < 1");
}

// A calendar date written YYYY-MM-DD that exists (2023-02-29 does not).
inline CLI::Validator calendar_date() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        bool shaped = v.size() == 10;
        for (std::size_t i = 0; shaped && i < v.size(); ++i)
          shaped = i == 4 || i == 7 ? v[i] == '-' : v[i] >= '0' && v[i] <= '9';
        if (!shaped) return "expected a date YYYY-MM-DD, got '" + v + "'";
        const int y = std::stoi(v.substr(0, 4));
        const auto m = static_cast<unsigned>(std::stoi(v.substr(5, 2)));
        const auto d = static_cast<unsigned>(std::stoi(v.substr(8, 2)));
        if (!std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}.ok())
          return "expected a date YYYY-MM-DD that exists, got '" + v + "'";
        return {};
      },
      "YYYY-MM-DD");
}

// An output file name ending in .h5 or .nc (more than the extension alone).
inline CLI::Validator output_file() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        const auto ext = std::filesystem::path(v).extension();
        return (ext == ".h5" || ext == ".nc") && std::filesystem::path(v).filename() != ext
                   ? std::string()
                   : "expected a file name ending in .h5 or .nc, got '" + v + "'";
      },
      "");
}

// The date a calendar_date() validator accepted.
inline std::chrono::sys_days parse_calendar_date(const std::string& v) {
  return std::chrono::sys_days{std::chrono::year{std::stoi(v.substr(0, 4))} /
                               std::chrono::month{static_cast<unsigned>(std::stoi(v.substr(5, 2)))} /
                               std::chrono::day{static_cast<unsigned>(std::stoi(v.substr(8, 2)))}};
}

// One of `names`, with a "did you mean" for a near miss.
inline std::string nearest(const std::string& word, const std::vector<std::string>& candidates);
inline CLI::Validator one_of(std::vector<std::string> names) {
  std::string list, braces;
  for (std::size_t i = 0; i < names.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    braces += (i == 0 ? "" : ",") + names[i];
  }
  return CLI::Validator(
      [=](std::string& v) -> std::string {
        if (std::find(names.begin(), names.end(), v) != names.end()) return {};
        const std::string near = nearest(v, names);
        return "expected " + list + ", got '" + v + "'" + (near.empty() ? "" : "; did you mean " + near + "?");
      },
      "{" + braces + "}");
}

// Levenshtein distance, for "did you mean".
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The candidate nearest to `word` (a prefix of it, or at most a third of its
// letters away), or "" when none is near.
inline std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = c.starts_with(word) && word.size() > 2 ? 1 : edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

// The subcommand being parsed when the error came, or the top-level app.
inline const CLI::App& active(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return s->parsed(); })) return *sub;
  return app;
}

inline std::vector<std::string> option_names(const CLI::App& a) {
  std::vector<std::string> names;
  for (const CLI::Option* o : a.get_options()) {
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
  }
  return names;
}

inline std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(s->get_name());
  return names;
}

// The message for a parse error (not --help or --version), without the prefix.
inline std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e) {
  const CLI::App& where = active(app);
  const std::string command = &where == &app ? "chainsim" : "chainsim " + where.get_name();
  const std::string help = "; see '" + command + " --help'";
  const std::string what = e.what();
  // Our own validators already say what was expected and what was given.
  if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr) return what;
  // Words CLI11 could not place (it reports a missing command before them).
  if (const std::vector<std::string> extras = app.remaining(true);
      !extras.empty() && (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr ||
                          dynamic_cast<const CLI::RequiredError*>(&e) != nullptr)) {
    const std::string& word = extras.front();
    if (word.starts_with("-")) {
      const std::string key = word.substr(0, word.find('='));
      const std::string near = nearest(key, option_names(where));
      return "unknown option '" + word + "' for " + command + (near.empty() ? help : "; did you mean " + near + "?");
    }
    if (&where == &app) {
      const std::string near = nearest(word, command_names(app));
      return "unknown command '" + word + "'" + (near.empty() ? "" : "; did you mean " + near + "?") +
             " (the commands: run, plan, validate, print-config, calibrate, backtest)";
    }
    return "unexpected argument '" + word + "' for " + command + help;
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    if (what.starts_with("A subcommand")) {
      return "a command is needed: run, plan, validate, print-config, calibrate or backtest; see 'chainsim --help'";
    }
    const std::string name = what.substr(0, what.find(" is required"));
    return (name == "config" ? std::string("the configuration file") : name) + " is missing; usage: " + command +
           (name == "config" ? " FILE.toml" : " " + name);
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    return what.substr(0, what.find(':')) + ": expected a value after it" + help;
  }
  return what + help;
}

}  // namespace chainsim::app::cli
