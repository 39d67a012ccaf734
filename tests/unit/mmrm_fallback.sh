#!/bin/bash
# An mmrm analysis falls back from unstructured to Toeplitz where the unstructured REML
# fit does not converge (16 twins: 21 covariance parameters over ~60 visits), and says so:
# the summary counts the structures fitted, analyses.csv's covariance column holds each
# replicate's (1 = toeplitz) and every replicate with a structure was analysed.
# usage: mmrm_fallback.sh TWINTRIAL PROTOCOL
set -euo pipefail
tt=$1 protocol=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$tt" run "$protocol" -o "$out/r.h5" --replicates 40 --patients 16 --progress none >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
"$tt" summary "$out/r.h5" >"$out/summary"
grep -E "covariance fitted: unstructured [0-9]+; toeplitz [0-9]+" "$out/summary" ||
  { echo "FAIL: no fallback to toeplitz reported"; cat "$out/summary"; exit 1; }
"$tt" export "$out/r.h5" --csv "$out/csv" >/dev/null
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $col["analysis"] == "mmrm" { n[$col["covariance"]]++
    if (($col["covariance"] >= 0) != ($col["ok"] == 1)) { print "FAIL: replicate " $col["replicate"] ": covariance " $col["covariance"] " but ok " $col["ok"]; bad = 1 } }
  END { printf "covariance per replicate: unstructured %d, toeplitz %d, ar1 %d, none %d\n", n[0], n[1], n[3], n[-1]
        if (!n[1] || n[0] + n[1] + n[3] + n[-1] != 40) bad = 1; exit bad }' "$out/csv/analyses.csv"
echo "1 passed, 0 failed"
