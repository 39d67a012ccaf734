#!/usr/bin/python3
"""Figures of an ms_relapse protocol, simulated vs published (the lead's credibility check by hand).
usage: ms_relapse.validation.py RESULTS.h5   (run with output: {subjects: all})
Per replicate and arm: ARR = total relapses / total years on study; Kaplan-Meier
relapse-free at 24 months (730.5 days); completion = share still observed at the last
visit; the analyses' rate ratio / hazard ratio. Each is averaged over replicates
(ratios on the log scale) with its Monte Carlo SE (SD over replicates / sqrt(R))."""
import sys, h5py, numpy as np

f = h5py.File(sys.argv[1], "r")
arms = [a.decode() for a in f["design/arms"][:]]
rep, arm = f["subjects/replicate"][:], f["subjects/arm"][:]
drop = f["subjects/dropout_time"][:]
last = f["design/visit_days"][-1]
cnt, expo = f["endpoints/arr/count"][:], f["endpoints/arr/exposure"][:]
tt, st = f["endpoints/first_relapse/time"][:], f["endpoints/first_relapse/status"][:]


def km_at(t, s, x):
    """Kaplan-Meier survival at x (events at the same time as censorings come first)."""
    o = np.lexsort((-s, t))
    t, s = t[o], s[o]
    surv, n = 1.0, len(t)
    for i in range(len(t)):
        if t[i] > x:
            break
        if s[i] == 1:
            surv *= 1.0 - 1.0 / (n - i)
    return surv


def summary(name, per_rep, log=False):
    v = np.log(per_rep) if log else np.asarray(per_rep)
    m, se = v.mean(), v.std(ddof=1) / np.sqrt(len(v))
    print(f"{name:32s} {np.exp(m) if log else m:.4f}  MCSE {se:.4f}{' (log)' if log else ''}  R {len(v)}")


R = int(rep.max()) + 1
for a, name in enumerate(arms):
    rate, free, comp = [], [], []
    for r in range(R):
        k = (rep == r) & (arm == a)
        ok = np.isfinite(cnt[k])
        rate.append(cnt[k][ok].sum() / expo[k][ok].sum())
        free.append(km_at(tt[k], st[k], 730.5))
        comp.append(np.mean(drop[k] > last))
    summary(f"{name} ARR", rate)
    summary(f"{name} relapse-free 24 months", free)
    summary(f"{name} completion", comp)
for an in ("arr_negbin", "first_relapse_cox"):
    if an in f["analyses"]:
        est, ok = f[f"analyses/{an}/estimate"][:], f[f"analyses/{an}/ok"][:] != 0
        print(f"{an}: {np.sum(~ok)} replicate(s) not analysed (excluded)")
        summary(f"{an} ratio", np.exp(est[ok & np.isfinite(est)]), log=True)
