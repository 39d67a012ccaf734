#!/bin/bash
# Results are never lost without a word (twintrial run -o OUT, and credibility which runs).
#   kept  an existing OUT is not overwritten without --force (exit 1, the file unchanged to
#         the byte, the message names --force); --force replaces it; a resumable OUT.tmp is
#         not discarded without --force (exit 1, the message names --resume); --resume over
#         an existing OUT is refused too; credibility follows the same rules; a resume
#         mismatch names the field that differs with both values; no OUT.lock is left on
#         any way out (success, refusal, bad protocol, -tt_stop_after, SIGTERM).
#   lock  one writer per output: while a run writes OUT (on 2 ranks), a second run (1 rank
#         with --resume, 2 ranks without) is refused within 10 s with a message naming the
#         first (host, PID, start time); the first is unharmed. A run killed with SIGKILL
#         leaves a stale lock that does not block --resume (on 2 ranks), and the resumed
#         results are bitwise identical to an uninterrupted run. Lock records as another
#         run would leave them: a live PID on this host is refused; a dead PID, a reused
#         PID (another start time), an earlier boot, an earlier start of this Slurm job are
#         stale; another host's is refused with advice and taken over with --force.
# usage: output_safety.sh TWINTRIAL PROTOCOL kept|lock
set -uo pipefail
tt=$1 protocol=$2 what=$3
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
fails=0 n=0
check() { n=$((n + 1)); if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
sha() { sha256sum <"$1" | cut -c1-64; }
msg() { grep -a -m1 '^twintrial: error: ' "$1" | cut -c1-400; }
A=(--patients 60 --progress none)
nolock() { [ ! -e "$work/$1.lock" ]; }
same() { # a b: every result group bitwise identical
  for g in /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; do
    h5diff -r "$work/$1" "$work/$2" $g $g >"$work/diff.txt" 2>&1 || { echo "  $g differs"; head -5 "$work/diff.txt"; return 1; }
  done
}

case $what in
kept)
  "$tt" run "$protocol" -o "$work/x.h5" --replicates 20 "${A[@]}" >/dev/null 2>&1
  s1=$(sha "$work/x.h5")
  check 'nolock x.h5' "a finished run leaves no lock file"
  "$tt" run "$protocol" -o "$work/x.h5" --replicates 5 "${A[@]}" >/dev/null 2>"$work/e1"; rc=$?
  check '[ $rc -eq 1 ] && [ "$(sha "$work/x.h5")" = "$s1" ] && grep -q -- "--force" "$work/e1" && [ ! -e "$work/x.h5.tmp" ] && nolock x.h5' \
    "an existing results file is kept, byte for byte (exit $rc: $(msg "$work/e1"))"
  mpirun -n 2 "$tt" run "$protocol" -o "$work/x.h5" --replicates 5 "${A[@]}" >/dev/null 2>"$work/e1b"; rc=$?
  check '[ $rc -eq 1 ] && [ "$(sha "$work/x.h5")" = "$s1" ] && [ "$(grep -c "^twintrial: " "$work/e1b")" -eq 1 ]' \
    "the same on 2 ranks: exit $rc, one message"
  "$tt" credibility "$protocol" -o "$work/x.h5" --replicates 5 "${A[@]}" >/dev/null 2>"$work/e2"; rc=$?
  check '[ $rc -eq 1 ] && [ "$(sha "$work/x.h5")" = "$s1" ] && grep -q -- "--force" "$work/e2"' \
    "credibility does not overwrite either (exit $rc)"
  "$tt" run "$protocol" -o "$work/x.h5" --replicates 5 "${A[@]}" --force >/dev/null 2>"$work/e3"; rc=$?
  r=$(/usr/bin/python3 -c "import h5py, sys; print(h5py.File(sys.argv[1], 'r').attrs['replicates'])" "$work/x.h5")
  check '[ $rc -eq 0 ] && [ "$(sha "$work/x.h5")" != "$s1" ] && [ "$r" = 5 ] && nolock x.h5' "--force replaces it (exit $rc, $r replicates)"

  "$tt" run "$protocol" -o "$work/y.h5" --replicates 400 "${A[@]}" -tt_stop_after 50 >/dev/null 2>&1
  check '[ -e "$work/y.h5.tmp" ] && [ ! -e "$work/y.h5" ] && nolock y.h5' "-tt_stop_after: a resumable y.h5.tmp, no lock left"
  t1=$(sha "$work/y.h5.tmp")
  for args in "" "--replicates 10" "--seed 5"; do
    # shellcheck disable=SC2086
    "$tt" run "$protocol" -o "$work/y.h5" --replicates 400 "${A[@]}" $args >/dev/null 2>"$work/e4"; rc=$?
    check '[ $rc -eq 1 ] && [ "$(sha "$work/y.h5.tmp")" = "$t1" ] && [ ! -e "$work/y.h5" ] && grep -q -- "--resume" "$work/e4" && nolock y.h5' \
      "a rerun without --resume (${args:-same options}) keeps the resumable .tmp (exit $rc: $(msg "$work/e4"))"
  done
  # a resume that does not match names the field and both values
  for t in "--seed 99|trial.seed is [0-9]* there but 99 in this run" "--patients 61|trial.patients is 60 there but 61" \
           "--replicates 399|trial.replicates is 400 there but 399"; do
    "$tt" run "$protocol" -o "$work/y.h5" --replicates 400 "${A[@]}" ${t%%|*} --resume >/dev/null 2>"$work/e5"; rc=$?
    check '[ $rc -eq 1 ] && grep -q -- "${t#*|}" "$work/e5" && [ "$(sha "$work/y.h5.tmp")" = "$t1" ]' \
      "resume with ${t%%|*}: refused naming the field ($(msg "$work/e5" | cut -c1-200))"
  done
  root=$(cd "$(dirname "$protocol")" && pwd)
  sed -e "s|^cohort: \.\./|cohort: $root/../|" -e 's/symptomatic_emax: 4.1/symptomatic_emax: 3.5/' "$protocol" >"$work/p2.yaml"
  "$tt" run "$work/p2.yaml" -o "$work/y.h5" --replicates 400 "${A[@]}" --resume >/dev/null 2>"$work/e6"; rc=$?
  check '[ $rc -eq 1 ] && grep -q "arms\[donepezil_10mg\].effect.symptomatic_emax is 4.1 there but 3.5 in this run" "$work/e6"' \
    "resume with another arm effect: refused naming it ($(msg "$work/e6" | cut -c1-200))"
  "$tt" run "$protocol" -o "$work/y.h5" --replicates 400 "${A[@]}" --resume >/dev/null 2>&1; rc=$?
  check '[ $rc -eq 0 ] && [ -f "$work/y.h5" ] && [ ! -e "$work/y.h5.tmp" ] && nolock y.h5' "--resume continues it (exit $rc)"
  "$tt" run "$protocol" -o "$work/y.h5" --replicates 400 "${A[@]}" --resume >"$work/o7" 2>&1; rc=$?
  check '[ $rc -eq 0 ] && grep -q "nothing to resume" "$work/o7" && nolock y.h5' "--resume of a finished run does nothing (exit $rc)"

  # --resume over an existing results file would replace it: refused without --force
  "$tt" run "$protocol" -o "$work/z.h5" --replicates 20 "${A[@]}" >/dev/null 2>&1
  "$tt" run "$protocol" -o "$work/z.h5" --replicates 400 "${A[@]}" --force -tt_stop_after 10 >/dev/null 2>&1
  s1=$(sha "$work/z.h5")
  "$tt" run "$protocol" -o "$work/z.h5" --replicates 400 "${A[@]}" --resume >/dev/null 2>"$work/e8"; rc=$?
  check '[ $rc -eq 1 ] && [ "$(sha "$work/z.h5")" = "$s1" ] && grep -q -- "--force" "$work/e8"' \
    "--resume onto an existing results file is refused without --force (exit $rc)"
  "$tt" run "$protocol" -o "$work/z.h5" --replicates 400 "${A[@]}" --resume --force >/dev/null 2>&1; rc=$?
  check '[ $rc -eq 0 ] && [ "$(sha "$work/z.h5")" != "$s1" ] && [ ! -e "$work/z.h5.tmp" ]' "... and done with --resume --force (exit $rc)"

  # a bad protocol and a SIGTERM stop release the lock too
  printf 'trial: {name: x}\n' >"$work/bad.yaml"
  "$tt" run "$work/bad.yaml" -o "$work/b.h5" >/dev/null 2>&1; rc=$?
  check '[ $rc -eq 1 ] && nolock b.h5 && [ ! -e "$work/b.h5.tmp" ]' "a bad protocol: exit $rc, no lock and no file left"
  "$tt" run "$protocol" -o "$work/t.h5" --replicates 100000 "${A[@]}" >/dev/null 2>&1 &
  p=$!; pids+=($p)
  for _ in $(seq 200); do [ -e "$work/t.h5.tmp" ] && break; sleep 0.05; done
  sleep 0.3; kill -TERM $p; wait $p; rc=$?
  check '[ $rc -eq 0 ] && [ -e "$work/t.h5.tmp" ] && nolock t.h5' "SIGTERM: a resumable stop (exit $rc) releases the lock"
  ;;
lock)
  R=6000
  # 1. a second run while the first writes the output
  mpirun -n 2 "$tt" run "$protocol" -o "$work/c.h5" --replicates 200000 "${A[@]}" >"$work/first.log" 2>&1 &
  p=$!; pids+=($p)
  for _ in $(seq 300); do [ -e "$work/c.h5.tmp" ] && break; sleep 0.05; done
  holder=$(sed -n 's/^pid: //p' "$work/c.h5.lock" 2>/dev/null)
  check '[ -n "$holder" ] && [ "$(sed -n "s/^host: //p" "$work/c.h5.lock")" = "$(hostname)" ]' \
    "the lock file names the writer: host $(hostname), PID ${holder:-none}"
  for second in "1 --resume" "2 "; do
    SECONDS=0
    timeout 60 mpirun -n ${second%% *} "$tt" run "$protocol" -o "$work/c.h5" --replicates 200000 "${A[@]}" ${second#* } \
      >/dev/null 2>"$work/second.err"; rc=$? t=$SECONDS
    check '[ $rc -eq 1 ] && [ $t -le 10 ] && grep -q "another run is writing .*host $(hostname), PID $holder, since 20" "$work/second.err" && kill -0 $p' \
      "second run on ${second%% *} rank(s) ${second#* }: refused in ${t}s (exit $rc: $(msg "$work/second.err" | cut -c1-160))"
  done
  kill -USR1 $p; wait $p; rc=$?
  check '[ $rc -eq 0 ] && grep -q resumable "$work/first.log" && [ -e "$work/c.h5.tmp" ] && nolock c.h5' \
    "the first run was unharmed: a clean resumable stop (exit $rc), lock released"

  # 2. a killed run's lock does not block --resume; bitwise identical to an uninterrupted run
  "$tt" run "$protocol" -o "$work/ref.h5" --replicates $R --progress none >/dev/null 2>&1
  "$tt" run "$protocol" -o "$work/k.h5" --replicates $R --progress none >/dev/null 2>&1 &
  p=$!; pids+=($p)
  for _ in $(seq 300); do [ -e "$work/k.h5.tmp" ] && break; sleep 0.05; done
  sleep 1; kill -9 $p; wait $p 2>/dev/null
  check '[ -e "$work/k.h5.lock" ] && [ -e "$work/k.h5.tmp" ] && [ ! -e "$work/k.h5" ]' "SIGKILL leaves its lock and .tmp"
  mpirun -n 2 "$tt" run "$protocol" -o "$work/k.h5" --replicates $R --progress none --resume >"$work/k.log" 2>&1; rc=$?
  check '[ $rc -eq 0 ] && grep -q "replaced the lock .*PID $p.*ended" "$work/k.log" && grep -q "already stored" "$work/k.log" && same ref.h5 k.h5 && nolock k.h5' \
    "--resume on 2 ranks replaces the stale lock and completes bitwise identical (exit $rc)"

  # 3. lock records left by other runs
  boot=$(cat /proc/sys/kernel/random/boot_id)
  lockfile() { # OUT HOST PID PID_START BOOT SLURM_JOB SLURM_RESTART
    printf 'twintrial results lock: a run is writing this output\nhost: %s\npid: %s\nstarted: 2020-01-02T03:04:05Z\nboot_id: %s\npid_start: %s\nslurm_job: %s\nslurm_restart: %s\ncommand: twintrial run\n' \
      "$2" "$3" "$5" "$4" "$6" "$7" >"$work/$1.h5.lock"
  }
  tiny() { "$tt" run "$protocol" -o "$work/$1.h5" --replicates 2 --patients 20 --progress none "${@:2}" >"$work/$1.log" 2>&1; }
  sleep 300 & live=$!; disown $live; pids+=($live)
  start=$(awk '{print $22}' /proc/$live/stat)
  lockfile l1 "$(hostname)" $live "$start" "$boot" "" 0
  tiny l1; rc=$?
  check '[ $rc -eq 1 ] && grep -q "another run is writing .*PID $live, since 2020-01-02T03:04:05Z" "$work/l1.log" && [ -e "$work/l1.h5.lock" ]' \
    "a live PID on this host: refused, the lock kept (exit $rc)"
  tiny l1 --force; rc=$?
  check '[ $rc -eq 1 ] && [ ! -e "$work/l1.h5" ]' "... even with --force (exit $rc)"
  lockfile l2 "$(hostname)" $live $((start + 1)) "$boot" "" 0
  lockfile l3 "$(hostname)" $live "$start" "another-boot" "" 0
  sh -c 'exit 0' & dead=$!; wait $dead
  lockfile l4 "$(hostname)" $dead 1 "$boot" "" 0
  lockfile l5 "node-elsewhere" 4242 1 "x" "c/77" 0
  for c in "l2|PID now belongs to another process" "l3|restarted" "l4|that process has ended"; do
    tiny ${c%%|*}; rc=$?
    check '[ $rc -eq 0 ] && grep -q "replaced the lock.*${c#*|}" "$work/${c%%|*}.log" && [ -f "$work/${c%%|*}.h5" ] && nolock ${c%%|*}.h5' \
      "stale (${c#*|}): replaced, the run completes (exit $rc)"
  done
  tiny l5; rc=$?
  check '[ $rc -eq 1 ] && grep -q "host node-elsewhere, PID 4242.*--force" "$work/l5.log" && [ -e "$work/l5.h5.lock" ]' \
    "another host: refused with advice (exit $rc: $(msg "$work/l5.log" | cut -c1-200))"
  SLURM_JOB_ID=77 SLURM_CLUSTER_NAME=c SLURM_RESTART_COUNT=0 tiny l5; rc=$?
  check '[ $rc -eq 1 ]' "another host, the same start of this Slurm job: refused (exit $rc)"
  SLURM_JOB_ID=77 SLURM_CLUSTER_NAME=c SLURM_RESTART_COUNT=1 tiny l5; rc=$?
  check '[ $rc -eq 0 ] && grep -q "earlier start of this Slurm job" "$work/l5.log" && nolock l5.h5' \
    "another host, an earlier start of this Slurm job (requeued): stale (exit $rc)"
  lockfile l6 "node-elsewhere" 4242 1 "x" "" 0
  tiny l6 --force; rc=$?
  check '[ $rc -eq 0 ] && [ -f "$work/l6.h5" ] && nolock l6.h5' "another host with --force: taken over (exit $rc)"
  mkdir "$work/l7.h5.lock"
  tiny l7; rc=$?
  check '[ $rc -eq 1 ] && grep -q "in the way of the lock file" "$work/l7.log"' "a directory in place of the lock: refused (exit $rc)"
  ;;
*) echo "usage: output_safety.sh TWINTRIAL PROTOCOL kept|lock"; exit 2 ;;
esac
echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
