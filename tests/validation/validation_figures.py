#!/usr/bin/python3
"""Simulated vs published figures of a protocol's validation entries, from a results file.

usage: validation_figures.py RESULTS.h5 ENTRIES.yaml
RESULTS.h5: `twintrial run` of the protocol with output subjects: all. ENTRIES.yaml: a list under
`validation:` (statistics median, effect, proportion, baseline_mean). Each replicate gives one
figure; the simulated figure is their mean (medians and ratios on the log scale), MCSE its Monte
Carlo SE. Verdict: pass when |simulated - published| <= 1.96 sqrt(se_published^2 + MCSE^2), se from
the 95% CI (log scale for medians and ratios) or, for a proportion, binomial with n.
Prints one line per entry; exit status 1 when any fails."""
import math, sys
import h5py, numpy as np, yaml

DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}
f = h5py.File(sys.argv[1], "r")
entries = yaml.safe_load(open(sys.argv[2]))["validation"]
arms = [a.decode() for a in f["design/arms"][:]]
rep, sarm = f["subjects/replicate"][:], f["subjects/arm"][:]
reps = np.unique(rep)


def mean_se(x):
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return x.mean(), x.std(ddof=1) / math.sqrt(len(x))


def analysis_of(endpoint):
    for name in f["analyses"]:
        if "km_median" in f["analyses"][name] and name.startswith(endpoint + "_"):
            return name
    raise KeyError(f"no time-to-event analysis of {endpoint}")


def simulate(e):
    """(figure, MC SE, on the log scale?)"""
    st = e["statistic"]
    if st == "median":
        km = f["analyses"][analysis_of(e["endpoint"])]["km_median"][:, arms.index(e["arm"]), 0]
        m, se = mean_se(np.log(km / DAYS[e["unit"]]))
        return math.exp(m), se, True
    if st == "effect":
        m, se = mean_se(f["analyses"][e["analysis"]]["estimate"][:])
        return math.exp(m), se, True
    if st == "proportion":
        y, a = f["endpoints"][e["endpoint"]][:], arms.index(e["arm"])
        m, se = mean_se([np.nanmean(y[(rep == r) & (sarm == a)]) for r in reps])
        return m, se, False
    if st == "baseline_mean":
        y = f["outcomes"][e["variable"]][:, 0]
        m, se = mean_se([np.nanmean(y[rep == r]) for r in reps])
        return m, se, False
    raise ValueError(f"statistic {st} not handled here")


bad = 0
print(f"{'name':26s} {'simulated':>10s} {'MCSE':>8s} {'published':>10s} {'|diff|':>7s} {'tol':>7s} verdict  fitted")
for e in entries:
    sim, mcse, log = simulate(e)
    pub = e["published"]
    if "ci" in e:
        lo, hi = e["ci"]
        se = (math.log(hi) - math.log(lo)) / 3.92 if log else (hi - lo) / 3.92
    elif "n" in e:
        se = math.sqrt(pub * (1 - pub) / e["n"])
    else:
        se = e["se"]
    d = abs(math.log(sim) - math.log(pub)) if log else abs(sim - pub)
    tol = 1.96 * math.sqrt(se * se + mcse * mcse)
    bad += d > tol
    print(f"{e['name']:26s} {sim:10.4f} {mcse:8.4f} {pub:10.4f} {d:7.4f} {tol:7.4f} {'pass' if d <= tol else 'FAIL':7s}"
          f"  {e.get('fitted', False)}")
print(f"{len(reps)} replicates")
sys.exit(1 if bad else 0)
