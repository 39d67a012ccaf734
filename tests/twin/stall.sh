#!/bin/bash
# Fits that stall next to the mode (twin_stall.c): two simulated LEAD-2 patients
# (tests/data/twin/stall, from tests/mpi/twin_inputs.sh on protocols/t2d_lead2_glimepiride.yaml,
# 2000 twins, seed 14) whose fits Tao could not finish at its absolute gatol: P767 with
# central differences (gradient noise ~1e-7: DIVERGED_LS_FAILURE after 110 iterations),
# P228 with sensitivities (the line search takes steps that change nothing, f being flat to
# its noise: DIVERGED_MAXITS). Both must now converge with either gradient, at the mode: each
# estimate within 1e-3 of its standard error of a reference fit (integration rtol 1e-12,
# atol 1e-14, gatol 1e-10, sensitivities), which must converge itself.
# Usage: stall.sh TWINTRIAL SOURCE_DIR
set -u
tt=$1 src=$2 d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
f=0
run() { # name, options...
  mkdir -p "$d/$1"
  "$tt" personalise "$src/protocols/t2d_lead2_glimepiride.yaml" --observations "$src/tests/data/twin/stall/obs.csv" \
    --covariates "$src/tests/data/twin/stall/cov.csv" -o "$d/$1.h5" --csv "$d/$1" --draws 2 --progress none "${@:2}" \
    >"$d/$1.out" 2>&1 || { echo "FAIL: $1 exited $?"; cat "$d/$1.out"; f=1; }
}
run fd -tt_twin_gradient fd
run sensitivity -tt_twin_gradient sensitivity
run reference -tt_twin_gradient sensitivity -tt_sim_ts_rtol 1e-12 -tt_sim_ts_atol 1e-14 -tt_twin_tao_gatol 1e-10
for g in fd sensitivity; do
  # columns: id, then (estimate, se) per random effect, objective, iterations, converged, reason
  awk -F, -v g=$g 'NR == FNR { if (FNR > 1) { for (i = 2; i <= 7; i++) r[$1, i] = $i; rc[$1] = $10 }; next }
    FNR > 1 { if ($10 != 1) { print "FAIL: " g ": " $1 " not converged: " $11; bad = 1 }
              if (rc[$1] != 1) { print "FAIL: the reference fit of " $1 " did not converge"; bad = 1 }
              for (i = 2; i <= 6; i += 2) if ((e = ($i - r[$1, i]) / r[$1, i + 1]) > 1e-3 || e < -1e-3) {
                print "FAIL: " g ": " $1 " column " i ": " $i " vs reference " r[$1, i] " (" e " SE)"; bad = 1 } }
    END { exit bad }' "$d/reference/twins.csv" "$d/$g/twins.csv" || f=1
done
[ $f -eq 0 ] && echo "ok: the stalling fits converge at the mode with differences and with sensitivities"
exit $f
