#!/usr/bin/python3
"""The arms of each analysis, stored and summarised: /analyses/<name>/arm_randomised,
arm_analysed, arm_dropped_out, arm_events, arm_responders ([replicate x 2]: control,
treatment) recomputed from the stored twins of a fresh small run (every twin stored);
their means in /summary/<name> (arm_randomised, arm_dropout, arm_events,
arm_responder_rate); and `twintrial summary` printing per arm N, dropout, events or
responders, alpha and sidedness, and coverage with its MC SE.

usage: check_arms.py TWINTRIAL PROTOCOL
Dropped out, as documented: the dropout time is before the endpoint's visit (a visit on
the dropout day is missed) or before the end of follow-up (time to event, counts), and no
terminal event came first (for a death endpoint: the twin was censored at its dropout time).
"""
import math
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from outputs_common import Checker, fresh_run, s, strings  # noqa: E402

FIGURES = ["arm_randomised", "arm_analysed", "arm_dropped_out", "arm_events", "arm_responders"]


def expected(f, a, reps, patients):
    """[replicate, arm, figure] recomputed from /subjects and /endpoints."""
    g = f["analyses"][a]
    arms = strings(f["design"]["arms"])
    pair = [arms.index(s(g.attrs["control"])), arms.index(s(g.attrs["treatment"]))]
    e = s(g.attrs["endpoint"])
    sub = f["subjects"]
    rep, arm, drop = sub["replicate"][()], sub["arm"][()], sub["dropout_time"][()]
    obj = f["endpoints"][e]
    resolved = s(f["provenance"]["resolved_protocol"][()])
    line = re.search(r"\{name: " + re.escape(e) + r", type: .*", resolved).group(0)
    etype = re.search(r"type: (\w+)", line).group(1)
    days = {"day": 1, "week": 7, "month": 365.25 / 12, "year": 365.25}[s(f["design"]["visits"].attrs["unit"])]
    mv = re.search(r"visit: ([0-9.e+-]+)", line)
    visit = float(mv.group(1)) * days if mv and etype not in ("time_to_event", "count") else None
    last = f["design"]["visit_days"][()][-1]
    out = np.full((reps, 2, 5), np.nan)
    for r in range(reps):
        for j, ai in enumerate(pair):
            sel = (rep == r) & (arm == ai)
            if isinstance(obj, h5py.Group):
                if "status" in obj:
                    t, st = obj["time"][()][sel], obj["status"][()][sel]
                    unit = days if "unit" not in obj["time"].attrs else \
                        {"day": 1, "week": 7, "month": 365.25 / 12, "year": 365.25}[s(obj["time"].attrs["unit"])]
                    d = drop[sel]
                    if re.search(r"event: death", line):  # terminal: a death before dropout is no dropout
                        dropped = (st == 0) & (d < last) & np.isclose(t * unit, d, rtol=1e-12, atol=1e-9)
                    else:
                        dropped = d < last
                    ok = ~np.isnan(t)
                    events, resp = st[ok].sum(), math.nan
                else:
                    c = obj["count"][()][sel]
                    ok = ~np.isnan(c)
                    dropped = drop[sel] < last
                    events, resp = c[ok].sum(), math.nan
            else:
                y = obj[()][sel]
                ok = ~np.isnan(y)
                dropped = drop[sel] <= visit
                binary = etype in ("responder", "best_response")
                events, resp = math.nan, (y[ok].sum() if binary else math.nan)
            out[r, j] = [sel.sum(), ok.sum(), dropped.sum(), events, resp]
    return out


def main():
    tt, protocol = sys.argv[1], sys.argv[2]
    chk = Checker()
    with tempfile.TemporaryDirectory() as work:
        path = fresh_run(tt, protocol, work, replicates=6, patients=200)
        with h5py.File(path, "r") as f:
            reps, patients = int(f.attrs["replicates"]), int(f.attrs["patients"])
            for a in strings(f["design"]["analyses"]):
                g = f["analyses"][a]
                got = np.stack([g[c][()] for c in FIGURES], axis=2)
                want = expected(f, a, reps, patients)
                same = np.array_equal(np.isnan(got), np.isnan(want)) and np.allclose(got[~np.isnan(got)],
                                                                                    want[~np.isnan(want)])
                chk(same, f"{a}: arm figures {got.reshape(reps, -1).tolist()} = recomputed {want.reshape(reps, -1).tolist()}")
                if same:
                    chk.ok(f"{a}: randomised, analysed, dropped out, events, responders per arm equal the stored twins'")
                sm = f["summary"][a].attrs
                means = {"arm_randomised": want[:, :, 0].mean(0), "arm_dropout": (want[:, :, 2] / want[:, :, 0]).mean(0),
                         "arm_events": want[:, :, 3].mean(0), "arm_responder_rate": (want[:, :, 4] / want[:, :, 1]).mean(0)}
                for k, v in means.items():
                    if np.all(np.isnan(v)):
                        chk(k not in sm, f"{a}: no /summary {k} where it does not apply")
                    else:
                        chk(k in sm and np.allclose(sm[k], v), f"{a}: /summary {k} {sm.get(k)} = mean {v}")
        out = subprocess.run([tt, "summary", path], stdout=subprocess.PIPE, text=True).stdout
        print(out)
        with h5py.File(path, "r") as f:
            for a in strings(f["design"]["analyses"]):
                ga, sm = f["analyses"][a].attrs, f["summary"][a].attrs
                block = out.split("\n" + a + " ", 1)[1].split("\n")[:2] if ("\n" + a + " ") in out else ["", ""]
                # a conditional (adjusted or stratified) ratio has no coverage: "none"
                cov = "none" if np.isnan(sm["coverage"]) else f"{sm['coverage']:.4f} ({sm['coverage_mcse']:.4f})"
                chk(block[0].split()[-2] == cov.split()[0] if cov == "none" else cov in block[0],
                    f"{a}: coverage with its MC SE '{cov}' printed")
                side = "one-sided" if int(ga["sided"]) == 1 else "two-sided"
                chk(f"alpha {float(ga['alpha']):g} {side}" in block[1], f"{a}: alpha and sidedness printed: {block[1]}")
                for j, arm in enumerate([s(ga["control"]), s(ga["treatment"])]):
                    txt = f"{arm}: N {sm['arm_randomised'][j]:.1f}, dropout {100 * sm['arm_dropout'][j]:.1f}%"
                    chk(txt in block[1], f"{a}: '{txt}' printed")
                    if "arm_events" in sm:
                        chk(f"events {sm['arm_events'][j]:.1f}" in block[1], f"{a}: events of {arm} printed")
                    if "arm_responder_rate" in sm:
                        chk(f"responders {100 * sm['arm_responder_rate'][j]:.1f}%" in block[1],
                            f"{a}: responders of {arm} printed")
    return chk.done()


if __name__ == "__main__":
    sys.exit(main())
