#!/bin/bash
# twintrial personalise's MAP estimates, objectives and standard errors against R's optim
# on the same posterior written independently in R (twin_map_vs_r.R), for five ADAS-Cog
# patients (protocols/alzheimers_procova.yaml, closed form) and five type 2 diabetes
# patients (protocols/t2d_lead2_glimepiride.yaml, ODE integrated by deSolve::lsoda), from
# tests/data/twin/map. Skips (77) without R or deSolve (Debian: r-cran-desolve).
# usage: twin_map_vs_r.sh TWINTRIAL RSCRIPT-OR-EMPTY
set -euo pipefail
exe=$1 rscript=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core and r-cran-desolve to run this validation"; exit 77
fi
if ! "$rscript" -e 'quit(status = !requireNamespace("deSolve", quietly = TRUE))' >/dev/null 2>&1; then
  echo "SKIP: R package deSolve is not installed (Debian: r-cran-desolve)"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
data=$root/tests/data/twin/map
mkdir -p "$out/ad" "$out/t2d"
"$exe" personalise "$root/protocols/alzheimers_procova.yaml" --observations "$data/ad_obs.csv" \
  --covariates "$data/ad_cov.csv" -o "$out/ad.h5" --csv "$out/ad" --draws 10 --progress none
"$exe" personalise "$root/protocols/t2d_lead2_glimepiride.yaml" --observations "$data/t2d_obs.csv" \
  --covariates "$data/t2d_cov.csv" -o "$out/t2d.h5" --csv "$out/t2d" --draws 10 --progress none
"$rscript" "$here/twin_map_vs_r.R" "$data" "$out"
