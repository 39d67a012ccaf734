#!/bin/bash
# Integrates the cases printed by modellang_trajectory (the shipped model file, compiled
# at run time) with R deSolve::lsoda and requires agreement to 1e-6 relative. Skips (77)
# without R or deSolve (Debian: r-cran-desolve).
# usage: modellang_vs_desolve.sh MODELLANG_TRAJECTORY RSCRIPT-OR-EMPTY
set -euo pipefail
exe=$1 rscript=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core and r-cran-desolve to run this validation"; exit 77
fi
if ! "$rscript" -e 'quit(status = !requireNamespace("deSolve", quietly = TRUE))' >/dev/null 2>&1; then
  echo "SKIP: R package deSolve is not installed (Debian: r-cran-desolve)"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$exe" "$here/../../protocols/models/indirect_response_fev1.yaml" >"$out/fev1.csv"
"$rscript" "$here/modellang_vs_desolve.R" "$out/fev1.csv"
