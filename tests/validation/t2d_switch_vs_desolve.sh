#!/bin/bash
# Integrates the t2d_hba1c regimens with switches printed by t2d_switch_trajectory with
# R deSolve::lsoda and requires agreement to 1e-6 relative. Skips (77) without R or
# deSolve (Debian: r-cran-desolve).  usage: t2d_switch_vs_desolve.sh DRIVER RSCRIPT-OR-EMPTY
set -euo pipefail
exe=$1 rscript=${2:-}
. "$(dirname "$0")/desolve_common.sh"
"$exe" "$out"
"$rscript" "$here/t2d_switch_vs_desolve.R" "$out/regimens.csv" "$out/trajectories.csv"
