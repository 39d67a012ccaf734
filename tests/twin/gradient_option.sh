#!/bin/bash
# -tt_twin_gradient through the command line: the README's T2D example personalised with
# central-difference gradients (fd) and with forward sensitivities (the default for this ODE
# model) gives
# the same estimates (every eta within 1e-5, every objective within 1e-9) and the same
# recommendations; an unknown value is refused with one message, exit status 1 and no
# output.
# Usage: gradient_option.sh TWINTRIAL SOURCE_DIR
set -u
tt=$1 src=$2 d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
f=0
run() { # gradient outdir
  mkdir -p "$d/$2"
  "$tt" personalise "$src/protocols/t2d_lead2_glimepiride.yaml" --observations "$src/cohorts/t2d_example_observations.csv" \
    --covariates "$src/cohorts/t2d_example_covariates.csv" -o "$d/$2.h5" --csv "$d/$2" --draws 20 --progress none \
    ${1:+-tt_twin_gradient $1} >"$d/$2.out" 2>&1
}
run fd fd || { echo "FAIL: fd exited $?"; cat "$d/fd.out"; f=1; }
run "" default || { echo "FAIL: default exited $?"; cat "$d/default.out"; f=1; }
run sensitivity sens || { echo "FAIL: sensitivity exited $?"; cat "$d/sens.out"; f=1; }
cmp -s "$d/default/twins.csv" "$d/sens/twins.csv" || { echo "FAIL: the default (ODE model) is not sensitivity"; f=1; }
# a closed-form model keeps differences by default
mkdir -p "$d/adfd" "$d/addef"
for g in fd ""; do
  "$tt" personalise "$src/tests/data/twin/ad.yaml" --observations "$src/tests/data/twin/ad_obs.csv" \
    --covariates "$src/tests/data/twin/ad_cov.csv" -o "$d/ad$g.h5" --csv "$d/ad${g:-def}" --draws 2 --progress none \
    ${g:+-tt_twin_gradient $g} >"$d/ad$g.out" 2>&1 || { echo "FAIL: AD ${g:-default} exited"; cat "$d/ad$g.out"; f=1; }
done
cmp -s "$d/adfd/twins.csv" "$d/addef/twins.csv" || { echo "FAIL: the default (closed form) is not fd"; f=1; }
# columns: id, then (estimate, se) per random effect, objective, iterations, converged, reason
awk -F, 'NR == FNR { if (FNR > 1) for (i = 2; i <= NF; i++) a[FNR, i] = $i; next }
  FNR > 1 { for (i = 2; i <= 6; i += 2) if ((d = $i - a[FNR, i]) > 1e-5 || d < -1e-5) { print "FAIL: " $1 " column " i ": " a[FNR, i] " vs " $i; bad = 1 }
            if ((d = $8 - a[FNR, 8]) > 1e-9 || d < -1e-9) { print "FAIL: " $1 " objective " a[FNR, 8] " vs " $8; bad = 1 }
            if ($10 != 1 || a[FNR, 10] != 1) { print "FAIL: " $1 " not converged"; bad = 1 } }
  END { exit bad }' "$d/fd/twins.csv" "$d/sens/twins.csv" || f=1
cmp -s <(cut -d, -f1,2 "$d/fd/recommendations.csv") <(cut -d, -f1,2 "$d/sens/recommendations.csv") ||
  { echo "FAIL: recommendations differ"; f=1; }
"$tt" personalise "$src/protocols/t2d_lead2_glimepiride.yaml" --observations "$src/cohorts/t2d_example_observations.csv" \
  --covariates "$src/cohorts/t2d_example_covariates.csv" -o "$d/bad.h5" --progress none -tt_twin_gradient adjoint >"$d/bad.out" 2>&1
rc=$?
{ [ $rc -eq 1 ] && [ "$(grep -c '^twintrial: ' "$d/bad.out")" -eq 1 ] &&
  grep -q '^twintrial: error: -tt_twin_gradient adjoint: expected fd' "$d/bad.out" && [ ! -e "$d/bad.h5" ]; } ||
  { echo "FAIL: -tt_twin_gradient adjoint: exit $rc"; cat "$d/bad.out"; f=1; }
[ $f -eq 0 ] && echo "ok: -tt_twin_gradient fd and sensitivity agree; a bad value is refused"
exit $f
