#!/bin/bash
# The guided arms' shortcuts against the full computation on the same trial (same seed: the
# same twins, observations and posterior draws): the reference run sets GUIDED_REFERENCE_ARGS
# (default: the fits' Gauss-Newton step rule off, and the fits and forecasts integrated
# at the models' rtol 1e-8), the other runs as shipped (plus GUIDED_ARGS, default none).
# Reports the share of guided twins given the same policy (their course under it bit for
# bit the same: subjects written for every replicate) and, per replicate, oracle agreement and mean regret from guided.csv; passes
# when at least MIN_SAME (default 0.97) of the twins get the same policy and, pooled over
# the replicates, each figure's paired difference is within 2.5 paired Monte Carlo SEs plus
# a margin (0.002 for agreement, 2 % of the reference's regret), as
# tests/validation/guided_delta.sh. GUIDED_REFERENCE_TT: another twintrial for the
# reference run (an earlier build; then GUIDED_REFERENCE_ARGS= for no options).
# usage: guided_fast.sh TWINTRIAL PROTOCOL [REPLICATES PATIENTS]
set -uo pipefail
tt=$1 protocol=$2 reps=${3:-6} pats=${4:-100}
ref_args=${GUIDED_REFERENCE_ARGS--tt_twin_stop_step_sd 0 -tt_guided_fit_rtol 1e-8 -tt_guided_forecast_rtol 1e-8}
ref_tt=${GUIDED_REFERENCE_TT:-$tt}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
grep -q '^output:' "$protocol" && { echo "FAIL: $protocol has its own output: section"; exit 1; }
# the cohort path is relative to the protocol's directory
sed "s|^cohort: \([^/].*\)$|cohort: $(cd "$(dirname "$protocol")" && pwd)/\1|" "$protocol" >"$d/p.yaml"
echo "output: {subjects: all}" >>"$d/p.yaml"
for f in reference fast; do
  extra=()
  # shellcheck disable=SC2206 # words on purpose
  [ $f = reference ] && extra=($ref_args)
  # shellcheck disable=SC2206 # words on purpose
  [ $f = fast ] && extra=(${GUIDED_ARGS:-})
  t=$tt
  [ $f = reference ] && t=$ref_tt
  /usr/bin/time -f "%U %S" -o "$d/$f.time" "$t" run "$d/p.yaml" -o "$d/$f.h5" --replicates "$reps" --patients "$pats" \
    --progress none "${extra[@]}" >"$d/$f.log" 2>&1 || { echo "FAIL: $f run"; cat "$d/$f.log"; exit 1; }
  "$tt" export "$d/$f.h5" --csv "$d/$f" >/dev/null 2>&1 || { echo "FAIL: $f export"; exit 1; }
done
/usr/bin/python3 - "$d" "${MIN_SAME:-0.97}" "$(dirname "$0")" <<'PY'
import sys
import h5py, numpy as np
sys.path.insert(0, sys.argv[3])
from guided_paired import paired
d, min_same = sys.argv[1], float(sys.argv[2])
def courses(f):
    with h5py.File(f"{d}/{f}.h5", "r") as h:
        arms = [a.decode() for a in h["design/arms"][:]]
        return h["counterfactual/hba1c"][:, arms.index("guided"), :]
ca, cb = courses("reference"), courses("fast")
same = float(np.mean(np.all(ca == cb, axis=1)))
ok = same >= min_same
print(f"{'ok' if ok else 'FAIL'}: the same policy for {same:.4f} of {len(ca)} guided twins (at least {min_same})")
ok = paired(d, ("reference", "fast"), ("reference", "as shipped")) and ok
sys.exit(0 if ok else 1)
PY
