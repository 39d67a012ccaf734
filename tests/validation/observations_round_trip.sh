#!/bin/bash
# analysis/observations.py: OBS.csv, COV.csv and TRUTH.csv hold exactly the stored twins' values
# (17 digits), at the chosen visits relabelled as asked, the arm on rows at time >= 0 only, values
# under a limit as "<LIMIT", nothing after dropout with --source outcomes; `twintrial personalise`
# reads the files, and TRUTH.csv's keys are keys of its predictions.csv; mistakes are one line and
# exit status 1.  usage: observations_round_trip.sh TWINTRIAL PYTHON
set -euo pipefail
exe=$1 py=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
conv="$py $root/analysis/observations.py"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
protocol=$root/protocols/t2d_lead2_glimepiride.yaml
"$exe" run "$protocol" -o "$out/sim.h5" --replicates 1 --patients 60 --progress none >/dev/null
$conv "$out/sim.h5" --under placebo --visits 0,4,8,12 --shift -12 --below fsi=8 --covariates weight \
  --twins 40 --obs "$out/h_obs.csv" --cov "$out/cov.csv" --truth "$out/h_truth.csv"
$conv "$out/sim.h5" --visits 0,4 --truth-arms all --covariates weight --obs "$out/o_obs.csv" --truth "$out/o_truth.csv"
mkdir -p "$out/p"
"$exe" personalise "$protocol" --observations "$out/h_obs.csv" --covariates "$out/cov.csv" -o "$out/p.h5" \
  --csv "$out/p" --draws 10 --progress none >/dev/null
for bad in "--visits 0,5" "--covariates mmse --cov $out/x.csv" "--twins 0" "--arm nope" "--below fsi" "--bogus"; do
  # shellcheck disable=SC2086
  if msg=$($conv "$out/sim.h5" --obs "$out/x.csv" $bad 2>&1); then echo "accepted: $bad"; exit 1; fi
  rc=$($conv "$out/sim.h5" --obs "$out/x.csv" $bad >/dev/null 2>&1; echo $?) || true
  [ "$rc" = 1 ] && [ "$(printf '%s\n' "$msg" | wc -l)" = 1 ] || { echo "$bad: exit $rc, message: $msg"; exit 1; }
  echo "refused $bad: $msg"
done
"$py" - "$out" <<'PY'
import sys, h5py, numpy as np, pandas as pd
d = sys.argv[1]
f = h5py.File(f"{d}/sim.h5", "r")
arms = [a.decode() for a in f["design/arms"][()]]
visits = list(f["design/visits"][()])
sub = f["subjects/subject"][()]
def read(name, **kw):  # every digit as written (the default parser may be 1 ulp off)
    return pd.read_csv(f"{d}/{name}", float_precision="round_trip", **kw)
ho, ht = read("h_obs.csv", dtype={"value": str}), read("h_truth.csv")
oo, ot, cov = read("o_obs.csv"), read("o_truth.csv"), read("cov.csv")
bad = []
row = {f"r0s{s}": i for i, s in enumerate(sub)}
# run-in history: placebo counterfactual, visits 0-12 at -12..0, FSI under 8 censored
assert ho.id.nunique() == 40 and list(cov.columns) == ["id", "weight"]
for _, r in ho.iterrows():
    v = visits.index(r.time + 12)
    y = f["counterfactual/" + r.variable][row[r.id], 0, v]
    want = f"<8" if r.variable == "fsi" and y < 8 else repr(float(y))
    got = r.value if r.value.startswith("<") else repr(float(r.value))
    if got != want: bad.append(f"history {r.id} {r.time} {r.variable}: {got} != {want}")
    if (r.time >= 0) != (r.arm == "placebo"): bad.append(f"history {r.id} {r.time}: arm {r.arm!r}")
if set(ht.time) != {4.0, 8.0, 14.0} or set(ht.arm) != {"placebo"}: bad.append(f"history truth times {set(ht.time)}")
for _, r in ht.iterrows():
    if r.value != f["counterfactual/" + r.variable][row[r.id], 0, visits.index(r.time + 12)]: bad.append(f"truth {r.id}")
if any(cov.weight.values != f["subjects/covariates/weight"][()][:40]): bad.append("COV.csv weights")
# outcomes: the randomised arm, nothing after dropout
arm = f["subjects/arm"][()]
n_nan = 0
for i, s in enumerate(sub):
    for var in ("hba1c", "fpg", "fsi", "weight"):
        y = f["outcomes/" + var][i]
        for v in (0, 1):
            hit = oo[(oo.id == f"r0s{s}") & (oo.time == visits[v]) & (oo.variable == var)]
            if np.isnan(y[v]):
                n_nan += 1
                if len(hit): bad.append(f"a row after dropout: r0s{s}")
            elif len(hit) != 1 or hit.value.iloc[0] != y[v] or hit.arm.iloc[0] != arms[arm[i]]:
                bad.append(f"outcomes r0s{s} {var} {visits[v]}")
cf = ot[ot.arm != ot.id.map(dict(zip([f"r0s{s}" for s in sub], [arms[a] for a in arm])))]
for _, r in cf.iterrows():
    if r.value != f["counterfactual/" + r.variable][row[r.id], arms.index(r.arm), visits.index(r.time)]:
        bad.append(f"counterfactual truth {r.id}")
pred = pd.read_csv(f"{d}/p/predictions.csv")
keys = set(map(tuple, pred[["id", "arm", "time", "variable"]].values))
miss = [k for k in map(tuple, ht[["id", "arm", "time", "variable"]].values) if k not in keys and k[2] != 14]
if miss: bad.append(f"truth keys without a forecast: {miss[:3]}")
print(f"{len(ho)} history rows ({(ho.value.str.startswith('<')).sum()} censored), {len(oo)} outcome rows "
      f"({n_nan} missing after dropout), {len(cf)} counterfactual truth rows checked")
for b in bad[:10]: print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
