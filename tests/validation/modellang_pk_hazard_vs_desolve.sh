#!/bin/bash
# Survival and event times of a model file's exposure-driven hazard under repeated doses
# (modellang_pk_hazard, compiled at run time) against R deSolve::lsoda with the doses as
# events: survival at fixed times to 1e-6, and Lambda(T) = E at every event time T to
# 1e-6 relative. Skips (77) without R or deSolve (Debian: r-cran-desolve).
# usage: modellang_pk_hazard_vs_desolve.sh MODELLANG_PK_HAZARD RSCRIPT-OR-EMPTY
set -euo pipefail
exe=$1 rscript=${2:-}
. "$(dirname "$0")/desolve_common.sh"
"$exe" "$here/../data/models/good/pk_exposure_hazard.yaml" >"$out/pk_hazard.csv"
"$rscript" "$here/modellang_pk_hazard_vs_desolve.R" "$out/pk_hazard.csv"
