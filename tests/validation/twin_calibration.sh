#!/bin/bash
# Simulation-based calibration of personalised twins on a shipped protocol: `twintrial run`
# simulates twins (their random effects drawn from the model's prior), analysis/observations.py
# keeps their early visits as a patient's observations and their later visits aside, and
# `twintrial personalise` forecasts the later visits; check_twin_calibration.py checks the
# coverage of the 90% prediction intervals, the RMSE against the baseline-only (prognostic
# score) and population predictions, and the eta-shrinkage.
# usage: twin_calibration.sh TWINTRIAL PYTHON CASE
#   ad           protocols/alzheimers_procova.yaml, 2000 twins: baseline and week 12 on the
#                randomised arm -> weeks 24-78 (5 visits)
#   t2d          protocols/t2d_lead2_glimepiride.yaml, 300 twins: baseline and week 4 on the
#                randomised arm -> weeks 8-26 (5 visits x 4 variables)
#   t2d_history  the same twins on placebo (/counterfactual): weeks 0-12 relabelled as a
#                run-in history at -12 .. 0 (fasting insulin below 5 uU/mL censored, M3),
#                weeks 16 and 20 forecast as weeks 4 and 8 after randomisation (on placebo
#                only: the twin's glimepiride course starts at its week 0, not at week 12)
# The other cases also compare the forecasts under the arm not taken with the twin's
# counterfactual course there (printed, not checked).
# Weight (t2d_hba1c) has no random effect: personalisation cannot improve its forecast, and
# the check requires the personalised and baseline-only RMSEs to agree instead.
# Twin counts keep the coverage's Monte-Carlo SE near 0.005 (printed), so 88-92% is about
# +-4 SE around 90%.
set -euo pipefail
exe=$1 py=$2 case=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
obs="$py $root/analysis/observations.py"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/p" "$out/b"
times=() fixed=()
case $case in
ad)
  protocol=$root/protocols/alzheimers_procova.yaml patients=2000 omega=0.156,0.0413
  covs=age,male,apoe4,on_ache
  fit=(--source counterfactual --visits 0,12 --truth-arms all) base=(--source counterfactual --visits 0) ;;
t2d)
  protocol=$root/protocols/t2d_lead2_glimepiride.yaml patients=300 omega=0.305^2,1.4^2,0.21^2 covs=weight
  fit=(--source counterfactual --visits 0,4 --truth-arms all) base=(--source counterfactual --visits 0)
  fixed=(--fixed weight) ;;
t2d_history)
  protocol=$root/protocols/t2d_lead2_glimepiride.yaml patients=300 omega=0.305^2,1.4^2,0.21^2 covs=weight
  fit=(--under placebo --visits 0,4,8,12 --shift -12 --below fsi=5)
  base=(--under placebo --visits 0 --shift -12 --below fsi=5) times=(--times 4,8) fixed=(--fixed weight) ;;
*) echo "unknown case $case"; exit 2 ;;
esac
mpirun -n 2 "$exe" run "$protocol" -o "$out/sim.h5" --replicates 1 --patients $patients --progress none >/dev/null
$obs "$out/sim.h5" "${fit[@]}" --covariates $covs --obs "$out/obs.csv" --cov "$out/cov.csv" \
  --truth "$out/truth.csv"
$obs "$out/sim.h5" "${base[@]}" --covariates $covs --obs "$out/obs0.csv"
mpirun -n 2 "$exe" personalise "$protocol" --observations "$out/obs.csv" --covariates "$out/cov.csv" \
  -o "$out/p/twins.h5" --csv "$out/p" --progress none | tee "$out/p/summary.txt"
mpirun -n 2 "$exe" personalise "$protocol" --observations "$out/obs0.csv" --covariates "$out/cov.csv" \
  -o "$out/b/twins.h5" --csv "$out/b" --progress none >/dev/null
"$py" "$here/check_twin_calibration.py" "$out/obs.csv" "$out/truth.csv" "$out/p" "$out/b" $omega "${times[@]}" "${fixed[@]}"
