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

namespace {

// The plan of every scenario; one that cannot be resolved stops the run
// before any path is simulated or any file is created.
forecast::RunPlan plan_or_config_error(const forecast::ScenarioSet& set, std::optional<int> window_weeks) {
  try {
    return forecast::plan_run(set, window_weeks);
  } catch (const forecast::ScenarioResolveError& e) {
    throw io::ConfigError(set.source, 0, e.key, "", e.what());
  }
}

std::string signal_name(int sig) {
  return sig == SIGTERM  ? "SIGTERM"
         : sig == SIGINT ? "SIGINT"
         : sig == SIGHUP ? "SIGHUP"
                         : "signal " + std::to_string(sig);
}

// One `chainsim run`: its plan, the output's lock and checkpoint, the
// progress the stages hand on, and the manifest. run() is the life of the
// run; the other members are its steps.
//
// Under MPI (docs/cluster.md) rank 0 takes the lock, checks, writes the
// per-path series, the checkpoints, the output and the manifest, and logs;
// the other ranks simulate their paths and take part in each window's gather
// and each checkpoint, silently.
class RunSession {
 public:
  RunSession(const forecast::ScenarioSet& set, const RunOverrides& o, std::ostream& out, Log& rank_log)
      : set_(set),
        o_(o),
        out_(out),
        writer_(rank_ == 0),
        log_(writer_ ? rank_log : silent_),
        plan_(plan_or_config_error(set, o.window_weeks)),
        base_(plan_.base),
        output_(base_.output.path),
        layout_(io::output_layout(plan_, set, output_)),
        window_(plan_.window),
        store_(output_, "chainsim " + forecast::chainsim_version() + " (commit " + forecast::chainsim_git_commit() +
                            ")\n" + set.resolved_toml + "\nwindow_weeks = " + std::to_string(window_) + "\n") {
    start_manifest();
  }

  void run() {
    if (!prepare_on_writer()) return;  // the writer failed and reports it; this rank has nothing to do
    restore();
    last_checkpoint_ = clock::now();  // the timer starts with the simulation, after the pre-flight pilot
    // Stages 2 and 3 per scenario: simulate this part's paths (here all of
    // them: SerialReduction) window by window, then reduce the scenario.
    std::unique_ptr<forecast::Reduction> reduction;
#ifdef CHAINSIM_WITH_MPI
    if (ranks_ > 1) reduction = std::make_unique<forecast::MpiReduction>(base_.run.paths, MPI_COMM_WORLD);
#endif
    if (!reduction) reduction = std::make_unique<forecast::SerialReduction>(base_.run.paths);
    for (std::size_t s = progress_.scenario; s < plan_.specs.size(); ++s) simulate_scenario(s, *reduction);
    std::vector<std::vector<char>>().swap(window_bytes_);
#ifdef CHAINSIM_WITH_MPI
    if (ranks_ > 1) {
      auto* m = static_cast<forecast::MpiReduction*>(reduction.get());
      log_.info("MPI: " + std::to_string(ranks_) + " ranks; gathering the windows took " +
                std::to_string(m->gather_seconds()) + " s on rank 0 (" + std::to_string(m->received_bytes()) +
                " bytes received)");
    }
#endif
    // The other ranks are done: the writer alone assembles and writes.
    if (writer_) write_output();
  }

 private:
  void start_manifest() {
    manifest_.command_line = o_.command_line;
    manifest_.start_utc = utc_now();
    manifest_.host = host_name();
    manifest_.threads = forecast::effective_threads(o_.parallelism);
    manifest_.ranks = ranks_;
#ifdef CHAINSIM_WITH_MPI
    manifest_.rank_hosts = forecast::mpi::host_names();
#else
    manifest_.rank_hosts = {manifest_.host};
#endif
    manifest_.backend = forecast::backend_name(o_.parallelism.backend);
    manifest_.simd = core::philox_isa_name(core::philox_best_isa());
    if (o_.precision_options && o_.precision) {
      manifest_.precision_target = o_.precision_options->target;
      manifest_.precision_batch_paths = o_.precision_options->batch_paths;
      manifest_.precision_max_paths = o_.precision_options->max_paths;
      manifest_.precision_batches = o_.precision->batches;
      manifest_.precision_paths = o_.precision->paths;
      manifest_.precision_met = o_.precision->met;
      manifest_.precision_worst_relative_error = o_.precision->worst_relative_error;
      manifest_.precision_worst_figure = o_.precision->worst_figure;
    }
    manifest_.window_weeks = window_;
    manifest_.configuration_source = set_.source;
    manifest_.paths = base_.run.paths;
    manifest_.weeks = base_.run.weeks;
    manifest_.seed = base_.run.seed;
  }

  // The checks and the lock, on the writing rank only; its verdict is every
  // rank's (a failure there ends the run on every rank: app/main.cpp aborts
  // the MPI job with the writer's exit status). The checkpoint rank 0 read
  // (checked: its identity and checksums) is every rank's: each restores the
  // progress and its own paths from it.
  bool prepare_on_writer() {
    std::exception_ptr prepare_error;
    if (writer_) {
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
    if (!prepared) return false;
#ifdef CHAINSIM_WITH_MPI
    if (ranks_ > 1) {
      saved_ = forecast::mpi::broadcast_bytes(std::move(saved_));
      saved_baseline_ = forecast::mpi::broadcast_bytes(std::move(saved_baseline_));
    }
#endif
    return true;
  }

  void prepare() {
    // A name the run could not complete is refused before anything is looked
    // at or created. Existing outputs are never replaced without --force; a
    // directory never.
    check_output_names(output_, layout_, plan_.specs.size(), base_.run.weeks);
    if (std::error_code ec; fs::is_directory(output_, ec))
      throw OutputExistsError("output " + output_.string() + " is a directory");
    // One run per output: held until the session ends, so everything below
    // (the outputs, their temporaries, the checkpoint) is ours alone.
    lock_.emplace(output_, "chainsim run");
    if (!o_.force)
      for (const auto& f : io::run_outputs(output_))
        if (fs::exists(f)) throw OutputExistsError("output " + f.string() + " exists; use --force to replace it");

    // The checkpoint belongs to exactly this program and this resolved run
    // (the store's identity).
    if (store_.has_state()) {
      if (o_.resume) {
        saved_ = store_.load_state();
        if (store_.has_baseline()) saved_baseline_ = store_.load_baseline();
      } else if (o_.force) {
        log_.info("discarding the checkpoint of an unfinished run in " + store_.directory().string());
        store_.remove();
      } else {
        throw OutputExistsError("an unfinished run of " + output_.string() + " left a checkpoint in " +
                                store_.directory().string() +
                                ": continue it with --resume, or start over with --force");
      }
    } else if (o_.resume) {
      log_.warn("no checkpoint in " + store_.directory().string() + "; starting from the beginning");
    }

    io::RunEstimate e = io::estimate_run(plan_, set_.resolved_toml.size());
    if (o_.preflight) {
      auto refine = [&](io::RunEstimate& est) {
        const auto t0 = clock::now();
        const io::Pilot pilot = io::run_pilot(plan_, o_.parallelism);
        log_.debug("pre-flight pilot: the first " + std::to_string(pilot.paths) + " paths of each scenario in " +
                   std::to_string(std::chrono::duration<double>(clock::now() - t0).count()) + " s");
        io::refine_estimate(est, plan_, pilot);
      };
      preflight(output_, e, refine, saved_.empty() ? 0.0 : checkpoint_bytes_on_disk(store_.directory()), log_);
      manifest_.estimated_output_bytes = e.output_bytes();
      manifest_.estimated_disk_bytes = e.disk_bytes();
    }
    remove_stale_temporaries(output_, store_.directory());
    store_.create_directory();
  }

  // The progress of a resumed run, from the saved state.
  void restore() {
    reader_ = core::ByteReader(saved_);
    if (saved_.empty()) return;
    mid_scenario_ = forecast::restore_progress(reader_, progress_);
    if (!progress_.done.empty()) {
      // A state after the baseline is saved only once baseline.bin is.
      if (saved_baseline_.empty())
        throw io::CheckpointError("checkpoint " + store_.directory().string() +
                                  " lacks baseline.bin, which its state needs; start over with --force");
      core::ByteReader baseline_reader(saved_baseline_);
      forecast::restore_baseline(baseline_reader, progress_);
      baseline_saved_ = true;
    }
    std::vector<char>().swap(saved_baseline_);
    for (std::size_t s = 0; s < std::min(progress_.scenario, plan_.specs.size()); ++s)
      verify_windows(s, base_.run.weeks);
    const bool all_simulated = progress_.scenario >= plan_.specs.size();
    progress_.history.push_back(utc_now() + (all_simulated
                                                 ? std::string(" resumed to write the output")
                                                 : " resumed scenario " + std::to_string(progress_.scenario)));
    log_.info(all_simulated
                  ? std::string("resuming from the checkpoint: every scenario is simulated; writing the output")
                  : "resuming from the checkpoint: scenario " + plan_.names[progress_.scenario]);
  }

  // A resumed run relies on the window files the checkpoint counts as done:
  // all of them are read and their checksums verified now, so a damaged one
  // stops the run before it simulates on (65), not at the end.
  void verify_windows(std::size_t scenario, int up_to_week) {
    if (!writer_) return;  // the window files are the writer's
    for (int first = 0; first < up_to_week && !layout_.ensemble.empty(); first += window_)
      store_.open_window(scenario, first, io::window_file_bytes(plan_, std::min(window_, base_.run.weeks - first)))
          .verify();
  }

  // A write that fails (a full disk, an I/O error: exit 74) leaves the last
  // saved checkpoint as it was, every file of it written atomically: say so,
  // and how to go on, before the error itself is reported.
  template <class Write>
  void on_write_error(const std::string& doing, const Write& write) {
    const std::string advice = doing + " failed; the checkpoint in " + store_.directory().string() +
                               " is as it was: once the cause is fixed (a full disk: free some space), rerun the "
                               "same command with --resume";
    try {
      write();
    } catch (const std::system_error&) {
      log_.error(advice);
      throw;
    } catch (const io::h5::Error&) {
      log_.error(advice);
      throw;
    }
  }

  // Inside a scenario every rank calls it (its paths are part of the state);
  // between scenarios the writer alone saves.
  void checkpoint(const forecast::EnsembleRunner* runner, const forecast::ScenarioSummarizer* summarizer,
                  const std::string& what) {
    progress_.history.push_back(utc_now() + " " + what);
    std::function<void(core::ByteWriter&)> other_ranks_paths;
#ifdef CHAINSIM_WITH_MPI
    if (ranks_ > 1 && runner) {
      if (!writer_) {
        forecast::mpi::send_part_to_root([&](core::ByteWriter& w) { runner->save_paths(w); });
        return;
      }
      other_ranks_paths = [](core::ByteWriter& w) { forecast::mpi::receive_parts(w); };
    }
#endif
    if (!writer_) return;
    on_write_error("saving the checkpoint", [&] {
      if (!progress_.done.empty() && !baseline_saved_) {
        store_.save_baseline([&](core::ByteWriter& w) { forecast::save_baseline(w, progress_); });
        baseline_saved_ = true;
      }
      store_.save_state(
          [&](core::ByteWriter& w) { save_progress(w, progress_, runner, summarizer, other_ranks_paths); });
    });
    last_checkpoint_ = clock::now();
    log_.debug("checkpoint saved: " + what);
  }

  // After the checkpoint of a stop: the manifest says "interrupted", then exit 75.
  [[noreturn]] void stop_after_checkpoint(const std::string& where) {
    manifest_.status = "interrupted";
    manifest_.exit_status = 75;
    manifest_.end_utc = utc_now();
    manifest_.checkpoint_history = progress_.history;
    if (writer_) write_manifest((store_.directory() / "run.json").string(), manifest_);
    throw Interrupted("stopped by " + signal_name(stop_signal()) + " " + where + "; checkpoint saved in " +
                      store_.directory().string() + "; continue with the same command and --resume");
  }

  // A stop asked for on any rank stops every rank after the same window.
  bool stop_agreed() const {
#ifdef CHAINSIM_WITH_MPI
    if (ranks_ > 1) return forecast::mpi::any(stop_requested());
#endif
    return stop_requested();
  }

  // Whether a checkpoint is due: the writer's clock decides for every rank.
  bool checkpoint_due() const {
    const bool due = std::chrono::duration<double>(clock::now() - last_checkpoint_).count() >= o_.checkpoint_seconds;
#ifdef CHAINSIM_WITH_MPI
    if (ranks_ > 1) return forecast::mpi::broadcast(due ? 1 : 0) != 0;
#endif
    return due;
  }

  void simulate_scenario(std::size_t s, forecast::Reduction& reduction) {
    const auto P = base_.run.paths;
    const std::int64_t total_work = static_cast<std::int64_t>(plan_.specs.size()) * P * base_.run.weeks;
    const forecast::SummaryOptions sopt{base_.output.quantiles, base_.output.risk_levels, o_.parallelism};
    progress_.scenario = s;
    const auto t0 = clock::now();
    forecast::EnsembleOptions eopt;
    eopt.paths = P;
    eopt.seed = base_.run.seed;
    eopt.parallelism = o_.parallelism;
    forecast::EnsembleRunner runner(plan_.specs[s], eopt, reduction.local_paths());
    forecast::ScenarioSummarizer summarizer(plan_.names[s], base_.run.weeks, plan_.regions(), P, plan_.periods, sopt);
    if (mid_scenario_) {
      runner.restore(reader_);
      summarizer.restore(reader_);
      mid_scenario_ = false;
      verify_windows(s, runner.next_week());
    }
    forecast::WindowCallbacks callbacks;
    if (!o_.quiet)
      callbacks.progress = [&](int first_week, int weeks, std::int64_t paths_done) {
        const std::int64_t before = static_cast<std::int64_t>(s) * P * base_.run.weeks + first_week * P;
        log_.progress(plan_.names[s], before + paths_done * weeks, total_work);
      };
    // After each window: its per-path series into the checkpoint, then a
    // checkpoint when a stop was asked for (and the stop) or one is due.
    double window_file_seconds = 0.0;
    callbacks.after_window = [&](const forecast::Ensemble&, const forecast::Ensemble& window_results) {
      if (writer_) {
        const auto w0 = clock::now();
        window_variables(window_results, layout_.ensemble, o_.parallelism, window_bytes_);
        on_write_error("saving a window of per-path series", [&] {
          store_.save_window(s, window_results.first_week(), window_bytes_, static_cast<std::size_t>(P),
                             io::OutputFile::kPathChunk);
        });
        window_file_seconds += std::chrono::duration<double>(clock::now() - w0).count();
      }
      const std::string where = "scenario " + std::to_string(s) + " week " + std::to_string(runner.next_week());
      if (stop_agreed()) {
        checkpoint(&runner, &summarizer, "interrupted at " + where);
        log_.progress_done();
        stop_after_checkpoint("at " + where);
      }
      if (checkpoint_due() && !runner.done()) checkpoint(&runner, &summarizer, "saved at " + where);
    };
    const double simulate_seconds = forecast::simulate_scenario(runner, summarizer, window_, reduction, callbacks);
    forecast::reduce_scenario(summarizer, progress_, plan_.names[s], o_.parallelism);
    const double total = std::chrono::duration<double>(clock::now() - t0).count();
    manifest_.scenarios.push_back({plan_.names[s], simulate_seconds, total, window_file_seconds});
    log_.progress_done();
    log_.info("scenario " + plan_.names[s] + ": " + std::to_string(P) + " paths x " + std::to_string(base_.run.weeks) +
              " weeks simulated in " + std::to_string(simulate_seconds) + " s (" +
              std::to_string(static_cast<double>(P) * base_.run.weeks / simulate_seconds) + " path-weeks/s)");
    progress_.scenario = s + 1;
    if (s + 1 < plan_.specs.size() && stop_agreed()) {
      // A stop that arrives during a scenario's last window is honoured here,
      // and recorded like one inside a scenario (manifest and history).
      checkpoint(nullptr, nullptr, "interrupted after scenario " + std::to_string(s));
      stop_after_checkpoint("at the end of scenario " + plan_.names[s]);
    }
    if (s + 1 < plan_.specs.size() && checkpoint_due())
      checkpoint(nullptr, nullptr, "saved after scenario " + std::to_string(s));
  }

  // Stages 4 and 5, on the writer.
  void write_output() {
    // Assemble: the same sequence of writes whether or not the run was
    // interrupted. A stop signal is honoured here too (between blocks of
    // chunks): the partial file is abandoned and the checkpoint, which then
    // holds every scenario's results, lets --resume assemble again without
    // simulating.
    bool assembled = false;
    on_write_error("writing the output", [&] {
      // Over several ranks the others wait in MPI_Finalize while rank 0 writes;
      // a stop is not honoured here (the writing finishes), so that no rank is
      // ended by MPI_Abort while the output is being written.
      assembled = io::assemble_output(layout_, plan_, progress_, store_, o_.parallelism,
                                      ranks_ > 1 ? +[]() noexcept { return false; } : stop_requested, o_.add_to_output);
    });
    if (!assembled) {
      checkpoint(nullptr, nullptr, "interrupted while writing the output");
      stop_after_checkpoint("while writing the output");
    }
    // From here on the output is complete: a stop lets the few remaining small
    // writes finish rather than leave a complete output without its tables.
    if (stop_requested()) log_.info("stop requested after the output was complete: finishing its tables and manifest");

    // Write: the tables beside the HDF5 file, then the manifest.
    io::write_tables(layout_, progress_);
    manifest_.end_utc = utc_now();
    manifest_.wall_seconds = std::chrono::duration<double>(clock::now() - run_start_).count();
    manifest_.status = "completed";
    manifest_.checkpoint_history = progress_.history;
    for (const auto& f : io::run_outputs(output_)) manifest_.outputs.emplace_back(f.string(), fs::file_size(f));
    // The checkpoint at its largest (the run's end), beside the estimate.
    manifest_.checkpoint_bytes = static_cast<std::uintmax_t>(checkpoint_bytes_on_disk(store_.directory()));
    write_manifest(output_.string() + ".run.json", manifest_);
    store_.remove();
    if (!o_.quiet) {
      const std::string stem = io::table_stem(output_);
      out_ << "chainsim: " << set_.names.size() << " scenario(s), " << base_.run.paths << " paths x " << base_.run.weeks
           << " weeks, " << layout_.region_codes.size() << " region(s); output: " << output_.string()
           << "; planning table: " << stem << ".planning.csv (.md), comparison: " << stem << ".comparison.csv (.md)\n";
      io::print_summary(out_, progress_.done, layout_.periods, base_.output.risk_levels);
    }
  }

  const forecast::ScenarioSet& set_;
  const RunOverrides& o_;
  std::ostream& out_;
  const clock::time_point run_start_ = clock::now();
#ifdef CHAINSIM_WITH_MPI
  const int ranks_ = forecast::mpi::world_size(), rank_ = forecast::mpi::world_rank();
#else
  const int ranks_ = 1, rank_ = 0;
#endif
  const bool writer_;
  Log silent_{LogLevel::Quiet, false};
  Log& log_;
  RunManifest manifest_;
  const forecast::RunPlan plan_;
  const forecast::Config& base_;
  const fs::path output_;
  const io::OutputLayout layout_;
  const int window_;
  std::optional<OutputLock> lock_;  // from prepare() on, on the writer
  io::CheckpointStore store_;
  forecast::RunProgress progress_;
  std::vector<char> saved_, saved_baseline_;  // the checkpoint's state and baseline.bin, when resuming
  core::ByteReader reader_{nullptr, 0};       // over saved_: the state of the scenario resumed mid-way
  bool mid_scenario_ = false;
  bool baseline_saved_ = false;  // baseline.bin holds this run's baseline (written once, at the first state after it)
  clock::time_point last_checkpoint_;
  std::vector<std::vector<char>> window_bytes_;  // one window's per-path series, reused
};

}  // namespace

void run_scenarios(const forecast::ScenarioSet& set, const RunOverrides& o, std::ostream& out, Log& rank_log) {
  RunSession(set, o, out, rank_log).run();
}

}  // namespace chainsim::app
