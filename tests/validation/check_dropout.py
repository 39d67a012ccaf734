#!/usr/bin/python3
"""Dropout models reproduce their target survival within Monte-Carlo error.

usage: check_dropout.py weibull|exponential SHAPE SCALE_DAYS RESULTS.h5
       check_dropout.py proportion P BY_DAYS SHAPE RESULTS.h5
       check_dropout.py outcome RESULTS.h5
For the parametric models the share of twins still on study at 6, 12, 18 and 24
months must equal S(t) = exp(-(t/scale)^shape) within 3 binomial MC SE (the
Ritchie 2023 completion figures for the default Weibull are 85.2%, 80.0% and 73.3%
at 6, 12 and 18 months). For the outcome-dependent (MNAR) model, twins whose
placebo-arm ADAS-Cog worsens more must drop out more often, and the treated arm
(which worsens less) must lose fewer twins. For dropout given as a cumulative
proportion P by a time (dropout: {proportion: P, by: T, unit: U}) the share of twins
dropped out by T must be P within 3 binomial MC SE, and the survivor function at 6-24
months that of the scale derived here, T / (-ln(1 - P))^(1/SHAPE).
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


if __name__ == "__main__":
    if sys.argv[1] == "proportion":
        fails = proportion(float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "outcome":
        fails = outcome(sys.argv[2])
    else:
        fails = parametric(float(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    print(f"{0 if fails else 1} passed, {1 if fails else 0} failed")
    sys.exit(1 if fails else 0)
