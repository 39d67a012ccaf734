#!/usr/bin/python3
"""`twintrial export --csv` against the HDF5 file it came from.

usage: check_export.py roundtrip TWINTRIAL PROTOCOL   fresh small run (all twins stored);
                                                      every CSV value equals its HDF5 value
       check_export.py adam TWINTRIAL PROTOCOL        fresh small run; ADaM datasets complete
                                                      and consistent
       check_export.py crafted TWINTRIAL              a hand-made file with a time-to-event
                                                      endpoint: both checks plus adtte.csv
Doubles are written with 17 significant digits, so equality is exact (h5py reads the
HDF5 side); NA stands for NaN. Expected layouts are analysis/README.md's.
"""
import math
import os
import re
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from outputs_common import Checker, craft_results, export, fresh_run, num, read_csv, same, strings, s  # noqa: E402

ANALYSIS_COLUMNS = ["replicate", "estimate", "std_error", "ci_lower", "ci_upper", "statistic", "df", "p_value",
                    "reject", "n_analysed", "true_effect", "ok", "reason"]
SUMMARY_KNOWN = ["replicates", "failed", "power", "power_mcse", "mean_estimate", "true_effect", "bias",
                 "bias_mcse", "empirical_se", "mean_std_error", "rmse", "coverage", "coverage_mcse", "expected_n"]
DESCRIPTION = ["endpoint", "method", "treatment", "control", "alpha", "sided", "estimand"]
DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}


class File:
    """The HDF5 side, as arrays."""

    def __init__(self, f):
        d, sg = f["design"], f["subjects"]
        self.arms, self.endpoints, self.analyses = strings(d["arms"]), strings(d["endpoints"]), strings(d["analyses"])
        self.visits, self.visit_days = d["visits"][()], d["visit_days"][()]
        self.unit = s(d["visits"].attrs["unit"])
        self.rep, self.subj, self.arm = sg["replicate"][()], sg["subject"][()], sg["arm"][()]
        self.stratum, self.drop = sg["stratum"][()], sg["dropout_time"][()]
        # treatment discontinuation: only when some arm can stop (else None)
        self.disc = sg["discontinuation_time"][()] if "discontinuation_time" in sg else None
        self.resc = sg["rescue_time"][()] if "rescue_time" in sg else None  # only with rescue
        self.n = len(self.rep)
        self.covariates = sorted(sg["covariates"].keys())
        self.cov = {c: sg["covariates"][c][()] for c in self.covariates}
        self.prog = sg["prognostic_score"][()].reshape(self.n, len(self.endpoints))
        self.variables = sorted(f["outcomes"].keys())
        self.out = {v: f["outcomes"][v][()] for v in self.variables}
        self.var_unit = {v: s(f["outcomes"][v].attrs["unit"]) for v in self.variables}
        self.ep = {}  # column name -> values, in CSV order
        self.tte = []
        for e in self.endpoints:
            obj = f["endpoints"][e]
            if isinstance(obj, h5py.Group):
                known = ["time", "status", "count", "exposure"]
                for m in [m for m in known if m in obj] + sorted(m for m in obj if m not in known):
                    self.ep[f"{e}_{m}"] = obj[m][()]
                if "time" in obj and "status" in obj:
                    unit = s(obj["time"].attrs["unit"]) if "unit" in obj["time"].attrs else self.unit
                    self.tte.append((e, obj["time"][()], obj["status"][()], unit))
            else:
                self.ep[e] = obj[()]
        self.patients = int(f.attrs["patients"])


def check_table(chk, name, header, rows, expect_header, expect_rows):
    """expect_rows: list of lists of expected cells (str compared as str, numbers exactly)."""
    chk(header == expect_header, f"{name} header {header} != {expect_header}")
    chk(len(rows) == len(expect_rows), f"{name}: {len(rows)} rows, expected {len(expect_rows)}")
    bad = 0
    for i, (row, exp) in enumerate(zip(rows, expect_rows)):
        for j, (got, want) in enumerate(zip(row, exp)):
            ok = got == want if isinstance(want, str) else same(num(got), want)
            if not ok and bad < 5:
                print(f"  {name} row {i + 1} column {header[j] if j < len(header) else j}: csv {got!r} hdf5 {want!r}")
            bad += not ok
    chk(bad == 0, f"{name}: {bad} cells differ from the HDF5 values")
    if bad == 0 and len(rows) == len(expect_rows):
        print(f"ok:   {name}: {len(rows)} rows x {len(header)} columns equal the HDF5 values")


def ep_columns(h):
    return list(h.ep.keys())


LOOK_DESIGN = ["information", "events", "efficacy_bound", "futility_bound", "alpha_spent"]
LOOK_OC = ["reached", "analysis_time", "mean_information", "mean_subjects", "stop_efficacy", "stop_efficacy_mcse",
           "stop_futility", "stop_futility_mcse", "cumulative_power", "cumulative_power_mcse"]
LOOK_EXPECTED = ["expected_subjects", "expected_subjects_mcse", "expected_information", "expected_information_mcse",
                 "expected_duration", "expected_duration_mcse"]
LOOK_REPLICATE = ["stage", "decision", "time", "information", "subjects", "z", "efficacy_bound"]


GUIDED_COLUMNS = ["replicate", "arm", "candidate", "share", "oracle_agreement", "mean_regret", "value_vs_best_single"]


def check_guided(chk, f, out):
    """guided.csv: exactly its columns, one row per replicate x guided arm (design order) x
    candidate, every value equal to /guided/<arm>'s (NA for NaN)."""
    header, rows = read_csv(os.path.join(out, "guided.csv"))
    chk(header == GUIDED_COLUMNS, f"guided.csv header {header}")
    arms = [a for a in strings(f["design/arms"]) if a in f["guided"]]
    want = []
    for r in range(int(f.attrs["replicates"])):
        for arm in arms:
            g = f["guided"][arm]
            for j, c in enumerate(s(x) for x in np.atleast_1d(g.attrs["candidates"])):
                want.append((r, arm, c, g["share"][r, j], g["oracle_agreement"][r], g["mean_regret"][r],
                             g["value_vs_best_single"][r]))
    chk(len(rows) == len(want), f"guided.csv: {len(rows)} rows, expected {len(want)}")
    bad = [i for i, (got, w) in enumerate(zip(rows, want))
           if not (int(got[0]) == w[0] and got[1] == w[1] and got[2] == w[2] and
                   all(same(num(a), b) for a, b in zip(got[3:], w[3:])))]
    chk(not bad, f"guided.csv rows differ from the HDF5 values: first {bad[:1]} {rows[bad[0]] if bad else ''}")
    if not bad and len(rows) == len(want):
        print(f"ok:   guided.csv: {len(rows)} rows equal to /guided/<arm> ({', '.join(arms)})")
    return rows


def check_looks(chk, f, out):
    """looks.csv: one row per look (design, per-look OC, expected values repeated);
    looks_replicates.csv: one row per replicate x look."""
    d, g = f["design"], f["looks"]
    nrep, k = g["time"].shape
    rows = [[float(j + 1)] + [float(d[c][j]) if c in d else np.nan for c in LOOK_DESIGN]
            + [float(g[c][j]) for c in LOOK_OC] + [float(g.attrs[c]) for c in LOOK_EXPECTED] for j in range(k)]
    header = ["look"] + LOOK_DESIGN + LOOK_OC + LOOK_EXPECTED
    check_table(chk, "looks.csv", *read_csv(os.path.join(out, "looks.csv")), header, rows)
    rows = [[float(r), float(j + 1)] + [float(g[c][r]) if g[c].ndim == 1 else float(g[c][r, j]) for c in LOOK_REPLICATE]
            for r in range(nrep) for j in range(k)]
    check_table(chk, "looks_replicates.csv", *read_csv(os.path.join(out, "looks_replicates.csv")),
                ["replicate", "look"] + LOOK_REPLICATE, rows)
    # the per-look shares recomputed from the rows
    stage, dec = g["stage"][()], g["decision"][()]
    for j in range(k):
        eff = np.mean((stage == j + 1) & (dec == 1))
        fut = np.mean((stage == j + 1) & (dec == -1))
        chk(abs(g["stop_efficacy"][j] - eff) < 1e-12 and abs(g["stop_futility"][j] - fut) < 1e-12,
            f"/looks look {j + 1}: stop shares {eff}, {fut} recomputed from stage and decision")
    chk(abs(g["cumulative_power"][k - 1] - np.mean(dec == 1)) < 1e-12, "/looks cumulative power = share rejecting")


def roundtrip(chk, path, out):
    with h5py.File(path, "r") as f:
        h = File(f)
        # analyses.csv: every dataset of every /analyses/<name> (enumerated here, whatever
        # its rank) is in the CSV: the documented columns first (reason, a string, right
        # after ok), then the others by name (one column per value per replicate:
        # <name>_1 .. <name>_k, last dimension fastest, as the readers), NA where an
        # analysis lacks one; values by name, strings as strings
        header, got = read_csv(os.path.join(out, "analyses.csv"))
        known = ANALYSIS_COLUMNS + ["stage", "information"]
        datasets = {}  # name -> (rank, values per replicate, is a string)
        for a in h.analyses:
            g = f["analyses"][a]
            for k in g.keys():
                x = g[k]
                chk(isinstance(x, h5py.Dataset) and x.shape[0] == len(g["replicate"]),
                    f"/analyses/{a}/{k} is a per-replicate dataset")
                datasets[k] = (x.ndim, int(np.prod(x.shape[1:])), x.dtype.kind == "S")
        chk(all(k in datasets for k in known), f"/analyses/<name> has the documented datasets: {sorted(datasets)}")
        chk(all(not datasets[k][2] for k in datasets if k != "reason"),
            f"/analyses/<name>: no string dataset but reason (the CSV's further columns are numeric): {sorted(datasets)}")
        chk(header.count("reason") == 1 and header.index("reason") == header.index("ok") + 1,
            "analyses.csv: reason once, right after ok")
        extra = sorted(k for k in datasets if k not in known)
        want = ["analysis"] + known
        for k in extra:
            ndim, width, _ = datasets[k]
            want += [k] if ndim == 1 else [f"{k}_{i + 1}" for i in range(width)]
        chk(header == want, f"analyses.csv columns {header} = analysis + every dataset of /analyses/<name> {want}")
        print(f"ok:   analyses.csv: {len(datasets)} datasets of /analyses/<name> ({', '.join(sorted(datasets))}), "
              f"{len(header) - 1} columns")
        rows = []
        for a in h.analyses:
            g = f["analyses"][a]
            n = len(g["replicate"])
            cols = []
            for k in known + extra:
                x = g[k][()].reshape(n, -1) if k in g else np.full((n, datasets[k][1]), np.nan)
                cols += [x[:, i] for i in range(x.shape[1])]
            rows += [[a] + [s(c[r]) if c.dtype.kind == "S" else float(c[r]) for c in cols] for r in range(n)]
        check_table(chk, "analyses.csv", header, got, header, rows)
        # summary.csv
        first = f["summary"][h.analyses[0]].attrs
        names = [k for k in SUMMARY_KNOWN if k in first] + sorted(k for k in first if k not in SUMMARY_KNOWN)
        header = ["analysis"] + DESCRIPTION
        for k in names:
            v = np.atleast_1d(first[k])
            header += [k] if v.size == 1 or v.dtype.kind == "S" else [f"{k}_{i + 1}" for i in range(v.size)]
        rows = []
        for a in h.analyses:
            row, ga, gs = [a], f["analyses"][a].attrs, f["summary"][a].attrs
            for k in DESCRIPTION:
                v = ga.get(k)
                row.append("NA" if v is None else s(v) if isinstance(v, (bytes, np.bytes_)) else float(v))
            for k in names:
                v = np.atleast_1d(gs[k]) if k in gs else np.full(np.atleast_1d(first[k]).size, np.nan)
                row += [s(v[0])] if v.dtype.kind == "S" else [float(x) for x in v]
            rows.append(row)
        got_header, got = read_csv(os.path.join(out, "summary.csv"))
        check_table(chk, "summary.csv", got_header, got, header, rows)
        # looks.csv and looks_replicates.csv (group-sequential designs), else neither
        chk(os.path.exists(os.path.join(out, "looks.csv")) == ("looks" in f), "looks.csv iff /looks")
        if "looks" in f:
            check_looks(chk, f, out)
        chk(os.path.exists(os.path.join(out, "guided.csv")) == ("guided" in f), "guided.csv iff /guided")
        if "guided" in f:
            check_guided(chk, f, out)
        # subjects.csv, endpoints.csv, outcomes.csv
        names = [h.arms[a] for a in h.arm]
        epc = ep_columns(h)
        disc, resc = h.disc is not None, h.resc is not None
        check_table(chk, "subjects.csv", *read_csv(os.path.join(out, "subjects.csv")),
                    ["replicate", "subject", "arm", "stratum", "dropout_time"]
                    + (["discontinuation_time"] if disc else []) + (["rescue_time"] if resc else []) + h.covariates
                    + [f"prognostic_score_{e}" for e in h.endpoints] + epc,
                    [[float(h.rep[i]), float(h.subj[i]), names[i], float(h.stratum[i]), h.drop[i]]
                     + ([h.disc[i]] if disc else []) + ([h.resc[i]] if resc else [])
                     + [h.cov[c][i] for c in h.covariates] + list(h.prog[i]) + [h.ep[c][i] for c in epc]
                     for i in range(h.n)])
        check_table(chk, "endpoints.csv", *read_csv(os.path.join(out, "endpoints.csv")),
                    ["replicate", "subject", "arm"] + epc,
                    [[float(h.rep[i]), float(h.subj[i]), names[i]] + [h.ep[c][i] for c in epc] for i in range(h.n)])
        check_table(chk, "outcomes.csv", *read_csv(os.path.join(out, "outcomes.csv")),
                    ["replicate", "subject", "arm", "visit", "variable", "value"],
                    [[float(h.rep[i]), float(h.subj[i]), names[i], h.visits[v], var, h.out[var][i, v]]
                     for i in range(h.n) for var in h.variables for v in range(len(h.visits))])
        # ADaM values against HDF5
        header, rows = read_csv(os.path.join(out, "adsl.csv"))
        col = {c: j for j, c in enumerate(header)}
        last = h.visit_days[-1]
        bad = 0
        for i, row in enumerate(rows):
            seen = [v for v in range(len(h.visits)) if any(not np.isnan(h.out[k][i, v]) for k in h.variables)]
            lastseen = seen[-1] if seen else -1
            done = lastseen == len(h.visits) - 1
            dropout = not done and h.drop[i] <= h.visit_days[lastseen + 1]
            want = {"REPLNUM": h.rep[i], "TRT01PN": h.arm[i], "TRT01AN": h.arm[i], "STRATUM": h.stratum[i],
                    "DSDY": h.drop[i] if np.isfinite(h.drop[i]) else math.nan,
                    "EOSDY": last if done else h.drop[i] if dropout else math.nan,
                    "LSTVSTDY": h.visit_days[lastseen] if seen else math.nan}
            bad += row[col["DCSREAS"]] != ("NA" if done else "DROPOUT" if dropout else "OTHER")
            if h.disc is not None:  # treatment disposition: ends at discontinuation, dropout or the last visit
                end = min(h.disc[i], h.drop[i], last)
                want["TRTEDY"] = end
                bad += row[col["EOTSTT"]] != ("COMPLETED" if end >= last else "DISCONTINUED")
                bad += row[col["DCTREAS"]] != ("NA" if end >= last else "DISCONTINUATION" if h.disc[i] <= h.drop[i]
                                               else "WITHDRAWAL")
            if h.resc is not None:  # rescue: flag and day (the visit it was decided at)
                rescued = bool(np.isfinite(h.resc[i]))
                want["RESCDY"] = h.resc[i] if rescued else math.nan
                bad += row[col["RESCFL"]] != ("Y" if rescued else "N")
            want.update({c.upper(): h.cov[c][i] for c in h.covariates})
            want.update({f"PROGSC{e + 1}": h.prog[i, e] for e in range(len(h.endpoints))})
            for k, v in want.items():
                bad += not same(num(row[col[k]]), v)
            bad += row[col["TRT01P"]] != h.arms[h.arm[i]] or row[col["TRT01A"]] != h.arms[h.arm[i]]
            bad += int(row[col["SUBJID"]]) != h.subj[i]
        chk(bad == 0, f"adsl.csv: {bad} values differ from the HDF5 values")
        if bad == 0:
            print(f"ok:   adsl.csv: {len(rows)} rows; ids, treatment, stratum, covariates, scores, days equal HDF5")
        header, rows = read_csv(os.path.join(out, "adbds.csv"))
        col = {c: j for j, c in enumerate(header)}
        expect = [(i, var, v) for i in range(h.n) for var in h.variables for v in range(len(h.visits))
                  if not np.isnan(h.out[var][i, v])]
        chk(len(rows) == len(expect), f"adbds.csv: {len(rows)} rows, expected {len(expect)} observed values")
        bad = 0
        for row, (i, var, v) in zip(rows, expect):
            bad += not same(num(row[col["AVAL"]]), h.out[var][i, v])
            bad += not same(num(row[col["BASE"]]), h.out[var][i, 0])
            bad += not same(num(row[col["AVISITN"]]), h.visits[v]) or not same(num(row[col["ADY"]]), h.visit_days[v])
            bad += row[col["PARAM"]] != f"{var} ({h.var_unit[var]})" or row[col["TRTP"]] != h.arms[h.arm[i]]
            if h.disc is not None:
                bad += row[col["ONTRTFL"]] != ("Y" if h.visit_days[v] <= h.disc[i] else "NA")
            if h.resc is not None:
                bad += row[col["PRERSCFL"]] != ("Y" if h.visit_days[v] <= h.resc[i] else "NA")
        chk(bad == 0, f"adbds.csv: {bad} values differ from the HDF5 values")
        if bad == 0:
            print(f"ok:   adbds.csv: {len(rows)} observed values; AVAL, BASE, AVISITN, ADY, PARAM equal HDF5")
    return h


def adam(chk, path, out):
    with h5py.File(path, "r") as f:
        h = File(f)
        resolved = s(f["provenance"]["resolved_protocol"][()])
    header, rows = read_csv(os.path.join(out, "adsl.csv"))
    need = ["STUDYID", "USUBJID", "SUBJID", "REPLNUM", "ITTFL", "RANDFL", "TRT01P", "TRT01PN", "TRT01A", "TRT01AN",
            "STRATUM", "EOSSTT", "DCSREAS", "COMPLFL", "EOSDY", "LSTVSTDY", "DSDY"]
    need += ["EOTSTT", "DCTREAS", "TRTEDY"] if h.disc is not None else []
    need += ["RESCFL", "RESCDY"] if h.resc is not None else []
    chk(all(c in header for c in need), f"adsl.csv lacks {[c for c in need if c not in header]}")
    chk(all(len(c) <= 8 or c.lower() in h.covariates for c in header), "adsl.csv: ADaM names have <= 8 characters")
    adsl = [dict(zip(header, r)) for r in rows]
    chk(len(adsl) == h.n, f"adsl.csv: one row per stored twin ({len(adsl)} rows, {h.n} twins)")
    usubjid = [r["USUBJID"] for r in adsl]
    chk(len(set(usubjid)) == len(usubjid), "adsl.csv: USUBJID unique")
    chk(all(r["USUBJID"] == f"{r['STUDYID']}-{r['SUBJID']}" and r["STUDYID"] == f"TWINTRIAL-R{r['REPLNUM']}"
            for r in adsl), "adsl.csv: USUBJID = STUDYID-SUBJID, STUDYID = TWINTRIAL-R<replicate>")
    chk(all(r["TRT01P"] == r["TRT01A"] and r["TRT01P"] == h.arms[int(r["TRT01PN"])] for r in adsl),
        "adsl.csv: TRT01P = TRT01A = /design/arms[TRT01PN]")
    chk(all((r["COMPLFL"], r["EOSSTT"], r["DCSREAS"]) in
            (("Y", "COMPLETED", "NA"), ("N", "DISCONTINUED", "DROPOUT"), ("N", "DISCONTINUED", "OTHER"))
            for r in adsl), "adsl.csv: COMPLFL, EOSSTT, DCSREAS agree")
    header, rows = read_csv(os.path.join(out, "adbds.csv"))
    need = ["STUDYID", "USUBJID", "SUBJID", "TRTP", "TRTPN", "TRTA", "TRTAN", "PARAMCD", "PARAM", "AVISIT",
            "AVISITN", "ADY", "AVAL", "BASE", "CHG", "ABLFL"] + (["ONTRTFL"] if h.disc is not None else []) \
        + (["PRERSCFL"] if h.resc is not None else [])
    chk(header == need, f"adbds.csv columns {header}")
    bds = [dict(zip(header, r)) for r in rows]
    chk(all(same(num(r["CHG"]), num(r["AVAL"]) - num(r["BASE"])) for r in bds), "adbds.csv: CHG = AVAL - BASE")
    first = h.visits[0]
    chk(all((r["ABLFL"] == "Y") == (num(r["AVISITN"]) == first) and r["ABLFL"] in ("Y", "NA") for r in bds),
        "adbds.csv: ABLFL = Y exactly at the first visit")
    chk(all((r["AVISIT"] == "Baseline") == (r["ABLFL"] == "Y") for r in bds), "adbds.csv: AVISIT Baseline at ABLFL")
    chk(all(r["AVISIT"] == "Baseline" or r["AVISIT"] == f"{h.unit.capitalize()} {num(r['AVISITN']):g}" for r in bds),
        "adbds.csv: AVISIT = '<Unit> <visit>'")
    base = {}
    for r in bds:
        if r["ABLFL"] == "Y":
            key = (r["USUBJID"], r["PARAMCD"])
            chk(key not in base, f"adbds.csv: one baseline row for {key}")
            base[key] = num(r["AVAL"])
    chk(all(same(num(r["BASE"]), base[(r["USUBJID"], r["PARAMCD"])]) for r in bds),
        "adbds.csv: BASE = AVAL of the ABLFL row")
    codes = {}
    for r in bds:
        codes.setdefault(r["PARAMCD"], set()).add(r["PARAM"])
    chk(all(len(c) <= 8 and c == c.upper() and len(p) == 1 for c, p in codes.items()) and
        len({next(iter(p)) for p in codes.values()}) == len(codes), f"adbds.csv: PARAMCD <= 8, upper, 1:1 {codes}")
    ids = set(usubjid)
    chk(all(r["USUBJID"] in ids for r in bds), "adbds.csv: every USUBJID is in adsl.csv")
    lastn = h.visits[-1]
    seen_last = {r["USUBJID"] for r in bds if num(r["AVISITN"]) == lastn}
    chk(all((r["COMPLFL"] == "Y") == (r["USUBJID"] in seen_last) for r in adsl),
        "adsl.csv: COMPLFL = Y exactly for twins observed at the last visit")
    # a change-from-baseline endpoint equals CHG at its visit
    byid = {(r["USUBJID"], r["PARAMCD"], num(r["AVISITN"])): num(r["CHG"]) for r in bds}
    code_of = {next(iter(p)).split(" (")[0]: c for c, p in codes.items()}
    for m in re.finditer(r"\{\s*name:\s*(\w+),\s*type:\s*change_from_baseline,\s*variable:\s*(\w+),\s*visit:\s*"
                         r"([0-9.]+)", resolved):
        e, var, visit = m.group(1), m.group(2), float(m.group(3))
        if e not in h.ep or var not in code_of:
            continue
        # (a group-sequential trial that stopped early leaves later endpoints NaN)
        bad = sum(not same(h.ep[e][i], byid.get((usubjid[i], code_of[var], visit), math.nan))
                  for i in range(h.n) if not math.isnan(h.ep[e][i]))
        chk(bad == 0, f"adbds.csv: endpoint {e} = CHG of {code_of[var]} at visit {visit:g} ({bad} differ)")
    print(f"ok:   ADaM: {len(adsl)} ADSL rows, {len(bds)} BDS rows, PARAMCD {sorted(codes)}")
    return h


def adtte(chk, h, out):
    header, rows = read_csv(os.path.join(out, "adtte.csv"))
    need = ["STUDYID", "USUBJID", "SUBJID", "TRTP", "TRTPN", "TRTA", "TRTAN", "STRATUM", "PARAMCD", "PARAM", "AVAL",
            "CNSR", "EVNTDESC", "CNSDTDSC"]
    chk(header == need, f"adtte.csv columns {header}")
    tte = [dict(zip(header, r)) for r in rows]
    chk(len(tte) == h.n * len(h.tte), f"adtte.csv: {len(tte)} rows = twins x time-to-event endpoints")
    bad = 0
    for k, r in enumerate(tte):
        i, (name, time, status, unit) = k // len(h.tte), h.tte[k % len(h.tte)]
        censored_by_dropout = status[i] == 0 and h.drop[i] <= time[i] * DAYS[unit] * (1 + 1e-12)
        want = (name, "NA") if status[i] == 1 else ("DROPOUT", "DROPOUT") if censored_by_dropout else \
            ("END OF FOLLOW-UP", "END OF FOLLOW-UP")
        bad += not same(num(r["AVAL"]), time[i]) or not same(num(r["CNSR"]), 1 - status[i])
        bad += (r["EVNTDESC"], r["CNSDTDSC"]) != want or r["PARAM"] != f"{name} ({unit})"
        bad += r["PARAMCD"] != name.upper()[:8] or r["TRTP"] != h.arms[h.arm[i]]
    chk(bad == 0, f"adtte.csv: {bad} rows differ (AVAL = time, CNSR = 1 - status, descriptions)")
    kinds = {(r["CNSR"], r["EVNTDESC"]) for r in tte}
    chk(len(kinds) >= 2, f"adtte.csv: events and censoring present: {kinds}")
    print(f"ok:   adtte.csv: {len(tte)} rows; AVAL = time, CNSR = 1 - status")


def main():
    mode, tt = sys.argv[1], sys.argv[2]
    chk = Checker()
    with tempfile.TemporaryDirectory() as work:
        if mode == "crafted":
            path = craft_results(os.path.join(work, "crafted.h5"))
        else:
            path = fresh_run(tt, sys.argv[3], work)
        out = export(tt, path, os.path.join(work, "csv"))
        if mode in ("roundtrip", "crafted"):
            h = roundtrip(chk, path, out)
        if mode in ("adam", "crafted"):
            h = adam(chk, path, out)
            if h.tte:
                adtte(chk, h, out)
        if mode == "crafted":
            header, rows = read_csv(os.path.join(out, "adbds.csv"))
            codes = sorted({r[header.index("PARAMCD")] for r in rows})
            chk(codes == ["SYSTOLI1", "SYSTOLIC"], f"adbds.csv: clashing PARAMCDs made unique: {codes}")
            kinds = {tuple(r[-3:]) for r in read_csv(os.path.join(out, "adtte.csv"))[1]}
            chk(kinds == {("0", "os", "NA"), ("1", "DROPOUT", "DROPOUT"), ("1", "END OF FOLLOW-UP", "END OF FOLLOW-UP")},
                f"adtte.csv: the crafted twins cover event, dropout and end of follow-up: {kinds}")
        chk(os.path.exists(os.path.join(out, "adtte.csv")) == bool(h.tte),
            "adtte.csv written exactly when the file has time-to-event endpoints")
    return chk.done()


if __name__ == "__main__":
    sys.exit(main())
