#!/bin/bash
# Determinism contract of `twintrial personalise`: the same patients, protocol and seed give
# byte-identical twins.csv, predictions.csv and recommendations.csv and identical HDF5
# files (every dataset and attribute, h5diff) on 1, 2, 3 and 4 ranks, whichever rank fits
# which patient (rank 0 fits between serving requests, workers take blocks). Patients for
# the Alzheimer's disease model (closed form; tests/data/twin/ad.yaml) and the type 2
# diabetes model (ODE; protocols/t2d_lead2_glimepiride.yaml), simulated and rewritten by
# twin_inputs.sh: histories only, follow-up of several lengths on either arm, censored
# values. Each run starts in its own directory with the same arguments, so even the stored
# command line is the same. Under memcheck (tests/reliability/valgrind.sh), which looks for
# memory errors, 1 rank is compared with 3 only (a coordinator and two workers), with 20
# posterior draws per patient: each process start costs about 6 CPU seconds there, each
# draw's integration about 50 times its release cost; the other suites compare 1 to 4.
# usage: personalise_determinism.sh TWINTRIAL
set -euo pipefail
tt=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
more="2 3 4" # rank counts compared with 1 rank
draws=200    # posterior draws per patient (20 under memcheck: the same code, fewer times)
case $tt in *valgrind*) more=3 draws=20 ;; esac

inputs() { # name protocol patients covariates [censored variable]
  CENSOR_VARIABLE=${5:-} "$here/twin_inputs.sh" "$tt" "$2" "$3" "$out/$1" "$4"
  # the cases this test is about must be in the file
  grep -q ',<' "$out/$1/obs.csv" || { echo "FAIL: $1: no censored value in the inputs"; exit 1; }
  awk -F, 'NR > 1 { if ($5 != "") arm[$1] = 1; seen[$1] = 1 }
    END { for (i in seen) if (!(i in arm)) h++; exit !(h >= 3) }' "$out/$1/obs.csv" ||
    { echo "FAIL: $1: fewer than 3 patients with history only"; exit 1; }
}
personalise() { # name protocol ranks
  local d=$out/$1/n$3
  mkdir -p "$d"
  (cd "$d" && mpirun -n "$3" --oversubscribe "$tt" personalise "$2" --observations ../obs.csv --covariates ../cov.csv \
    -o twins.h5 --csv . --draws $draws --progress none >run.log 2>&1) || { cat "$d/run.log"; exit 1; }
}
compare() { # name ranks: against 1 rank
  local a=$out/$1/n1 b=$out/$1/n$2 f before=$fails
  for f in twins.csv predictions.csv recommendations.csv; do
    [ -s "$a/$f" ] || { echo "FAIL: $1: no $f"; fails=$((fails + 1)); continue; }
    cmp -s "$a/$f" "$b/$f" || { echo "FAIL: $1: $f differs between 1 and $2 ranks"; { diff "$a/$f" "$b/$f" | head -6 || true; }; fails=$((fails + 1)); }
  done
  if ! h5diff -r "$a/twins.h5" "$b/twins.h5" >"$out/diff.txt" 2>&1; then
    echo "FAIL: $1: twins.h5 differs between 1 and $2 ranks"; head -20 "$out/diff.txt" || true; fails=$((fails + 1))
  fi
  if [ $fails -eq "$before" ]; then echo "ok: $1 on $2 ranks identical to 1 rank"; fi
}

inputs ad "$root/tests/data/twin/ad.yaml" 36 age,male,apoe4,on_ache
inputs t2d "$root/protocols/t2d_lead2_glimepiride.yaml" 30 weight fsi
for name in ad t2d; do
  protocol=$root/tests/data/twin/ad.yaml
  [ $name = t2d ] && protocol=$root/protocols/t2d_lead2_glimepiride.yaml
  for n in 1 $more; do personalise $name "$protocol" $n; done
  # the runs did personalise: every patient, most converged
  awk -F, -v name=$name 'NR > 1 { n++; c += $(NF - 1) == 1 } END { printf "%s: %d patients, %d converged\n", name, n, c; exit !(n >= 30 && c >= 0.9 * n) }' \
    "$out/$name/n1/twins.csv" || { echo "FAIL: $name: too few patients or converged fits"; fails=$((fails + 1)); }
  for n in $more; do compare $name $n; done
done
[ $fails -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed ($fails differences)"
[ $fails -eq 0 ]
