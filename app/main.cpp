// The chainsim command: parses the command line, calls the library, and is the
// one place where exceptions become messages and exit statuses.
#include "app/exit_codes.hpp"
#include "app/run_command.hpp"
#include "io/config_toml.hpp"
#include "io/errors.hpp"
#include "io/h5file.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <limits>
#include <system_error>

#ifndef CHAINSIM_VERSION
#define CHAINSIM_VERSION "unknown"
#endif
#ifndef CHAINSIM_GIT_COMMIT
#define CHAINSIM_GIT_COMMIT "unknown"
#endif

namespace {

using namespace chainsim;

ScenarioSet load(const std::string& config_path) {
  return config_path.empty() ? io::load_seed() : io::load_config_file(config_path);
}

int run_main(int argc, char** argv) {
  CLI::App app{"chainsim: Monte Carlo forecasts of the Dutch asylum reception chain.\n"
               "Without a configuration file, `run` runs the embedded seed scenario (June 2022)."};
  app.set_version_flag("--version", std::string("chainsim ") + CHAINSIM_VERSION + " (commit " + CHAINSIM_GIT_COMMIT + ")");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success; 64 bad command line; 65 configuration error; 66 input file missing or\n"
      "unreadable; 70 internal error; 73 output cannot be created; 74 I/O error while writing.");

  std::string config_path;
  app::RunOverrides ov;
  std::int64_t paths = 0;
  int weeks = 0;
  std::uint64_t seed = 0;
  std::string out, backend = "openmp";

  CLI::App* run = app.add_subcommand("run", "simulate every scenario and write the output file");
  run->add_option("config", config_path, "configuration file (TOML); default: the embedded seed scenario");
  run->add_option("--paths", paths, "number of Monte Carlo paths (overrides run.paths)")->check(CLI::Range(1, 100000000));
  run->add_option("--weeks", weeks, "horizon in weeks (overrides run.weeks)")->check(CLI::Range(1, 1560));
  // The same range as run.seed in a configuration file (TOML integers are 64-bit signed).
  run->add_option("--seed", seed, "random seed (overrides run.seed)")
      ->check(CLI::Range(std::uint64_t{0}, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())));
  run->add_option("--out", out, "output HDF5 file ending in .h5 or .nc (overrides output.path)")
      ->check([](const std::string& v) {
        const auto ext = std::filesystem::path(v).extension();
        return (ext == ".h5" || ext == ".nc") && std::filesystem::path(v).filename() != ext
                   ? std::string()
                   : "the output file name must end in .h5 or .nc";
      });
  run->add_option("--threads", ov.parallelism.threads, "worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 4096));
  run->add_option("--backend", backend, "parallel back end; results do not depend on it")
      ->check(CLI::IsMember({"openmp", "tbb"}));
  run->add_flag("--quiet", ov.quiet, "print nothing but errors");
  run->add_flag("--force", ov.force, "replace existing output files (they are replaced only when the run succeeds)");

  std::string validate_path;
  CLI::App* validate = app.add_subcommand("validate", "check a configuration file and report the first problem");
  validate->add_option("config", validate_path, "configuration file (TOML)")->required();

  std::string print_path;
  CLI::App* print = app.add_subcommand("print-config", "print the resolved configuration (defaults filled in) as TOML");
  print->add_option("config", print_path, "configuration file (TOML); default: the embedded seed scenario");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_code::kOk : exit_code::kUsage;
  }

  if (*run) {
    for (int i = 0; i < argc; ++i) ov.command_line += (i ? " " : "") + std::string(argv[i]);
    if (run->count("--paths")) ov.paths = paths;
    if (run->count("--weeks")) ov.weeks = weeks;
    if (run->count("--seed")) ov.seed = seed;
    if (run->count("--out")) ov.out = out;
    ov.parallelism.backend = parse_backend(backend);
    ScenarioSet set = load(config_path);
    app::apply_overrides(set, ov);
    app::run_scenarios(set, ov, std::cout, std::cerr);
  } else if (*validate) {
    const ScenarioSet set = load(validate_path);
    std::cout << validate_path << ": valid (" << set.names.size() << " scenario(s))\n";
  } else if (*print) {
    std::cout << load(print_path).resolved_toml;
  }
  return exit_code::kOk;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_main(argc, argv);
  } catch (const io::ConfigError& e) {
    std::cerr << "chainsim: configuration error: " << e.what() << "\n";
    return exit_code::kConfig;
  } catch (const io::InputMissingError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kNoInput;
  } catch (const app::OutputExistsError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kCannotCreate;
  } catch (const io::h5::Error& e) {
    std::cerr << "chainsim: cannot write output: " << e.what() << "\n";
    return exit_code::kCannotCreate;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "chainsim: I/O error: " << e.what() << "\n";
    return exit_code::kIo;
  } catch (const std::system_error& e) {
    std::cerr << "chainsim: I/O error: " << e.what() << "\n";
    return exit_code::kIo;
  } catch (const std::exception& e) {
    std::cerr << "chainsim: internal error: " << e.what() << "\n";
    return exit_code::kInternal;
  }
}
