#!/bin/bash
# The README's personalise example on the shipped synthetic patients: every fit converges,
# the CSV files have exactly the documented columns, every patient has a forecast for every
# arm x visit x variable, the HDF5 file holds the same estimates as twins.csv, and a rerun
# without --force is refused with the file untouched.
# Usage: example.sh TWINTRIAL SOURCE_DIR
set -u
tt=$1 src=$2 d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
f=0
"$tt" personalise "$src/protocols/t2d_lead2_glimepiride.yaml" --observations "$src/cohorts/t2d_example_observations.csv" \
  --covariates "$src/cohorts/t2d_example_covariates.csv" -o "$d/twins.h5" --csv "$d" --draws 200 --progress none >"$d/out" 2>&1 ||
  { echo "FAIL: personalise exited $?"; cat "$d/out"; exit 1; }
grep -q '^personalised 12 patients .*: 12 converged, 0 not' "$d/out" || { echo "FAIL: summary"; cat "$d/out"; f=1; }
[ "$(head -1 "$d/predictions.csv")" = "id,arm,time,variable,mean,lower,upper" ] || { echo "FAIL: predictions header"; f=1; }
[ "$(head -1 "$d/recommendations.csv")" = "id,arm,probability_best,benefit,benefit_lower,benefit_upper" ] ||
  { echo "FAIL: recommendations header"; f=1; }
# 12 patients x 2 arms x 7 visits x 4 variables, lower <= mean <= upper
awk -F, 'NR > 1 { n++; if (!($6 <= $5 && $5 <= $7)) bad++ } END { exit !(n == 672 && bad == 0) }' "$d/predictions.csv" ||
  { echo "FAIL: predictions rows or interval order"; f=1; }
/usr/bin/python3 - "$d" <<'PY' || f=1
import sys, h5py, pandas as pd, numpy as np
d = sys.argv[1]
tw = pd.read_csv(d + "/twins.csv", float_precision="round_trip")
with h5py.File(d + "/twins.h5", "r") as h:
    est = h["twins/estimate"][:]
    names = [x.decode() for x in h["twins/random_effect"][:]]
    ok = np.array_equal(est, tw[names].to_numpy()) and list(h["twins/converged"][:]) == [1.0] * 12
if not ok:
    print("FAIL: twins.h5 and twins.csv differ"); sys.exit(1)
PY
cp "$d/twins.h5" "$d/before.h5"
"$tt" personalise "$src/protocols/t2d_lead2_glimepiride.yaml" --observations "$src/cohorts/t2d_example_observations.csv" \
  --covariates "$src/cohorts/t2d_example_covariates.csv" -o "$d/twins.h5" --draws 200 --progress none >"$d/again" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'force' "$d/again" && cmp -s "$d/twins.h5" "$d/before.h5" ||
  { echo "FAIL: a second run over twins.h5 exited $rc"; cat "$d/again"; f=1; }
[ $f -eq 0 ] && echo "ok: personalise example"
exit $f
