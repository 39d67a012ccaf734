#!/bin/bash
# A model file with events through a trial: protocols/ms_relapse_model_file.yaml (the
# built-in ms_relapse re-expressed with an events section) on 2 ranks against
# protocols/ms_relapse.yaml (the C model) on 1 rank, the same seed: every twin's relapse
# count is the same and its time to first relapse equal to 1e-8 relative (the event
# times of the model file come from integrating its hazard), and the analyses' estimates
# and the validation figures (both carry FREEDOMS') agree to 1e-6; then both with the active
# arm switching to a weaker rate ratio at month 12; then a hazard that is not a number fails
# the twins (abort: the twin named; drop: counted); then an exposure-driven hazard of a
# dosed PK model file on 1 and 3 ranks.
# usage: model_file_events.sh TWINTRIAL
set -uo pipefail
tt=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export TWINTRIAL_CACHE=$out/cache
# sizes: smaller under memcheck (tests/reliability/valgrind.sh), which looks for memory
# errors along the code, not for agreement over many twins
reps=6 pats=400 sreps=4 spats=300
case $tt in *valgrind*) reps=2 pats=60 sreps=2 spats=60 ;; esac
mpirun -n 2 --oversubscribe "$tt" run "$root/protocols/ms_relapse_model_file.yaml" -o "$out/f.h5" --replicates $reps \
  --patients $pats --progress none >"$out/f.log" 2>&1 || { cat "$out/f.log"; echo "FAIL: model file run"; exit 1; }
"$tt" run "$root/protocols/ms_relapse.yaml" -o "$out/c.h5" --replicates $reps --patients $pats --progress none \
  >"$out/c.log" 2>&1 || { cat "$out/c.log"; echo "FAIL: C model run"; exit 1; }
/usr/bin/python3 - "$out/f.h5" "$out/c.h5" $pats <<'PY' || { echo "FAIL"; exit 1; }
import sys, h5py, numpy as np
f, c = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
for g in ("outcomes", "counterfactual"):
    assert g in f and g in c, g
n = f["endpoints/arr/count"][()]
assert n.size == int(sys.argv[3]), "expected the first replicate's %s twins" % sys.argv[3]
assert np.array_equal(n, c["endpoints/arr/count"][()], equal_nan=True), "relapse counts differ"
assert np.array_equal(f["endpoints/first_relapse/status"][()], c["endpoints/first_relapse/status"][()], equal_nan=True), "status"
tf, tc = f["endpoints/first_relapse/time"][()], c["endpoints/first_relapse/time"][()]
ok = np.isfinite(tc)  # NaN: not analysed (a twin never randomised into the analysis)
assert np.array_equal(ok, np.isfinite(tf)) and np.all(np.abs(tf[ok] - tc[ok]) <= 1e-8 * np.abs(tc[ok])), \
    "times to first relapse differ by %g" % np.max(np.abs(tf[ok] - tc[ok]) / np.abs(tc[ok]))
for a in ("arr_negbin", "arr_poisson", "first_relapse_cox"):
    ef, ec = f["analyses/%s/estimate" % a][()], c["analyses/%s/estimate" % a][()]
    assert np.all(np.abs(ef - ec) <= 1e-6), "%s estimates differ by %g" % (a, np.max(np.abs(ef - ec)))
# the same published figures (FREEDOMS), simulated alike replicate by replicate
assert "validation" in f and "validation" in c, "both protocols carry FREEDOMS' validation figures"
assert [x for x in f["validation/names"][()]] == [x for x in c["validation/names"][()]], "figure names differ"
vf, vc = f["validation/values"][()], c["validation/values"][()]
assert vf.shape == vc.shape and np.all(np.abs(vf - vc) <= 1e-6 * np.maximum(1, np.abs(vc))), "validation values differ"
print("%d relapse counts equal; %d times to first relapse within %.2g relative; estimates and %d figures agree"
      % (n.size, ok.sum(), np.max(np.abs(tf[ok] - tc[ok]) / np.abs(tc[ok])), vf.shape[1]))
PY
# the same with the active arm switching to a weaker rate ratio at month 12 (a closed-form
# model file's mean_regimen and events_regimen against the C model's)
for m in c f; do
  src=$root/protocols/ms_relapse.yaml
  [ $m = f ] && src=$root/protocols/ms_relapse_model_file.yaml
  sed -e "s|^cohort: ../cohorts/|cohort: $root/cohorts/|" -e "s|file: models/|file: $root/protocols/models/|" \
    -e 's|^  - {name: s1p_modulator, effect: {rate_ratio: 0.46}}|  - {name: s1p_modulator, effect: {rate_ratio: 0.46}, switch: [{at: 12, regimen: weaker}]}|' \
    -e 's|^arms:|regimens:\n  - {name: weaker, effect: {rate_ratio: 0.8}}\narms:|' -e '/^validation:/,$d' "$src" >"$out/sw_$m.yaml"
  grep -q "switch: \[{at: 12" "$out/sw_$m.yaml" || { echo "FAIL: no switch in the protocol"; exit 1; }
done
mpirun -n 2 --oversubscribe "$tt" run "$out/sw_f.yaml" -o "$out/sf.h5" --replicates $sreps --patients $spats --progress none \
  >"$out/sf.log" 2>&1 || { cat "$out/sf.log"; echo "FAIL: switching model file run"; exit 1; }
"$tt" run "$out/sw_c.yaml" -o "$out/sc.h5" --replicates $sreps --patients $spats --progress none >"$out/sc.log" 2>&1 ||
  { cat "$out/sc.log"; echo "FAIL: switching C model run"; exit 1; }
/usr/bin/python3 - "$out/sf.h5" "$out/sc.h5" <<'PY' || { echo "FAIL (switch)"; exit 1; }
import sys, h5py, numpy as np
f, c = (h5py.File(p, "r") for p in sys.argv[1:])
n = f["endpoints/arr/count"][()]
assert np.array_equal(n, c["endpoints/arr/count"][()], equal_nan=True), "relapse counts differ under the switch"
for g in ("outcomes", "counterfactual"):
    for k in f[g]:
        a, b = f[g][k][()], c[g][k][()]
        if a.dtype.kind == "f":
            ok = np.isfinite(b)
            assert np.array_equal(ok, np.isfinite(a)) and np.all(np.abs(a[ok] - b[ok]) <= 1e-8 * np.maximum(1, np.abs(b[ok]))), \
                "%s/%s differs" % (g, k)
for a in ("arr_negbin", "arr_poisson", "first_relapse_cox"):
    ef, ec = f["analyses/%s/estimate" % a][()], c["analyses/%s/estimate" % a][()]
    assert np.all(np.abs(ef - ec) <= 1e-6), "%s estimates differ by %g under the switch" % (a, np.max(np.abs(ef - ec)))
print("switch at month 12: %d relapse counts, outcomes and estimates equal the C model's" % n.size)
PY
# a hazard that is not a number (tests/data/models/good/events_undefined.yaml: past 2
# months) fails every twin loudly: abort names the twin and the reason, drop counts them
cat >"$out/undef.yaml" <<EOF
trial: {name: undefined hazard, seed: 3, replicates: 2, patients: 40}
cohort: $root/cohorts/rrms.yaml
model: {file: $root/tests/data/models/good/events_undefined.yaml, on_failure: abort}
arms:
  - {name: placebo}
  - {name: active, effect: {hr: 0.5}}
schedule: {unit: month, visits: [0, 1, 3]}
endpoints:
  - {name: death, type: time_to_event, event: death}
analysis:
  - {name: cox, endpoint: death, method: cox}
EOF
"$tt" run "$out/undef.yaml" -o "$out/ua.h5" --progress none >"$out/ua.log" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "twin 0 of replicate 0 under arm placebo: event hazard integration failed" "$out/ua.log" ||
  { cat "$out/ua.log"; echo "FAIL: an undefined hazard must abort naming the twin (status $rc)"; exit 1; }
sed -i 's/on_failure: abort/on_failure: drop/' "$out/undef.yaml"
mpirun -n 2 --oversubscribe "$tt" run "$out/undef.yaml" -o "$out/ud.h5" --progress none >"$out/ud.log" 2>&1 ||
  { cat "$out/ud.log"; echo "FAIL: the drop run"; exit 1; }
/usr/bin/python3 - "$out/ud.h5" <<'PY' || { echo "FAIL (undefined hazard)"; exit 1; }
import sys, h5py, numpy as np
d = h5py.File(sys.argv[1], "r")["replicates/dropped_twins"][()]
assert np.all(d == 40), "expected every twin dropped, found %s" % d
print("undefined hazard: every twin dropped (%s), none with 'no event'" % d)
PY
# events in a model with doses (tests/data/models/good/pk_exposure_hazard.yaml: an
# exposure-driven hazard, the doses stops of its integration): 1 and 3 ranks bitwise equal
pkh="replicates: 3, patients: 120"
case $tt in *valgrind*) pkh="replicates: 2, patients: 30" ;; esac
cat >"$out/pkh.yaml" <<EOF
trial: {name: exposure-driven adverse events, seed: 5, $pkh}
cohort: $root/cohorts/rrms.yaml
model: {file: $root/tests/data/models/good/pk_exposure_hazard.yaml}
arms:
  - {name: placebo}
  - {name: q12h_100mg, effect: {dose_mg: 100, interval_h: 12, n_doses: 28}}
schedule: {unit: day, visits: [0, 1, 7, 14]}
endpoints:
  - {name: adverse, type: time_to_event, event: adverse}
analysis:
  - {name: logrank, endpoint: adverse, method: logrank}
EOF
for n in 1 3; do
  mpirun -n $n --oversubscribe "$tt" run "$out/pkh.yaml" -o "$out/pkh$n.h5" --progress none >"$out/pkh$n.log" 2>&1 ||
    { cat "$out/pkh$n.log"; echo "FAIL: events with doses on $n ranks"; exit 1; }
done
/usr/bin/python3 - "$out/pkh1.h5" "$out/pkh3.h5" <<'PY' || { echo "FAIL (events with doses)"; exit 1; }
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:])
for g in ("outcomes", "counterfactual", "endpoints", "analyses"):
    def same(name, x):
        if isinstance(x, h5py.Dataset):
            u, v = x[()], b[g][name][()]
            assert np.array_equal(u, v, equal_nan=u.dtype.kind == "f"), "%s/%s differs" % (g, name)
    a[g].visititems(same)
t = a["endpoints/adverse/time"][()]
s = a["endpoints/adverse/status"][()]
assert 0 < np.nansum(s) < np.sum(np.isfinite(s)), "expected some adverse events and some censored twins"
print("events with doses: 1 and 3 ranks identical; %d adverse events among %d twins" % (np.nansum(s), np.sum(np.isfinite(s))))
PY
echo "1 passed, 0 failed"


