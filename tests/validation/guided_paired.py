"""Paired comparison of two runs of one guided trial (tests/validation/guided_delta.sh,
guided_fast.sh): per replicate, the guided arm's oracle agreement and mean regret from each
run's guided.csv; each figure passes when its paired difference (b - a), pooled over the
replicates, is within 2.5 paired Monte Carlo SEs plus a margin (0.002 for agreement, 2 % of
run a's regret). Prints both runs' figures with run a's MC SE and each run's CPU seconds.
"""
import math

import pandas as pd


def figures(d, run):
    """Per replicate: the guided arm's oracle agreement and mean regret of run `run` in d."""
    g = pd.read_csv(f"{d}/{run}/guided.csv")
    return g[g.arm == "guided"].groupby("replicate")[["oracle_agreement", "mean_regret"]].first()


def paired(d, runs, labels):
    """True when both figures of runs[1] agree with runs[0]'s (see the module comment)."""
    a, b = figures(d, runs[0]), figures(d, runs[1])
    r = len(a)
    ok = True
    for col, margin in (("oracle_agreement", 0.002), ("mean_regret", 0.02 * a.mean_regret.mean())):
        diff = b[col] - a[col]
        se = diff.std(ddof=1) / math.sqrt(r)
        mcse = a[col].std(ddof=1) / math.sqrt(r)
        good = abs(diff.mean()) <= 2.5 * se + margin
        ok = ok and good
        print(f"{'ok' if good else 'FAIL'}: {col}: {labels[0]} {a[col].mean():.4g} (MC SE {mcse:.2g}), {labels[1]} "
              f"{b[col].mean():.4g}, paired difference {diff.mean():+.3g} (SE {se:.2g}, {r} replicates)")
    cpu = [sum(map(float, open(f"{d}/{f}.time").read().split()[-2:])) for f in runs]
    print(f"CPU s: {labels[0]} {cpu[0]:.2f}, {labels[1]} {cpu[1]:.2f}")
    return ok
