#!/usr/bin/python3
"""observations.py — the stored twins of a twintrial results file as patients' observations.

Writes the input files of `twintrial personalise` (OBS.csv, COV.csv; README.md,
"Personalising twins: the input files") from the twins a `twintrial run` stored
(/subjects, /outcomes, /counterfactual; analysis/README.md), and the values it keeps back
(TRUTH.csv) to check the forecasts against. A simulated twin whose parameters are known
then plays a patient: personalise it from chosen visits, forecast the others.

    observations.py RESULTS.h5 --obs OBS.csv [--cov COV.csv] [--truth TRUTH.csv]
        [--visits 0,12] [--times -12,-4,0 | --shift -12] [--under ARM]
        [--source outcomes|counterfactual] [--truth-arms own|all]
        [--covariates age,male,...] [--variables hba1c,fpg] [--arm ARM]
        [--replicate R] [--twins N] [--below VARIABLE=LIMIT ...]

Twins: every stored twin (in file order), or those of --replicate R and randomised to
--arm ARM; the first N with --twins N. A twin's id is r<replicate>s<subject>.
Values: by default what the trial observed under the twin's randomised arm
(/outcomes, nothing after dropout); --source counterfactual takes the twin under that arm
from /counterfactual instead (every visit, dropout ignored); --under ARM takes the twin
under ARM from /counterfactual (the arm the twin was randomised to does not matter).
OBS.csv: the chosen --visits (default every visit; values in the schedule's unit, as in
/design/visits), at their own times or relabelled: --times gives the new time of each
chosen visit, --shift adds a constant to every time (the kept-back visits too). For
example `--under placebo --visits 0,4,8,12 --shift -12` turns a twin's first 12 weeks on
placebo into a run-in history at -12 .. 0, and its visit 16 into week 4. Relabelling is
exact when the arm the values come from has no effect and the model's natural course does
not depend on the time origin (an ODE model whose state starts at rest at the first
visit, as t2d_hba1c); a closed-form model whose mean at t >= 0 includes a placebo
response (alzheimers_adas) is not the same course shifted. The `arm` column names the
arm the values come from on every row at time >= 0 and is empty before.
--below VARIABLE=LIMIT writes an OBS.csv value of VARIABLE under LIMIT as "<LIMIT" (a
limit of quantification; repeatable). Missing values (after dropout) give no row.
COV.csv: one row per twin, the --covariates given (default: every stored covariate; give
the model's, as `twintrial models` lists them), 17 significant digits.
TRUTH.csv (id,arm,time,variable,value): the visits not chosen (times relabelled as in
OBS.csv; with --times they move as the latest chosen visit does), under the arm the
values come from; --truth-arms all adds the twin under every
arm from /counterfactual (with --source outcomes the other arms' values are
counterfactual, dropout ignored). Its keys are those of the forecasts' predictions.csv.

Not collective; needs h5py and numpy (Debian: python3-h5py, python3-numpy).
"""
import argparse
import csv
import math
import sys

import h5py
import numpy as np


def fail(msg):
    sys.exit(f"observations.py: {msg}")


def numbers(text, what):
    try:
        return [float(x) for x in text.split(",") if x != ""]
    except ValueError:
        fail(f"{what}: expected numbers separated by commas, found {text!r}")


def names(text):
    return [x for x in text.split(",") if x != ""]


def fmt(x):
    return "%.17g" % x


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit status 1, as every other mistake
        fail(message)


def parse(argv):
    p = Parser(description=__doc__.split("\n\n")[0])
    p.add_argument("results")
    p.add_argument("--obs", required=True, help="OBS.csv to write")
    p.add_argument("--cov", help="COV.csv to write")
    p.add_argument("--truth", help="TRUTH.csv to write (the visits not in OBS.csv)")
    p.add_argument("--visits", help="visits for OBS.csv (schedule unit), default all")
    p.add_argument("--times", help="new time of each chosen visit")
    p.add_argument("--shift", type=float, default=0.0, help="add to every time")
    p.add_argument("--under", help="values of the twin under this arm (/counterfactual)")
    p.add_argument("--source", choices=["outcomes", "counterfactual"], default="outcomes")
    p.add_argument("--truth-arms", choices=["own", "all"], default="own")
    p.add_argument("--covariates", help="covariates for COV.csv, default all stored")
    p.add_argument("--variables", help="model variables, default all")
    p.add_argument("--arm", help="only twins randomised to this arm")
    p.add_argument("--replicate", type=int, help="only twins of this replicate")
    p.add_argument("--twins", type=int, help="at most this many twins")
    p.add_argument("--below", action="append", default=[], metavar="VARIABLE=LIMIT")
    argv = list(argv)
    for i in range(len(argv) - 1):  # "--times -12,-4,0": a value argparse takes for an option
        if argv[i] in ("--times", "--shift"):
            argv[i : i + 2] = [argv[i] + "=" + argv[i + 1], ""]
    a = p.parse_args([x for x in argv if x != ""])
    if a.times and a.shift:
        fail("give --times or --shift, not both")
    return a


class Results:
    def __init__(self, path):
        try:
            self.f = h5py.File(path, "r")
        except OSError as e:
            fail(f"{path}: cannot read ({e})")
        f = self.f
        if f.attrs.get("format") not in (b"twintrial-results", "twintrial-results"):
            fail(f"{path}: not a twintrial results file (root attribute format is not twintrial-results)")
        if "subjects/arm" not in f or f["subjects/arm"].shape[0] == 0:
            fail(f"{path}: no stored twins (the protocol's output.subjects is none)")
        self.arms = [x.decode() for x in f["design/arms"][()]]
        self.visits = [float(v) for v in f["design/visits"][()]]
        self.variables = sorted(f["outcomes"].keys())
        self.arm = f["subjects/arm"][()]
        self.replicate = f["subjects/replicate"][()]
        self.subject = f["subjects/subject"][()]
        self.covariates = sorted(f["subjects/covariates"].keys())

    def arm_index(self, name, what):
        if name not in self.arms:
            fail(f"{what} {name}: not an arm of the file ({', '.join(self.arms)})")
        return self.arms.index(name)

    def visit_index(self, v, what):
        for i, w in enumerate(self.visits):
            if w == v:
                return i
        fail(f"{what}: {v:g} is not a visit of the file ({', '.join('%g' % w for w in self.visits)})")


def select_twins(r, a):
    rows = np.arange(len(r.arm))
    if a.replicate is not None:
        rows = rows[r.replicate[rows] == a.replicate]
    if a.arm:
        rows = rows[r.arm[rows] == r.arm_index(a.arm, "--arm")]
    if a.twins is not None:
        if a.twins < 1:
            fail(f"--twins {a.twins}: expected a positive number")
        rows = rows[: a.twins]
    if len(rows) == 0:
        fail("no stored twin of the file is of that --replicate and --arm")
    return rows


def values(r, var, rows, arm_of_row, source):
    """[len(rows) x visit] values of var, each row under arm_of_row[row]."""
    if source == "outcomes":
        return r.f["outcomes/" + var][()][rows, :]
    cf = r.f["counterfactual/" + var][()]
    return cf[rows, arm_of_row, :]


def main(argv):
    a = parse(argv)
    r = Results(a.results)
    rows = select_twins(r, a)
    variables = names(a.variables) if a.variables else r.variables
    for v in variables:
        if v not in r.variables:
            fail(f"--variables {v}: not a variable of the file ({', '.join(r.variables)})")
    covs = names(a.covariates) if a.covariates else r.covariates
    for c in covs:
        if c not in r.covariates:
            fail(f"--covariates {c}: not a stored covariate ({', '.join(r.covariates)})")
    chosen = [r.visit_index(v, "--visits") for v in numbers(a.visits, "--visits")] if a.visits else \
        list(range(len(r.visits)))
    if len(set(chosen)) != len(chosen):
        fail("--visits: a visit given twice")
    times = {v: r.visits[v] + a.shift for v in range(len(r.visits))}
    if a.times:
        new = numbers(a.times, "--times")
        if len(new) != len(chosen):
            fail(f"--times: {len(new)} times for {len(chosen)} visits")
        last = max(range(len(chosen)), key=lambda k: r.visits[chosen[k]])
        step = new[last] - r.visits[chosen[last]]
        times = {v: r.visits[v] + step for v in range(len(r.visits))}  # kept-back visits
        times.update(dict(zip(chosen, new)))
    below = {}
    for b in a.below:
        var, _, lim = b.partition("=")
        if var not in variables:
            fail(f"--below {b}: {var} is not among the variables written")
        lim = numbers(lim, "--below")
        if len(lim) != 1:
            fail(f"--below {b}: expected VARIABLE=LIMIT, one number")
        below[var] = lim[0]

    if a.under:
        src_arm = np.full(len(rows), r.arm_index(a.under, "--under"))
        source = "counterfactual"
    else:
        src_arm = r.arm[rows]
        source = a.source
    ids = [f"r{r.replicate[i]}s{r.subject[i]}" for i in rows]
    vals = {v: values(r, v, rows, src_arm, source) for v in variables}

    with open(a.obs, "w", newline="") as fo:
        w = csv.writer(fo, lineterminator="\n")
        w.writerow(["id", "time", "variable", "value", "arm"])
        for k, id_ in enumerate(ids):
            for v in sorted(chosen, key=lambda v: times[v]):
                for var in variables:
                    y = vals[var][k, v]
                    if not math.isfinite(y):
                        continue
                    t = times[v]
                    text = "<" + fmt(below[var]) if var in below and y < below[var] else fmt(y)
                    w.writerow([id_, fmt(t), var, text, r.arms[src_arm[k]] if t >= 0 else ""])
    if a.cov:
        with open(a.cov, "w", newline="") as fc:
            w = csv.writer(fc, lineterminator="\n")
            w.writerow(["id"] + covs)
            cv = {c: r.f["subjects/covariates/" + c][()][rows] for c in covs}
            for k, id_ in enumerate(ids):
                w.writerow([id_] + [fmt(cv[c][k]) for c in covs])
    if a.truth:
        allcf = {v: r.f["counterfactual/" + v][()][rows] for v in variables} if a.truth_arms == "all" else {}
        rest = [v for v in range(len(r.visits)) if v not in chosen]
        with open(a.truth, "w", newline="") as ft:
            w = csv.writer(ft, lineterminator="\n")
            w.writerow(["id", "arm", "time", "variable", "value"])
            for k, id_ in enumerate(ids):
                arms = [src_arm[k]] if a.truth_arms == "own" else range(len(r.arms))
                for arm in arms:
                    for v in rest:
                        for var in variables:
                            if arm == src_arm[k]:
                                y = vals[var][k, v]
                            else:
                                y = allcf[var][k, arm, v]
                            if math.isfinite(y):
                                w.writerow([id_, r.arms[arm], fmt(times[v]), var, fmt(y)])


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except OSError as e:  # an output file that cannot be written
        fail(f"{e.filename}: {e.strerror}")
