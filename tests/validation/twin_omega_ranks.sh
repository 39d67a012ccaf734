#!/bin/bash
# /twins/omega and /twins/shrinkage of twins.h5 do not depend on which rank fitted which
# patient: one patient on 3 ranks (a worker fits it, rank 0 fits none) writes the model's
# prior covariance, as on 1 rank.  usage: twin_omega_ranks.sh TWINTRIAL PYTHON
set -euo pipefail
exe=$1 py=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf 'id,time,variable,value,arm\nP1,0,hba1c,8.1,glimepiride\nP1,4,hba1c,7.6,glimepiride\n' >"$out/obs.csv"
printf 'id,weight\nP1,88\n' >"$out/cov.csv"
for n in 1 3; do
  mpirun -n $n "$exe" personalise "$root/tests/data/twin/t2d.yaml" --observations "$out/obs.csv" \
    --covariates "$out/cov.csv" -o "$out/t$n.h5" --draws 10 --progress none >/dev/null
done
"$py" - "$out" <<'PY'
import sys, h5py, numpy as np
want = np.diag([0.305**2, 1.4**2, 0.21**2])  # t2d_hba1c: sd_is0, sd_b0, sd_rb (Choy 2016)
for n in (1, 3):
    with h5py.File(f"{sys.argv[1]}/t{n}.h5", "r") as f:
        om = f["twins/omega"][()]
        print(f"{n} rank(s): /twins/omega diagonal {np.diag(om)}, shrinkage {f['twins/shrinkage'][()]}")
        if not np.allclose(om, want, rtol=1e-12, atol=0):
            sys.exit(f"/twins/omega on {n} rank(s) is {om.tolist()}, expected {want.tolist()}")
PY
