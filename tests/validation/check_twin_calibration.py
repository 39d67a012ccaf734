#!/usr/bin/python3
"""check_twin_calibration.py — simulation-based calibration of personalised twins.

usage: check_twin_calibration.py OBS.csv TRUTH.csv PERSONALISED_DIR BASELINE_DIR OMEGA_VAR
                                 [--times T,...] [--fixed VARIABLE,...]

Twins simulated by `twintrial run` were personalised from their early visits
(PERSONALISED_DIR: twins.csv, predictions.csv, twins.h5, summary.txt, the stdout of
`twintrial personalise`) and, for comparison, from their first visit only (BASELINE_DIR:
predictions.csv); OBS.csv and TRUTH.csv (analysis/observations.py) hold the observations
they were personalised from and their later observations.
OMEGA_VAR: the prior variances of the model's random effects, comma-separated in model
order ("0.305^2" for a square), as the model documents them (`twintrial models`). Checks:
  1. at least 99% of the twins converged;
  2. 90% prediction intervals (the level of the run) cover the later observations of the
     twin on the arm its values come from 88-92% of the time; the Monte-Carlo SE is the
     ratio estimator's with the twin as the cluster (a twin's observations share its
     random effects); each variable's coverage lies within 0.90 +- max(0.02, 4 SE);
  3. personalised forecasts beat the baseline-only forecast (the prognostic-score
     prediction: the twin given its baseline and covariates) in RMSE for every variable,
     and both beat the population prediction (each arm's mean at each visit over the twins);
     a --fixed variable, whose model value no random effect enters, cannot gain from
     personalisation: its two RMSEs must agree to 0.1% instead (both runs take the same
     number of draws, so their Monte-Carlo noise is alike);
  4. eta-shrinkage (NONMEM's: 1 - SD of the converged estimates / prior SD, the SD with
     divisor n - 1) recomputed from twins.csv and OMEGA_VAR equals /twins/shrinkage of
     twins.h5 to 1e-9 and the summary's figures (percent, one decimal) to their digits; /twins/omega's
     diagonal equals OMEGA_VAR.
--times restricts the comparison to these times (the ones the forecasts cover when the
truth was relabelled). Exit status 1 when a check fails.
"""
import re
import sys

import h5py
import numpy as np
import pandas as pd

LEVEL_LO, LEVEL_HI = 0.88, 0.92


def cluster_coverage(hit, cluster):
    """Share of hits and its SE, clusters = twins (ratio estimator)."""
    g = pd.DataFrame({"h": hit.astype(float), "c": cluster}).groupby("c").h.agg(["sum", "count"])
    n = len(g)
    p = g["sum"].sum() / g["count"].sum()
    r = g["sum"] - p * g["count"]
    se = np.sqrt(n / (n - 1) * (r**2).sum()) / g["count"].sum()
    return p, se, n


def main(argv):
    times, fixed = None, []
    if "--times" in argv:
        i = argv.index("--times")
        times = [float(x) for x in argv[i + 1].split(",")]
        argv = argv[:i] + argv[i + 2:]
    if "--fixed" in argv:
        i = argv.index("--fixed")
        fixed = argv[i + 1].split(",")
        argv = argv[:i] + argv[i + 2:]
    obs_csv, truth_csv, pdir, bdir, omega_var = argv
    omega_var = np.array([float(x[:-2]) ** 2 if x.endswith("^2") else float(x) for x in omega_var.split(",")])
    omega_sd = np.sqrt(omega_var)
    failures = []

    truth = pd.read_csv(truth_csv)
    twins = pd.read_csv(f"{pdir}/twins.csv")
    key = ["id", "arm", "time", "variable"]
    pers = pd.read_csv(f"{pdir}/predictions.csv")
    base = pd.read_csv(f"{bdir}/predictions.csv")[key + ["mean"]].rename(columns={"mean": "base"})
    d = truth.merge(pers, on=key, how="inner").merge(base, on=key, how="inner")
    if times is not None:
        d = d[d.time.isin(times)]
    obs = pd.read_csv(obs_csv)
    data_arm = obs[obs.arm.notna()].groupby("id").arm.first()  # the arm the twin's values are under
    if set(data_arm.index) != set(obs.id):
        print("every twin needs a row at time >= 0, with its arm, in", obs_csv)
        return 1
    d["own"] = d.arm.values == data_arm.reindex(d.id).values

    conv = twins.converged.mean()
    print(f"twins: {len(twins)}, converged {conv:.4f}")
    if conv < 0.99:
        failures.append(f"only {conv:.4f} of the twins converged")
    bad = twins[twins.converged != 1]
    for _, row in bad.head(5).iterrows():
        print(f"  not converged: {row.id}: {row.reason}")
    d = d[d.id.isin(twins.id[twins.converged == 1])]
    n_truth_twins = truth.id.nunique()
    if d.empty:
        print("no forecast to compare with")
        return 1

    # 2. coverage
    d["hit"] = (d.value >= d.lower) & (d.value <= d.upper)
    d["below"] = d.value < d.lower
    d["above"] = d.value > d.upper
    own = d[d.own]
    p, se, n = cluster_coverage(own.hit.values, own.id.values)
    print(f"coverage of the 90% prediction intervals, own arm: {p:.4f} (MC SE {se:.4f}, {n} twins, "
          f"{len(own)} later observations; below {own.below.mean():.4f}, above {own.above.mean():.4f})")
    if not LEVEL_LO <= p <= LEVEL_HI:
        failures.append(f"coverage {p:.4f} outside [{LEVEL_LO}, {LEVEL_HI}]")
    for var, g in own.groupby("variable"):
        pv, sev, _ = cluster_coverage(g.hit.values, g.id.values)
        tol = max(0.02, 4 * sev)
        ok = abs(pv - 0.90) <= tol
        print(f"  {var:10s} {pv:.4f} (MC SE {sev:.4f}; below {g.below.mean():.4f}, above {g.above.mean():.4f})"
              f"{'' if ok else '  FAIL'}")
        if not ok:
            failures.append(f"{var} coverage {pv:.4f} not within {tol:.4f} of 0.90")
    for t, g in own.groupby("time"):
        pt, set_, _ = cluster_coverage(g.hit.values, g.id.values)
        print(f"  time {t:g}: {pt:.4f} (MC SE {set_:.4f})")
    other = d[~d.own]
    if len(other):
        po, seo, _ = cluster_coverage(other.hit.values, other.id.values)
        print(f"coverage under the other arms (counterfactual twins): {po:.4f} (MC SE {seo:.4f})")

    # 3. RMSE: personalised vs baseline only vs population
    own = own.copy()
    own["pop"] = own.groupby(["arm", "time", "variable"]).value.transform("mean")
    print("RMSE of the forecast mean, own arm (personalised / baseline-only / population; ratios):")
    for var, g in own.groupby("variable"):
        r = {c: float(np.sqrt(((g[c] - g.value) ** 2).mean())) for c in ("mean", "base", "pop")}
        if var in fixed:
            ok = abs(r["mean"] / r["base"] - 1) < 1e-3
        else:
            ok = r["mean"] < r["base"] and r["base"] < r["pop"]
        print(f"  {var:10s} {r['mean']:.4g} / {r['base']:.4g} / {r['pop']:.4g}; personalised/baseline-only "
              f"{r['mean'] / r['base']:.3f}, personalised/population {r['mean'] / r['pop']:.3f}"
              f"{' (no random effect)' if var in fixed else ''}{'' if ok else '  FAIL'}")
        if not ok:
            failures.append(f"{var}: personalised RMSE {r['mean']:.4g}, baseline-only {r['base']:.4g}, "
                            f"population {r['pop']:.4g}" + (" (no random effect: expected equal)" if var in fixed else ""))

    # 4. shrinkage
    names = [c for c in twins.columns if c.startswith("eta") and not c.endswith("_se")]
    ok_t = twins[twins.converged == 1]
    mine = 1.0 - ok_t[names].std(ddof=1).values / omega_sd
    with h5py.File(f"{pdir}/twins.h5", "r") as f:
        stored = f["twins/shrinkage"][()]
        omega = f["twins/omega"][()]
    print("eta-shrinkage (1 - SD(estimates)/omega SD): " +
          ", ".join(f"{n} {s:.4f}" for n, s in zip(names, mine)))
    if not np.allclose(np.diag(omega), omega_var, rtol=1e-12, atol=0):
        failures.append(f"/twins/omega diagonal {np.diag(omega)} is not {omega_var}")
    if not np.allclose(stored, mine, rtol=0, atol=1e-9):
        failures.append(f"/twins/shrinkage {stored} differs from the recomputation {mine}")
    summary = open(f"{pdir}/summary.txt").read()
    m = re.search(r"shrinkage.*", summary)
    if not m:
        failures.append("the personalise summary does not print the shrinkage")
    else:
        printed = [float(x) for x in re.findall(r"(-?[0-9]+\.[0-9]+)", m.group(0))]
        if len(printed) != len(mine) or any(abs(a - b) > 0.051 for a, b in zip(printed, mine * 100)):
            failures.append(f"summary line '{m.group(0)}' differs from the recomputation {mine}")
    print(f"({n_truth_twins} twins held back observations)")
    for msg in failures:
        print("FAIL:", msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
