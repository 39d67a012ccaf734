#!/bin/bash
# Event-driven group-sequential design against rpact: runs the protocol (exponential
# survival, looks at event counts) as given, and once more with a calendar cut-off that
# comes before the last event count in most replicates; exports both and lets
# gsd_vs_rpact.R compare boundaries, event counts at the looks, stopping probabilities,
# expected events, subjects and duration with rpact (getDesignGroupSequential,
# getSimulationSurvival), and the recomputed final boundaries of the cut-off runs.
# usage: gsd_vs_rpact.sh TWINTRIAL RSCRIPT PROTOCOL
set -euo pipefail
tt=$1 rscript=${2:-} protocol=$3
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then echo "SKIP: no Rscript"; exit 77; fi
"$rscript" -e "library(rpact)" >/dev/null 2>&1 || { echo "SKIP: R package rpact is not installed"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mpirun -n 2 "$tt" run "$protocol" -o "$out/full.h5" --progress none >"$out/full.log" 2>&1 || { cat "$out/full.log"; exit 1; }
"$tt" export "$out/full.h5" --csv "$out/full" >/dev/null
# the same design cut off at 15 months (the final count takes 19.7 months on average);
# the copy names its cohort by an absolute path
dir=$(cd "$(dirname "$protocol")" && pwd)
sed -e 's/max_duration_months: 120/max_duration_months: 15/' -e "s#^cohort: #cohort: $dir/#" "$protocol" >"$out/cut.yaml"
grep -q 'max_duration_months: 15' "$out/cut.yaml" || { echo "FAIL: no max_duration_months: 120 to cut"; exit 1; }
mpirun -n 2 "$tt" run "$out/cut.yaml" -o "$out/cut.h5" --replicates 300 --progress none >"$out/cut.log" 2>&1 ||
  { cat "$out/cut.log"; exit 1; }
"$tt" export "$out/cut.h5" --csv "$out/cut" >/dev/null
"$rscript" "$here/gsd_vs_rpact.R" "$out/full" "$out/cut"
