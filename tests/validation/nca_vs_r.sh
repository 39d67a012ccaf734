#!/bin/bash
# Non-compartmental endpoints (peak, time_of_peak, auc): a protocol with dropout and missed
# visits run on 2 ranks, every stored twin's endpoints and the analyses' estimates
# recomputed in R (nca_vs_r.R); the same endpoints and analyses, bit for bit, on 1 and 3
# ranks; the resolved protocol (what twintrial validate prints) states the windows.
# Skipped (77) without R's hdf5r.
# usage: nca_vs_r.sh TWINTRIAL RSCRIPT
set -uo pipefail
tt=$1 rs=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
p=$root/tests/data/protocols/pk_nca.yaml
[ -x "$rs" ] && "$rs" -e 'library(hdf5r)' >/dev/null 2>&1 || { echo "SKIP: R hdf5r missing"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
mpirun -n 2 --oversubscribe "$tt" run "$p" -o "$work/r2.h5" --progress none >"$work/log" 2>&1 ||
  { cat "$work/log"; exit 1; }
"$rs" "$root/tests/validation/nca_vs_r.R" "$work/r2.h5" "$p" || fails=$((fails + 1))
for n in 1 3; do
  mpirun -n $n --oversubscribe "$tt" run "$p" -o "$work/r$n.h5" --progress none -tt_block 5 >/dev/null 2>&1
  for g in /endpoints /analyses; do
    h5diff -r "$work/r2.h5" "$work/r$n.h5" $g $g >/dev/null 2>&1 && echo "ok: $g on 2 ranks = $n ranks" ||
      { echo "FAIL: $g differs between 2 and $n ranks"; fails=$((fails + 1)); }
  done
done
"$tt" validate "$p" >"$work/resolved.yaml" 2>"$work/err" || { cat "$work/err"; fails=$((fails + 1)); }
grep -q "type: auc, variable: concentration, from: 144, to: 152, interpolation: linear_up_log_down" "$work/resolved.yaml" &&
  echo "ok: the resolved protocol states the windows" || { echo "FAIL: resolved endpoints"; fails=$((fails + 1)); }
echo "$fails failed"
[ $fails -eq 0 ]
