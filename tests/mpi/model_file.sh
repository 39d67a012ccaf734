#!/bin/bash
# A model file through the command line: a trial of protocols/fev1_model_file.yaml on 2
# ranks with an empty cache (one rank compiles, the other waits), then with the cached
# object on 1 rank and again with another empty cache: the results are bitwise identical
# (they do not depend on the cache); the cache holds one object and its source. A missing
# compiler with an empty cache: exit status 1 and one message naming it and TWINTRIAL_CC;
# a damaged cached object: one message saying to remove it.
# usage: model_file.sh TWINTRIAL
set -uo pipefail
tt=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
protocol=$root/protocols/fev1_model_file.yaml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() { # name ranks cache
  TWINTRIAL_CACHE=$3 mpirun -n "$2" --oversubscribe "$tt" run "$protocol" -o "$out/$1.h5" --replicates 4 --patients 80 \
    --progress none >"$out/$1.log" 2>&1 || { cat "$out/$1.log"; fail "run $1"; }
}
run cold2 2 "$out/cache1"
[ "$(ls "$out/cache1" | grep -c '\.so$')" = 1 ] && [ "$(ls "$out/cache1" | grep -c '\.c$')" = 1 ] &&
  [ "$(ls "$out/cache1" | wc -l)" = 2 ] || fail "cache: expected one .so and one .c, found: $(ls "$out/cache1")"
run warm1 1 "$out/cache1"
run cold1 1 "$out/cache2"
for b in warm1 cold1; do
  for g in /subjects /outcomes /counterfactual /endpoints /analyses /summary; do
    h5diff "$out/cold2.h5" "$out/$b.h5" $g $g >/dev/null 2>&1 || fail "$g differs between cold2 and $b"
  done
done
# the model is the model file's: the effect at week 24 is near emax * BASE * h(24) (about 0.17 L)
eff=$("$tt" summary "$out/cold2.h5" | awk '$1 == "primary" {print $6; exit}')
awk -v e="$eff" 'BEGIN {exit !(e > 0.1 && e < 0.25)}' || fail "primary mean estimate $eff, expected about 0.17"
# the results file keeps the model file's text; validate prints the model as parsed
/usr/bin/python3 - "$out/cold2.h5" "$root/protocols/models/indirect_response_fev1.yaml" <<'PY' || fail "provenance/model_yaml"
import sys, h5py, hashlib
f = h5py.File(sys.argv[1], "r")
text = open(sys.argv[2], "rb").read()
stored = f["provenance/model_yaml"][()]
assert stored == text, "model_yaml differs from the file"
assert f["provenance/model_sha256"][()].decode() == hashlib.sha256(text).hexdigest(), "model_sha256"
assert b"model_file_resolved" in f["provenance/resolved_protocol"][()], "resolved protocol without the model"
PY
TWINTRIAL_CACHE=$out/cache1 "$tt" validate "$protocol" >"$out/v" 2>&1 || fail "validate"
grep -q "    d/dt(R) = (((KOUT \* BASE) \* (1 + ((emax \* t) / (ec50 + t)))) - (KOUT \* R))" "$out/v" ||
  fail "validate does not print the model as parsed: $(grep -A12 model_file_resolved "$out/v")"
# twintrial models lists the model files of TWINTRIAL_MODEL_PATH; one that does not load is named
mkdir -p "$out/mp"
cp "$root/protocols/models/indirect_response_fev1.yaml" "$out/mp/a.yaml"
printf 'model:\n  name: broken\n  time_unit: day\n  outputs: "y = nothing"\n' >"$out/mp/b.yaml"
TWINTRIAL_CACHE=$out/cache1 TWINTRIAL_MODEL_PATH=$out/mp "$tt" models >"$out/m" 2>&1 || fail "models exits $?"
grep -q "^indirect_response_fev1 — " "$out/m" && grep -q "^    kout  *0.3  1/week" "$out/m" &&
  grep -q "^alzheimers_adas — " "$out/m" || fail "models: the model file is not listed: $(head -5 "$out/m")"
grep -q "b.yaml not loaded: .*b.yaml:4:17: model.outputs: unknown name 'nothing'" "$out/m" ||
  fail "models: the broken file is not named: $(grep 'not loaded' "$out/m")"
# personalise a model file's patients (MAP from the residual's density and Omega)
printf 'id,time,variable,value,arm\nP1,-4,fev1,1.9,\nP1,0,fev1,1.95,\nP1,4,fev1,2.05,drug\nP2,0,fev1,2.6,placebo\n' >"$out/obs.csv"
printf 'id,age,male\nP1,66,1\nP2,58,0\n' >"$out/cov.csv"
TWINTRIAL_CACHE=$out/cache1 "$tt" personalise "$protocol" --observations "$out/obs.csv" --covariates "$out/cov.csv" \
  -o "$out/twins.h5" >"$out/p" 2>&1 && grep -q "2 converged, 0 not" "$out/p" || fail "personalise: $(tail -3 "$out/p")"
# a missing compiler, with an empty cache
TWINTRIAL_CC=/nonexistent/cc TWINTRIAL_CACHE=$out/cache3 "$tt" validate "$protocol" >"$out/o" 2>"$out/e"
rc=$?
msg=$(grep '^twintrial: ' "$out/e")
[ $rc = 1 ] && [ "$(grep -c '^twintrial: ' "$out/e")" = 1 ] && [[ $msg == *"C compiler '/nonexistent/cc' was not found"* ]] &&
  [[ $msg == *TWINTRIAL_CC* ]] || fail "missing compiler: exit $rc, message: $msg"
# on 2 ranks too: both ranks stop with the same message, nothing hangs
TWINTRIAL_CC=/nonexistent/cc TWINTRIAL_CACHE=$out/cache3 timeout 120 mpirun -n 2 --oversubscribe "$tt" validate "$protocol" \
  >"$out/o" 2>"$out/e"
rc=$?
[ $rc != 0 ] && [ $rc != 124 ] && grep -q "was not found" "$out/e" || fail "missing compiler on 2 ranks: exit $rc"
# a damaged object in the cache
so=$(ls "$out/cache1"/*.so)
echo garbage >"$so"
TWINTRIAL_CACHE=$out/cache1 "$tt" validate "$protocol" >"$out/o" 2>"$out/e"
rc=$?
msg=$(grep '^twintrial: ' "$out/e")
[ $rc = 1 ] && [[ $msg == *"cannot load the compiled model"* ]] || fail "damaged cache: exit $rc, message: $msg"
[ $fails = 0 ] && echo "1 passed, 0 failed" || echo "$fails failed"
[ $fails = 0 ]
