#!/usr/bin/python3
"""A trial with regimen switches, end to end (tests/data/protocols/switch/t2d_escalation.yaml).

usage: check_switch.py RESULTS.h5
Every twin is simulated under every arm with common random numbers, so the arms that
start on the sensitizer and switch at week 26 (escalate: a secretagogue added; stop: all
treatment stopped) must show, twin by twin, bitwise the sensitizer arm's observed HbA1c
at every visit up to and including week 26 (a visit at a switch time reports the course
before it), and differ after it: escalation lowers HbA1c at weeks 39 and 52 for every
twin (the added secretagogue raises beta-cell function), stopping raises it for every
twin, and the escalated arm's mean change at week 52 lies between the sensitizer's and
(within 0.01 %) the combination's from the start: the add-on's 7-day onset and HbA1c's
39-day transit leave by week 52 almost no trace of the later start, whereas stopping at
week 26 has not yet returned to placebo (the sensitizer washes out with its 77.9-day
half-life).
"""
import sys

import h5py
import numpy as np


def check(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg)
    return 0 if cond else 1


with h5py.File(sys.argv[1], "r") as f:
    arms = [a.decode() if isinstance(a, bytes) else str(a) for a in f["design"]["arms"][()]]
    weeks = f["design"]["visits"][()]
    y = f["counterfactual"]["hba1c"][()]  # [twin, arm, visit], NaN where not observed
a = {name: arms.index(name) for name in ("placebo", "sensitizer", "escalate", "combination", "stop")}
before = weeks <= 26
fails = 0
for arm in ("escalate", "stop"):
    same = np.array_equal(y[:, a[arm], before], y[:, a["sensitizer"], before], equal_nan=True)
    fails += check(same, f"{arm}: bitwise the sensitizer arm's HbA1c at weeks {list(weeks[before])}")
after = ~before
both = ~np.isnan(y[:, a["sensitizer"], after]) & ~np.isnan(y[:, a["escalate"], after])
d_esc = (y[:, a["escalate"], after] - y[:, a["sensitizer"], after])[both]
d_stop = (y[:, a["stop"], after] - y[:, a["sensitizer"], after])[both]
fails += check(both.sum() > 100 and (d_esc < 0).all(), f"escalation lowers HbA1c after week 26 ({both.sum()} visits)")
fails += check((d_stop > 0).all(), "stopping raises HbA1c after week 26")
chg = y[:, :, -1] - y[:, :, 0]
m = {k: np.nanmean(chg[:, i]) for k, i in a.items()}
fails += check(m["combination"] <= m["escalate"] + 0.01 and m["escalate"] < m["sensitizer"] < m["stop"] < m["placebo"],
               "mean HbA1c change at week 52: combination %.4f <~ escalate %.4f < sensitizer %.4f < stop %.4f < placebo %.4f"
               % (m["combination"], m["escalate"], m["sensitizer"], m["stop"], m["placebo"]))
sys.exit(1 if fails else 0)
