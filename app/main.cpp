// The chainsim command: parses the command line, calls the library, and is the
// one place where exceptions become messages and exit statuses.
#include "app/backtest_command.hpp"
#include "app/calibrate_command.hpp"
#include "io/checkpoint_store.hpp"
#include "app/cli_messages.hpp"
#include "app/exit_codes.hpp"
#ifdef CHAINSIM_WITH_MPI
#include <mpi.h>
#endif
#include "app/log.hpp"
#include "app/output_lock.hpp"
#include "app/plan_command.hpp"
#include "app/precision_run.hpp"
#include "app/report_command.hpp"
#include "app/run_command.hpp"
#include "app/sensitivity_command.hpp"
#include "app/signals.hpp"
#include "core/random/philox_lanes.hpp"
#include "forecast/provenance.hpp"
#include "io/config_docs.hpp"
#include "io/config_reference.hpp"
#include "io/config_toml.hpp"
#include "io/config_warnings.hpp"
#include "io/errors.hpp"
#include "io/h5file.hpp"
#include "io/scenario_diff.hpp"

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

// Whether this process is rank 0 of an MPI job, or not under MPI at all.
bool mpi_rank_zero() {
#ifdef CHAINSIM_WITH_MPI
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank == 0;
#else
  return true;
#endif
}

using namespace chainsim;
namespace cli = chainsim::app::cli;

forecast::ScenarioSet load(const std::string& config_path) {
  return config_path.empty() ? io::load_seed() : io::load_config_file(config_path);
}

int run_main(int argc, char** argv) {
  CLI::App app{
      "chainsim: Monte Carlo forecasts of the Dutch asylum reception chain.\n"
      "Without a configuration file, `run` runs the embedded seed scenario (June 2022)."};
  app.set_version_flag(
      "--version", std::string("chainsim ") + CHAINSIM_VERSION + " (commit " + forecast::chainsim_git_commit() + ")");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success; 64 bad command line; 65 configuration error (or unusable checkpoint);\n"
      "66 input file missing or unreadable; 69 not enough memory (report: Chromium, Python or the report\n"
      "script missing or failing); 70 internal error; 73 output cannot be\n"
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
  run->add_option("--paths", paths, "number of Monte Carlo paths (overrides run.paths)")
      ->check(cli::whole_number(1, 100000000));
  run->add_option("--weeks", weeks, "horizon in weeks (overrides run.weeks)")->check(cli::whole_number(1, 1560));
  // The same range as run.seed in a configuration file (TOML integers are 64-bit signed).
  run->add_option("--seed", seed, "random seed (overrides run.seed)")
      ->check(cli::whole_number(0, std::numeric_limits<std::int64_t>::max()));
  run->add_option("--out", out, "output HDF5 file ending in .h5 or .nc (overrides output.path)")
      ->check(cli::output_file());
  run->add_option("--threads", ov.parallelism.threads,
                  "worker threads (default: all cores); results do not depend on it")
      ->check(cli::whole_number(1, 4096));
  run->add_option("--backend", backend, "parallel back end; results do not depend on it")
      ->check(cli::one_of({"openmp", "tbb"}));
  std::string simd = "auto";
  run->add_option("--simd", simd,
                  "SIMD instruction set of the kernel's lanes and the weekly statistics, at most (default auto: the "
                  "widest the CPU has); "
                  "results do not depend on it")
      ->check(cli::one_of({"auto", "avx512", "avx2", "off"}));
  run->add_flag("--quiet", ov.quiet, "print nothing but errors");
  run->add_option("--log-level", log_level, "log lines on stderr from this level on")
      ->check(cli::one_of({"debug", "info", "warn", "error"}));
  run->add_flag("--resume", ov.resume,
                "continue an interrupted run from its checkpoint (same configuration and options)");
  run->add_option("--checkpoint-interval", ov.checkpoint_seconds,
                  "seconds between checkpoints (default 300; 0: after every window of weeks)")
      ->check(cli::number(0.0, 1e9));
  run->add_option("--window-weeks", window,
                  "weeks simulated per window (default: at most 13, as many as fit in 1 GiB); results do not "
                  "depend on it")
      ->check(cli::whole_number(1, 1560));
  run->add_flag("--force", ov.force, "replace existing output files (they are replaced only when the run succeeds)");
  // `--precision` (app/precision_run.hpp): the paths are chosen, not given.
  forecast::PrecisionOptions precision;
  CLI::Option* precision_opt =
      run->add_option("--precision", precision.target,
                      "relative Monte Carlo standard error to reach for the baseline's headline figures (mean "
                      "occupancy at each period's end, P(shortfall) of each period where 5-95 %): batches of paths "
                      "until met, then the run with that many paths")
          ->check(cli::number(1e-6, 1.0));
  precision_opt->excludes(run->get_option("--paths"));
  run->add_option("--max-paths", precision.max_paths, "with --precision: the path limit (default 100000)")
      ->check(cli::whole_number(2, 100000000))
      ->needs(precision_opt);
  run->add_option("--batch-paths", precision.batch_paths, "with --precision: paths per batch (default 1000)")
      ->check(cli::whole_number(2, 100000000))
      ->needs(precision_opt);

  app::PlanCommandOptions plan_opt;
  std::string plan_config, plan_out, plan_period = "quarter", plan_by, plan_log_level = "info";
  std::int64_t plan_paths = 0;
  int plan_lead = 0;
  CLI::App* plan = app.add_subcommand(
      "plan",
      "search the smallest housing quota and, per period, the smallest added regular capacity that keep "
      "the risk at or below --risk; write the plan table, the plan as a configuration, and the forecast "
      "under it (docs/plan.md)");
  plan->add_option("config", plan_config, "configuration file (TOML); default: the embedded seed scenario");
  plan->add_option("--risk", plan_opt.risk, "alpha: accepted probability of missing a target (default 0.05)")
      ->check(cli::probability());
  plan->add_option("--paths", plan_paths, "Monte Carlo paths of the search and of the forecast (default run.paths)")
      ->check(cli::whole_number(1, 100000000));
  plan->add_option("--period", plan_period, "periods of the capacity plan (default quarter)")
      ->check(cli::one_of({"quarter", "half-year"}));
  plan->add_option(
          "--quota-target", plan_opt.quota_target,
          "permit holders waiting in reception at most this many on --quota-by (default 6500: COA, October 2018)")
      ->check(cli::number(0.0, 1e9));
  plan->add_option("--quota-by", plan_by,
                   "date of the quota target, YYYY-MM-DD (default: 31 December of the year after run.start)")
      ->check(cli::calendar_date());
  plan->add_option("--lead-weeks", plan_lead,
                   "weeks from ordering places to their use (default capacity.adaptive.lead_weeks)")
      ->check(cli::whole_number(0, 20000));
  plan->add_option("--out", plan_out,
                   "output HDF5 file ending in .h5 or .nc; the plan's table and configuration go beside it "
                   "(default: output.path with -plan before the extension)")
      ->check(cli::output_file());
  plan->add_option("--threads", plan_opt.parallelism.threads,
                   "worker threads (default: all cores); results do not depend on it")
      ->check(cli::whole_number(1, 4096));
  plan->add_flag("--force", plan_opt.force, "replace existing output files (only when the plan succeeds)");
  plan->add_flag("--quiet", plan_opt.quiet, "print nothing but errors");
  plan->add_option("--log-level", plan_log_level, "log lines on stderr from this level on")
      ->check(cli::one_of({"debug", "info", "warn", "error"}));

  std::string validate_path;
  CLI::App* validate = app.add_subcommand("validate", "check a configuration file and report the first problem");
  validate->add_option("config", validate_path, "configuration file (TOML)")->required();

  std::string print_path;
  CLI::App* print = app.add_subcommand("print-config", "print the resolved configuration (defaults filled in) as TOML");
  print->add_option("config", print_path, "configuration file (TOML); default: the embedded seed scenario");
  bool print_reference = false;
  print->add_flag("--reference", print_reference,
                  "print the reference of every key (Markdown, as in docs/configuration.md) instead");

  app::CalibrateOptions cal;
  const std::string data_help =
      std::string("data directory (default: the repository's data/, ") + CHAINSIM_DATA_DIR + ")";
  std::string cal_data = CHAINSIM_DATA_DIR, cal_out = "calibrated.toml", cal_report;
  CLI::App* calibrate =
      app.add_subcommand("calibrate", "fit the model to the data in DATA_DIR and write a configuration with sources");
  calibrate->add_option("data_dir", cal_data, data_help);
  calibrate->add_option("--out", cal_out, "configuration to write (default calibrated.toml)");
  calibrate->add_option("--report-dir", cal_report,
                        "where calibration.md and calibration_fit.csv go (default: beside --out)");
  calibrate->add_flag("--force", cal.force, "replace existing output files");

  app::BacktestOptions bt;
  std::string bt_data = CHAINSIM_DATA_DIR, bt_out = "validation";
  bool bt_no_stocks = false;
  CLI::App* backtest =
      app.add_subcommand("backtest", "rolling-origin evaluation of the inflow forecast and the reception stocks");
  backtest->add_option("data_dir", bt_data, data_help);
  backtest->add_option("--out-dir", bt_out, "directory for backtest_*.csv, backtest.md and backtest_stock_scores.md");
  std::int64_t bt_paths = 0;
  backtest
      ->add_option("--paths", bt_paths, "paths per origin (default 2000 for inflow, 1000 for stocks; when given, both)")
      ->check(cli::whole_number(10, 1000000));
  backtest->add_flag("--no-stocks", bt_no_stocks, "backtest only the inflow, not the reception stocks");
  backtest->add_option("--origins", bt.max_origins, "only the first N origins (0 = all)")
      ->check(cli::whole_number(0, 100));
  std::string bt_config;
  backtest->add_option("--config", bt_config,
                       "start every origin from this file's baseline scenario instead of the seed (what the data give "
                       "at an origin replaces its values)");
  backtest->add_option("--threads", bt.parallelism.threads, "worker threads (default: all cores)")
      ->check(cli::whole_number(1, 4096));

  app::SensitivityCommand sens;
  CLI::App* sensitivity = app.add_subcommand(
      "sensitivity", "which uncertain input drives the forecast's spread: Sobol' indices, table and tornado chart");
  sensitivity->add_option("config", sens.config, "configuration file (TOML); default: the embedded seed scenario");
  sensitivity
      ->add_option("--design", sens.design,
                   "rows N of the Saltelli design (default " + std::to_string(app::kDefaultDesignSize) +
                       "); N x (groups + 2 or 3) paths are simulated")
      ->check(cli::whole_number(16, 1000000));
  sensitivity->add_option("--horizons", sens.horizons, "years after the start or dates YYYY-MM-DD (default 1,3,5)")
      ->delimiter(',');
  sensitivity->add_option("--scenario", sens.scenario, "the scenario to analyse (default: the baseline)");
  sensitivity->add_option("--out-dir", sens.out_dir,
                          "directory for the CSV, Markdown and SVG files (default sensitivity)");
  sensitivity->add_option("--bootstrap", sens.bootstrap, "bootstrap replicates for the intervals (default 500)")
      ->check(cli::whole_number(10, 100000));
  sensitivity
      ->add_option("--threads", sens.parallelism.threads,
                   "worker threads (default: all cores); results do not depend on it")
      ->check(cli::whole_number(1, 4096));
  sensitivity->add_flag("--force", sens.force, "replace existing result files");
  sensitivity->add_flag("--quiet", sens.quiet, "print nothing but errors and the summary");

  app::ReportCommand rep;
  CLI::App* report = app.add_subcommand(
      "report", "the one-page LRT report of an output file: a self-contained HTML page and a PDF (docs/report.md)");
  report->add_option("file", rep.file, "HDF5 output of `chainsim run` or `chainsim plan`")->required();
  report->add_option("--out", rep.out, "the HTML page (default: FILE's stem + .report.html); the PDF goes beside it")
      ->check([](const std::string& v) {
        const auto ext = std::filesystem::path(v).extension();
        return (ext == ".html" || ext == ".htm") && std::filesystem::path(v).filename() != ext
                   ? std::string()
                   : "expected a file name ending in .html, got '" + v + "'";
      });
  report->add_option("--plan", rep.plan, "HDF5 output of `chainsim plan`: the plan's advice");
  report->add_option("--sensitivity", rep.sensitivity,
                     "the --out-dir of `chainsim sensitivity`: the sensitivity chart");
  report->add_option("--backtest", rep.backtest, "the --out-dir of `chainsim backtest` (e.g. validation): its summary");
  report->add_flag("--no-pdf", rep.no_pdf, "write the HTML page only (no Chromium needed)");
  report->add_option("--chromium", rep.chromium, "the Chromium that prints the PDF (default: chromium on PATH)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;  // --help, --version
  } catch (const CLI::ParseError& e) {
    std::cerr << "chainsim: " << cli::parse_error_message(app, e) << "\n";
    return exit_code::kUsage;
  }

  if (*run) {
    for (int i = 0; i < argc; ++i) ov.command_line += (i ? " " : "") + std::string(argv[i]);
    if (run->count("--paths")) ov.paths = paths;
    if (run->count("--weeks")) ov.weeks = weeks;
    if (run->count("--seed")) ov.seed = seed;
    if (run->count("--out")) ov.out = out;
    if (run->count("--window-weeks")) ov.window_weeks = window;
    ov.parallelism.backend = forecast::parse_backend(backend);
    if (simd == "avx2") core::limit_simd(core::PhiloxIsa::Avx2);
    if (simd == "off") core::limit_simd(core::PhiloxIsa::Scalar);
    // Under MPI only rank 0 logs (docs/cluster.md); the others report errors only.
    app::Log log(!mpi_rank_zero() || (ov.quiet && !run->count("--log-level")) ? app::LogLevel::Error
                                                                              : app::parse_log_level(log_level),
                 ::isatty(STDERR_FILENO) != 0);
    forecast::ScenarioSet set = load(config_path);
    // Calibrated values a user file inherits without stating them (issue: a
    // file with its own level and trend priors ran with the seed's calibrated
    // level-trend correlation without a word).
    if (const auto inherited = io::inherited_calibrated_keys(set); !inherited.empty()) {
      std::string keys;
      for (const auto& k : inherited) keys += (keys.empty() ? "" : ", ") + k;
      log.info(config_path +
               " does not state these calibrated keys; they keep the seed's calibrated values "
               "(chainsim print-config " +
               config_path + " shows each with its source): " + keys);
    }
    app::apply_overrides(set, ov);
    // What the file does beyond the baseline, and what it probably did not mean
    // (the same lines as `chainsim validate`), before the long part starts.
    for (const auto& n : io::config_notices(set, io::load_seed())) (n.warning ? log.warn(n.text) : log.info(n.text));
    for (const auto& line : io::scenario_change_report(set)) log.info(line);
    app::install_stop_handlers();
    if (run->count("--precision")) app::run_with_precision(set, ov, precision, std::cout, log);
    else app::run_scenarios(set, ov, std::cout, log);
  } else if (*plan) {
    for (int i = 0; i < argc; ++i) plan_opt.command_line += (i ? " " : "") + std::string(argv[i]);
    plan_opt.config_path = plan_config;
    if (plan->count("--paths")) plan_opt.paths = plan_paths;
    plan_opt.period = plan_period == "half-year" ? forecast::PeriodKind::HalfYear : forecast::PeriodKind::Quarter;
    if (plan->count("--quota-by")) plan_opt.quota_by = cli::parse_calendar_date(plan_by);
    if (plan->count("--out")) plan_opt.out = plan_out;
    if (plan->count("--lead-weeks")) plan_opt.lead_weeks = plan_lead;
    app::Log log(
        plan_opt.quiet && !plan->count("--log-level") ? app::LogLevel::Error : app::parse_log_level(plan_log_level),
        ::isatty(STDERR_FILENO) != 0);
    const forecast::ScenarioSet set = load(plan_config);
    for (const auto& n : io::config_notices(set, io::load_seed())) (n.warning ? log.warn(n.text) : log.info(n.text));
    app::plan(set, plan_opt, std::cout, log);
  } else if (*validate) {
    const forecast::ScenarioSet set = load(validate_path);
    std::cout << validate_path << ": valid (" << set.names.size() << " scenario(s))\n";
    for (const auto& n : io::config_notices(set, io::load_seed()))
      std::cout << (n.warning ? "warning: " : "note: ") << n.text << "\n";
    for (const auto& line : io::scenario_change_report(set)) std::cout << line << "\n";
  } else if (*print && print_reference) {
    std::cout << io::key_reference();
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
    if (!bt_config.empty()) bt.base = io::load_config_file(bt_config).scenarios[0];
    app::backtest(bt, std::cout);
  } else if (*sensitivity) {
    return app::sensitivity(sens, std::cout);
  } else if (*report) {
    return app::report(rep);
  }
  return exit_code::kOk;
}

template <class E>
bool is(const std::exception& e) {
  return dynamic_cast<const E*>(&e) != nullptr;
}

// How each failure ends the command: its message's label (between "chainsim: "
// and the exception's own text) and the exit status. The first row that
// matches wins, as in a catch chain.
struct FailureRule {
  bool (*matches)(const std::exception&);
  const char* label;
  int status;
};

constexpr FailureRule kFailureRules[] = {
    {is<io::ConfigError>, "configuration error: ", exit_code::kConfig},
    {is<io::InputMissingError>, "", exit_code::kNoInput},
    {is<app::Interrupted>, "", exit_code::kInterrupted},
    {is<io::CheckpointError>, "", exit_code::kConfig},
    {is<app::NoMemoryError>, "", exit_code::kUnavailable},
    {is<app::NoSpaceError>, "", exit_code::kCannotCreate},
    {is<app::OutputLockedError>, "", exit_code::kCannotCreate},
    {is<app::PlanUsageError>, "", exit_code::kUsage},
    {is<app::OutputExistsError>, "", exit_code::kCannotCreate},
    // Only ever raised while writing (the output's directory and name were
    // checked before the run): an I/O error, a full disk among them.
    {is<io::h5::Error>, "cannot write output: ", exit_code::kIo},
    // std::filesystem::filesystem_error among them.
    {is<std::system_error>, "I/O error: ", exit_code::kIo},
};

// Prints the message of the exception that ended the command; returns its exit status.
int report_failure(const std::exception& e) {
  for (const FailureRule& rule : kFailureRules) {
    if (rule.matches(e)) {
      std::cerr << "chainsim: " << rule.label << e.what() << "\n";
      return rule.status;
    }
  }
  std::cerr << "chainsim: internal error: " << e.what() << "\n";
  return exit_code::kInternal;
}

}  // namespace

static int exit_status(int argc, char** argv) {
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    return report_failure(e);
  }
}

int main(int argc, char** argv) {
#ifdef CHAINSIM_WITH_MPI
  // MPI build (docs/cluster.md): only the main thread calls MPI. A rank that
  // fails ends the whole job with its exit status (MPI_Abort), so that no
  // rank waits forever in a gather and mpirun reports the failure.
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  const int status = exit_status(argc, argv);
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  std::cout.flush();
  std::cerr.flush();
  if (status != exit_code::kOk && ranks > 1) MPI_Abort(MPI_COMM_WORLD, status);
  MPI_Finalize();
#else
  const int status = exit_status(argc, argv);
#endif
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
