"""Shared helpers of the output tests (tests/cmake/outputs.cmake): small fresh runs,
a crafted results file with time-to-event endpoints and a group-sequential design,
CSV parsing and an ok/FAIL checker. Run with /usr/bin/python3 (Debian's h5py)."""
import csv
import math
import os
import re
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))


class Checker:
    """Prints one line per check; exit status = 0 only if all passed."""

    def __init__(self):
        self.failed = 0
        self.passed = 0

    def __call__(self, cond, msg):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: " + msg)
        return cond

    def ok(self, msg):
        print("ok:   " + msg)

    def done(self):
        print(f"{self.passed} checks passed, {self.failed} failed")
        return 0 if self.failed == 0 else 1


def small_protocol(protocol, work, subjects="all"):
    """A copy of `protocol` in `work` that stores `subjects` twins, its cohort and model file paths made absolute."""
    base = os.path.dirname(os.path.abspath(protocol))
    text = open(protocol, encoding="utf-8").read()

    def absolute(m):
        path = m.group(2)
        return m.group(1) + (path if os.path.isabs(path) else os.path.normpath(os.path.join(base, path)))

    text = re.sub(r"^(cohort:\s*)([^\s#{]+)", absolute, text, flags=re.M)
    text = re.sub(r"^(model:\s*\{\s*file:\s*)([^\s,}]+)", absolute, text, flags=re.M)
    if re.search(r"^output:", text, re.M):
        text = re.sub(r"^output:.*$", f"output: {{subjects: {subjects}}}", text, flags=re.M)
    else:
        text += f"\noutput: {{subjects: {subjects}}}\n"
    path = os.path.join(work, "protocol.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode != 0:
        print(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}")
        sys.exit(1)
    return r.stdout


def fresh_run(tt, protocol, work, replicates=20, patients=200, subjects="all"):
    """Runs a small trial into work/results.h5 and returns its path."""
    out = os.path.join(work, "results.h5")
    run([tt, "run", small_protocol(protocol, work, subjects), "-o", out, "--replicates", str(replicates),
         "--patients", str(patients), "--progress", "none"])
    return out


def export(tt, h5, csvdir):
    run([tt, "export", h5, "--csv", csvdir])
    return csvdir


def read_csv(path):
    """(header, rows) with every field a str, as written."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def num(s):
    """A CSV number: NA -> NaN; 17 significant digits parse back to the same double."""
    return math.nan if s == "NA" else float(s)


def same(a, b):
    """Exact equality of doubles, NaN equal to NaN."""
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or a == b


def s(x):
    """A fixed-length HDF5 string as str."""
    if isinstance(x, np.ndarray) and x.shape == ():
        x = x[()]
    return bytes(x).split(b"\0", 1)[0].decode() if isinstance(x, (bytes, np.bytes_)) else str(x)


def strings(ds):
    return [s(x) for x in ds[()]]


def fixed(names):
    """NUL-terminated fixed-length string array, as twintrial writes them."""
    width = max(len(n) for n in names) + 1
    return np.array([n.encode() for n in names], dtype=f"S{width}")


CRAFTED_PROTOCOL = """trial:
  name: Crafted time-to-event and group-sequential file
  seed: 7
schedule: {unit: week, visits: [0, 4, 8]}
endpoints:
  - {name: sbp_chg_w8, type: change_from_baseline, variable: systolic_bp, visit: 8}
  - {name: os, type: time_to_event}
"""


def craft_results(path):
    """A complete, small results file written by hand with h5py: 2 replicates x 6 twins,
    arms control/active, visits 0, 4, 8 weeks, two model variables whose names share
    their first 8 characters (PARAMCD clash), endpoints sbp_chg_w8 (a dataset) and os
    (time-to-event group: time in weeks, status 1 = event), analyses primary and
    os_logrank, a two-look group-sequential design with z-paths, and a per-stage
    summary attribute stop_prob[2]. Dropout times (days): inf, 20 (only week 0 seen),
    40 (weeks 0 and 4 seen) and > 56 (completers)."""
    reps, pat, arms, visits = 2, 6, ["control", "active"], np.array([0.0, 4.0, 8.0])
    n = reps * pat
    rng = np.random.default_rng(20261124)
    rep = np.repeat(np.arange(reps), pat).astype(np.int32)
    subj = np.tile(np.arange(pat), reps).astype(np.int32)
    arm = np.tile([0, 1, 0, 1, 0, 1], reps).astype(np.int32)
    drop = np.tile([np.inf, 20.0, 40.0, 100.0, 1000.0 / 3.0, np.inf], reps)
    with h5py.File(path, "w") as f:
        f.attrs["format"] = np.bytes_("twintrial-results")
        f.attrs["format_version"] = np.int64(1)
        f.attrs["software_version"] = np.bytes_("crafted")
        f.attrs["seed"] = np.uint64(7)
        f.attrs["replicates"] = np.int64(reps)
        f.attrs["patients"] = np.int64(pat)
        f.attrs["complete"] = np.int64(1)
        p = f.create_group("provenance")
        p.attrs["ranks"] = np.int64(1)
        for k, v in (("protocol_yaml", CRAFTED_PROTOCOL), ("resolved_protocol", CRAFTED_PROTOCOL),
                     ("protocol_sha256", "0" * 64), ("command_line", "crafted by outputs_common.py"),
                     ("host", "test"), ("started", "2026-01-01T00:00:00Z"), ("finished", "2026-01-01T00:00:01Z")):
            p.create_dataset(k, data=np.bytes_(v))
        d = f.create_group("design")
        d["arms"] = fixed(arms)
        d["allocation"] = np.array([1.0, 1.0])
        d["visits"] = visits
        d["visits"].attrs["unit"] = np.bytes_("week")
        d["visit_days"] = visits * 7
        d["endpoints"] = fixed(["sbp_chg_w8", "os"])
        d["analyses"] = fixed(["primary", "os_logrank"])
        d["information"] = np.array([0.5, 1.0])
        d["efficacy_bound"] = np.array([2.7965, 1.9774])
        d["alpha_spent"] = np.array([0.0026, 0.025])
        sg = f.create_group("subjects")
        sg["replicate"], sg["subject"], sg["arm"] = rep, subj, arm
        sg["stratum"] = np.tile([0, 0, 1, 1, 0, 1], reps).astype(np.int32)
        sg["dropout_time"] = drop
        sg["dropout_time"].attrs["unit"] = np.bytes_("day")
        sg["prognostic_score"] = rng.normal(size=(n, 2))
        cg = sg.create_group("covariates")
        cg["age"] = np.round(rng.normal(60, 8, n), 1)
        cg["male"] = rng.integers(0, 2, n).astype(float)
        seen = visits[None, :] * 7 < drop[:, None]
        og, cf = f.create_group("outcomes"), f.create_group("counterfactual")
        for v, unit, mean in (("systolic_bp", "mmHg", 150.0), ("systolic_variability", "mmHg", 12.0)):
            under = mean + rng.normal(0, 5, (n, 1, 1)) - np.array([0.0, 6.0])[None, :, None] * (visits > 0)
            under = under + rng.normal(0, 2, (n, 2, 3))
            cf[v] = under
            cf[v].attrs["unit"] = np.bytes_(unit)
            og[v] = np.where(seen, under[np.arange(n), arm, :], np.nan)
            og[v].attrs["unit"] = np.bytes_(unit)
        eg = f.create_group("endpoints")
        sbp = og["systolic_bp"][()]
        eg["sbp_chg_w8"] = sbp[:, 2] - sbp[:, 0]
        os_ = eg.create_group("os")
        event_time = np.tile([3.0, 9.0, 6.5, 2.0, 11.0, 5.0], reps)
        end = np.minimum(drop / 7, 8.0)
        os_["time"] = np.minimum(event_time, end)
        os_["time"].attrs["unit"] = np.bytes_("week")
        os_["status"] = (event_time <= end).astype(np.int32)
        ag, smg = f.create_group("analyses"), f.create_group("summary")
        for a, method in (("primary", "ancova"), ("os_logrank", "logrank")):
            g = ag.create_group(a)
            for k, v in (("endpoint", "sbp_chg_w8" if a == "primary" else "os"), ("method", method),
                         ("treatment", "active"), ("control", "control"),
                         ("estimand", "crafted, with a comma")):
                g.attrs[k] = np.bytes_(v)
            g.attrs["alpha"] = 0.025
            g.attrs["sided"] = np.int64(1)
            est = rng.normal(-3, 1, reps)
            se = np.array([1.1, 0.9])
            cols = {"replicate": np.arange(reps, dtype=np.int32), "estimate": est, "std_error": se,
                    "ci_lower": est - 2 * se, "ci_upper": est + 2 * se, "statistic": est / se,
                    "df": np.array([3.0, np.nan]), "p_value": np.array([0.01, 0.2]),
                    "reject": np.array([1, 0], np.int32), "n_analysed": np.array([4, 5], np.int32),
                    "true_effect": np.array([-3.1, -2.9]), "ok": np.ones(reps, np.int32),
                    "reason": np.array([b"", b""], dtype="S24"),
                    "stage": np.array([1, 2], np.int32), "information": np.array([0.5, 1.0])}
            for k, v in cols.items():
                g[k] = v
            g["z"] = np.array([[-2.9, np.nan], [-1.2, -1.5]])
            sm = smg.create_group(a)
            for k, v in (("replicates", 2), ("failed", 0), ("power", 0.5), ("power_mcse", 0.35355339059327379),
                         ("mean_estimate", float(np.mean(est))), ("true_effect", -3.0), ("bias", 0.1),
                         ("bias_mcse", 0.2), ("empirical_se", 1.0), ("mean_std_error", 1.0), ("rmse", 1.0),
                         ("coverage", 1.0), ("coverage_mcse", 0.0), ("expected_n", 4.5)):
                sm.attrs[k] = float(v)
            sm.attrs["stop_prob"] = np.array([0.5, 0.5])
        r = f.create_group("replicates")
        r["done"] = np.ones(reps, np.int32)
        r["screen_failures"] = np.zeros(reps)
    return path


def add_guided(path, spec, seed=15):
    """Adds /guided/<arm> groups to results file `path`, laid out as twintrial writes them
    (src/store/store_guided.c), for the guided-arm readers: spec maps an arm of
    /design/arms to its candidates. Per replicate: random shares (summing to 1), figures
    and best single; the last replicate has no twins (NaN figures, best single -1). The
    summary attributes are computed here with numpy (mean over the finite values, MC SE
    sd(ddof=1)/sqrt(n); best_single_share over the replicates with a best single)."""
    figures = ["oracle_agreement", "mean_regret", "value_vs_best_single", "policy_mean", "best_single_mean",
               "mean_switches", "twins"]
    rng = np.random.default_rng(seed)
    with h5py.File(path, "r+") as f:
        reps = int(f.attrs["replicates"])
        top = f.create_group("guided")
        for arm, cand in spec.items():
            k = len(cand)
            g = top.create_group(arm)
            g.attrs["candidates"] = fixed(cand)
            g.attrs["variable"] = np.bytes_("hba1c")
            g.attrs["visit"] = 52.0
            g.attrs["goal"] = np.bytes_("minimize")
            g.attrs["target"] = np.nan
            share = rng.dirichlet(np.ones(k), reps)
            values = {"oracle_agreement": rng.uniform(0.3, 0.9, reps), "mean_regret": rng.exponential(0.2, reps),
                      "value_vs_best_single": rng.normal(0.1, 0.05, reps), "policy_mean": rng.normal(6.5, 0.2, reps),
                      "best_single_mean": rng.normal(6.6, 0.2, reps), "mean_switches": rng.uniform(0, 1, reps),
                      "twins": np.full(reps, 200.0)}
            best = rng.integers(0, k, reps).astype(np.int32)
            share[-1, :] = np.nan
            best[-1] = -1
            for c in figures:
                values[c][-1] = np.nan
                g[c] = values[c]
            g["best_single"] = best
            g["share"] = share
            sm = g.create_group("summary")
            ok = best >= 0
            sm.attrs["replicates"] = np.int64(np.isfinite(values["oracle_agreement"]).sum())
            for c in figures:
                x = values[c][np.isfinite(values[c])]
                sm.attrs[c] = x.mean()
                sm.attrs[c + "_mcse"] = x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else np.nan
            x = share[np.isfinite(share[:, 0])]
            sm.attrs["share"] = x.mean(axis=0)
            sm.attrs["share_mcse"] = x.std(axis=0, ddof=1) / np.sqrt(len(x))
            q = np.array([(best[ok] == j).mean() for j in range(k)])
            sm.attrs["best_single_share"] = q
            sm.attrs["best_single_share_mcse"] = np.sqrt(q * (1 - q) / ok.sum())
    return path
