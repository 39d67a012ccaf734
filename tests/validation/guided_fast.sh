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
/usr/bin/python3 - "$d" "${MIN_SAME:-0.97}" <<'PY'
import sys, math
import h5py, numpy as np, pandas as pd
d, min_same = sys.argv[1], float(sys.argv[2])
def figures(f):
    g = pd.read_csv(f"{d}/{f}/guided.csv")
    return g[g.arm == "guided"].groupby("replicate")[["oracle_agreement", "mean_regret"]].first()
def courses(f):
    with h5py.File(f"{d}/{f}.h5", "r") as h:
        arms = [a.decode() for a in h["design/arms"][:]]
        return h["counterfactual/hba1c"][:, arms.index("guided"), :]
a, b = figures("reference"), figures("fast")
ca, cb = courses("reference"), courses("fast")
same = float(np.mean(np.all(ca == cb, axis=1)))
cpu = {f: sum(map(float, open(f"{d}/{f}.time").read().split()[-2:])) for f in ("reference", "fast")}
r = len(a)
ok = same >= min_same
print(f"{'ok' if ok else 'FAIL'}: the same policy for {same:.4f} of {len(ca)} guided twins (at least {min_same})")
for col, margin in (("oracle_agreement", 0.002), ("mean_regret", 0.02 * a.mean_regret.mean())):
    diff = b[col] - a[col]
    se = diff.std(ddof=1) / math.sqrt(r)
    mcse = a[col].std(ddof=1) / math.sqrt(r)
    good = abs(diff.mean()) <= 2.5 * se + margin
    ok = ok and good
    print(f"{'ok' if good else 'FAIL'}: {col}: reference {a[col].mean():.4g} (MC SE {mcse:.2g}), as shipped "
          f"{b[col].mean():.4g}, paired difference {diff.mean():+.3g} (SE {se:.2g}, {r} replicates)")
print(f"CPU s: reference {cpu['reference']:.2f}, as shipped {cpu['fast']:.2f}")
sys.exit(0 if ok else 1)
PY
