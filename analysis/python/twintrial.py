"""Read a twintrial results file (HDF5) into pandas DataFrames.

    import twintrial
    tt = twintrial.read("results.h5")        # dict of DataFrames
    tt["analyses"].query("analysis == 'primary'")

Keys (the same data frames as the R reader analysis/R/twintrial.R; the layout is
documented in analysis/README.md):

  design          one row per arm: arm_index (0-based, as in the file), arm, allocation
  visits          one row per scheduled visit: visit_index, visit, visit_day, unit
  variables       one row per model variable: variable, unit
  provenance      one row: root attributes and /provenance texts, plus trial_name
  subjects        one row per stored twin: replicate, subject, arm, arm_index,
                  stratum, dropout_time (day), discontinuation_time (day; only when
                  the protocol has treatment discontinuation or rescue), rescue_time
                  (day; only with rescue), covariates,
                  prognostic_score_<endpoint>
  outcomes        long: replicate, subject, arm, visit, variable, value (NaN after dropout)
  counterfactual  long: replicate, subject, arm (randomized), cf_arm (the arm the
                  twin is simulated under), visit, variable, value
  endpoints       one row per stored twin: replicate, subject, arm, one column per
                  endpoint (groups: <name>_time, <name>_status; <name>_count, <name>_exposure)
  analyses        one row per analysis x replicate: analysis, replicate, estimate, ...
                  (a [replicate x look] dataset z gives columns z_1 .. z_k)
  replicates      one row per replicate: replicate, done, screen_failures
  summary         one row per analysis: description, further settings and /summary attributes
  boundaries      (group-sequential designs only) look, information, events (event-driven
                  designs), efficacy_bound, futility_bound, alpha_spent
  looks           (group-sequential designs only) one row per look, as looks.csv: the
                  design, the operating characteristics per look (reached, analysis_time
                  in days, mean_information, mean_subjects, stop_efficacy, stop_futility,
                  cumulative_power, each probability with _mcse) and the expected
                  subjects, information and duration (days) with their _mcse, repeated
  looks_replicates  (group-sequential designs only) one row per replicate x look, as
                  looks_replicates.csv: replicate, look, stage, decision (1 efficacy,
                  -1 futility, 0 neither), time (days), information, subjects, z,
                  efficacy_bound (NaN at looks not held)
  validation      (protocols with a validation section) one row per published figure:
                  figure, statistic, what, source, arm, variable, scale, visit_days,
                  published, se (comparison scale), log_scale, fitted
  validation_values  long: replicate, figure, value (the figure simulated per replicate)
  calibration     (protocols with calibrated arm effects) one row per calibrated arm: arm,
                  effect, target, endpoint, control, target_value, value, value_mc_se,
                  solver_tolerance, achieved, achieved_mc_se, twins, bootstrap,
                  evaluations, interval_lo, interval_hi, description
  guided          (protocols with guided arms) one row per replicate x guided arm x
                  candidate: the columns of guided.csv (replicate, arm, candidate, share,
                  oracle_agreement, mean_regret, value_vs_best_single), then policy_mean,
                  best_single_mean, best_single (the candidate's name), mean_switches,
                  twins (the last seven repeat over the arm's candidates)
  guided_summary  (protocols with guided arms) one row per guided arm x candidate: arm,
                  candidate, share, share_mcse, best_single_share, best_single_share_mcse,
                  then the arm's choose rule (variable, visit, goal, target), replicates and
                  each figure's mean over replicates with its _mcse, repeated

guided(path) reads only the guided table (empty, with its columns, without guided arms).

Needs h5py, numpy and pandas (Debian: python3-h5py python3-pandas). Fixed-length
strings are decoded (UTF-8: provenance texts may hold any character of the
protocol file) to str.
"""
import re

import h5py
import numpy as np
import pandas as pd

ANALYSIS_COLUMNS = ["replicate", "estimate", "std_error", "ci_lower", "ci_upper", "statistic", "df",
                    "p_value", "reject", "n_analysed", "true_effect", "ok", "reason", "stage", "information"]
ANALYSIS_DESCRIPTION = ["endpoint", "method", "treatment", "control", "alpha", "sided", "estimand"]
SUMMARY_KNOWN = ["replicates", "failed", "power", "power_mcse", "mean_estimate", "true_effect", "bias",
                 "bias_mcse", "empirical_se", "mean_std_error", "rmse", "coverage", "coverage_mcse",
                 "expected_n"]
BOUNDARY_COLUMNS = ["information", "events", "efficacy_bound", "futility_bound", "alpha_spent"]
LOOK_OC = ["reached", "analysis_time", "mean_information", "mean_subjects", "stop_efficacy", "stop_efficacy_mcse",
           "stop_futility", "stop_futility_mcse", "cumulative_power", "cumulative_power_mcse"]
LOOK_EXPECTED = ["expected_subjects", "expected_subjects_mcse", "expected_information", "expected_information_mcse",
                 "expected_duration", "expected_duration_mcse"]
LOOK_REPLICATE = ["time", "information", "subjects", "z", "efficacy_bound"]


def _str(x):
    """A fixed-length HDF5 string (bytes, NUL-padded) or a str, as str."""
    if isinstance(x, (bytes, np.bytes_)):
        return bytes(x).split(b"\0", 1)[0].decode("utf-8", "replace")
    if isinstance(x, np.ndarray) and x.shape == ():
        return _str(x[()])
    return str(x)


def _strings(ds):
    return [_str(s) for s in ds[()]]


def _scalar(x):
    """An attribute value: str for strings, Python number for numeric scalars."""
    if isinstance(x, (bytes, np.bytes_, str)):
        return _str(x)
    a = np.asarray(x)
    if a.shape == () or a.size == 1:
        v = a.reshape(-1)[0]
        return v.item() if hasattr(v, "item") else v
    return a


def _unit(obj, default=""):
    return _str(obj.attrs["unit"]) if "unit" in obj.attrs else default


def _attr_columns(attrs, names):
    """Columns from attributes: scalar -> name; k values -> name_1 .. name_k."""
    row = {}
    for name in names:
        if name not in attrs:
            continue
        v = _scalar(attrs[name])
        if isinstance(v, np.ndarray):
            for k, x in enumerate(v.reshape(-1)):
                row[f"{name}_{k + 1}"] = x.item()
        else:
            row[name] = v
    return row


def _trial_name(text):
    m = re.search(r"^trial:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+name:[ \t]*(.*)$", text, re.M)
    return m.group(1).strip().strip('"').strip("'") if m else ""


ENDPOINT_MEMBERS = ["time", "status", "count", "exposure"]


def _endpoint_columns(f, endpoints):
    """One column per endpoint; a group gives <name>_<member> (time, status, count,
    exposure, then others by name), as endpoints.csv."""
    cols = {}
    for name in endpoints:
        obj = f["endpoints"][name]
        if isinstance(obj, h5py.Group):
            members = [m for m in ENDPOINT_MEMBERS if m in obj] + sorted(m for m in obj if m not in ENDPOINT_MEMBERS)
            for m in members:
                cols[f"{name}_{m}"] = obj[m][()].astype(float)
        else:
            cols[name] = obj[()].astype(float)
    return cols


def read(path, counterfactual=True):
    """Read results file `path`; returns a dict of pandas DataFrames (see the module doc).
    counterfactual=False skips the (large) counterfactual table."""
    out = {}
    with h5py.File(path, "r") as f:
        if _str(f.attrs.get("format", b"")) != "twintrial-results":
            raise ValueError(f"{path}: not a twintrial results file")
        d = f["design"]
        arms = _strings(d["arms"])
        visits = d["visits"][()].astype(float)
        endpoints = _strings(d["endpoints"])
        analyses = _strings(d["analyses"])
        out["design"] = pd.DataFrame({"arm_index": np.arange(len(arms)), "arm": arms,
                                      "allocation": d["allocation"][()].astype(float)})
        out["visits"] = pd.DataFrame({"visit_index": np.arange(len(visits)), "visit": visits,
                                      "visit_day": d["visit_days"][()].astype(float),
                                      "unit": _unit(d["visits"])})
        variables = sorted(f["outcomes"].keys())
        out["variables"] = pd.DataFrame({"variable": variables,
                                         "unit": [_unit(f["outcomes"][v]) for v in variables]})
        prov = {k: _scalar(f.attrs[k]) for k in ("format", "format_version", "software_version", "seed",
                                                 "replicates", "patients", "complete") if k in f.attrs}
        prov["seed"] = str(prov.get("seed", ""))
        p = f["provenance"]
        prov.update({k: _scalar(p.attrs[k]) for k in p.attrs})
        for k in sorted(p.keys()):
            if isinstance(p[k], h5py.Dataset):  # /provenance/calibration is a group
                prov[k] = _str(p[k][()])
        prov["trial_name"] = _trial_name(prov.get("resolved_protocol", prov.get("protocol_yaml", "")))
        out["provenance"] = pd.DataFrame([prov])

        s = f["subjects"]
        rep = s["replicate"][()].astype(int)
        subj = s["subject"][()].astype(int)
        armi = s["arm"][()].astype(int)
        armn = np.array(arms, dtype=object)[armi] if len(armi) else np.array([], dtype=object)
        n = len(rep)
        cols = {"replicate": rep, "subject": subj, "arm": armn, "arm_index": armi,
                "stratum": s["stratum"][()].astype(int), "dropout_time": s["dropout_time"][()].astype(float)}
        if "discontinuation_time" in s:  # only when some arm can discontinue treatment
            cols["discontinuation_time"] = s["discontinuation_time"][()].astype(float)
        if "rescue_time" in s:  # only when some arm can be rescued
            cols["rescue_time"] = s["rescue_time"][()].astype(float)
        for c in sorted(s["covariates"].keys()):
            cols[c] = s["covariates"][c][()].astype(float)
        prog = s["prognostic_score"][()].astype(float).reshape(n, len(endpoints))
        for e, name in enumerate(endpoints):
            cols[f"prognostic_score_{name}"] = prog[:, e]
        out["subjects"] = pd.DataFrame(cols)

        nv, nk, na = len(visits), len(variables), len(arms)
        # long tables in (replicate, subject, variable[, cf_arm], visit) order, as outcomes.csv
        y = np.stack([f["outcomes"][v][()].astype(float).reshape(n, nv) for v in variables], axis=1) \
            if nk else np.zeros((n, 0, nv))
        out["outcomes"] = pd.DataFrame({
            "replicate": np.repeat(rep, nk * nv), "subject": np.repeat(subj, nk * nv),
            "arm": np.repeat(armn, nk * nv), "visit": np.tile(visits, n * nk),
            "variable": np.tile(np.repeat(np.array(variables, dtype=object), nv), n), "value": y.reshape(-1)})
        if counterfactual:
            y = np.stack([f["counterfactual"][v][()].astype(float).reshape(n, na, nv) for v in variables], axis=1) \
                if nk else np.zeros((n, 0, na, nv))
            m = nk * na * nv
            out["counterfactual"] = pd.DataFrame({
                "replicate": np.repeat(rep, m), "subject": np.repeat(subj, m), "arm": np.repeat(armn, m),
                "cf_arm": np.tile(np.repeat(np.array(arms, dtype=object), nv), n * nk),
                "visit": np.tile(visits, n * nk * na),
                "variable": np.tile(np.repeat(np.array(variables, dtype=object), na * nv), n),
                "value": y.reshape(-1)})
        cols = {"replicate": rep, "subject": subj, "arm": armn}
        cols.update(_endpoint_columns(f, endpoints))
        out["endpoints"] = pd.DataFrame(cols)

        frames = []
        for a in analyses:
            g = f["analyses"][a]
            names = [c for c in ANALYSIS_COLUMNS if c in g] + sorted(k for k in g.keys() if k not in ANALYSIS_COLUMNS)
            cols = {"analysis": a}
            for c in names:  # [replicate] -> c; [replicate x look] -> c_1 .. c_k
                x = g[c][()]
                if x.dtype.kind == "S":  # fixed-length strings (reason): str, "" when ok
                    cols[c] = np.array([_str(v) for v in x], dtype=object)
                elif x.ndim == 1:
                    cols[c] = x
                else:  # [replicate x ...] -> c_1 .. c_k over the trailing dimensions (km_median: arm x statistic)
                    x = x.reshape(x.shape[0], -1)
                    cols.update({f"{c}_{k + 1}": x[:, k] for k in range(x.shape[1])})
            df = pd.DataFrame(cols)
            frames.append(df)
        out["analyses"] = _concat(frames, ["analysis"] + ANALYSIS_COLUMNS)

        rows = []
        for a in analyses:
            row = {"analysis": a}
            row.update({k: None for k in ANALYSIS_DESCRIPTION})
            ga = f["analyses"][a].attrs  # the description, then any further settings (mi's imputation, ...)
            row.update(_attr_columns(ga, ANALYSIS_DESCRIPTION + sorted(k for k in ga.keys() if k not in ANALYSIS_DESCRIPTION)))
            sa = f["summary"][a].attrs if a in f["summary"] else {}
            row.update(_attr_columns(sa, SUMMARY_KNOWN + sorted(k for k in sa.keys() if k not in SUMMARY_KNOWN)))
            rows.append(row)
        out["summary"] = pd.DataFrame(rows)

        r = f["replicates"] if "replicates" in f else {}
        cols = {k: r[k][()] for k in sorted(r.keys())} if len(r) else {}
        nrep = len(next(iter(cols.values()))) if cols else 0
        out["replicates"] = pd.DataFrame({"replicate": np.arange(nrep), **cols})

        if "efficacy_bound" in d:
            k = d["efficacy_bound"].shape[0]
            cols = {"look": np.arange(1, k + 1)}
            for c in BOUNDARY_COLUMNS:
                if c in d:
                    cols[c] = d[c][()].astype(float)
            out["boundaries"] = pd.DataFrame(cols)
        if "looks" in f:
            out.update(_looks(d, f["looks"]))
        if "validation" in f:
            out.update(_validation(f["validation"]))
        if "calibration" in p:
            out["calibration"] = _calibration(p["calibration"])
        if "guided" in f:
            out.update(_guided(f["guided"], arms))
    return out


GUIDED_COLUMNS = ["replicate", "arm", "candidate", "share", "oracle_agreement", "mean_regret", "value_vs_best_single"]
GUIDED_FIGURES = ["oracle_agreement", "mean_regret", "value_vs_best_single", "policy_mean", "best_single_mean",
                  "mean_switches", "twins"]
GUIDED_EXTRA = ["policy_mean", "best_single_mean", "best_single", "mean_switches", "twins"]
GUIDED_RULE = ["variable", "visit", "goal", "target"]


def _guided(g, arms):
    """The guided tables from /guided/<arm> (arms in /design/arms order; rows of guided
    in the order of guided.csv: replicate, then arm, then candidate)."""
    rows, summary = [], []
    for order, arm in enumerate(a for a in arms if a in g):
        a = g[arm]
        cand = [_str(c) for c in np.atleast_1d(a.attrs["candidates"])]
        share = a["share"][()].astype(float).reshape(-1, len(cand))  # [replicate, candidate]
        nrep, k = share.shape
        best = a["best_single"][()].astype(int)
        d = {"replicate": np.repeat(np.arange(nrep), k), "arm": arm,
             "candidate": np.tile(np.array(cand, dtype=object), nrep), "share": share.reshape(-1)}
        for c in GUIDED_FIGURES:
            d[c] = np.repeat(a[c][()].astype(float), k)
        d["best_single"] = np.repeat(np.array([cand[b] if 0 <= b < k else None for b in best], dtype=object), k)
        df = pd.DataFrame(d)
        df["_order"] = order
        rows.append(df)
        if "summary" in a:
            sa = a["summary"].attrs
            for j, c in enumerate(cand):
                row = {"arm": arm, "candidate": c}
                for n in ("share", "share_mcse", "best_single_share", "best_single_share_mcse"):
                    row[n] = float(np.atleast_1d(sa[n])[j])
                row.update({n: _scalar(a.attrs[n]) for n in GUIDED_RULE})
                row["replicates"] = _scalar(sa["replicates"])
                for n in GUIDED_FIGURES:
                    row[n], row[n + "_mcse"] = _scalar(sa[n]), _scalar(sa[n + "_mcse"])
                summary.append(row)
    columns = GUIDED_COLUMNS + GUIDED_EXTRA
    if rows:
        table = pd.concat(rows, ignore_index=True).sort_values(["replicate", "_order"], kind="stable")
        table = table[columns].reset_index(drop=True)
    else:
        table = pd.DataFrame(columns=columns)
    return {"guided": table, "guided_summary": pd.DataFrame(summary)}


def guided(path):
    """The guided table of results file `path` (see the module doc): as read(path)["guided"],
    without reading the rest of the file; empty, with its columns, without guided arms."""
    with h5py.File(path, "r") as f:
        if _str(f.attrs.get("format", b"")) != "twintrial-results":
            raise ValueError(f"{path}: not a twintrial results file")
        arms = _strings(f["design"]["arms"])
        if "guided" not in f:
            return pd.DataFrame(columns=GUIDED_COLUMNS + GUIDED_EXTRA)
        return _guided(f["guided"], arms)["guided"]


def _looks(d, g):
    """The looks tables from /design and the /looks group (as looks.csv, looks_replicates.csv)."""
    stage, decision = g["stage"][()].astype(int), g["decision"][()].astype(int)
    nrep, k = g["time"].shape
    cols = {"look": np.arange(1, k + 1)}
    for c in BOUNDARY_COLUMNS:
        cols[c] = d[c][()].astype(float) if c in d else np.full(k, np.nan)
    for c in LOOK_OC:
        cols[c] = g[c][()].astype(float)
    for c in LOOK_EXPECTED:
        cols[c] = np.full(k, float(_scalar(g.attrs[c])))
    reps = {"replicate": np.repeat(np.arange(nrep), k), "look": np.tile(np.arange(1, k + 1), nrep),
            "stage": np.repeat(stage, k), "decision": np.repeat(decision, k)}
    for c in LOOK_REPLICATE:
        reps[c] = g[c][()].astype(float).reshape(-1)
    return {"looks": pd.DataFrame(cols), "looks_replicates": pd.DataFrame(reps)}


CALIBRATION_COLUMNS = ["arm", "effect", "target", "endpoint", "control", "target_value", "value", "value_mc_se",
                       "solver_tolerance", "achieved", "achieved_mc_se", "twins", "bootstrap", "evaluations",
                       "interval_lo", "interval_hi", "description"]


def _calibration(g):
    """One row per calibrated arm (arms in name order) from /provenance/calibration."""
    rows = []
    for arm in sorted(g.keys()):
        a = g[arm].attrs
        row = {"arm": arm}
        for k in CALIBRATION_COLUMNS[1:]:
            if k.startswith("interval_"):
                row[k] = float(a["interval"][0 if k.endswith("lo") else 1])
            else:
                row[k] = _scalar(a[k])
        rows.append(row)
    return pd.DataFrame(rows, columns=CALIBRATION_COLUMNS)


VALIDATION_STRINGS = {"names": "figure", "statistics": "statistic", "what": "what", "sources": "source",
                      "arm": "arm", "variable": "variable", "scale": "scale"}
VALIDATION_NUMBERS = ["visit_days", "published", "se", "log_scale", "fitted"]


def _validation(g):
    """The validation tables from the /validation group."""
    fig = pd.DataFrame({col: _strings(g[k]) for k, col in VALIDATION_STRINGS.items()})
    for k in VALIDATION_NUMBERS:
        fig[k] = g[k][()].astype(float)
    v = g["values"][()].astype(float)  # [replicate, figure]
    nrep, nfig = v.shape
    values = pd.DataFrame({"replicate": np.repeat(np.arange(nrep), nfig),
                           "figure": np.tile(np.asarray(fig["figure"], dtype=object), nrep), "value": v.reshape(-1)})
    return {"validation": fig, "validation_values": values}


def _concat(frames, columns):
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


if __name__ == "__main__":
    import sys
    for key, df in read(sys.argv[1]).items():
        print(f"== {key}: {df.shape[0]} rows x {df.shape[1]} columns")
        print(df.head(3).to_string())
