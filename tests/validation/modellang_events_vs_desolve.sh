#!/bin/bash
# Death times of a model file's tumour-size-linked hazard (modellang_events, compiled at
# run time) against R deSolve::lsoda with a root at Lambda = E, to 1e-7 relative. Skips
# (77) without R or deSolve (Debian: r-cran-desolve).
# usage: modellang_events_vs_desolve.sh MODELLANG_EVENTS RSCRIPT-OR-EMPTY
set -euo pipefail
exe=$1 rscript=${2:-}
. "$(dirname "$0")/desolve_common.sh"
"$exe" "$here/../data/models/good/tgi_os_hazard.yaml" >"$out/deaths.csv"
"$rscript" "$here/modellang_events_vs_desolve.R" "$out/deaths.csv"
