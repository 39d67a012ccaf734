#!/usr/bin/python3
"""Dropout models reproduce their target survival within Monte-Carlo error.

usage: check_dropout.py weibull|exponential SHAPE SCALE_DAYS RESULTS.h5
       check_dropout.py proportion P BY_DAYS SHAPE RESULTS.h5
       check_dropout.py outcome RESULTS.h5
       check_dropout.py arms ARMS.h5 PROTOCOL_ONLY.h5
For the parametric models the share of twins still on study at 6, 12, 18 and 24
months must equal S(t) = exp(-(t/scale)^shape) within 3 binomial MC SE (the
Ritchie 2023 completion figures for the default Weibull are 85.2%, 80.0% and 73.3%
at 6, 12 and 18 months). For the outcome-dependent (MNAR) model, twins whose
placebo-arm ADAS-Cog worsens more must drop out more often, and the treated arm
(which worsens less) must lose fewer twins. For dropout given as a cumulative
proportion P by a time (dropout: {proportion: P, by: T, unit: U}) the share of twins
dropped out by T must be P within 3 binomial MC SE, and the survivor function at 6-24
months that of the scale derived here, T / (-ln(1 - P))^(1/SHAPE).
Per arm (tests/data/protocols/dropout/arms.yaml, and the same trial with the
protocol's hazard in every arm): each arm's share still on study at 6-24 months must
be its own closed form within 3 MC SE (placebo: the protocol's Weibull; own: its
exponential, 30 % by month 24; extra: the protocol's Weibull times the extra cause's
Weibull, shape 1.5 and 10 % by month 12); the placebo arm's dropout times must be
bitwise those of the protocol-only run, the own arm's the same quantile of its own
distribution (common random numbers: S_own(t) = S_protocol(t_reference)), and the
extra arm's never later than the reference, earlier for the share P(E < T) computed
here by quadrature.
"""
import math
import sys

import h5py
import numpy as np


def check(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg)
    return 0 if cond else 1


def parametric(shape, scale, path):
    fails = 0
    with h5py.File(path, "r") as f:
        t = f["subjects"]["dropout_time"][()]
    n = len(t)
    for months in (6, 12, 18, 24):
        day = months * 365.25 / 12
        s = math.exp(-((day / scale) ** shape))
        obs = (t > day).mean()
        se = math.sqrt(s * (1 - s) / n)
        fails += check(abs(obs - s) <= 3 * se, f"S({months} months) {obs:.4f} vs {s:.4f} +- 3*{se:.4f} (n={n})")
    return fails


def outcome(path):
    fails = 0
    with h5py.File(path, "r") as f:
        t = f["subjects"]["dropout_time"][()]
        arm = f["subjects"]["arm"][()]
        cf = f["counterfactual"]["adas_cog"][()]  # [twin, arm, visit]
        end = f["design"]["visit_days"][()][-1]
    worsening = cf[:, 0, -1] - cf[:, 0, 0]
    dropped = t < end
    fast = worsening > np.median(worsening)
    pf, ps = dropped[fast & (arm == 0)].mean(), dropped[~fast & (arm == 0)].mean()
    fails += check(pf > ps + 0.03, f"placebo twins worsening faster drop out more: {pf:.3f} vs {ps:.3f}")
    p0, p1 = dropped[arm == 0].mean(), dropped[arm == 1].mean()
    n0, n1 = (arm == 0).sum(), (arm == 1).sum()
    se = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    fails += check(p0 - p1 > 2 * se, f"the treated arm loses fewer twins: {p1:.3f} vs placebo {p0:.3f} (SE {se:.3f})")
    return fails


def proportion(p, by, shape, path):
    with h5py.File(path, "r") as f:
        t = f["subjects"]["dropout_time"][()]
    n = len(t)
    obs = (t <= by).mean()
    se = math.sqrt(p * (1 - p) / n)
    fails = check(abs(obs - p) <= 3 * se, f"dropped out by day {by:g}: {obs:.4f} vs {p:.4f} +- 3*{se:.4f} (n={n})")
    return fails + parametric(shape, by / (-math.log1p(-p)) ** (1 / shape), path)


MONTH = 365.25 / 12


def arms(path, reference):
    k0, lam0 = 0.62, 124 * MONTH  # the protocol's Weibull
    theta = 24 * MONTH / -math.log(0.7)  # own: exponential, 30 % by month 24
    k1 = 1.5
    lam1 = 12 * MONTH / (-math.log(0.9)) ** (1 / k1)  # extra cause: 10 % by month 12
    s0 = lambda t: np.exp(-((t / lam0) ** k0))
    s_own = lambda t: np.exp(-t / theta)
    s1 = lambda t: np.exp(-((t / lam1) ** k1))
    target = {0: s0, 1: s_own, 2: lambda t: s0(t) * s1(t)}
    with h5py.File(path, "r") as f, h5py.File(reference, "r") as g:
        t, arm = f["subjects"]["dropout_time"][()], f["subjects"]["arm"][()]
        tr, armr = g["subjects"]["dropout_time"][()], g["subjects"]["arm"][()]
        same_twins = all(np.array_equal(f["subjects"][k][()], g["subjects"][k][()]) for k in ("replicate", "subject"))
    fails = check(same_twins and np.array_equal(arm, armr), "the same twins in the same arms in both runs")
    for a, name in enumerate(("placebo", "own", "extra")):
        ta = t[arm == a]
        n = len(ta)
        for months in (6, 12, 18, 24):
            s = float(target[a](months * MONTH))
            obs = (ta > months * MONTH).mean()
            se = math.sqrt(s * (1 - s) / n)
            fails += check(abs(obs - s) <= 3 * se, f"{name}: S({months} months) {obs:.4f} vs {s:.4f} +- 3*{se:.4f} (n={n})")
    p = arm == 0
    fails += check(np.array_equal(t[p], tr[p]), "placebo (the protocol's hazard): dropout times bitwise those of the protocol-only run")
    o = arm == 1
    h_own, h_ref = t[o] / theta, (tr[o] / lam0) ** k0  # cumulative hazards: equal when u is shared
    fails += check(np.allclose(h_own, h_ref, rtol=1e-12, atol=0), f"own: S_own(t) = S_protocol(t_reference) for all {o.sum()} twins")
    e = arm == 2
    earlier = (t[e] < tr[e]).mean()
    grid = np.linspace(0, 60 * lam1, 600001)  # P(E < T) = integral of f_E S_T
    f_e = k1 / lam1 * (grid / lam1) ** (k1 - 1) * s1(grid)
    p_e = np.trapz(f_e * s0(grid), grid)
    se = math.sqrt(p_e * (1 - p_e) / e.sum())
    fails += check(bool(np.all(t[e] <= tr[e])), "extra: never later than under the protocol's hazard alone")
    fails += check(abs(earlier - p_e) <= 3 * se, f"extra: earlier for {earlier:.4f} vs P(E < T) {p_e:.4f} +- 3*{se:.4f}")
    return fails


if __name__ == "__main__":
    if sys.argv[1] == "arms":
        fails = arms(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "proportion":
        fails = proportion(float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "outcome":
        fails = outcome(sys.argv[2])
    else:
        fails = parametric(float(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    print(f"{0 if fails else 1} passed, {1 if fails else 0} failed")
    sys.exit(1 if fails else 0)
