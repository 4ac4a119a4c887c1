#include "app/run_command.hpp"

#include "app/output_lock.hpp"
#include "app/plan_command.hpp"
#include "app/run_manifest.hpp"
#include "app/run_preflight.hpp"
#include "app/signals.hpp"
#include "core/model/byte_buffer.hpp"
#include "core/random/philox_lanes.hpp"
#include "forecast/ensemble.hpp"
#include "forecast/provenance.hpp"
#include "forecast/reduction.hpp"
#include "forecast/run_plan.hpp"
#include "forecast/run_progress.hpp"
#include "forecast/scenario_stages.hpp"
#include "forecast/window_series.hpp"
#include "io/checkpoint_store.hpp"
#include "io/config_toml.hpp"
#include "io/errors.hpp"
#include "io/h5file.hpp"
#include "io/output_file.hpp"
#include "io/run_estimate.hpp"
#include "io/run_output.hpp"
#include "io/terminal_summary.hpp"

#ifdef CHAINSIM_WITH_MPI
#include "forecast/mpi_reduction.hpp"
#endif

#include <algorithm>
#include <chrono>
#include <csignal>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>

// The stages themselves are in forecast/ (plan, simulate, reduce) and io/
// (estimate, assemble, write); docs/ARCHITECTURE.md follows a run through
// them. What is here is what only a command has: the output's lock, the
// choice between resuming and starting over, checkpoints on a timer and on a
// stop signal, the log and the manifest.
namespace chainsim::app {

namespace fs = std::filesystem;
using clock = std::chrono::steady_clock;

std::vector<fs::path> run_output_files(const fs::path& out) {
  std::vector<fs::path> files = io::run_outputs(out);
  files.push_back(out.string() + ".run.json");
  return files;
}

void apply_overrides(forecast::ScenarioSet& set, const RunOverrides& o) {
  for (forecast::Config& c : set.scenarios) {
    if (o.paths) c.run.paths = *o.paths;
    if (o.weeks) c.run.weeks = *o.weeks;
    if (o.seed) c.run.seed = *o.seed;
    if (o.out) c.output.path = o.out->string();
  }
  set.resolved_toml = io::to_toml(set);
}

void run_scenarios(const forecast::ScenarioSet& set, const RunOverrides& o, std::ostream& out, Log& rank_log) {
  const auto run_start = clock::now();
  // Under MPI (docs/cluster.md) rank 0 takes the lock, checks, writes the
  // per-path series, the checkpoints, the output and the manifest, and logs;
  // the other ranks simulate their paths and take part in each window's
  // gather and each checkpoint, silently.
#ifdef CHAINSIM_WITH_MPI
  const int ranks = forecast::mpi::world_size(), rank = forecast::mpi::world_rank();
#else
  const int ranks = 1, rank = 0;
#endif
  const bool writer = rank == 0;
  Log silent(LogLevel::Quiet, false);
  Log& log = writer ? rank_log : silent;
  RunManifest manifest;
  manifest.command_line = o.command_line;
  manifest.start_utc = utc_now();
  manifest.host = host_name();
  manifest.threads = forecast::effective_threads(o.parallelism);
  manifest.ranks = ranks;
#ifdef CHAINSIM_WITH_MPI
  manifest.rank_hosts = forecast::mpi::host_names();
#else
  manifest.rank_hosts = {manifest.host};
#endif
  manifest.backend = forecast::backend_name(o.parallelism.backend);
  manifest.simd = core::philox_isa_name(core::philox_best_isa());
  if (o.precision_options && o.precision) {
    manifest.precision_target = o.precision_options->target;
    manifest.precision_batch_paths = o.precision_options->batch_paths;
    manifest.precision_max_paths = o.precision_options->max_paths;
    manifest.precision_batches = o.precision->batches;
    manifest.precision_paths = o.precision->paths;
    manifest.precision_met = o.precision->met;
    manifest.precision_worst_relative_error = o.precision->worst_relative_error;
    manifest.precision_worst_figure = o.precision->worst_figure;
  }

  // Stage 1, the plan: a scenario that cannot be resolved stops the run
  // before any path is simulated or any file is created.
  forecast::RunPlan plan;
  try {
    plan = forecast::plan_run(set, o.window_weeks);
  } catch (const forecast::ScenarioResolveError& e) {
    throw io::ConfigError(set.source, 0, e.key, "", e.what());
  }
  const forecast::Config& base = plan.base;
  const fs::path output = base.output.path;
  const io::OutputLayout layout = io::output_layout(plan, set, output);
  const int window = plan.window;
  manifest.window_weeks = window;
  manifest.configuration_source = set.source;
  manifest.paths = base.run.paths;
  manifest.weeks = base.run.weeks;
  manifest.seed = base.run.seed;

  // The checks and the lock, on the writing rank only; its verdict is every
  // rank's (a failure there ends the run on every rank: app/main.cpp aborts
  // the MPI job with the writer's exit status).
  std::optional<OutputLock> lock;
  const std::string identity = "chainsim " + forecast::chainsim_version() + " (commit " +
                               forecast::chainsim_git_commit() + ")\n" + set.resolved_toml +
                               "\nwindow_weeks = " + std::to_string(window) + "\n";
  io::CheckpointStore store(output, identity);
  forecast::RunProgress progress;
  std::vector<char> saved, saved_baseline;
  io::RunEstimate e;
  auto prepare = [&] {
    // A name the run could not complete is refused before anything is looked
    // at or created. Existing outputs are never replaced without --force; a
    // directory never.
    check_output_names(output, layout, plan.specs.size(), base.run.weeks);
    if (std::error_code ec; fs::is_directory(output, ec))
      throw OutputExistsError("output " + output.string() + " is a directory");
    // One run per output: held until this function returns, so everything
    // below (the outputs, their temporaries, the checkpoint) is ours alone.
    lock.emplace(output, "chainsim run");
    if (!o.force)
      for (const auto& f : io::run_outputs(output))
        if (fs::exists(f)) throw OutputExistsError("output " + f.string() + " exists; use --force to replace it");

    // The checkpoint belongs to exactly this program and this resolved run.
    const std::string identity = "chainsim " + forecast::chainsim_version() + " (commit " +
                                 forecast::chainsim_git_commit() + ")\n" + set.resolved_toml +
                                 "\nwindow_weeks = " + std::to_string(window) + "\n";
    if (store.has_state()) {
      if (o.resume) {
        saved = store.load_state();
        if (store.has_baseline()) saved_baseline = store.load_baseline();
      } else if (o.force) {
        log.info("discarding the checkpoint of an unfinished run in " + store.directory().string());
        store.remove();
      } else {
        throw OutputExistsError("an unfinished run of " + output.string() + " left a checkpoint in " +
                                store.directory().string() + ": continue it with --resume, or start over with --force");
      }
    } else if (o.resume) {
      log.warn("no checkpoint in " + store.directory().string() + "; starting from the beginning");
    }

    e = io::estimate_run(plan, set.resolved_toml.size());
    if (o.preflight) {
      auto refine = [&](io::RunEstimate& est) {
        const auto t0 = clock::now();
        const io::Pilot pilot = io::run_pilot(plan, o.parallelism);
        log.debug("pre-flight pilot: the first " + std::to_string(pilot.paths) + " paths of each scenario in " +
                  std::to_string(std::chrono::duration<double>(clock::now() - t0).count()) + " s");
        io::refine_estimate(est, plan, pilot);
      };
      preflight(output, e, refine, saved.empty() ? 0.0 : checkpoint_bytes_on_disk(store.directory()), log);
      manifest.estimated_output_bytes = e.output_bytes();
      manifest.estimated_disk_bytes = e.disk_bytes();
    }
    remove_stale_temporaries(output, store.directory());
    store.create_directory();
  };
  std::exception_ptr prepare_error;
  if (writer) {
    try {
      prepare();
    } catch (...) {
      prepare_error = std::current_exception();
    }
  }
#ifdef CHAINSIM_WITH_MPI
  const bool prepared = forecast::mpi::broadcast(prepare_error ? 0 : 1) != 0;
#else
  const bool prepared = !prepare_error;
#endif
  if (prepare_error) std::rethrow_exception(prepare_error);
  if (!prepared) return;  // the writer failed and reports it; this rank has nothing to do
#ifdef CHAINSIM_WITH_MPI
  // The checkpoint rank 0 read (checked: its identity and checksums) is every
  // rank's: each restores the progress and its own paths from it.
  if (ranks > 1) {
    saved = forecast::mpi::broadcast_bytes(std::move(saved));
    saved_baseline = forecast::mpi::broadcast_bytes(std::move(saved_baseline));
  }
#endif
  // A resumed run relies on the window files the checkpoint counts as done:
  // all of them are read and their checksums verified now, so a damaged one
  // stops the run before it simulates on (65), not at the end.
  auto verify_windows = [&](std::size_t scenario, int up_to_week) {
    if (!writer) return;  // the window files are the writer's
    for (int first = 0; first < up_to_week && !layout.ensemble.empty(); first += window)
      store.open_window(scenario, first, io::window_file_bytes(plan, std::min(window, base.run.weeks - first)))
          .verify();
  };
  core::ByteReader reader(saved);
  bool mid_scenario = false;
  // Whether baseline.bin holds the baseline of this run (written once, at the
  // first state saved after the baseline is done).
  bool baseline_saved = false;
  if (!saved.empty()) {
    mid_scenario = forecast::restore_progress(reader, progress);
    if (!progress.done.empty()) {
      // A state after the baseline is saved only once baseline.bin is.
      if (saved_baseline.empty())
        throw io::CheckpointError("checkpoint " + store.directory().string() +
                                  " lacks baseline.bin, which its state needs; start over with --force");
      core::ByteReader baseline_reader(saved_baseline);
      forecast::restore_baseline(baseline_reader, progress);
      baseline_saved = true;
    }
    std::vector<char>().swap(saved_baseline);
    for (std::size_t s = 0; s < std::min(progress.scenario, plan.specs.size()); ++s) verify_windows(s, base.run.weeks);
    const bool all_simulated = progress.scenario >= plan.specs.size();
    progress.history.push_back(utc_now() + (all_simulated ? std::string(" resumed to write the output")
                                                          : " resumed scenario " + std::to_string(progress.scenario)));
    log.info(all_simulated
                 ? std::string("resuming from the checkpoint: every scenario is simulated; writing the output")
                 : "resuming from the checkpoint: scenario " + plan.names[progress.scenario]);
  }

  // A write that fails (a full disk, an I/O error: exit 74) leaves the last
  // saved checkpoint as it was, every file of it written atomically: say so,
  // and how to go on, before the error itself is reported.
  auto on_write_error = [&](const std::string& doing, const auto& write) {
    const std::string advice = doing + " failed; the checkpoint in " + store.directory().string() +
                               " is as it was: once the cause is fixed (a full disk: free some space), rerun the "
                               "same command with --resume";
    try {
      write();
    } catch (const std::system_error&) {
      log.error(advice);
      throw;
    } catch (const io::h5::Error&) {
      log.error(advice);
      throw;
    }
  };
  auto last_checkpoint = clock::now();
  // Inside a scenario every rank calls it (its paths are part of the state);
  // between scenarios the writer alone saves.
  auto checkpoint = [&](const forecast::EnsembleRunner* runner, const forecast::ScenarioSummarizer* summarizer,
                        const std::string& what) {
    progress.history.push_back(utc_now() + " " + what);
    std::function<void(core::ByteWriter&)> other_ranks_paths;
#ifdef CHAINSIM_WITH_MPI
    if (ranks > 1 && runner) {
      if (!writer) {
        forecast::mpi::send_part_to_root([&](core::ByteWriter& w) { runner->save_paths(w); });
        return;
      }
      other_ranks_paths = [](core::ByteWriter& w) { forecast::mpi::receive_parts(w); };
    }
#endif
    if (!writer) return;
    on_write_error("saving the checkpoint", [&] {
      if (!progress.done.empty() && !baseline_saved) {
        store.save_baseline([&](core::ByteWriter& w) { forecast::save_baseline(w, progress); });
        baseline_saved = true;
      }
      store.save_state([&](core::ByteWriter& w) { save_progress(w, progress, runner, summarizer, other_ranks_paths); });
    });
    last_checkpoint = clock::now();
    log.debug("checkpoint saved: " + what);
  };
  // After the checkpoint of a stop: the manifest says "interrupted", then exit 75.
  auto stop_after_checkpoint = [&](const std::string& where) {
    manifest.status = "interrupted";
    manifest.exit_status = 75;
    manifest.end_utc = utc_now();
    manifest.checkpoint_history = progress.history;
    if (writer) write_manifest((store.directory() / "run.json").string(), manifest);
    const int sig = stop_signal();
    const std::string name = sig == SIGTERM  ? "SIGTERM"
                             : sig == SIGINT ? "SIGINT"
                             : sig == SIGHUP ? "SIGHUP"
                                             : "signal " + std::to_string(sig);
    throw Interrupted("stopped by " + name + " " + where + "; checkpoint saved in " + store.directory().string() +
                      "; continue with the same command and --resume");
  };
  // A stop asked for on any rank stops every rank after the same window.
  auto stop_agreed = [&] {
#ifdef CHAINSIM_WITH_MPI
    if (ranks > 1) return forecast::mpi::any(stop_requested());
#endif
    return stop_requested();
  };
  // Whether a checkpoint is due: the writer's clock decides for every rank.
  auto checkpoint_due = [&] {
    const bool due = std::chrono::duration<double>(clock::now() - last_checkpoint).count() >= o.checkpoint_seconds;
#ifdef CHAINSIM_WITH_MPI
    if (ranks > 1) return forecast::mpi::broadcast(due ? 1 : 0) != 0;
#endif
    return due;
  };

  // Stages 2 and 3 per scenario: simulate this part's paths (here all of
  // them: SerialReduction) window by window, then reduce the scenario.
  const forecast::SummaryOptions sopt{base.output.quantiles, base.output.risk_levels, o.parallelism};
  const auto P = base.run.paths;
  std::unique_ptr<forecast::Reduction> reduction_part;
#ifdef CHAINSIM_WITH_MPI
  if (ranks > 1) reduction_part = std::make_unique<forecast::MpiReduction>(P, MPI_COMM_WORLD);
#endif
  if (!reduction_part) reduction_part = std::make_unique<forecast::SerialReduction>(P);
  forecast::Reduction& reduction = *reduction_part;
  const std::int64_t total_work = static_cast<std::int64_t>(plan.specs.size()) * P * base.run.weeks;
  std::vector<std::vector<char>> window_bytes;  // one window's per-path series, reused
  for (std::size_t s = progress.scenario; s < plan.specs.size(); ++s) {
    progress.scenario = s;
    const auto t0 = clock::now();
    forecast::EnsembleOptions eopt;
    eopt.paths = P;
    eopt.seed = base.run.seed;
    eopt.parallelism = o.parallelism;
    forecast::EnsembleRunner runner(plan.specs[s], eopt, reduction.local_paths());
    forecast::ScenarioSummarizer summarizer(plan.names[s], base.run.weeks, plan.regions(), P, plan.periods, sopt);
    if (mid_scenario) {
      runner.restore(reader);
      summarizer.restore(reader);
      mid_scenario = false;
      verify_windows(s, runner.next_week());
    }
    forecast::WindowCallbacks callbacks;
    if (!o.quiet)
      callbacks.progress = [&](int first_week, int weeks, std::int64_t paths_done) {
        const std::int64_t before = static_cast<std::int64_t>(s) * P * base.run.weeks + first_week * P;
        log.progress(plan.names[s], before + paths_done * weeks, total_work);
      };
    // After each window: its per-path series into the checkpoint, then a
    // checkpoint when a stop was asked for (and the stop) or one is due.
    double window_file_seconds = 0.0;
    callbacks.after_window = [&](const forecast::Ensemble&, const forecast::Ensemble& window_results) {
      if (writer) {
        const auto w0 = clock::now();
        window_variables(window_results, layout.ensemble, o.parallelism, window_bytes);
        on_write_error("saving a window of per-path series", [&] {
          store.save_window(s, window_results.first_week(), window_bytes, static_cast<std::size_t>(P),
                            io::OutputFile::kPathChunk);
        });
        window_file_seconds += std::chrono::duration<double>(clock::now() - w0).count();
      }
      const std::string where = "scenario " + std::to_string(s) + " week " + std::to_string(runner.next_week());
      if (stop_agreed()) {
        checkpoint(&runner, &summarizer, "interrupted at " + where);
        log.progress_done();
        stop_after_checkpoint("at " + where);
      }
      if (checkpoint_due() && !runner.done()) checkpoint(&runner, &summarizer, "saved at " + where);
    };
    const double simulate_seconds = forecast::simulate_scenario(runner, summarizer, window, reduction, callbacks);
    forecast::reduce_scenario(summarizer, progress, plan.names[s], o.parallelism);
    const double total = std::chrono::duration<double>(clock::now() - t0).count();
    manifest.scenarios.push_back({plan.names[s], simulate_seconds, total, window_file_seconds});
    log.progress_done();
    log.info("scenario " + plan.names[s] + ": " + std::to_string(P) + " paths x " + std::to_string(base.run.weeks) +
             " weeks simulated in " + std::to_string(simulate_seconds) + " s (" +
             std::to_string(static_cast<double>(P) * base.run.weeks / simulate_seconds) + " path-weeks/s)");
    progress.scenario = s + 1;
    if (s + 1 < plan.specs.size() && stop_agreed()) {
      // A stop that arrives during a scenario's last window is honoured here,
      // and recorded like one inside a scenario (manifest and history).
      checkpoint(nullptr, nullptr, "interrupted after scenario " + std::to_string(s));
      stop_after_checkpoint("at the end of scenario " + plan.names[s]);
    }
    if (s + 1 < plan.specs.size() && checkpoint_due())
      checkpoint(nullptr, nullptr, "saved after scenario " + std::to_string(s));
  }
  std::vector<std::vector<char>>().swap(window_bytes);
#ifdef CHAINSIM_WITH_MPI
  if (ranks > 1) {
    auto* m = static_cast<forecast::MpiReduction*>(&reduction);
    log.info("MPI: " + std::to_string(ranks) + " ranks; gathering the windows took " +
             std::to_string(m->gather_seconds()) + " s on rank 0 (" + std::to_string(m->received_bytes()) +
             " bytes received)");
  }
#endif
  // The other ranks are done: the writer alone assembles and writes.
  if (!writer) return;

  // Stage 4, assemble: the same sequence of writes whether or not the run was
  // interrupted. A stop signal is honoured here too (between blocks of
  // chunks): the partial file is abandoned and the checkpoint, which then
  // holds every scenario's results, lets --resume assemble again without
  // simulating.
  bool assembled = false;
  on_write_error("writing the output", [&] {
    // Over several ranks the others wait in MPI_Finalize while rank 0 writes;
    // a stop is not honoured here (the writing finishes), so that no rank is
    // ended by MPI_Abort while the output is being written.
    assembled = io::assemble_output(layout, plan, progress, store, o.parallelism,
                                    ranks > 1 ? +[]() noexcept { return false; } : stop_requested, o.add_to_output);
  });
  if (!assembled) {
    checkpoint(nullptr, nullptr, "interrupted while writing the output");
    stop_after_checkpoint("while writing the output");
  }
  // From here on the output is complete: a stop lets the few remaining small
  // writes finish rather than leave a complete output without its tables.
  if (stop_requested()) log.info("stop requested after the output was complete: finishing its tables and manifest");

  // Stage 5, write: the tables beside the HDF5 file, then the manifest.
  io::write_tables(layout, progress);
  manifest.end_utc = utc_now();
  manifest.wall_seconds = std::chrono::duration<double>(clock::now() - run_start).count();
  manifest.status = "completed";
  manifest.checkpoint_history = progress.history;
  for (const auto& f : io::run_outputs(output)) manifest.outputs.emplace_back(f.string(), fs::file_size(f));
  // The checkpoint at its largest (the run's end), beside the estimate.
  manifest.checkpoint_bytes = static_cast<std::uintmax_t>(checkpoint_bytes_on_disk(store.directory()));
  write_manifest(output.string() + ".run.json", manifest);
  store.remove();
  if (!o.quiet) {
    const std::string stem = io::table_stem(output);
    out << "chainsim: " << set.names.size() << " scenario(s), " << P << " paths x " << base.run.weeks << " weeks, "
        << layout.region_codes.size() << " region(s); output: " << output.string() << "; planning table: " << stem
        << ".planning.csv (.md), comparison: " << stem << ".comparison.csv (.md)\n";
    io::print_summary(out, progress.done, layout.periods, base.output.risk_levels);
  }
}

}  // namespace chainsim::app
