#!/bin/bash
# Physiological plausibility as a property of every shipped model: each protocol in
# protocols/ is run with 10^5 twins (20 replicates x 5000, guided arms included: their
# forecasts by the delta method cost about 16 standard replicates), every twin stored, and every
# finite value of every output variable, observed (randomized arm) and counterfactual
# (every other arm), at every visit, must lie in the model's plausible range as
# `twintrial models` lists it (with its source; model files from protocols/models through
# TWINTRIAL_MODEL_PATH). A model without ranges fails.
# usage: plausible.sh TWINTRIAL PYTHON [PROTOCOL...]   (default: every protocols/*.yaml)
set -uo pipefail
tt=$1 py=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/cohorts" "$work/" && mkdir -p "$work/protocols" && cp -r "$root/protocols/models" "$work/protocols/"
TWINTRIAL_MODEL_PATH=$root/protocols/models "$tt" models >"$work/models.txt" || { echo "FAIL: twintrial models"; exit 1; }
protocols=("$@")
[ ${#protocols[@]} -gt 0 ] || protocols=("$root"/protocols/*.yaml)
fails=0 n=0
for p in "${protocols[@]}"; do
  n=$((n + 1))
  name=$(basename "$p" .yaml)
  q=$work/protocols/$name.yaml
  grep -v '^output:' "$p" >"$q" && echo 'output: {subjects: all}' >>"$q"
  model=$(sed -n 's/^model: *{ *name: *\([A-Za-z0-9_]*\).*/\1/p' "$q")
  file=$(sed -n 's/^model: *{ *file: *\([^,} ]*\).*/\1/p' "$q") # a model file: its model.name
  [ -z "$file" ] || model=$(sed -n 's/^  name: *\([A-Za-z0-9_]*\).*/\1/p' "$(dirname "$p")/$file" | head -1)
  size="--replicates 20 --patients 5000"
  if ! mpirun -n 2 --oversubscribe "$tt" run "$q" -o "$work/$name.h5" $size \
      --progress none >"$work/$name.log" 2>&1; then
    echo "FAIL: $name: $(tail -1 "$work/$name.log")"; fails=$((fails + 1)); continue
  fi
  "$py" - "$work/$name.h5" "$work/models.txt" "$model" "$name" <<'PY' || fails=$((fails + 1))
import sys, h5py, numpy as np
path, models, model, name = sys.argv[1:]
ranges, current = {}, None
for line in open(models, encoding="utf-8"):
    if line and not line[0].isspace():
        current = line.split(" ")[0]
    elif line.split()[:1] == ["range"] and current == model:
        w = line.split()
        ranges[w[1]] = (float(w[2]), float(w[3]))
f = h5py.File(path, "r")
variables = list(f["outcomes"].keys())
missing = [v for v in variables if v not in ranges]
if missing:
    print(f"FAIL: {name}: model {model} states no plausible range for {', '.join(missing)}"); sys.exit(1)
bad, msg = False, []
for v in variables:
    lo, hi = ranges[v]
    vals = [np.asarray(f[g][v], dtype=float).ravel() for g in ("outcomes", "counterfactual") if g in f and v in f[g]]
    x = np.concatenate(vals); x = x[np.isfinite(x)]
    out = np.sum((x < lo) | (x > hi))
    bad |= out > 0
    msg.append(f"{v} [{x.min():.4g}, {x.max():.4g}] in [{lo:g}, {hi:g}]" + (f": {out} of {x.size} OUTSIDE" if out else ""))
twins = f["subjects"]["arm"].shape[0]
print(("FAIL: " if bad else "ok: ") + f"{name} ({model}, {twins} twins x every arm and visit): " + "; ".join(msg))
sys.exit(1 if bad else 0)
PY
done
echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
