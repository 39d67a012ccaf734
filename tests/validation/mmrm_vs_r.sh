#!/bin/bash
# MMRM engine against R's nlme, lme4/pbkrtest and numDeriv on simulated held-out designs.
# usage: mmrm_vs_r.sh MMRM_CSV RSCRIPT-OR-EMPTY
set -euo pipefail
prog=$1 rscript=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core to run this validation"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rscript" "$here/mmrm_vs_r.R" "$prog" "$out"
