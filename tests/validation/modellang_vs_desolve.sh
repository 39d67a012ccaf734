#!/bin/bash
# Integrates the cases printed by modellang_trajectory (the shipped model file, compiled
# at run time) with R deSolve::lsoda and requires agreement to 1e-6 relative. Skips (77)
# without R or deSolve (Debian: r-cran-desolve).
# usage: modellang_vs_desolve.sh MODELLANG_TRAJECTORY RSCRIPT-OR-EMPTY
set -euo pipefail
exe=$1 rscript=${2:-}
. "$(dirname "$0")/desolve_common.sh"
"$exe" "$here/../../protocols/models/indirect_response_fev1.yaml" >"$out/fev1.csv"
"$rscript" "$here/modellang_vs_desolve.R" "$out/fev1.csv"
