#!/bin/bash
# twintrial credibility: every kind of validation figure recomputed in R from the stored
# subjects (figures_vs_r.R), its verdicts recomputed, and the exit status: 1 when a
# figure fails (figures_oncology.yaml has one that cannot pass), 0 when all pass
# (figures_ms.yaml); the same figures on 1 and 3 ranks. Skipped (77) without R's hdf5r.
# usage: figures_vs_r.sh TWINTRIAL RSCRIPT
set -uo pipefail
tt=$1 rs=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$rs" ] && "$rs" -e 'library(hdf5r); library(survival)' >/dev/null 2>&1 || { echo "R hdf5r/survival missing"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
for case in oncology:1 ms:0; do
  name=${case%%:*} want=${case##*:} p=$root/tests/data/protocols/figures_${case%%:*}.yaml
  mpirun -n 2 --oversubscribe "$tt" credibility "$p" -o "$work/$name.h5" --progress none >"$work/$name.txt" 2>"$work/$name.err"
  rc=$?
  [ $rc -eq "$want" ] || { echo "FAIL: credibility $name exited $rc, expected $want"; cat "$work/$name.err"; fails=$((fails + 1)); }
  [ $rc -ne 1 ] || grep -q "published figures are not reproduced" "$work/$name.err" || { echo "FAIL: no message"; fails=$((fails + 1)); }
  "$rs" "$root/tests/validation/figures_vs_r.R" "$work/$name.h5" "$work/$name.txt" "$p" || fails=$((fails + 1))
done
mpirun -n 3 --oversubscribe "$tt" run "$root/tests/data/protocols/figures_oncology.yaml" -o "$work/o3.h5" --progress none \
  -tt_block 7 >/dev/null 2>&1
h5diff -r "$work/oncology.h5" "$work/o3.h5" /validation /validation >/dev/null 2>&1 && echo "ok: /validation on 2 ranks = 3 ranks" ||
  { echo "FAIL: /validation differs between 2 and 3 ranks"; fails=$((fails + 1)); }
table() { sed -n '/^credibility:/,$p' "$1" | grep -v '^twintrial: '; }
"$tt" credibility "$work/o3.h5" >"$work/again.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && diff <(table "$work/again.txt") <(table "$work/oncology.txt") >/dev/null &&
  echo "ok: credibility RESULTS.h5 repeats the table and the verdict" ||
  { echo "FAIL: credibility on the results file (exit $rc)"; fails=$((fails + 1)); }
echo "$((5 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
