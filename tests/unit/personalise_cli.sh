#!/bin/bash
# shellcheck disable=SC2016,SC2034 # check() evaluates its single-quoted condition (and the variables in it) later
# `twintrial personalise` as a user meets it on the command line.
#   kept   an existing TWINS.h5, or a twins.csv / predictions.csv / recommendations.csv in
#          --csv DIR, is never replaced without --force: exit 1, one message naming the file
#          and --force, every file unchanged to the byte, nothing new written, no lock left;
#          --force replaces them.
#   lock   one writer per output: while a personalise writes TWINS.h5 (2 ranks), a second
#          (1 rank, with or without --force) is refused within 10 s naming the first (host,
#          PID) and without advice to resume (personalise cannot be); the first is unharmed.
#          Once the first has been killed, its stale lock does not block the next run.
#   usage  missing --observations or -o, --draws below 2 or not an integer, --level outside
#          [0.5, 1), run's --resume / --replicates / --patients: exit 1, the message and the
#          usage on stderr, nothing written; --help lists personalise and its options.
#   bad    bad OBS.csv / COV.csv files through the real command on 2 ranks: exit 1 and exactly
#          one message "twintrial: error: FILE:LINE:COL: KEY: ...", the fixture's "# expect:"
#          line (tests/data/twin/bad; the reader's own tests cover every fixture), nothing
#          written at -o.
#   progress  --progress log prints "twintrial: N/N patients (100.0%)" lines on stderr (also
#          the default in batch), --progress none prints nothing there.
# usage: personalise_cli.sh TWINTRIAL kept|lock|usage|bad|progress
set -uo pipefail
tt=$1 what=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$root/tests/data/twin
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
fails=0 n=0
check() { n=$((n + 1)); if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
sha() { sha256sum <"$1" | cut -c1-64; }
msg() { grep -a -m1 '^twintrial: ' "$1" | cut -c1-300; }
nmsg() { grep -a -c '^twintrial: ' "$1"; }
AD=("$data/ad.yaml" --observations "$data/ad_obs.csv" --covariates "$data/ad_cov.csv" --progress none)

case $what in
kept)
  mkdir "$work/csv"
  "$tt" personalise "${AD[@]}" -o "$work/t.h5" --csv "$work/csv" --draws 50 >/dev/null 2>&1
  check '[ -f "$work/t.h5" ] && [ -s "$work/csv/twins.csv" ] && [ -s "$work/csv/predictions.csv" ] && [ -s "$work/csv/recommendations.csv" ] && [ ! -e "$work/t.h5.lock" ]' \
    "a first run writes TWINS.h5 and the three CSV files, no lock left"
  h=$(sha "$work/t.h5") p=$(sha "$work/csv/predictions.csv") r=$(sha "$work/csv/recommendations.csv")
  unchanged() { [ "$(sha "$work/t.h5")" = "$h" ] && [ "$(sha "$work/csv/predictions.csv")" = "$p" ] && [ "$(sha "$work/csv/recommendations.csv")" = "$r" ]; }
  "$tt" personalise "${AD[@]}" -o "$work/t.h5" --draws 60 >/dev/null 2>"$work/e1"; rc=$?
  check '[ $rc -eq 1 ] && [ "$(nmsg "$work/e1")" -eq 1 ] && grep -q "t.h5: a results file exists already and is kept; rerun with --force" "$work/e1" && unchanged && [ ! -e "$work/t.h5.lock" ]' \
    "an existing TWINS.h5 is kept, byte for byte (exit $rc: $(msg "$work/e1"))"
  mpirun -n 2 "$tt" personalise "${AD[@]}" -o "$work/t.h5" --draws 60 >/dev/null 2>"$work/e1b"; rc=$?
  check '[ $rc -eq 1 ] && [ "$(nmsg "$work/e1b")" -eq 1 ] && unchanged' "the same on 2 ranks: exit $rc, one message"
  "$tt" personalise "${AD[@]}" -o "$work/u.h5" --csv "$work/csv" --draws 60 >/dev/null 2>"$work/e2"; rc=$?
  check '[ $rc -eq 1 ] && [ "$(nmsg "$work/e2")" -eq 1 ] && grep -q "csv/twins.csv exists; give --force to replace it" "$work/e2" && unchanged && [ ! -e "$work/u.h5" ] && [ ! -e "$work/u.h5.lock" ]' \
    "existing CSV files are kept, and no TWINS.h5 is written either (exit $rc: $(msg "$work/e2"))"
  rm "$work/csv/twins.csv" "$work/csv/predictions.csv"
  "$tt" personalise "${AD[@]}" -o "$work/u.h5" --csv "$work/csv" --draws 60 >/dev/null 2>"$work/e3"; rc=$?
  check '[ $rc -eq 1 ] && grep -q "csv/recommendations.csv exists; give --force" "$work/e3" && [ "$(sha "$work/csv/recommendations.csv")" = "$r" ] && [ ! -e "$work/csv/twins.csv" ] && [ ! -e "$work/u.h5" ]' \
    "recommendations.csv alone is kept too (exit $rc)"
  "$tt" personalise "${AD[@]}" -o "$work/t.h5" --csv "$work/csv" --draws 60 --force >/dev/null 2>"$work/e4"; rc=$?
  check '[ $rc -eq 0 ] && [ "$(sha "$work/t.h5")" != "$h" ] && [ "$(sha "$work/csv/recommendations.csv")" != "$r" ] && [ -s "$work/csv/twins.csv" ] && [ ! -e "$work/t.h5.lock" ]' \
    "--force replaces TWINS.h5 and the CSV files (exit $rc)"
  "$tt" personalise "${AD[@]}" -o "$work/t.h5" --csv "$work/nodir" --force >/dev/null 2>"$work/e5"; rc=$?
  check '[ $rc -eq 1 ] && grep -q -- "--csv .*nodir: expected an existing directory" "$work/e5" && [ ! -e "$work/t.h5.lock" ]' \
    "--csv DIR that does not exist: refused (exit $rc: $(msg "$work/e5"))"
  ;;
lock)
  # 2000 Alzheimer's patients with many draws: a run long enough to meet
  "$root/tests/mpi/twin_inputs.sh" "$tt" "$root/protocols/alzheimers_procova.yaml" 2000 "$work/in" age,male,apoe4,on_ache ||
    { echo "FAIL: inputs"; exit 1; }
  L=("$root/protocols/alzheimers_procova.yaml" --observations "$work/in/obs.csv" --covariates "$work/in/cov.csv")
  mpirun -n 2 "$tt" personalise "${L[@]}" -o "$work/c.h5" --draws 50000 --progress none >"$work/first.log" 2>&1 &
  p=$!; pids+=("$p")
  for _ in $(seq 600); do [ -s "$work/c.h5.lock" ] && break; sleep 0.05; done
  holder=$(sed -n 's/^pid: //p' "$work/c.h5.lock" 2>/dev/null)
  check '[ -n "$holder" ] && grep -q "^command: .* personalise " "$work/c.h5.lock"' "the lock file names the writer: PID ${holder:-none}"
  for force in "" --force; do
    SECONDS=0
    timeout 60 "$tt" personalise "${L[@]}" -o "$work/c.h5" --draws 2 --progress none $force >/dev/null 2>"$work/second.err"; rc=$? t=$SECONDS
    check '[ $rc -eq 1 ] && [ $t -le 10 ] && [ "$(nmsg "$work/second.err")" -eq 1 ] && grep -q "another run is writing this output (host $(hostname), PID $holder, since 20" "$work/second.err" && ! grep -q -- "--resume" "$work/second.err" && kill -0 $p' \
      "a second run ${force:-without --force}: refused in ${t}s, the first still running (exit $rc: $(msg "$work/second.err" | cut -c1-200))"
  done
  check '[ ! -e "$work/c.h5" ]' "nothing written at -o meanwhile"
  kill -TERM $p; wait $p 2>/dev/null
  for _ in $(seq 200); do kill -0 "$holder" 2>/dev/null || break; sleep 0.05; done
  check '! kill -0 "$holder" 2>/dev/null' "the first run ends on SIGTERM to mpirun ($(grep -a -m1 . "$work/first.log" | cut -c1-120))"
  "$tt" personalise "${AD[@]}" -o "$work/c.h5" --draws 20 >"$work/third.log" 2>&1; rc=$?
  check '[ $rc -eq 0 ] && [ -f "$work/c.h5" ] && [ ! -e "$work/c.h5.lock" ]' \
    "after the first is killed, its lock does not block the next run (exit $rc: $(grep -m1 "lock" "$work/third.log" | cut -c1-160))"
  ;;
usage)
  for args in "-o $work/x.h5" "--observations $data/ad_obs.csv" "--observations $data/ad_obs.csv -o $work/x.h5 --draws 1" \
    "--observations $data/ad_obs.csv -o $work/x.h5 --draws 2.5" "--observations $data/ad_obs.csv -o $work/x.h5 --level 2" \
    "--observations $data/ad_obs.csv -o $work/x.h5 --level 0.4" "--observations $data/ad_obs.csv -o $work/x.h5 --resume" \
    "--observations $data/ad_obs.csv -o $work/x.h5 --replicates 5" "--observations $data/ad_obs.csv -o $work/x.h5 --patients 9"; do
    # shellcheck disable=SC2086
    "$tt" personalise "$data/ad.yaml" --covariates "$data/ad_cov.csv" $args >"$work/out" 2>"$work/err"; rc=$?
    check '[ $rc -eq 1 ] && [ ! -s "$work/out" ] && [ "$(nmsg "$work/err")" -eq 1 ] && grep -q "^usage: twintrial" "$work/err" && [ ! -e "$work/x.h5" ] && [ ! -e "$work/x.h5.lock" ]' \
      "personalise ${args//$work\//}: exit $rc ($(msg "$work/err"))"
  done
  "$tt" personalise "$data/ad.yaml" --observations "$data/ad_obs.csv" --covariates "$data/ad_cov.csv" -o "$work/x.h5" \
    --draws 2 --level 0.5 --progress none >/dev/null 2>"$work/err"; rc=$?
  check '[ $rc -eq 0 ] && [ -f "$work/x.h5" ]' "the smallest accepted --draws 2 and --level 0.5 run (exit $rc)"
  "$tt" --help >"$work/help" 2>&1; rc=$?
  check '[ $rc -eq 0 ] && grep -q "^ *twintrial personalise PROTOCOL.yaml --observations OBS.csv \[--covariates COV.csv\]" "$work/help" && grep -q "^personalise options:" "$work/help" && grep -q -- "--draws N, --level L" "$work/help" && grep -q -- "-tt_twin_" "$work/help"' \
    "--help lists personalise and its options (exit $rc)"
  "$tt" personalise --help >"$work/help2" 2>&1; rc=$?
  check '[ $rc -eq 0 ] && cmp -s "$work/help" "$work/help2"' "personalise --help prints the same (exit $rc)"
  ;;
bad)
  for f in obs_duplicate obs_unknown_variable obs_time_with_unit cov_age_above_support cov_missing_column; do
    fixture=$data/bad/$f.csv
    case $f in
    obs_*) args=("$data/t2d.yaml" --observations "$fixture" --covariates "$data/t2d_cov.csv") ;;
    cov_*) args=("$data/ad.yaml" --observations "$data/ad_obs.csv" --covariates "$fixture") ;;
    esac
    expect=$(head -1 "$fixture" | sed -n 's/^# expect: //p')
    mpirun -n 2 "$tt" personalise "${args[@]}" -o "$work/b.h5" --progress none >/dev/null 2>"$work/err"; rc=$?
    check '[ -n "$expect" ] && [ $rc -eq 1 ] && [ "$(nmsg "$work/err")" -eq 1 ] && [[ "$(msg "$work/err")" == "twintrial: error: $fixture:$expect"* ]] && [ ! -e "$work/b.h5" ] && [ ! -e "$work/b.h5.lock" ]' \
      "$f.csv on 2 ranks: exit $rc, $(nmsg "$work/err") message: $(msg "$work/err" | sed "s|$data/||")"
  done
  "$tt" personalise "$data/t2d.yaml" --observations "$work/none.csv" --covariates "$data/t2d_cov.csv" -o "$work/b.h5" >/dev/null 2>"$work/err"; rc=$?
  check '[ $rc -eq 1 ] && [ "$(nmsg "$work/err")" -eq 1 ] && grep -q "none.csv: expected a readable file" "$work/err"' \
    "a missing OBS.csv: exit $rc ($(msg "$work/err" | sed "s|$work/||"))"
  ;;
progress)
  for mode in log default none; do
    opt=(--progress "$mode")
    [ $mode = default ] && opt=()
    "$tt" personalise "$data/t2d.yaml" --observations "$data/t2d_obs.csv" --covariates "$data/t2d_cov.csv" \
      -o "$work/$mode.h5" --draws 20 "${opt[@]}" >"$work/$mode.out" 2>"$work/$mode.err" </dev/null; rc=$?
    if [ $mode = none ]; then
      check '[ $rc -eq 0 ] && [ ! -s "$work/none.err" ]' "--progress none: nothing on stderr (exit $rc)"
    else
      check '[ $rc -eq 0 ] && grep -q "^twintrial: 2/2 patients (100.0%)" "$work/$mode.err" && grep -q "^personalised 2 patients" "$work/$mode.out"' \
        "--progress $mode: progress lines on stderr, the summary on stdout (exit $rc: $(tail -1 "$work/$mode.err"))"
    fi
  done
  ;;
*) echo "usage: personalise_cli.sh TWINTRIAL kept|lock|usage|bad|progress"; exit 2 ;;
esac
echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
