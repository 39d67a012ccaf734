#!/bin/bash
# Multiple imputation against R's mice (Rubin's rules, MAR by norm) and closed forms of
# reference-based MI. usage: mi_vs_r.sh MI_CSV RSCRIPT-OR-EMPTY
set -euo pipefail
prog=$1 rscript=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core and r-cran-mice to run this validation"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rscript" "$here/mi_vs_r.R" "$prog" "$out"
