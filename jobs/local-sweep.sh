#!/bin/bash
# local-sweep.sh — the parameter sweep of jobs/sweep.sbatch on a workstation, without
# Slurm: the tasks run one after another, each on all local cores (mpirun -n $TT_NP),
# then jobs/collect prints the power-curve table.
#
#   jobs/local-sweep.sh PROTOCOL [PARAMETER VALUE...] [-- twintrial run options]
#   e.g. jobs/local-sweep.sh protocols/alzheimers_procova.yaml patients 100:500:100 -- --replicates 200
#   jobs/local-sweep.sh --help          this text (no arguments: the same, on stderr, exit 1)
#
# Without PARAMETER the sweep is patients 100 200 ... 1000 (10 tasks). Arguments, the
# results layout (results/<sweep>/task-<i>.{h5,json,yaml}, power.csv) and the environment
# variables are those of jobs/sweep.sbatch; the sweep name defaults to
# <protocol>-<parameter>-local (TT_SWEEP overrides). Interrupting (Ctrl-C, SIGTERM) stops
# the running task resumably; running the same command again skips finished tasks and
# resumes the interrupted one. Needs a built build/twintrial (jobs/local.sh build)
# or TWINTRIAL=/path/to/twintrial.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# The comment block above, without its leading "# ".
usage() { sed -n '2,/^set -uo/{/^#/s/^# \{0,1\}//p}' "$0"; }
if [ $# -eq 0 ]; then
  usage >&2
  echo "local-sweep: no protocol given: nothing started" >&2
  exit 1
fi
for a in "$@"; do
  [ "$a" = -- ] && break
  case $a in -h | --help) usage; exit 0 ;; esac
done

protocol=protocols/alzheimers_procova.yaml
param=patients
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  protocol=$1
  [ $# -gt 1 ] && [ "${2#-}" = "$2" ] && param=$2
fi
n=$(TT_SWEEP_COUNT=1 bash "$root/jobs/sweep.sbatch" "$@") || exit 1

stem=$(basename "$protocol")
stem=${stem%.yaml}
stem=${stem%.yml}
export TT_SWEEP=${TT_SWEEP:-$stem-${param//:/_}-local}
export TT_LAUNCHER=${TT_LAUNCHER:-mpirun} TT_NP=${TT_NP:-$(nproc)}
export TWINTRIAL=${TWINTRIAL:-$root/build/twintrial}
export TT_JOBS_DIR=$root/jobs
# Open MPI refuses root unless told; more ranks than cores need oversubscription.
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
export OMPI_MCA_rmaps_base_oversubscribe=${OMPI_MCA_rmaps_base_oversubscribe:-1}

# Ctrl-C / SIGTERM: each task runs in its own session (setsid), so a terminal's Ctrl-C
# does not reach mpirun (which would kill the ranks at once); instead we send SIGTERM to
# the task's jobs/twintrial.sbatch, which forwards SIGUSR1 to mpirun, and twintrial stops
# resumably. The sweep stops after that task.
stop=0
task_pid=
trapped=0
trap 'stop=1; trapped=1; [ -n "$task_pid" ] && kill -TERM "$task_pid" 2>/dev/null' INT TERM
for ((i = 0; i < n; i++)); do
  TT_TASK=$i setsid bash "$root/jobs/sweep.sbatch" "$@" &
  task_pid=$!
  while :; do
    trapped=0
    wait "$task_pid"
    rc=$?
    [ "$trapped" = 1 ] && [ "$rc" -gt 128 ] && continue
    break
  done
  task_pid=
  [ "$rc" -eq 0 ] || { echo "local-sweep: task $i failed (status $rc)" >&2; exit "$rc"; }
  [ "$stop" = 1 ] && { echo "local-sweep: interrupted during task $i; run the same command again to resume" >&2; exit 130; }
done
exec /usr/bin/python3 "$root/jobs/collect" "${TT_RESULTS:-results}/$TT_SWEEP"
