#!/bin/bash
# Log densities of model files' observation families (modellang_family, compiled at run
# time) against R's dbeta, dpois, dnbinom and distribution functions, to 1e-12. Skips
# (77) without R.
# usage: modellang_family_vs_r.sh MODELLANG_FAMILY RSCRIPT-OR-EMPTY
set -euo pipefail
exe=$1 rscript=${2:-}
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed"; exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$exe" "$here/../data/models/good/families.yaml" >"$out/densities.csv"
"$rscript" "$here/modellang_family_vs_r.R" "$out/densities.csv"
