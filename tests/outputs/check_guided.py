#!/usr/bin/python3
"""Guided arms read back: `twintrial summary`, guided.csv and the R and Python readers.

usage: check_guided.py TWINTRIAL PROTOCOL [RSCRIPT]
A fresh small run of PROTOCOL (no guided arms) and a copy with /guided groups added as
twintrial writes them (outputs_common.add_guided: two guided arms, 2 and 3 candidates, one
with a comma and a quote in its name, the last replicate without twins):
 - summary prints one block per guided arm, in /design/arms order, with each candidate's
   share and best-single share and the oracle agreement, regret and value, each with its
   MC SE, as stored; the plain run prints none;
 - export writes guided.csv with exactly the columns replicate,arm,candidate,share,
   oracle_agreement,mean_regret,value_vs_best_single, one row per replicate x guided arm x
   candidate in that order, every value equal to the HDF5 one (NA for NaN); the plain run
   gets no guided.csv;
 - the Python reader's guided table equals guided.csv, guided(path) equals it, and every
   dataset and summary attribute is in a data frame (check_readers.check_python);
 - with RSCRIPT and hdf5r, read_twintrial()$guided and read_guided() equal guided.csv.
"""
import math
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from outputs_common import SOURCE, Checker, add_guided, export, fresh_run, run, s, strings  # noqa: E402

sys.path.insert(0, os.path.join(SOURCE, "analysis", "python"))
import twintrial  # noqa: E402
import check_export  # noqa: E402
import check_readers  # noqa: E402

COLUMNS = check_export.GUIDED_COLUMNS


def fmt(m, se, share=False):
    """As the summary prints a figure: shares "%.4f (%.4f)", others "%.4g (%.2g)", "-" for NaN."""
    if math.isnan(m):
        return "-"
    if share:
        return f"{m:.4f}" if math.isnan(se) else f"{m:.4f} ({se:.4f})"
    return f"{m:.4g}" if math.isnan(se) else f"{m:.4g} ({se:.2g})"


def check_summary(chk, tt, path, arms):
    out = run([tt, "summary", path])
    at = [out.find(f"guided arm {a}:") for a in arms]
    chk(all(i >= 0 for i in at) and at == sorted(at), f"summary: one block per guided arm in design order {arms}")
    with h5py.File(path, "r") as f:
        for arm in arms:
            g, sm = f["guided"][arm], f["guided"][arm]["summary"].attrs
            block = out[out.find(f"guided arm {arm}:"):].split("\nguided arm ")[0]
            chk(f"hba1c at visit 52, minimize ({len(g.attrs['candidates'])} candidates; means over "
                f"{int(sm['replicates'])} replicates" in block, f"summary {arm}: rule and replicates")
            for j, c in enumerate(strings_attr(g.attrs["candidates"])):
                line = [l for l in block.splitlines() if l.startswith(f"  {c} ")]
                want = [fmt(sm["share"][j], sm["share_mcse"][j], True),
                        fmt(sm["best_single_share"][j], sm["best_single_share_mcse"][j], True)]
                chk(len(line) == 1 and all(w in line[0] for w in want), f"summary {arm} {c}: {want} in {line}")
            want = (f"oracle agreement {fmt(sm['oracle_agreement'], sm['oracle_agreement_mcse'], True)}, mean regret "
                    f"{fmt(sm['mean_regret'], sm['mean_regret_mcse'])}, value vs best single "
                    f"{fmt(sm['value_vs_best_single'], sm['value_vs_best_single_mcse'])}")
            chk(want in block, f"summary {arm}: '{want}'")
    chk.ok("summary: the guided blocks as stored")


def strings_attr(v):
    return [s(x) for x in np.atleast_1d(v)]


def check_csv(chk, path, out):
    with h5py.File(path, "r") as f:
        rows = check_export.check_guided(chk, f, out)
    chk(any(r[3] == "NA" for r in rows), "guided.csv: NaN as NA")


def check_python(chk, path, out):
    tt = twintrial.read(path, counterfactual=False)
    csv = pd.read_csv(os.path.join(out, "guided.csv"), float_precision="round_trip")
    g = tt["guided"]
    chk(list(g.columns[: len(COLUMNS)]) == COLUMNS, f"python guided columns {list(g.columns)}")
    chk(len(g) == len(csv), "python guided rows")
    for c in COLUMNS:
        a, b = g[c].to_numpy(), csv[c].to_numpy()
        ok = list(a) == list(b) if c in ("arm", "candidate") else \
            bool(np.all((a.astype(float) == b) | (np.isnan(a.astype(float)) & np.isnan(b))))
        chk(ok, f"python guided column {c} = guided.csv")
    chk(twintrial.guided(path).equals(g), "python guided(path) = read(path)['guided']")
    check_readers.check_python(chk, path)
    chk.ok("python reader: guided = guided.csv")


R_CHECK = r"""
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "analysis", "R", "twintrial.R"))
g <- read_twintrial(args[2], counterfactual = FALSE)$guided
csv <- read.csv(file.path(args[3], "guided.csv"), stringsAsFactors = FALSE)
bad <- 0
for (c in names(csv)) {
  ok <- if (is.character(csv[[c]])) identical(g[[c]], csv[[c]]) else isTRUE(all.equal(g[[c]], csv[[c]], tolerance = 1e-14))
  if (!ok) { cat("FAIL: R guided column", c, "differs from guided.csv\n"); bad <- bad + 1 }
}
if (!identical(read_guided(args[2]), g)) { cat("FAIL: read_guided() differs from read_twintrial()$guided\n"); bad <- bad + 1 }
if (!identical(names(g)[seq_along(names(csv))], names(csv))) { cat("FAIL: R guided column order\n"); bad <- bad + 1 }
s <- read_twintrial(args[2], counterfactual = FALSE)$guided_summary
if (nrow(s) != length(unique(paste(g$arm, g$candidate)))) { cat("FAIL: R guided_summary rows\n"); bad <- bad + 1 }
cat(sprintf("R reader: guided %d rows, guided_summary %d rows\n", nrow(g), nrow(s)))
quit(status = bad)
"""


def check_r(chk, rscript, path, out):
    if not rscript or not shutil.which(rscript) or subprocess.run(
            [rscript, "-e", "quit(status = !requireNamespace('hdf5r', quietly = TRUE))"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        print("skip: R reader (no Rscript or hdf5r)")
        return
    script = os.path.join(os.path.dirname(path), "check_guided.R")
    with open(script, "w") as f:
        f.write(R_CHECK)
    r = subprocess.run([rscript, script, SOURCE, path, out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(r.stdout.strip())
    chk(r.returncode == 0, "R reader: guided = guided.csv")


def main():
    tt, protocol = sys.argv[1], sys.argv[2]
    rscript = sys.argv[3] if len(sys.argv) > 3 else ""
    chk = Checker()
    with tempfile.TemporaryDirectory() as work:
        plain = fresh_run(tt, protocol, work, replicates=4, patients=100)
        with h5py.File(plain, "r") as f:
            arms = strings(f["design/arms"])
        path = os.path.join(work, "guided.h5")
        shutil.copy(plain, path)
        add_guided(path, {arms[-1]: ["metformin_max", "add_sglt2", 'add "su", low dose'], arms[0]: ["a", "b"]})
        order = [arms[0], arms[-1]]
        check_summary(chk, tt, path, order)
        chk("guided arm" not in run([tt, "summary", plain]), "summary: no guided block without guided arms")
        out = export(tt, path, os.path.join(work, "csv"))
        check_csv(chk, path, out)
        check_export.roundtrip(chk, path, out)
        plain_out = export(tt, plain, os.path.join(work, "csv_plain"))
        chk(not os.path.exists(os.path.join(plain_out, "guided.csv")), "no guided.csv without guided arms")
        check_python(chk, path, out)
        check_r(chk, rscript, path, out)
    return chk.done()


if __name__ == "__main__":
    sys.exit(main())
