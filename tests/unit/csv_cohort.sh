#!/bin/bash
# Cohorts resampled from a CSV table (cohorts/ad_historical.yaml, `resample:`; and a
# bare `cohort: FILE.csv`), through the real command line:
#  - every twin's covariates are one row of the table that meets the criteria;
#  - rows are drawn uniformly with replacement: chi-square of the row counts against
#    the eligible rows' multiplicities; screen failures per twin match the geometric
#    mean (1 - p) / p of the eligible share p (4 Monte-Carlo SE);
#  - identical results on 1 and 2 ranks; the table is in the provenance;
#  - a CSV column clashing with a drawn covariate is refused at its header cell.
# usage: csv_cohort.sh TWINTRIAL PYTHON
set -uo pipefail
tt=$1 py=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 n=0
check() { n=$((n + 1)); if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }

sed -e "s|^cohort: .*|cohort: $root/cohorts/ad_historical.yaml|" -e 's|^output: .*|output: {subjects: all}|' \
  "$root/protocols/alzheimers_historical_cohort.yaml" >"$work/p.yaml"
mpirun -n 2 "$tt" run "$work/p.yaml" -o "$work/r2.h5" --replicates 20 --progress none >/dev/null 2>"$work/e2"
check '[ -f "$work/r2.h5" ]' "a 2-rank run on the resampled cohort ($(head -c 200 "$work/e2"))"
"$tt" run "$work/p.yaml" -o "$work/r1.h5" --replicates 20 --progress none >/dev/null 2>&1
same=1
for g in /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; do
  h5diff -r "$work/r1.h5" "$work/r2.h5" $g $g >/dev/null 2>&1 || { same=0; echo "  $g differs"; }
done
check '[ $same -eq 1 ]' "identical on 1 and 2 ranks"

"$py" - "$work/r2.h5" "$root/cohorts/ad_historical.csv" <<'PY'
import sys, collections, h5py, numpy as np
from scipy import stats
res, csv = sys.argv[1], sys.argv[2]
cols = ["age", "male", "apoe4", "mmse", "on_ache"]
rows = [tuple(float(v) for v in line.split(",")) for line in open(csv)
        if line.strip() and not line.startswith("#") and not line.startswith("age")]
eligible = [r for r in rows if 16 <= r[3] <= 26]
mult = collections.Counter(eligible)
with h5py.File(res, "r") as f:
    cov = f["subjects/covariates"]
    twins = list(zip(*[cov[c][:] for c in cols]))
    carrier = cov["apoe4_carrier"][:]
    screen = f["replicates/screen_failures"][:]
    prov = f["provenance/cohort_yaml"][()].decode()
fails = 0
def check(ok, what):
    global fails
    print(("ok: " if ok else "FAIL: ") + what)
    fails += not ok
outside = sum(1 for t in twins if tuple(t) not in mult)
check(outside == 0, f"every twin is an eligible row of the table ({len(twins)} twins, {outside} not)")
check(all(c == (t[2] >= 1) for c, t in zip(carrier, twins)), "derived apoe4_carrier follows the resampled apoe4")
seen = collections.Counter(tuple(t) for t in twins)
keys = list(mult)
obs = np.array([seen[k] for k in keys], float)
exp = np.array([mult[k] for k in keys], float) * len(twins) / len(eligible)
chi = stats.chisquare(obs, exp)
check(chi.pvalue > 1e-3, f"row counts uniform over the eligible rows (chi-square {chi.statistic:.1f} on {len(keys) - 1} df, p = {chi.pvalue:.3f})")
p = len(eligible) / len(rows)
per_twin = screen.sum() / len(twins)
se = np.sqrt((1 - p) / p**2 / len(twins))
check(abs(per_twin - (1 - p) / p) < 4 * se, f"screen failures per twin {per_twin:.4f}, geometric mean {(1 - p) / p:.4f} (SE {se:.4f})")
check("# ---- resample:" in prov and "age,male,apoe4,mmse,on_ache" in prov, "the table is stored in the provenance")
sys.exit(1 if fails else 0)
PY
n=$((n + 1)); [ $? -eq 0 ] || fails=$((fails + 1))

# A bare CSV as the protocol's cohort (every column resampled; no criteria).
sed -e "s|^cohort: .*|cohort: $root/cohorts/ad_historical.csv|" "$work/p.yaml" >"$work/bare.yaml"
"$tt" run "$work/bare.yaml" -o "$work/bare.h5" --replicates 2 --progress none >/dev/null 2>"$work/e3"
rc=$?
check '[ $rc -eq 1 ] && grep -q "strata.*apoe4_carrier" "$work/e3"' "bare CSV: the derived stratum is not there, a located error (rc $rc)"
sed -i 's|strata: \[apoe4_carrier\]|strata: [apoe4]|' "$work/bare.yaml"
"$tt" run "$work/bare.yaml" -o "$work/bare.h5" --replicates 2 --progress none >/dev/null 2>"$work/e3"
check '[ -f "$work/bare.h5" ] && [ "$(h5dump -d /replicates/screen_failures "$work/bare.h5" | grep -c " 0, 0")" -eq 1 ]' \
  "bare CSV as the cohort, stratified on an integer column: runs, no screening ($(head -c 200 "$work/e3"))"

sed -e "s|^cohort: .*|cohort: $root/tests/data/cohorts/resample_name_clash.yaml|" "$work/p.yaml" >"$work/clash.yaml"
"$tt" validate "$work/clash.yaml" >/dev/null 2>"$work/e4"
rc=$?
check '[ $rc -eq 1 ] && grep -q "resample_columns.csv:2:1: header: expected unique covariate names; .age. is already a covariate" "$work/e4"' \
  "a column named like a drawn covariate: refused at the header (rc $rc)"

echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
