#!/bin/bash
# test_slurm.sh TWINTRIAL — the Slurm job scripts on a real (throw-away, one-node)
# Slurm cluster on localhost: jobs/twintrial.sbatch, jobs/sweep.sbatch (array job
# submitted with sbatch --array, and self-submitted), jobs/collect, and the
# signal -> resumable stop -> requeue -> --resume cycle (with a stub binary that
# follows the contract, and with the real binary when it implements --resume), and
# the output lock: a second job on a running job's output fails at once, a requeued
# job whose twintrial was SIGKILLed replaces the stale lock and completes.
# Exit 0 pass, 1 fail, 77 skip (Slurm/munge not installed, or not root).
# Every wait has a deadline (TT_SLURM_TEST_BUDGET seconds in all, default 200); the
# EXIT trap stops every daemon this test started, by PID, and removes its directory
# (TT_SLURM_TEST_KEEP=DIR: copy the job directory, logs and results, to DIR first).
set -uo pipefail
export PATH=$PATH:/usr/sbin:/sbin
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tt=$(realpath "${1:?usage: test_slurm.sh TWINTRIAL}")
py=/usr/bin/python3
proto=$root/protocols/alzheimers_procova.yaml
budget=${TT_SLURM_TEST_BUDGET:-200}
fails=0

command -v slurmctld >/dev/null 2>&1 || { echo "SKIP: slurmctld not installed (apt-get install slurm-wlm munge)"; exit 77; }
command -v munged >/dev/null 2>&1 || { echo "SKIP: munged not installed (apt-get install munge)"; exit 77; }
$py -c 'import h5py' 2>/dev/null || { echo "FAIL: $py has no h5py (apt-get install python3-h5py)"; exit 1; }

# shellcheck source=cluster.sh
. "$here/cluster.sh"
tmp=$(mktemp -d /tmp/tt-slurm.XXXXXX)
chmod 711 "$tmp"   # munged wants o+x on its socket's directories
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -d "$tmp/cluster" ]; then
    echo "----- job logs"
    for f in "$tmp"/work/*.out; do [ -f "$f" ] && { echo "=== $f"; tail -n 40 "$f"; }; done
    _tt_dump_logs
  fi
  tt_cluster_stop
  if [ -n "${TT_SLURM_TEST_KEEP:-}" ] && [ -d "$tmp/work" ]; then
    rm -rf "$TT_SLURM_TEST_KEEP" && cp -a "$tmp/work" "$TT_SLURM_TEST_KEEP" && echo "kept the job directory in $TT_SLURM_TEST_KEEP"
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 1' INT TERM

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
elapsed() { echo "${SECONDS}s"; }
left() { echo $((budget - SECONDS)); }

# Open MPI refuses root unless told (also set by the job scripts).
[ "$(id -u)" -eq 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

tt_cluster_start "$tmp/cluster"
rc=$?
[ "$rc" -eq 77 ] && { echo "SKIP: cannot start a test cluster here"; exit 77; }
[ "$rc" -eq 0 ] || { echo "FAIL: could not start slurm"; exit 1; }
echo "cluster up after $(elapsed): $(sinfo -h -o '%P %D %c CPUs %T')"

mkdir -p "$tmp/work"
cd "$tmp/work" || exit 1
export TWINTRIAL=$tt

job_field() { scontrol show job "$1" 2>/dev/null | grep -o "$2=[^ ]*" | head -n 1 | cut -d= -f2; }
# Wait until job $1 has left the queue (or $2 seconds, capped by the budget).
wait_job() {
  local j=$1 limit=$2 t0=$SECONDS s
  [ "$limit" -gt "$(left)" ] && limit=$(left)
  while [ $((SECONDS - t0)) -lt "$limit" ]; do
    s=$(squeue -h -j "$j" -o %T 2>/dev/null)
    [ -z "$s" ] && return 0
    sleep 0.5
  done
  echo "timeout waiting for job $j ($(squeue -h -j "$j" -o '%i %T %r' | tr '\n' ';'))"
  return 1
}
# Every job (or array task) $1 ended COMPLETED with exit code 0:0.
check_completed() {
  local j=$1 what=$2 bad
  bad=$(scontrol -o show job "$j" 2>/dev/null | grep -v ' JobState=COMPLETED .* ExitCode=0:0 ' |
    grep -oE '^JobId=[0-9]+|JobState=[A-Z_]+|ExitCode=[0-9:]+' | tr '\n' ' ')
  if [ -n "$bad" ] || ! scontrol show job "$j" >/dev/null 2>&1; then
    fail "$what (job $j) did not complete: ${bad:-no record}"
  else
    ok "$what (job $j) completed"
  fi
}
h5_complete() { $py -c "import h5py,sys; sys.exit(0 if h5py.File(sys.argv[1],'r').attrs['complete']==1 else 1)" "$1" 2>/dev/null; }

# --- the stub: a twintrial that follows the resumable contract and nothing else --------
cat >"$tmp/stub-twintrial" <<'EOF'
#!/bin/bash
out= resume=0
while [ $# -gt 0 ]; do
  case $1 in -o) out=$2; shift ;; --resume) resume=1 ;; esac
  shift
done
if [ "$resume" = 1 ]; then
  grep -q stopped "$out.tmp" || { echo "stub: --resume but $out.tmp was not stopped" >&2; exit 1; }
  echo resumed >>"$out.tmp" && mv "$out.tmp" "$out" && echo "stub: resumed and complete"
  exit 0
fi
[ -e "$out.tmp" ] && { echo "stub: $out.tmp exists but no --resume" >&2; exit 1; }
trap 'echo stopped >>"$out.tmp"; echo "stub: interrupted, resumable with --resume" >&2; exit 0' USR1
trap 'echo "stub: SIGTERM (expected SIGUSR1)" >&2; exit 3' TERM
echo started >"$out.tmp"
for i in $(seq 1 1200); do sleep 0.1; done
echo "stub: never signalled" >&2
exit 4
EOF
chmod +x "$tmp/stub-twintrial"

# Once job $1 runs (its $2.tmp exists), send SIGUSR1 to its batch shell, as
# --signal=B:USR1@120 does before the time limit.
signal_when_running() {
  local j=$1 out=$2 t0=$SECONDS
  while [ ! -f "$out.tmp" ] && [ ! -f "$out" ] && [ $((SECONDS - t0)) -lt 60 ]; do sleep 0.2; done
  if [ -f "$out" ]; then
    echo "note: job $j finished before it could be signalled"
  elif [ -f "$out.tmp" ]; then
    sleep 1.5
    scancel --signal=USR1 --batch "$j" || fail "scancel --signal=USR1 --batch $j"
    echo "sent SIGUSR1 to job $j's batch shell at $(elapsed)"
  else
    fail "job $j did not start within 60 s: $(squeue -h -j "$j" -o '%T %r')"
  fi
}

# 1. the stub under twintrial.sbatch, launched by mpirun inside the allocation.
stub_out=$tmp/work/results/stub.h5
stub=$(TWINTRIAL=$tmp/stub-twintrial TT_LAUNCHER=mpirun TT_OUTPUT=$stub_out sbatch --parsable --job-name=stub \
  --ntasks=1 --time=5 "$root/jobs/twintrial.sbatch" "$proto") || { fail "sbatch of the stub run"; exit 1; }
echo "submitted stub run (mpirun): job $stub"

# 1b. the same with Slurm's own warning: --signal=B:USR1@55 with a one-minute limit
# fires 5-35 s into the run (slurmctld checks limits every 30 s); no signal = TIMEOUT.
timer_out=$tmp/work/results/timer.h5
timer=$(TWINTRIAL=$tmp/stub-twintrial TT_OUTPUT=$timer_out sbatch --parsable --job-name=timer --ntasks=1 \
  --time=1 --signal=B:USR1@55 "$root/jobs/twintrial.sbatch" "$proto") || { fail "sbatch of the timer run"; exit 1; }
echo "submitted stub run with --time=1 --signal=B:USR1@55 (srun): job $timer"

# 2. the real binary's resume (srun), when it has one: 3000 x 1000 twins take ~10 s on one rank.
probe=$("$tt" run "$proto" --resume --replicates 1 --patients 4 --progress none -o "$tmp/probe.h5" 2>&1)
real=
if [[ $probe == *"not available"* ]]; then
  echo "note: $tt does not implement --resume yet: real-binary resume part skipped"
else
  real_out=$tmp/work/results/real.h5
  real=$(TT_OUTPUT=$real_out sbatch --parsable --job-name=real --ntasks=1 --time=5 "$root/jobs/twintrial.sbatch" \
    "$proto" --replicates 3000 --patients 1000) || fail "sbatch of the real resume run"
  echo "submitted real resume run: job $real"
fi
signal_when_running "$stub" "$stub_out"
[ -n "$real" ] && signal_when_running "$real" "$real_out"

# 3. one real run on two ranks (srun).
single=$(sbatch --parsable --ntasks=2 --time=5 "$root/jobs/twintrial.sbatch" "$proto" \
  --replicates 20 --patients 100) || { fail "sbatch of twintrial.sbatch"; exit 1; }
echo "submitted single run: job $single"

# 4. a sample-size sweep: 5 tasks x 20 replicates.
sweep=$(TT_SWEEP=patients sbatch --parsable --array=0-4 --ntasks=1 --time=5 "$root/jobs/sweep.sbatch" "$proto" \
  patients 100:500:100 -- --replicates 20) || { fail "sbatch of sweep.sbatch"; exit 1; }
echo "submitted patients sweep: array job $sweep"

# 5. an effect-size sweep that submits itself (generated protocols).
msg=$(TT_SWEEP=emax TT_SBATCH_OPTS="--ntasks=1 --time=5" "$root/jobs/sweep.sbatch" "$proto" \
  effect:symptomatic_emax 0 2 4.1 -- --replicates 20 --patients 100 2>&1)
emax=$(echo "$msg" | sed -nE 's/^Submitted batch job ([0-9]+)$/\1/p')
[ -n "$emax" ] || { fail "self-submission of sweep.sbatch: $msg"; exit 1; }
echo "submitted effect sweep (self-submitted): array job $emax"

for j in "$single" "$sweep" "$emax"; do wait_job "$j" 90 || fail "job $j did not finish"; done
echo "single run and sweeps done at $(elapsed)"

# --- checks ------------------------------------------------------------------------------
check_completed "$single" "single run"
f=results/alzheimers_procova-$single.h5
if h5_complete "$f"; then ok "$f complete = 1"; else fail "$f missing or not complete"; fi
# Captured first: under pipefail, `summary | grep -q` fails whenever grep exits before
# summary has written its last line (summary then dies of SIGPIPE, as a filter should).
summ=$("$tt" summary "$f") && [[ $'\n'$summ == *$'\nprimary'* ]] && ok "twintrial summary $f" || fail "twintrial summary $f"
grep -q "srun --kill-on-bad-exit=1 --mpi=pmix" "twintrial-$single.out" || fail "single run not launched by srun --mpi=pmix"
r=$($py -c "import h5py,sys; print(h5py.File(sys.argv[1],'r')['provenance'].attrs['ranks'])" "$f" 2>/dev/null)
[ "$r" = 2 ] && ok "single run on $r ranks" || fail "single run on '$r' ranks, expected 2"

check_completed "$sweep" "patients sweep"
check_completed "$emax" "effect sweep"
for i in 0 1 2 3 4; do h5_complete "results/patients/task-$i.h5" || fail "results/patients/task-$i.h5 not complete"; done
for i in 0 1 2; do
  h5_complete "results/emax/task-$i.h5" || fail "results/emax/task-$i.h5 not complete"
  [ -f "results/emax/task-$i.yaml" ] || fail "results/emax/task-$i.yaml (generated protocol) missing"
done
"$tt" summary results/patients/task-4.h5 >/dev/null || fail "twintrial summary results/patients/task-4.h5"

# The power tables: one row per (value, analysis), sane numbers.
check_table() {   # dir parameter nvalues values...
  local dir=$1 param=$2 n=$3
  shift 3
  if ! $py "$root/jobs/collect" --strict "$dir" >"$dir.table" 2>"$dir.err"; then
    fail "jobs/collect $dir: $(cat "$dir.err")"
    return
  fi
  cat "$dir.table"
  $py - "$dir/power.csv" "$param" "$n" "$@" <<'EOF' && ok "power table $dir/power.csv" || fail "power table $dir/power.csv"
import csv, math, os, sys
path, param, n, values = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
cols = "parameter,value,analysis,power,power_mcse,mean_estimate,true_effect,bias,coverage,replicates,file".split(",")
with open(path) as fh:
    rd = csv.DictReader(fh)
    assert rd.fieldnames == cols, rd.fieldnames
    rows = list(rd)
analyses = sorted({r["analysis"] for r in rows})
assert analyses == ["primary", "procova", "unadjusted"], analyses
for a in analyses:
    got = [r["value"] for r in rows if r["analysis"] == a]
    assert got == values, (a, got, values)
for r in rows:
    assert r["parameter"] == param, r
    p, se, cov = float(r["power"]), float(r["power_mcse"]), float(r["coverage"])
    assert 0 <= p <= 1 and 0 <= cov <= 1 and abs(se - math.sqrt(p * (1 - p) / 20)) < 1e-9, r
    assert int(r["replicates"]) == 20, r
    assert math.isfinite(float(r["mean_estimate"])) and math.isfinite(float(r["bias"])), r
    assert os.path.isfile(r["file"]), r
    if param.startswith("effect:") and float(r["value"]) == 0:
        assert float(r["true_effect"]) == 0, r   # no effect, no true effect
EOF
}
check_table results/patients patients 5 100 200 300 400 500
check_table results/emax effect:symptomatic_emax 3 0 2 4.1

# The stubs: USR1 -> resumable stop -> requeue -> resumed to completion.
check_stub() {   # job out name launcher
  local j=$1 out=$2 name=$3 pat
  wait_job "$j" 90 || fail "$name job did not finish"
  check_completed "$j" "$name run"
  [ "$(job_field "$j" Restarts)" = 1 ] && ok "$name job requeued once" ||
    fail "$name job Restarts=$(job_field "$j" Restarts), expected 1"
  [ "$(tr '\n' ' ' <"$out" 2>/dev/null)" = "started stopped resumed " ] && ok "$name ran, stopped, resumed" ||
    fail "$name results: '$(cat "$out" 2>/dev/null)' (expected started stopped resumed)"
  for pat in "SIGUSR1 received" "$4" "resumable" "requeueing job $j" "resuming it" "complete: $out"; do
    grep -qF -- "$pat" "$name-$j.out" || fail "$name log lacks '$pat'"
  done
}
check_stub "$stub" "$stub_out" stub "mpirun -n 1"
check_stub "$timer" "$timer_out" timer "srun --kill-on-bad-exit=1 --mpi=pmix"

if [ -n "$real" ]; then
  wait_job "$real" 90 || fail "real resume job did not finish"
  check_completed "$real" "real resume run"
  if h5_complete "$real_out"; then ok "$real_out complete = 1"; else fail "$real_out not complete"; fi
  if grep -q "resuming it" "real-$real.out"; then
    grep -qi "resumable" "real-$real.out" || fail "real run log lacks 'resumable'"
    ok "real run stopped and resumed (restarts $(job_field "$real" Restarts))"
  fi
fi

# 6. One writer per output: a second job on an output that a running job writes fails
# at once, naming it; the first job's twintrial killed with SIGKILL (as a node failure
# would) leaves a stale lock, and the job requeued resumes past it to completion.
lock_out=$tmp/work/results/lock.h5
job_state() { scontrol -o show job "$1" 2>/dev/null | grep -oE 'JobState=[A-Z_]+ .*ExitCode=[0-9:]+' | sed 's/ .* / /'; }
l1=$(TT_OUTPUT=$lock_out TT_REQUEUE=0 sbatch --parsable --job-name=lock1 --ntasks=1 --time=5 \
  "$root/jobs/twintrial.sbatch" "$proto" --replicates 40000 --patients 100) || fail "sbatch of the lock job"
t0=$SECONDS
while { [ ! -f "$lock_out.tmp" ] || [ ! -s "$lock_out.lock" ]; } && [ $((SECONDS - t0)) -lt 60 ]; do sleep 0.2; done
holder=$(sed -n 's/^pid: //p' "$lock_out.lock" 2>/dev/null)
if [ -z "$holder" ]; then
  fail "lock job $l1 wrote no $lock_out.tmp and lock within 60 s: $(squeue -h -j "$l1" -o '%T %r')"
else
  sleep 1.5            # some replicates flushed
  kill -STOP "$holder" # still running and holding the output, but going nowhere meanwhile
  l2=$(TT_OUTPUT=$lock_out TT_REQUEUE=0 sbatch --parsable --job-name=lock2 --ntasks=1 --time=5 \
    "$root/jobs/twintrial.sbatch" "$proto" --replicates 40000 --patients 100) || fail "sbatch of the second lock job"
  wait_job "$l2" 60 || fail "the second job on $lock_out did not end"
  s2=$(job_state "$l2")
  if [ "$s2" = "JobState=FAILED ExitCode=1:0" ] && grep -q "another run is writing this output (host [^,]*, PID $holder, since" "lock2-$l2.out"; then
    ok "a second job on the same output failed at once, naming the running one ($s2)"
  else
    fail "second job on the same output: $s2; $(grep -m1 'twintrial: error' "lock2-$l2.out")"
  fi
  kill -KILL "$holder"
  wait_job "$l1" 60 || fail "the lock job did not end after SIGKILL"
  [ -s "$lock_out.lock" ] && [ -f "$lock_out.tmp" ] && [ ! -f "$lock_out" ] && ok "SIGKILL left a stale lock ($(job_state "$l1"))" ||
    fail "after SIGKILL: lock $(ls "$lock_out".* 2>/dev/null | tr '\n' ' ')"
  scontrol requeue "$l1" || fail "scontrol requeue $l1"
  wait_job "$l1" 90 || fail "the requeued lock job did not finish"
  check_completed "$l1" "requeued lock job"
  for pat in "resuming it" "replaced the lock" "already stored" "complete: $lock_out"; do
    grep -qF -- "$pat" "lock1-$l1.out" || fail "requeued lock job log lacks '$pat'"
  done
  if h5_complete "$lock_out" && [ ! -e "$lock_out.lock" ]; then ok "$lock_out complete, no lock left"; else fail "$lock_out not complete or lock left"; fi
fi

echo "total $(elapsed), $fails failure(s)"
[ "$fails" -eq 0 ]
