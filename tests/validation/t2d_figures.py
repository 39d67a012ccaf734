#!/usr/bin/python3
"""t2d_figures.py — the T2D protocols' validation figures and plausibility ranges from a
twintrial results file written with `output: {subjects: all}`.

Per replicate, over randomised twins: the mean observed baseline HbA1c, each arm's mean
change from baseline of HbA1c / FPG / weight at the last visit (twins observed there),
the share with HbA1c below THRESHOLD at the last visit, the completion (observed at the
last visit), and TREATMENT minus CONTROL; each figure is averaged over replicates and
given with its Monte Carlo SE (SD over replicates / sqrt(replicates)). Then the range
of every variable over all twins x arms x visits (observed and counterfactual).
--screen LO HI keeps only twins whose observed baseline HbA1c lies in [LO, HI] (for
cohorts whose include line cannot yet name the model's variables; a no-op once the
cohort screens on hba1c itself).
usage: t2d_figures.py RESULTS.h5 CONTROL TREATMENT [--threshold 7] [--screen LO HI]"""
import sys
import h5py
import numpy as np

args = sys.argv[1:]
thr, screen = 7.0, None
if "--threshold" in args:
    i = args.index("--threshold"); thr = float(args[i + 1]); del args[i:i + 2]
if "--screen" in args:
    i = args.index("--screen"); screen = (float(args[i + 1]), float(args[i + 2])); del args[i:i + 3]
path, ctl, trt = args
f = h5py.File(path, "r")
arms = [a.decode() for a in f["design/arms"][:]]
arm = f["subjects/arm"][:]
rep = f["subjects/replicate"][:]
obs = {v: np.asarray(f["outcomes"][v], dtype=float) for v in ("hba1c", "fpg", "fsi", "weight")}
cf = {v: np.asarray(f["counterfactual"][v], dtype=float) for v in obs}
keep = np.ones(arm.size, bool)
if screen:
    keep = (obs["hba1c"][:, 0] >= screen[0]) & (obs["hba1c"][:, 0] <= screen[1])

def per_rep(fn):
    vals = np.array([fn((rep == r) & keep) for r in np.unique(rep)])
    vals = vals[np.isfinite(vals)]
    return vals.mean(), vals.std(ddof=1) / np.sqrt(vals.size), vals.size

def arm_stat(a, stat):
    k = arms.index(a)
    def fn(m):
        m = m & (arm == k)
        last = obs["hba1c"][m, -1]
        done = np.isfinite(last)
        if stat == "baseline": return obs["hba1c"][m, 0].mean()
        if stat == "completion": return done.mean()
        if stat == "responder": return (last[done] < thr).mean()
        v = obs[stat][m]
        return (v[:, -1] - v[:, 0])[done].mean()
    return fn

print(f"{path}: {keep.sum()} of {keep.size} twins kept, {np.unique(rep).size} replicates, arms {arms}")
print("%-28s %10s %8s" % ("figure", "simulated", "MCSE"))
m, s, n = per_rep(lambda m: obs["hba1c"][m, 0].mean())
print("%-28s %10.3f %8.3f" % ("baseline_mean hba1c", m, s))
for a in (ctl, trt):
    for stat in ("baseline", "hba1c", "fpg", "weight", "responder", "completion"):
        m, s, n = per_rep(arm_stat(a, stat))
        print("%-28s %10.3f %8.3f" % (f"{a} {stat}", m, s))
for stat in ("hba1c", "fpg", "weight", "responder"):
    m, s, n = per_rep(lambda m: arm_stat(trt, stat)(m) - arm_stat(ctl, stat)(m))
    print("%-28s %10.3f %8.3f" % (f"{trt} - {ctl} {stat}", m, s))
for v in obs:
    allv = np.concatenate([obs[v][keep].ravel(), cf[v][keep].ravel()])
    allv = allv[np.isfinite(allv)]
    print(f"range {v}: [{allv.min():.4g}, {allv.max():.4g}] over {allv.size} values")
