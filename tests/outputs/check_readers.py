#!/usr/bin/python3
"""The R and Python readers (analysis/R/twintrial.R, analysis/python/twintrial.py).

usage: check_readers.py python TWINTRIAL PROTOCOL
           a fresh small run (all twins stored), the crafted time-to-event file, a
           run of an event-driven group-sequential design and one of a protocol with a
           calibrated arm effect: read() returns every data frame, and every dataset of
           the file appears in one of them with exactly its HDF5 values (h5py reads the
           other side); the event-driven run's CSVs too
       check_readers.py r TWINTRIAL PROTOCOL RSCRIPT
           the same three files through read_twintrial() (tests/outputs/r_reader.R): the
           tables equal the CSV export, and the README's five lines reproduce the
           primary ANCOVA of replicate 0 with lm() to 1e-8. Exit 77 (skip) without
           Rscript or the hdf5r package (Debian: r-base-core r-cran-hdf5r).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from outputs_common import SOURCE, Checker, craft_results, export, fresh_run, read_csv, s, strings  # noqa: E402
import check_export  # noqa: E402

sys.path.insert(0, os.path.join(SOURCE, "analysis", "python"))
import twintrial  # noqa: E402

CALIBRATED = os.path.join(SOURCE, "tests", "data", "protocols", "calibrate_ad.yaml")
KEYS = ["design", "visits", "variables", "provenance", "subjects", "outcomes", "counterfactual", "endpoints",
        "analyses", "replicates", "summary"]


def equal(a, b):
    if np.asarray(b).dtype.kind == "S":  # fixed-length strings (reason) against the reader's str
        return [str(v) for v in np.asarray(a).reshape(-1)] == [s(v) for v in np.asarray(b).reshape(-1)]
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def check_python(chk, path):
    tt = twintrial.read(path)
    name = os.path.basename(path)
    with h5py.File(path, "r") as f:
        want = KEYS + (["boundaries"] if "efficacy_bound" in f["design"] else []) + \
            (["looks", "looks_replicates"] if "looks" in f else []) + \
            (["validation", "validation_values"] if "validation" in f else []) + \
            (["calibration"] if "calibration" in f["provenance"] else []) + \
            (["guided", "guided_summary"] if "guided" in f else [])
        chk(sorted(tt) == sorted(want), f"{name}: data frames {sorted(tt)}, expected {sorted(want)}")
        arms = strings(f["design/arms"])
        n, nv, na = len(f["subjects/replicate"]), len(f["design/visits"]), len(arms)
        sub, out, cf, ep, an = tt["subjects"], tt["outcomes"], tt["counterfactual"], tt["endpoints"], tt["analyses"]
        seen = []

        def has(ds, cond, what):
            seen.append(ds.name)
            chk(cond, f"{name}: {ds.name} -> {what}")

        def visit(key, ds):
            if not isinstance(ds, h5py.Dataset):
                return
            p = ds.name.split("/")[1:]
            x = ds[()]
            if p[0] == "design":
                col = {"arms": ("design", "arm"), "allocation": ("design", "allocation"),
                       "visits": ("visits", "visit"), "visit_days": ("visits", "visit_day")}.get(p[1])
                if col:
                    v = tt[col[0]][col[1]]
                    has(ds, list(v) == strings(ds) if x.dtype.kind == "S" else equal(v, x), f"{col}")
                elif p[1] == "endpoints":
                    has(ds, all(e in ep.columns or any(c.startswith(e + "_") for c in ep.columns) for e in strings(ds)),
                        "endpoints columns")
                elif p[1] == "analyses":
                    has(ds, list(tt["summary"]["analysis"]) == strings(ds), "summary.analysis")
                else:
                    has(ds, "boundaries" in tt and equal(tt["boundaries"][p[1]], x), "boundaries")
            elif p[0] == "provenance":
                has(ds, tt["provenance"][p[1]][0] == s(x), "provenance")
            elif p[0] == "subjects":
                if p[1] == "covariates":
                    has(ds, equal(sub[p[2]], x), "subjects column")
                elif p[1] == "prognostic_score":
                    cols = [f"prognostic_score_{e}" for e in strings(f["design/endpoints"])]
                    has(ds, equal(sub[cols].to_numpy(), x.reshape(n, len(cols))), "prognostic_score_* columns")
                else:
                    has(ds, equal(sub[p[1]] if p[1] != "arm" else sub["arm_index"], x), "subjects column")
                    if p[1] == "arm":
                        chk(list(sub["arm"]) == [arms[a] for a in x], f"{name}: subjects.arm names")
            elif p[0] == "outcomes":
                rows = out[out["variable"] == p[1]]
                has(ds, equal(rows["value"], x.reshape(-1)) and equal(rows["visit"], np.tile(f["design/visits"], n)),
                    "outcomes rows")
            elif p[0] == "counterfactual":
                rows = cf[cf["variable"] == p[1]]
                ok = equal(rows["value"], x.reshape(-1)) and list(rows["cf_arm"][: na * nv]) == list(np.repeat(arms, nv))
                has(ds, ok, "counterfactual rows")
                # the observed value is the twin under its randomized arm, where observed
                y = f["outcomes"][p[1]][()]
                mine = x[np.arange(n), f["subjects/arm"][()], :]
                chk(bool(np.all(np.isnan(y) | (y == mine))), f"{name}: outcomes = counterfactual under the own arm")
            elif p[0] == "endpoints":
                col = p[1] if len(p) == 2 else f"{p[1]}_{p[2]}"
                has(ds, equal(ep[col], x), "endpoints column")
            elif p[0] == "analyses":
                rows = an[an["analysis"] == p[1]]
                width = int(np.prod(x.shape[1:])) if x.ndim > 1 else 1
                cols = [p[2]] if x.ndim == 1 else [f"{p[2]}_{k + 1}" for k in range(width)]
                has(ds, equal(rows[cols].to_numpy().reshape(x.shape), x), "analyses column(s)")
            elif p[0] == "looks":
                if x.ndim == 2:  # [replicate x look] -> looks_replicates rows in (replicate, look) order
                    has(ds, equal(tt["looks_replicates"][p[1]], x.reshape(-1)), "looks_replicates column")
                elif p[1] in ("stage", "decision"):  # [replicate], repeated over the looks
                    k = f["looks/time"].shape[1]
                    has(ds, equal(tt["looks_replicates"][p[1]], np.repeat(x, k)), "looks_replicates column")
                else:  # [look]
                    has(ds, equal(tt["looks"][p[1]], x), "looks column")
                    for a in twintrial.LOOK_EXPECTED:
                        chk(equal(tt["looks"][a], np.repeat(float(f["looks"].attrs[a]), len(x))), f"{name}: looks.{a}")
            elif p[0] == "replicates":
                has(ds, equal(tt["replicates"][p[1]], x), "replicates column")
            elif p[0] == "guided":  # /guided/<arm>/<figure> [replicate], share [replicate x candidate]
                rows = tt["guided"][tt["guided"]["arm"] == p[1]]
                cand = [s(c) for c in f["guided"][p[1]].attrs["candidates"]]
                if p[2] == "share":
                    has(ds, equal(rows["share"], x.reshape(-1)) and
                        list(rows["candidate"][: len(cand)]) == cand, "guided share rows")
                elif p[2] == "best_single":
                    names = [cand[b] if b >= 0 else None for b in x]
                    has(ds, list(rows["best_single"][:: len(cand)]) == names, "guided best_single (names)")
                else:
                    has(ds, equal(rows[p[2]][:: len(cand)], x) and equal(rows[p[2]], np.repeat(x, len(cand))),
                        "guided column")
            elif p[0] == "validation":
                if p[1] == "values":
                    has(ds, equal(tt["validation_values"]["value"], x.reshape(-1)) and
                        list(tt["validation_values"]["figure"][: x.shape[1]]) == list(tt["validation"]["figure"]),
                        "validation_values rows")
                else:
                    col = twintrial.VALIDATION_STRINGS.get(p[1], p[1])
                    v = tt["validation"][col]
                    has(ds, list(v) == strings(ds) if x.dtype.kind == "S" else equal(v, x), f"validation.{col}")

        f.visititems(visit)
        every = []
        f.visititems(lambda k, o: every.append(o.name) if isinstance(o, h5py.Dataset) else None)
        chk(sorted(seen) == sorted(every), f"{name}: datasets not in a data frame: {sorted(set(every) - set(seen))}")
        sm = tt["summary"]
        for a in strings(f["design/analyses"]):
            attrs = f["summary"][a].attrs
            row = sm[sm["analysis"] == a].iloc[0]
            for k in attrs:
                v = np.atleast_1d(attrs[k])
                if v.dtype.kind == "S":
                    chk(row[k] == s(v[0]), f"{name}: summary {a} {k}")
                    continue
                cols = [k] if v.size == 1 else [f"{k}_{i + 1}" for i in range(v.size)]
                chk(equal(row[cols].to_numpy(dtype=float), v), f"{name}: summary {a} {k}")
            for k in f["analyses"][a].attrs:
                v = f["analyses"][a].attrs[k]
                chk(row[k] == (s(v) if isinstance(v, (bytes, np.bytes_)) else v), f"{name}: summary {a} {k}")
        chk(tt["provenance"]["trial_name"][0] != "", f"{name}: provenance.trial_name parsed")
        for arm, g in (f["provenance/calibration"].items() if "calibration" in f["provenance"] else []):
            row = tt["calibration"][tt["calibration"]["arm"] == arm].iloc[0]
            for k, v in g.attrs.items():
                if k == "interval":
                    chk(equal([row["interval_lo"], row["interval_hi"]], v), f"{name}: calibration {arm} interval")
                else:
                    chk(row[k] == (s(v) if isinstance(v, (bytes, np.bytes_)) else v), f"{name}: calibration {arm} {k}")
        for arm, g in (f["guided"].items() if "guided" in f else []):
            rows = tt["guided_summary"][tt["guided_summary"]["arm"] == arm]
            for k, v in list(g.attrs.items()) + list(g["summary"].attrs.items()):
                if k == "candidates":
                    chk(list(rows["candidate"]) == [s(c) for c in v], f"{name}: guided_summary {arm} candidates")
                elif isinstance(v, (bytes, np.bytes_)):
                    chk(all(rows[k] == s(v)), f"{name}: guided_summary {arm} {k}")
                elif np.ndim(v) == 1:
                    chk(equal(rows[k], v), f"{name}: guided_summary {arm} {k}")
                else:
                    chk(equal(rows[k], np.repeat(float(v), len(rows))), f"{name}: guided_summary {arm} {k}")
    print(f"ok:   {name}: {len(seen)} datasets read into {len(tt)} data frames with their HDF5 values")


def main():
    mode, tt = sys.argv[1], sys.argv[2]
    if mode == "r":
        rscript = sys.argv[4] if len(sys.argv) > 4 else ""
        if not rscript or not shutil.which(rscript):
            print("SKIP: Rscript is not installed (Debian: r-base-core)")
            return 77
        if subprocess.run([rscript, "-e", "quit(status = !requireNamespace('hdf5r', quietly = TRUE))"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            print("SKIP: the R package hdf5r is not installed (Debian: r-cran-hdf5r)")
            return 77
    chk = Checker()
    with tempfile.TemporaryDirectory() as work:
        os.mkdir(os.path.join(work, "run"))
        run = fresh_run(tt, sys.argv[3], os.path.join(work, "run"))
        crafted = craft_results(os.path.join(work, "crafted.h5"))
        # an event-driven group-sequential design (/design/events, /looks)
        os.mkdir(os.path.join(work, "events"))
        events = fresh_run(tt, os.path.join(SOURCE, "tests", "data", "protocols", "gsd_events_exponential.yaml"),
                           os.path.join(work, "events"), replicates=6, patients=400)
        os.mkdir(os.path.join(work, "cal"))  # a protocol with a calibrated arm effect: /provenance/calibration
        cal = fresh_run(tt, CALIBRATED, os.path.join(work, "cal"), replicates=5, patients=100)
        if mode == "python":
            check_python(chk, run)
            check_python(chk, crafted)
            check_python(chk, events)
            check_python(chk, cal)
            check_export.roundtrip(chk, events, export(tt, events, os.path.join(work, "csv_events")))
            # the long table has the row order of outcomes.csv (two variables here)
            out = export(tt, crafted, os.path.join(work, "csv_crafted"))
            header, rows = read_csv(os.path.join(out, "outcomes.csv"))
            got = twintrial.read(crafted, counterfactual=False)["outcomes"]
            want = [(int(r[0]), int(r[1]), r[2], float(r[3]), r[4]) for r in rows]
            chk(list(zip(got["replicate"], got["subject"], got["arm"], got["visit"], got["variable"])) == want,
                "outcomes data frame in the row order of outcomes.csv")
            return chk.done()
        export(tt, run, os.path.join(work, "csv"))
        export(tt, crafted, os.path.join(work, "csv_crafted"))
        export(tt, events, os.path.join(work, "csv_events"))
        export(tt, cal, os.path.join(work, "csv_cal"))
        r = subprocess.run([rscript, os.path.join(HERE, "r_reader.R"), SOURCE, run, os.path.join(work, "csv"),
                            crafted, os.path.join(work, "csv_crafted"), events, os.path.join(work, "csv_events"),
                            cal, os.path.join(work, "csv_cal")])
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())
