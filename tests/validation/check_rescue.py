"""Rescue on an observed value in a results file (tests/data/protocols/discontinuation/
rescue.yaml: score = BASE - offset after week 0 plus the visit's residual, the same residual
in every arm's course), checked twin by twin against the closed form:
- under each arm the twin is rescued at the first listed visit whose observed value
  (/counterfactual, the actual course) is above that visit's limit; for the randomised
  arm that is /subjects/rescue_time (inf when never), and the arm with `rescue: none` is
  never rescued;
- the offset is the arm's delta at visits up to the rescue time (a visit on that day shows
  the course before it) and the rescue regimen's after it, so every arm's course minus the
  unrescued arm's is exactly minus the difference of offsets; on the arm that also
  discontinues (switching to delta 0), the stored discontinuation time and rescue time
  give the offset: the first intercurrent event's course, a discontinuation after a rescue
  dropped;
- the hypothetical true value is -3 (the on-treatment courses), the treatment-policy one
  the counterfactual mean, the while-on-treatment one the change at the last visit
  before the rescue (or at week 52) under active minus control, recomputed here.
usage: check_rescue.py RESULTS.h5"""
import sys

import h5py
import numpy as np

f = h5py.File(sys.argv[1], "r")
arms = [a.decode() if isinstance(a, bytes) else a for a in f["design/arms"][()]]
days = f["design/visit_days"][()]
s = f["subjects"]
rep, arm = s["replicate"][()], s["arm"][()]
disc, resc = s["discontinuation_time"][()], s["rescue_time"][()]
cf = f["counterfactual/score"][()]  # [row, arm, visit]
delta = {"control": 0.0, "active": 3.0, "own": 1.0, "never": 3.0, "stops": 3.0}
rules = {a: ([84.0, 182.0], [32.0, 32.0]) for a in ("control", "active", "stops")}
rules["own"] = ([28.0, 84.0, 182.0], [34.0, 31.0, 28.0])
RESCUE, OFF = 5.0, 0.0
fail = []


def rescue_day(row, a):
    if arms[a] not in rules:
        return np.inf
    for day, limit in zip(*rules[arms[a]]):
        v = int(np.where(days == day)[0][0])
        if cf[row, a, v] > limit:
            return day
    return np.inf


def offsets(a, tr, td=np.inf):
    out = np.zeros(len(days))
    for v, day in enumerate(days):
        if day == 0:
            continue
        if day > tr:
            out[v] = RESCUE
        elif day > td:
            out[v] = OFF
        else:
            out[v] = delta[arms[a]]
    return out


never, stops = arms.index("never"), arms.index("stops")
ref = offsets(never, np.inf)
rescued = {a: 0 for a in arms}
n = len(rep)
for i in range(n):
    for a in range(len(arms)):
        tr = rescue_day(i, a)
        if a == arm[i] and tr != resc[i]:
            fail.append(f"row {i}: rescue_time {resc[i]}, first crossing under {arms[a]} {tr}")
        if a == stops and a != arm[i]:
            continue  # its discontinuation time is stored for the randomised arm only
        td = disc[i] if a == stops else np.inf
        want = -(offsets(a, tr, td) - ref)
        got = cf[i, a, :] - cf[i, never, :]
        if np.max(np.abs(got - want)) > 1e-9:
            fail.append(f"row {i} arm {arms[a]}: course minus unrescued {got}, expected {want} (tr {tr}, td {td})")
        rescued[arms[a]] += np.isfinite(tr)
    if len(fail) > 20:
        break
print("twins rescued under each arm:", rescued, "of", n)
if rescued["never"] or not all(rescued[a] for a in ("control", "active", "own")):
    fail.append("expected rescues under every arm with a rescue, none under `never`")
both = (arm == stops) & np.isfinite(disc)
if not (np.any(both & (resc < disc)) and np.any(both & (resc > disc) & np.isfinite(resc))):
    fail.append("expected twins on `stops` rescued both before and after discontinuing")
act, ctl = arms.index("active"), arms.index("control")
for r in range(int(rep.max()) + 1):
    m = np.where(rep == r)[0]
    tp = np.mean((cf[m, act, 4] - cf[m, act, 0]) - (cf[m, ctl, 4] - cf[m, ctl, 0]))
    wot = []
    for i in m:
        ch = []
        for a in (act, ctl):
            tr = rescue_day(i, a)
            v = max(k for k in range(len(days)) if days[k] <= min(tr, days[-1]))
            ch.append(cf[i, a, v] - cf[i, a, 0])
        wot.append(ch[0] - ch[1])
    for name, want in (("treatment_policy", tp), ("hypothetical", -3.0), ("while_on_treatment", np.mean(wot))):
        got = f[f"analyses/{name}/true_effect"][r]
        if abs(got - want) > 1e-9 * max(1.0, abs(want)):
            fail.append(f"replicate {r}: {name} true value {got}, expected {want}")
for m in fail[:20]:
    print("FAIL:", m)
print("ok" if not fail else f"{len(fail)} failure(s)")
sys.exit(1 if fail else 0)
