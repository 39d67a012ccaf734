#!/usr/bin/python3
"""Operating-characteristics checks on a results file (reads HDF5 with h5py).

usage: check_oc.py null RESULTS.h5        every analysis rejects at 0.05 +- 3 MC SE,
                                           bias within 3 MC SE of 0, coverage 0.95 +- 3 MC SE
       check_oc.py procova RESULTS.h5     PROCOVA power >= ANCOVA(baseline) power within MC error,
                                           smaller SEs, both unbiased
The MC SEs are recomputed here from the per-replicate rows, independently of the
summary attributes, which are also checked against them.
"""
import math
import sys

import h5py
import numpy as np


def rows(f, name):
    g = f["analyses"][name]
    ok = g["ok"][()] == 1
    return {k: g[k][()][ok] for k in ("estimate", "ci_lower", "ci_upper", "reject", "true_effect", "p_value")}


def check(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg)
    return 0 if cond else 1


def summary_agrees(f, name, r):
    s = f["summary"][name].attrs
    power = r["reject"].mean()
    bias = (r["estimate"] - r["true_effect"]).mean()
    fails = check(abs(s["power"] - power) < 1e-12, f"{name}: summary power {s['power']:.6f} = rows {power:.6f}")
    fails += check(abs(s["bias"] - bias) < 1e-9, f"{name}: summary bias {s['bias']:.6g} = rows {bias:.6g}")
    return fails


def null(path):
    fails = 0
    with h5py.File(path, "r") as f:
        for name in [n.decode() for n in f["design"]["analyses"][()]]:
            r = rows(f, name)
            n = len(r["reject"])
            rate, mcse = r["reject"].mean(), math.sqrt(0.05 * 0.95 / n)
            fails += check(abs(rate - 0.05) <= 3 * mcse, f"{name}: type I error {rate:.4f} within 0.05 +- 3*{mcse:.4f}")
            d = r["estimate"] - r["true_effect"]
            fails += check(abs(d.mean()) <= 3 * d.std(ddof=1) / math.sqrt(n), f"{name}: bias {d.mean():.4f} ~ 0")
            cov = ((r["ci_lower"] <= r["true_effect"]) & (r["true_effect"] <= r["ci_upper"])).mean()
            cmcse = math.sqrt(0.95 * 0.05 / n)
            fails += check(abs(cov - 0.95) <= 3 * cmcse, f"{name}: coverage {cov:.4f} within 0.95 +- 3*{cmcse:.4f}")
            fails += summary_agrees(f, name, r)
    return fails


def procova(path):
    fails = 0
    with h5py.File(path, "r") as f:
        a, p = rows(f, "primary"), rows(f, "procova")
        pa, pp = a["reject"].mean(), p["reject"].mean()
        fails += check(0.1 < pa < 0.95, f"ANCOVA power {pa:.3f} is informative (not 0 or 1)")
        # Paired comparison on the same replicates: the MC SE of the power difference
        # comes from the discordant replicates (McNemar). PROCOVA must not lose power
        # beyond 2 MC SE, and its model SE must be smaller on average.
        diff = p["reject"].astype(float) - a["reject"].astype(float)
        dse = diff.std(ddof=1) / math.sqrt(len(diff))
        fails += check(pp - pa >= -2 * dse, f"PROCOVA power {pp:.3f} >= ANCOVA power {pa:.3f} - 2 MC SE ({dse:.4f})")
        sa, sp = f["summary"]["primary"].attrs["mean_std_error"], f["summary"]["procova"].attrs["mean_std_error"]
        fails += check(sp < sa, f"PROCOVA mean model SE {sp:.4f} < ANCOVA {sa:.4f}")
        for name, r in (("primary", a), ("procova", p)):
            d = r["estimate"] - r["true_effect"]
            se = d.std(ddof=1) / math.sqrt(len(d))
            fails += check(abs(d.mean()) <= 3 * se, f"{name}: bias {d.mean():.4f} within 3 MC SE ({se:.4f}) of 0")
            fails += summary_agrees(f, name, r)
        ea, ep = np.std(a["estimate"], ddof=1), np.std(p["estimate"], ddof=1)
        fails += check(ep <= ea, f"PROCOVA empirical SE {ep:.4f} <= ANCOVA {ea:.4f}")
    return fails


def gsd_null(path):
    """Under H0 a group-sequential design rejects at the one-sided alpha it spends,
    and stops at look j with probability alpha_spent[j] - alpha_spent[j-1]."""
    fails = 0
    with h5py.File(path, "r") as f:
        spent = f["design"]["alpha_spent"][()]
        name = f["design"].attrs["deciding_analysis"]
        name = name.decode() if isinstance(name, bytes) else name
        r = f["analyses"][name]
        ok = r["ok"][()] == 1
        reject, stage = r["reject"][()][ok], r["stage"][()][ok]
        n = len(reject)
        rate, mcse = reject.mean(), math.sqrt(spent[-1] * (1 - spent[-1]) / n)
        fails += check(abs(rate - spent[-1]) <= 3 * mcse, f"type I error {rate:.4f} within {spent[-1]:.4f} +- 3*{mcse:.4f}")
        inc = np.diff(np.concatenate([[0.0], spent]))
        for j in range(len(spent) - 1):
            p = (stage == j + 1).mean()
            se = math.sqrt(max(inc[j] * (1 - inc[j]), 1e-12) / n)
            fails += check(abs(p - inc[j]) <= 3 * se + 1.0 / n, f"stop at look {j + 1}: {p:.4f} vs alpha spent {inc[j]:.4f}")
        sp = f["summary"][name].attrs["stop_prob"]
        fails += check(abs(sp[0] - (stage == 1).mean()) < 1e-12, "summary stop_prob agrees with the rows")
    return fails


def dose_response(path):
    """Dose ranging through the exposure-response link (protocols/alzheimers_dose_ranging.yaml,
    placebo, 5 and 10 mg): true effects and power grow with dose, and the 10 mg effect at
    week 24 is near the Emax link at typical clearance."""
    fails = 0
    with h5py.File(path, "r") as f:
        names = ["dose5_vs_placebo_w24", "dose10_vs_placebo_w24"]
        te = [f["summary"][n].attrs["true_effect"] for n in names]
        pw = [f["summary"][n].attrs["power"] for n in names]
    fails += check(te[0] > te[1], f"true effects fall with dose: {te[0]:.3f} > {te[1]:.3f}")
    fails += check(pw[0] < pw[1], f"power rises with dose: {pw[0]:.3f} < {pw[1]:.3f}")
    # typical twin: Css = 10 / (10 * 24) mg/L, effect 6 Css / (0.0193 + Css), scaled by t / (ET50 + t) at 24 weeks
    css = 10.0 / 240.0
    typical = -6 * css / (0.0193 + css) * 24 / (7.6 + 24)
    fails += check(abs(te[1] - typical) < 0.25, f"10 mg effect {te[1]:.3f} near the typical-clearance value {typical:.3f}")
    return fails


if __name__ == "__main__":
    modes = {"null": null, "procova": procova, "gsd_null": gsd_null, "dose_response": dose_response}
    fails = modes[sys.argv[1]](sys.argv[2])
    print(f"{0 if fails else 1} passed, {1 if fails else 0} failed")
    sys.exit(1 if fails else 0)
