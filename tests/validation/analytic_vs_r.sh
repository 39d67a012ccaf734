#!/bin/bash
# The analytic power of every method against R (analytic_vs_r.R): small runs of the
# protocols in tests/data/protocols/analytic/, as written and with the treatment's
# effect removed (the null: alpha exactly, two-sided or one-sided).
# usage: analytic_vs_r.sh TWINTRIAL RSCRIPT SOURCE_DIR
set -euo pipefail
tt=$1 rscript=${2:-} src=$3
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then echo "SKIP: no Rscript"; exit 77; fi
"$rscript" -e "library(rpact)" >/dev/null 2>&1 || { echo "SKIP: R package rpact is not installed"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/p/a/b/c" && ln -s "$src/cohorts" "$out/cohorts" # the protocols' ../../../../cohorts
alt=() null=()
for f in ad t2d oncology ms; do
  for mode in alt null; do
    p=$out/p/a/b/c/$f-$mode.yaml
    if [ $mode = alt ]; then cp "$src/tests/data/protocols/analytic/$f.yaml" "$p"
    else sed -E 's/^(  - \{name: [a-z0-9_]+), effect: \{[^}]*\}\}/\1}/' "$src/tests/data/protocols/analytic/$f.yaml" >"$p"; fi
    mpirun -n 2 "$tt" run "$p" -o "$out/$f-$mode.h5" --progress none >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
    "$tt" export "$out/$f-$mode.h5" --csv "$out/$f-$mode" >/dev/null
    if [ $mode = alt ]; then alt+=("$out/$f-$mode"); else null+=("$out/$f-$mode"); fi
  done
  ! grep -q "effect:" "$out/p/a/b/c/$f-null.yaml" || { echo "FAIL: $f: the null protocol still has an effect"; exit 1; }
done
"$rscript" "$here/analytic_vs_r.R" alt "${alt[@]}"
"$rscript" "$here/analytic_vs_r.R" null "${null[@]}"
