// The chainsim command: parses the command line, calls the library, and is the
// one place where exceptions become messages and exit statuses.
#include "app/backtest_command.hpp"
#include "app/calibrate_command.hpp"
#include "app/checkpoint.hpp"
#include "app/exit_codes.hpp"
#include "app/log.hpp"
#include "app/output_lock.hpp"
#include "app/run_command.hpp"
#include "app/signals.hpp"
#include "core/philox_lanes.hpp"
#include "forecast/provenance.hpp"
#include "io/config_docs.hpp"
#include "io/config_toml.hpp"
#include "io/errors.hpp"
#include "io/h5file.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <system_error>

#ifndef CHAINSIM_VERSION
#define CHAINSIM_VERSION "unknown"
#endif
// The repository's data/ directory, compiled in (app/CMakeLists.txt), so that
// `chainsim calibrate` and `chainsim backtest` work from a plain clone without
// naming it.
#ifndef CHAINSIM_DATA_DIR
#define CHAINSIM_DATA_DIR "data"
#endif

namespace {

using namespace chainsim;

ScenarioSet load(const std::string& config_path) {
  return config_path.empty() ? io::load_seed() : io::load_config_file(config_path);
}

int run_main(int argc, char** argv) {
  CLI::App app{"chainsim: Monte Carlo forecasts of the Dutch asylum reception chain.\n"
               "Without a configuration file, `run` runs the embedded seed scenario (June 2022)."};
  app.set_version_flag("--version", std::string("chainsim ") + CHAINSIM_VERSION + " (commit " +
                                       chainsim::chainsim_git_commit() + ")");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success; 64 bad command line; 65 configuration error (or unusable checkpoint);\n"
      "66 input file missing or unreadable; 69 not enough memory; 70 internal error; 73 output cannot be\n"
      "created: exists without --force, another run is writing it (its lock <output>.lock is held), its\n"
      "name is not UTF-8 or too long, or not enough disk space (pre-flight); 74 I/O error while writing\n"
      "(a full disk included);\n"
      "75 stopped by SIGTERM/SIGINT/SIGHUP after saving a checkpoint: rerun the same command with --resume.");

  std::string config_path;
  app::RunOverrides ov;
  std::int64_t paths = 0;
  int weeks = 0;
  std::uint64_t seed = 0;
  std::string out, backend = "openmp", log_level = "info";
  int window = 0;

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
  std::string simd = "auto";
  run->add_option("--simd", simd,
                  "SIMD instruction set of the kernel's lanes, at most (default auto: the widest the CPU has); "
                  "results do not depend on it")
      ->check(CLI::IsMember({"auto", "avx512", "avx2", "off"}));
  run->add_flag("--quiet", ov.quiet, "print nothing but errors");
  run->add_option("--log-level", log_level, "log lines on stderr from this level on")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  run->add_flag("--resume", ov.resume,
                "continue an interrupted run from its checkpoint (same configuration and options)");
  run->add_option("--checkpoint-interval", ov.checkpoint_seconds,
                  "seconds between checkpoints (default 300; 0: after every window of weeks)")
      ->check(CLI::Range(0.0, 1e9));
  run->add_option("--window-weeks", window,
                  "weeks simulated per window (default: as many as fit in 1 GiB); results do not depend on it")
      ->check(CLI::Range(1, 1560));
  run->add_flag("--force", ov.force, "replace existing output files (they are replaced only when the run succeeds)");

  std::string validate_path;
  CLI::App* validate = app.add_subcommand("validate", "check a configuration file and report the first problem");
  validate->add_option("config", validate_path, "configuration file (TOML)")->required();

  std::string print_path;
  CLI::App* print = app.add_subcommand("print-config", "print the resolved configuration (defaults filled in) as TOML");
  print->add_option("config", print_path, "configuration file (TOML); default: the embedded seed scenario");

  app::CalibrateOptions cal;
  const std::string data_help = std::string("data directory (default: the repository's data/, ") + CHAINSIM_DATA_DIR + ")";
  std::string cal_data = CHAINSIM_DATA_DIR, cal_out = "calibrated.toml", cal_report;
  CLI::App* calibrate = app.add_subcommand("calibrate", "fit the model to the data in DATA_DIR and write a configuration with sources");
  calibrate->add_option("data_dir", cal_data, data_help);
  calibrate->add_option("--out", cal_out, "configuration to write (default calibrated.toml)");
  calibrate->add_option("--report-dir", cal_report, "where calibration.md and calibration_fit.csv go (default: beside --out)");

  app::BacktestOptions bt;
  std::string bt_data = CHAINSIM_DATA_DIR, bt_out = "validation";
  bool bt_no_stocks = false;
  CLI::App* backtest = app.add_subcommand("backtest", "rolling-origin evaluation of the inflow forecast and the reception stocks");
  backtest->add_option("data_dir", bt_data, data_help);
  backtest->add_option("--out-dir", bt_out, "directory for backtest_*.csv, backtest.md and backtest_stock_scores.md");
  std::int64_t bt_paths = 0;
  backtest->add_option("--paths", bt_paths, "paths per origin (default 2000 for inflow, 1000 for stocks; when given, both)")
      ->check(CLI::Range(10, 1000000));
  backtest->add_flag("--no-stocks", bt_no_stocks, "backtest only the inflow, not the reception stocks");
  backtest->add_option("--origins", bt.max_origins, "only the first N origins (0 = all)")->check(CLI::Range(0, 100));
  backtest->add_option("--threads", bt.parallelism.threads, "worker threads (default: all cores)")->check(CLI::Range(1, 4096));

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
    if (run->count("--window-weeks")) ov.window_weeks = window;
    ov.parallelism.backend = parse_backend(backend);
    if (simd == "avx2") core::limit_simd(core::PhiloxIsa::Avx2);
    if (simd == "off") core::limit_simd(core::PhiloxIsa::Scalar);
    app::Log log(ov.quiet && !run->count("--log-level") ? app::LogLevel::Error : app::parse_log_level(log_level),
                 ::isatty(STDERR_FILENO) != 0);
    ScenarioSet set = load(config_path);
    // Calibrated values a user file inherits without stating them (issue: a
    // file with its own level and trend priors ran with the seed's calibrated
    // level-trend correlation without a word).
    if (const auto inherited = io::inherited_calibrated_keys(set); !inherited.empty()) {
      std::string keys;
      for (const auto& k : inherited) keys += (keys.empty() ? "" : ", ") + k;
      log.info(config_path + " does not state these calibrated keys; they keep the seed's calibrated values "
               "(chainsim print-config " + config_path + " shows each with its source): " + keys);
    }
    app::apply_overrides(set, ov);
    app::install_stop_handlers();
    app::run_scenarios(set, ov, std::cout, log);
  } else if (*validate) {
    const ScenarioSet set = load(validate_path);
    std::cout << validate_path << ": valid (" << set.names.size() << " scenario(s))\n";
  } else if (*print) {
    // Each key with its unit and where its value comes from (the user's file
    // and line, or the seed's note on its source); loads back as it is.
    std::cout << io::annotate(load(print_path)) << "\n";
  } else if (*calibrate) {
    cal.data_dir = cal_data;
    cal.out = cal_out;
    cal.report_dir = cal_report;
    app::calibrate(cal, std::cout);
  } else if (*backtest) {
    bt.data_dir = bt_data;
    bt.out_dir = bt_out;
    if (backtest->count("--paths")) bt.paths = bt.stock_paths = bt_paths;
    bt.stocks = !bt_no_stocks;
    app::backtest(bt, std::cout);
  }
  return exit_code::kOk;
}

}  // namespace

static int exit_status(int argc, char** argv) {
  try {
    return run_main(argc, argv);
  } catch (const io::ConfigError& e) {
    std::cerr << "chainsim: configuration error: " << e.what() << "\n";
    return exit_code::kConfig;
  } catch (const io::InputMissingError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kNoInput;
  } catch (const app::Interrupted& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kInterrupted;
  } catch (const app::CheckpointError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kConfig;
  } catch (const app::NoMemoryError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kUnavailable;
  } catch (const app::NoSpaceError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kCannotCreate;
  } catch (const app::OutputLockedError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kCannotCreate;
  } catch (const app::OutputExistsError& e) {
    std::cerr << "chainsim: " << e.what() << "\n";
    return exit_code::kCannotCreate;
  } catch (const io::h5::Error& e) {
    // Only ever raised while writing (the output's directory and name were
    // checked before the run): an I/O error, a full disk among them.
    std::cerr << "chainsim: cannot write output: " << e.what() << "\n";
    return exit_code::kIo;
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

int main(int argc, char** argv) {
  const int status = exit_status(argc, argv);
  // After a failed HDF5 create or close, HDF5's own exit-time cleanup would
  // crash (turning the status into 139) or loop: end without it, our output
  // flushed first.
  if (io::h5::exit_cleanup_unsafe()) {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(status);
  }
  return status;
}
