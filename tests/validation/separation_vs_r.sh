#!/bin/bash
# Tiny trials where many replicates are separated, exported and refitted by R
# replicate by replicate (separation_vs_r.R): separation exactly where Konis's LP
# (lpSolve) finds it, every other replicate analysed and equal to glm / the negative
# binomial MLE, every failure with a reason.
# usage: separation_vs_r.sh TWINTRIAL RSCRIPT SOURCE_DIR logistic|counts|ms
set -euo pipefail
tt=$1 rscript=${2:-} src=$3 what=$4
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then echo "SKIP: no Rscript"; exit 77; fi
for pkg in MASS lpSolve; do
  "$rscript" -e "library($pkg)" >/dev/null 2>&1 || { echo "SKIP: R package $pkg is not installed (r-cran-${pkg,,})"; exit 77; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
check() { # protocol patients replicates min_extreme
  rm -rf "$out/csv"
  mpirun -n 2 "$tt" run "$1" -o "$out/r.h5" --patients "$2" --replicates "$3" --progress none >"$out/log" 2>&1 ||
    { cat "$out/log"; exit 1; }
  "$tt" export "$out/r.h5" --csv "$out/csv" >/dev/null
  rm -f "$out/r.h5"
  "$rscript" "$here/separation_vs_r.R" "$what" "$out/csv" "$4" 2>"$out/rlog" || { grep -v "glm.fit" "$out/rlog" || true; exit 1; }
}
case $what in
logistic)
  check "$src/tests/data/protocols/separation_logistic.yaml" 12 300 0
  check "$src/tests/data/protocols/separation_logistic.yaml" 40 300 1 ;;
counts)
  check "$src/tests/data/protocols/separation_counts.yaml" 8 300 0
  check "$src/tests/data/protocols/separation_counts.yaml" 30 200 0 ;;
ms) # the shipped protocol at full size, every twin stored
  mkdir -p "$out/protocols"
  ln -s "$src/cohorts" "$out/cohorts"
  sed 's/output: {subjects: first_replicate}/output: {subjects: all}/' "$src/protocols/ms_relapse.yaml" >"$out/protocols/ms.yaml"
  check "$out/protocols/ms.yaml" 843 60 0 ;;
esac
