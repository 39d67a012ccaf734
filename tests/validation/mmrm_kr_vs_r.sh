#!/bin/bash
# Kenward-Roger SE and df of the MMRM engine for every covariance structure against an
# independent computation in R (KR 1997's formulas on nlme::gls's fit, numDeriv derivatives).
# usage: mmrm_kr_vs_r.sh MMRM_CSV RSCRIPT-OR-EMPTY
set -euo pipefail
prog=$1 rscript=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core to run this validation"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rscript" "$here/mmrm_kr_vs_r.R" "$prog" "$out"
