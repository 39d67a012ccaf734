#!/bin/bash
# Guided arms after a stop: a run of a protocol with a guided arm stopped by
# -tt_stop_after on 2 ranks and completed with --resume on 3 ranks is bitwise identical
# to an uninterrupted 1-rank run (each twin's choices depend on the twin only).
# usage: guided_resume.sh TWINTRIAL PROTOCOL
set -uo pipefail
tt=$1 protocol=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(--replicates 6 --patients 20 --progress none)
"$tt" run "$protocol" -o "$out/ref.h5" "${common[@]}" >"$out/ref.log" 2>&1 || { cat "$out/ref.log"; exit 1; }
mpirun -n 2 "$tt" run "$protocol" -o "$out/stop.h5" "${common[@]}" -tt_stop_after 2 -tt_window 1 >"$out/stop.log" 2>&1
[ -f "$out/stop.h5.tmp" ] && [ ! -e "$out/stop.h5" ] || { echo "FAIL: the stopped run left no resumable file"; cat "$out/stop.log"; exit 1; }
mpirun -n 3 "$tt" run "$protocol" -o "$out/stop.h5" "${common[@]}" --resume >"$out/resume.log" 2>&1 ||
  { cat "$out/resume.log"; exit 1; }
groups="/design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary"
h5ls "$out/ref.h5/guided" >/dev/null 2>&1 && groups="$groups /guided"
for g in $groups; do
  h5diff -r "$out/ref.h5" "$out/stop.h5" $g $g >"$out/diff.txt" 2>&1 || { echo "FAIL: $g differs after resume"; head "$out/diff.txt"; exit 1; }
done
echo "ok: stopped after 2 of 6 replicates on 2 ranks, resumed on 3: identical ($groups)"
