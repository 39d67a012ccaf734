#!/bin/bash
# Screening on baseline measurements, through the real command line. A cohort's
# include / exclude may read the model's observed variables at the first visit
# (tests/data/protocols/screen_adas.yaml: ADAS-Cog 18-30 and not (age > 85 and
# ADAS-Cog > 28)); then
#  - every randomised twin's stored baseline meets the criteria, in every arm;
#  - results are bitwise identical on 1, 2, 3 and 4 ranks;
#  - screening selects without distorting: the screened twins' baselines and ages have
#    the distribution of the unscreened twins that meet the criteria (two-sample
#    Kolmogorov-Smirnov, p > 0.001), and screen failures per twin match the geometric
#    mean (1 - q) / q of the eligible share q of all candidates (4 Monte-Carlo SE);
#  - the same criteria written in the protocol (cohort: {file, include, exclude}) on a
#    cohort without them give a bitwise identical trial;
#  - an ODE model (t2d_hba1c, the shipped T2D protocol's cohort plus HbA1c 7-10.5 %)
#    screens the same way, on 1 and 3 ranks.
# usage: screening.sh TWINTRIAL PYTHON
set -uo pipefail
tt=$1 py=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 n=0
check() { n=$((n + 1)); if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
run() { # name ranks protocol [args]
  local name=$1 k=$2 p=$3; shift 3
  mpirun -n "$k" --oversubscribe "$tt" run "$p" -o "$work/$name.h5" --progress none "$@" >"$work/$name.log" 2>&1 ||
    { echo "FAIL: run $name"; cat "$work/$name.log"; exit 1; }
}
same() { # a b: bitwise-identical results
  local g ok=1
  for g in /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; do
    h5diff -r "$work/$1.h5" "$work/$2.h5" $g $g >/dev/null 2>&1 || { ok=0; echo "  $g differs ($1, $2)"; }
  done
  [ $ok -eq 1 ]
}

screened=$root/tests/data/protocols/screen_adas.yaml
run s1 1 "$screened" --replicates 20 --patients 200
ranks="2 3 4" # compared with 1 rank; 3 only under memcheck (tests/reliability/valgrind.sh: a
# process start costs about 6 CPU seconds there, and it looks for memory errors)
case $tt in *valgrind*) ranks=3 ;; esac
for k in $ranks; do
  run s$k $k "$screened" --replicates 20 --patients 200 -tt_block 7
  check "same s1 s$k" "screened on ADAS-Cog: 1 rank = $k ranks"
done
# the same cohort without the measurement criteria (kept in the test's own copy)
mkdir -p "$work/cohorts" "$work/protocols"
sed -e 's/^  include: .*/  include: "mmse >= 16 and mmse <= 26"/' -e '/^  exclude: /d' \
  "$root/tests/data/cohorts/screen_adas.yaml" >"$work/cohorts/screen_adas.yaml"
cp "$screened" "$work/protocols/open.yaml"
run open 2 "$work/protocols/open.yaml" --replicates 100 --patients 200
# the same measurement criteria given by the protocol (cohort: {file, include, exclude})
# on top of the open cohort: the same candidates, so bitwise the same trial
sed -e 's|^cohort: .*|cohort: {file: ../cohorts/screen_adas.yaml, include: "adas_cog >= 18 and adas_cog <= 30", exclude: "age > 85 and adas_cog > 28"}|' \
  "$screened" >"$work/protocols/narrowed.yaml"
run narrowed 2 "$work/protocols/narrowed.yaml" --replicates 20 --patients 200
check "same s1 narrowed" "the protocol's own criteria on the open cohort = the cohort's criteria (bitwise)"

"$py" - "$work/s1.h5" "$work/open.h5" <<'PY' || fails=$((fails + 1))
import sys, h5py, numpy as np
def load(path):
    with h5py.File(path, "r") as f:
        out = np.asarray(f["outcomes"]["adas_cog"], dtype=float)
        cf = np.asarray(f["counterfactual"]["adas_cog"], dtype=float)
        age = np.asarray(f["subjects"]["covariates"]["age"], dtype=float)
        sf = np.asarray(f["replicates"]["screen_failures"], dtype=float)
    return out, cf, age, sf
def eligible(b, age):
    return (b >= 18) & (b <= 30) & ~((age > 85) & (b > 28))
def ks(a, b):  # two-sample Kolmogorov-Smirnov statistic and asymptotic p-value
    a, b = np.sort(a), np.sort(b); x = np.concatenate([a, b])
    d = np.max(np.abs(np.searchsorted(a, x, "right") / a.size - np.searchsorted(b, x, "right") / b.size))
    ne = a.size * b.size / (a.size + b.size); lam = (np.sqrt(ne) + 0.12 + 0.11 / np.sqrt(ne)) * d
    k = np.arange(1, 101)
    return d, float(min(1.0, max(0.0, 2 * np.sum((-1.0) ** (k - 1) * np.exp(-2 * k * k * lam * lam)))))
fails = 0
def check(ok, what):
    global fails
    print(("ok: " if ok else "FAIL: ") + what); fails += 0 if ok else 1
out, cf, age, sf = load(sys.argv[1])
b = out[:, 0]
check(np.all(eligible(b, age)), f"every stored baseline meets the criteria ({b.min():.2f}-{b.max():.2f}, n = {b.size})")
check(np.all(cf[:, :, 0] == b[:, None]), "every arm (counterfactual too) stores the screened baseline")
o_out, _, o_age, o_sf = load(sys.argv[2])
ob = o_out[:, 0]
keep = eligible(ob, o_age)
a = ob.size / (ob.size + o_sf.sum())  # share of candidates meeting the MMSE criteria alone
q = a * keep.mean()                   # share meeting every criterion
for name, x, y in (("baseline ADAS-Cog", b, ob[keep]), ("age", age, o_age[keep])):
    d, p = ks(x, y)
    check(p > 1e-3, f"{name} of screened twins ~ eligible unscreened twins (KS D = {d:.4f}, p = {p:.3g})")
rate = sf.sum() / b.size; expect = (1 - q) / q
se = np.sqrt((1 - q) / q ** 2 / b.size)  # SD of a geometric count is sqrt(1 - q) / q
check(abs(rate - expect) < 4 * se, f"screen failures per twin {rate:.4f} vs (1 - q)/q = {expect:.4f} (q = {q:.4f}, SE {se:.4f})")
sys.exit(1 if fails else 0)
PY
n=$((n + 1))

# an ODE model: the shipped T2D cohort, screened on HbA1c 7-10.5 %
p=$(ls "$root"/protocols/t2d*.yaml | head -1)
c=$(sed -n 's/^cohort: *\([^ #]*\).*/\1/p' "$p")
mkdir -p "$work/t2d/protocols" && cp -r "$root/cohorts" "$work/t2d/"
cf="$work/t2d/protocols/$c"
if grep -q '^  include:' "$cf"; then
  sed -i 's/^  include: *"\(.*\)"/  include: "(\1) and hba1c >= 7 and hba1c <= 10.5"/' "$cf"
else
  echo '  include: "hba1c >= 7 and hba1c <= 10.5"' >>"$cf"
fi
grep -v '^output:' "$p" >"$work/t2d/protocols/t.yaml" && echo 'output: {subjects: all}' >>"$work/t2d/protocols/t.yaml"
run t1 1 "$work/t2d/protocols/t.yaml" --replicates 3 --patients 150
run t3 3 "$work/t2d/protocols/t.yaml" --replicates 3 --patients 150 -tt_block 11
check "same t1 t3" "T2D screened on HbA1c: 1 rank = 3 ranks"
r=$("$py" -c "
import h5py, numpy as np
f = h5py.File('$work/t1.h5', 'r'); a = np.asarray(f['outcomes']['hba1c'], dtype=float)
b = a.reshape(a.shape[0], -1)[:, 0]; sf = float(np.sum(f['replicates']['screen_failures']))
print('ok' if b.min() >= 7 and b.max() <= 10.5 and sf > 0 else 'bad', round(b.min(), 3), round(b.max(), 3), int(sf))")
check '[ "${r%% *}" = ok ]' "T2D baselines in [7, 10.5] with screen failures counted ($r)"
echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
