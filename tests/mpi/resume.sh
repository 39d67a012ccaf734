#!/bin/bash
# Checkpoint/resume: a run stopped by SIGTERM (one process), by SIGUSR1 through
# mpirun (Slurm's warning signal), by -tt_stop_after, or killed with SIGKILL leaves
# nothing at the final path; `--resume` (on another rank count) completes it, and
# the results are bitwise identical to an uninterrupted run. The SIGKILLed run's lock
# (OUT.lock) does not block the resume; no other way out leaves one. Resuming with
# another seed is refused with a message naming the seed and both values.
# usage: resume.sh TWINTRIAL PROTOCOL
set -uo pipefail
tt=$1 protocol=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0 n=0
R=6000
check() { n=$((n + 1)); if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
same() { # a b: every result group bitwise identical
  for g in /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; do
    h5diff -r "$out/$1" "$out/$2" $g $g >"$out/diff.txt" 2>&1 || { echo "  $g differs"; head -5 "$out/diff.txt"; return 1; }
  done
}
done_count() { h5dump -d /replicates/done "$out/$1" 2>/dev/null | grep -o ' 1' | wc -l; }
# signal_when_running SIG PID FILE [DELAY]: DELAY s (default 0.4) after the run has
# created FILE.tmp (its stop handlers are in place by then), send SIG. A fixed sleep
# from the start raced a fast machine that finished the whole run first.
signal_when_running() {
  for _ in $(seq 300); do [ -f "$out/$3.tmp" ] && break; sleep 0.05; done
  sleep "${4:-0.4}"
  kill -"$1" "$2"
}

"$tt" run "$protocol" -o "$out/ref.h5" --replicates $R --progress none >/dev/null 2>&1
check '[ -f "$out/ref.h5" ]' "uninterrupted reference run"

# SIGTERM to a single process
"$tt" run "$protocol" -o "$out/term.h5" --replicates $R --progress none >"$out/term.log" 2>&1 &
pid=$!; signal_when_running TERM $pid term.h5; wait $pid; rc=$?
check '[ $rc -eq 0 ] && grep -q resumable "$out/term.log"' "SIGTERM: exit 0 with a resumable message (rc $rc)"
check '[ ! -e "$out/term.h5" ] && [ -f "$out/term.h5.tmp" ]' "SIGTERM: nothing at the final path, a temporary file"
d=$(done_count term.h5.tmp)
check '[ "$d" -gt 0 ] && [ "$d" -lt $R ]' "SIGTERM: part of the replicates stored ($d of $R)"
mpirun -n 2 "$tt" run "$protocol" -o "$out/term.h5" --replicates $R --progress none --resume >"$out/term2.log" 2>&1
check 'same ref.h5 term.h5' "SIGTERM + resume on 2 ranks: bitwise identical to the uninterrupted run"

# SIGUSR1 through mpirun, as Slurm's --signal sends it
mpirun -n 2 "$tt" run "$protocol" -o "$out/usr1.h5" --replicates $R --progress none >"$out/usr1.log" 2>&1 &
pid=$!; signal_when_running USR1 $pid usr1.h5; wait $pid; rc=$?
check '[ $rc -eq 0 ] && grep -q resumable "$out/usr1.log" && [ ! -e "$out/usr1.h5" ]' "SIGUSR1 via mpirun: resumable stop (rc $rc)"
"$tt" run "$protocol" -o "$out/usr1.h5" --replicates $R --progress none --resume >/dev/null 2>&1
check 'same ref.h5 usr1.h5' "SIGUSR1 + resume on 1 rank: bitwise identical"

# SIGKILL: no chance to flush; whatever was flushed is recovered
# kill_after FILE DELAY... (the run's command after --): SIGKILL the run DELAY s after
# FILE.tmp appears; on a loaded machine nothing may be flushed by then, so try again
# with the next, longer delay (the killed run's .tmp and lock removed) until a
# replicate is stored. Sets d to the replicates stored.
kill_after() {
  local file=$1 delay
  shift
  local delays=()
  while [ "$1" != -- ]; do delays+=("$1"); shift; done
  shift
  for delay in "${delays[@]}"; do
    rm -f "$out/$file.tmp" "$out/$file.lock"
    "$@" >/dev/null 2>&1 &
    local pid=$!
    signal_when_running KILL $pid "$file" "$delay"; wait $pid 2>/dev/null
    d=$(done_count "$file.tmp")
    [ "$d" -gt 0 ] && return
  done
}
kill_after kill.h5 1.2 4 12 -- "$tt" run "$protocol" -o "$out/kill.h5" --replicates $R --progress none
check '[ ! -e "$out/kill.h5" ] && [ -f "$out/kill.h5.tmp" ]' "SIGKILL: nothing at the final path"
check '[ "$d" -gt 0 ]' "SIGKILL: the temporary file reopens and holds flushed replicates ($d)"
mpirun -n 3 --oversubscribe "$tt" run "$protocol" -o "$out/kill.h5" --replicates $R --progress none --resume >"$out/kill2.log" 2>&1
check 'grep -q "already stored" "$out/kill2.log" && grep -q "replaced the lock" "$out/kill2.log" && same ref.h5 kill.h5' \
  "SIGKILL + resume on 3 ranks: the stale lock replaced, bitwise identical"

# SIGKILL with every subject stored (staged in memory before it is written): a
# replicate marked done has its subjects on disk
root=$(cd "$(dirname "$protocol")" && pwd)
sed -e "s|^cohort: \.\./|cohort: $root/../|" -e 's|^output:.*|output: {subjects: all}|' "$protocol" >"$out/all.yaml"
grep -q '^output: {subjects: all}$' "$out/all.yaml" || echo "output: {subjects: all}" >>"$out/all.yaml"
"$tt" run "$out/all.yaml" -o "$out/allref.h5" --replicates 4000 --patients 100 --progress none >/dev/null 2>&1
kill_after allkill.h5 0.3 1 3 -- "$tt" run "$out/all.yaml" -o "$out/allkill.h5" --replicates 4000 --patients 100 \
  --progress none
mpirun -n 2 "$tt" run "$out/all.yaml" -o "$out/allkill.h5" --replicates 4000 --patients 100 --progress none --resume \
  >/dev/null 2>&1
check '[ "$d" -gt 0 ] && [ "$d" -lt 4000 ] && same allref.h5 allkill.h5' \
  "SIGKILL with subjects: all ($d of 4000 replicates done) + resume on 2 ranks: bitwise identical"

# deterministic stop, resume, refusal of a different seed
mpirun -n 2 "$tt" run "$protocol" -o "$out/stop.h5" --replicates 200 --progress none -tt_stop_after 70 >/dev/null 2>&1
"$tt" run "$protocol" -o "$out/stop.h5" --replicates 200 --progress none --resume --seed 99 >/dev/null 2>"$out/seed.err"; rc=$?
check '[ $rc -eq 1 ] && grep -q "trial.seed is [0-9]* there but 99 in this run" "$out/seed.err"' "resume with another seed is refused naming the seed (rc $rc)"
"$tt" run "$protocol" -o "$out/stop.h5" --replicates 200 --progress none --resume >/dev/null 2>&1
"$tt" run "$protocol" -o "$out/ref200.h5" --replicates 200 --progress none >/dev/null 2>&1
check 'same ref200.h5 stop.h5' "-tt_stop_after + resume: bitwise identical"
"$tt" run "$protocol" -o "$out/stop.h5" --replicates 200 --progress none --resume >"$out/again.log" 2>&1
check 'grep -q "nothing to resume" "$out/again.log"' "resume of a complete run does nothing"
check '[ -z "$(find "$out" -name "*.lock")" ]' "no lock file is left behind"

echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
