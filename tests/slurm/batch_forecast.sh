#!/usr/bin/env bash
# Forecasts submitted through a real Slurm (a one-node cluster started here by
# scripts/slurm/local-cluster) write the same bytes as the same runs started
# directly, the HDF5 file and every table:
#  1. a job that runs to its end;
#  2. a job stopped by Slurm's SIGTERM (as at its time limit), which exits 75
#     after saving a checkpoint, and its resubmission with --resume.
#
#   tests/slurm/batch_forecast.sh CHAINSIM_BINARY [mpi]
#
# With `mpi` the binary is the MPI build's and the jobs are
# scripts/slurm/forecast-mpi.sbatch over 2 ranks (srun starts them); the
# stopped job is resumed over 1 rank with 2 threads, and every output is
# compared with the serial program's (the same binary started directly).
#
# Exit 77 (CTest: skipped) when the machine cannot run a cluster: not root, or
# munge / slurm-wlm missing (scripts/bootstrap installs them).
set -euo pipefail
chainsim=$(readlink -f "$1")
mode=${2:-serial}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [ "$(id -u)" -ne 0 ]; then echo "skipped: a local Slurm needs root"; exit 77; fi
for tool in munged slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool not installed"; exit 77; }
done

work=$(mktemp -d /tmp/chainsim-slurm.XXXXXX)
cleanup() { "$root/scripts/slurm/local-cluster" stop "$work/cluster" || true; rm -rf "$work"; }
trap cleanup EXIT

if [ "$mode" = mpi ]; then
  batch=$root/scripts/slurm/forecast-mpi.sbatch
  job_size=(--ntasks=2 --cpus-per-task=1)
  stop_size=(--ntasks=2 --cpus-per-task=1)
  resume_size=(--ntasks=1 --cpus-per-task="$(nproc)")  # another number of ranks
  # Open MPI asks for this when its processes run as root (sbatch passes the
  # environment on to the job).
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
else
  batch=$root/scripts/slurm/forecast.sbatch
  job_size=(--cpus-per-task="$(nproc)")
  # One thread, so that it is still running when the signal comes on a
  # machine with many cores; the resumed job uses them all (results do not
  # depend on the number of threads).
  stop_size=(--cpus-per-task=1)
  resume_size=(--cpus-per-task="$(nproc)")
fi

eval "$("$root/scripts/slurm/local-cluster" start "$work/cluster")"
echo "cluster up: $(sinfo -h -o '%P %a %D %t')"

run_args=(--paths 400 --weeks 60 --quiet)
mkdir "$work/direct" "$work/batch"
(cd "$work/direct" && "$chainsim" run "$root/forecast/seed.toml" --out forecast.h5 --threads 1 "${run_args[@]}")

# --wait: sbatch returns when the job ends, with the job's exit code.
(cd "$work/batch" && CHAINSIM="$chainsim" sbatch --wait --quiet "${job_size[@]}" \
  "$batch" "$root/forecast/seed.toml" forecast.h5 "${run_args[@]}")
log=$(ls "$work"/batch/chainsim-forecast*.log)
cat "$log"

status=0
same_outputs() {  # DIR_A DIR_B: every output of A's run (not its manifest) in B, same bytes
  local compared=0 path f
  for path in "$1"/forecast*; do
    f=$(basename "$path")
    [ "$f" = forecast.h5.run.json ] && continue
    compared=$((compared + 1))
    if [ ! -f "$2/$f" ]; then echo "FAIL: $2 has no $f"; status=1; continue; fi
    if cmp -s "$path" "$2/$f"; then echo "same bytes: $f"; else echo "FAIL: $f differs"; status=1; fi
  done
  [ "$compared" -ge 5 ] || { echo "FAIL: the direct run wrote only $compared files"; status=1; }
  [ -f "$2/forecast.h5.run.json" ] || { echo "FAIL: $2 has no manifest"; status=1; }
}
same_outputs "$work/direct" "$work/batch"
# Over MPI the job's ranks made one run (not two runs of one rank each).
if [ "$mode" = mpi ] && ! grep -q '"ranks": 2' "$work/batch/forecast.h5.run.json"; then
  echo "FAIL: the MPI job's manifest does not list 2 ranks"; status=1
fi

# 2. Stopped and resumed: long enough (tens of seconds) to be stopped midway.
long_args=(--paths 6000 --weeks 104 --quiet --checkpoint-interval 0)
mkdir "$work/direct_long" "$work/stopped"
(cd "$work/direct_long" && "$chainsim" run "$root/forecast/seed.toml" --out forecast.h5 "${long_args[@]}")
job=$(cd "$work/stopped" && CHAINSIM="$chainsim" sbatch --parsable "${stop_size[@]}" \
  "$batch" "$root/forecast/seed.toml" forecast.h5 "${long_args[@]}")
job_state() { scontrol show job "$job" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
for _ in $(seq 300); do [ "$(job_state)" = RUNNING ] && break; sleep 0.2; done
sleep 4
scancel --signal=TERM "$job"
for _ in $(seq 600); do case "$(job_state)" in RUNNING|PENDING|COMPLETING) sleep 0.2 ;; *) break ;; esac; done
exit_code=$(scontrol show job "$job" | sed -n 's/.* ExitCode=\([0-9]*\):.*/\1/p')
echo "stopped job $job: $(job_state), exit code $exit_code"
if [ "$exit_code" != 75 ]; then echo "FAIL: the stopped job's exit code is '$exit_code', not 75"; status=1; fi
if [ -f "$work/stopped/forecast.h5" ]; then echo "FAIL: a stopped job left a file under the final name"; status=1; fi
(cd "$work/stopped" && CHAINSIM="$chainsim" sbatch --wait --quiet "${resume_size[@]}" \
  "$batch" "$root/forecast/seed.toml" forecast.h5 "${long_args[@]}" --resume)
same_outputs "$work/direct_long" "$work/stopped"
exit $status
