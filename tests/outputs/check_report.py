#!/usr/bin/python3
"""analysis/report renders, headless, from fresh results files.

usage: check_report.py TWINTRIAL PROTOCOL
  1. a fresh small run storing every twin: trajectories, counterfactual, estimates and
     power figures; no Kaplan-Meier or boundary figure (none in the file), said on the page
  2. the crafted time-to-event / group-sequential file with a --sweep table:
     additionally km_os.png, boundaries.png, power_curve.png
  3. a run storing no twins: the per-twin figures are skipped, the page still renders
  4. a protocol with a validation section: the visual predictive check and the table of
     simulated vs published figures, one row per figure with its verdict
Every PNG must be a valid image that matplotlib reads back, and index.html must
reference exactly the PNGs written, by relative links.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from outputs_common import SOURCE, Checker, craft_results, fresh_run  # noqa: E402

REPORT = os.path.join(SOURCE, "analysis", "report")
SWEEP = """parameter,value,analysis,power,power_mcse
patients,100,primary,0.31,0.046
patients,200,primary,0.55,0.05
patients,400,primary,0.84,0.037
patients,100,procova,0.35,0.048
patients,200,procova,0.6,0.049
patients,400,procova,0.88,0.032
"""


def png_ok(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return False
    w, h = struct.unpack(">II", head[16:24])
    img = matplotlib.image.imread(path)
    return w >= 300 and h >= 200 and img.shape[:2] == (h, w) and float(img.std()) > 0


def render(chk, results, out, expect, absent, extra=()):
    r = subprocess.run([REPORT, results, "-o", out, *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env={**os.environ, "MPLBACKEND": "Agg", "DISPLAY": ""})
    if not chk(r.returncode == 0, f"report exit {r.returncode}: {r.stdout}"):
        return
    index = os.path.join(out, "index.html")
    chk(os.path.exists(index), f"{index} written")
    page = open(index, encoding="utf-8").read()
    pngs = sorted(p for p in os.listdir(out) if p.endswith(".png"))
    links = sorted(set(re.findall(r"<img src='([^']+)'", page)))
    chk(links == pngs, f"index.html links {links} = PNGs written {pngs}")
    chk(all(not os.path.isabs(p) and "/" not in p for p in links), "image links are relative")
    for p in expect:
        chk(p in pngs, f"{p} written")
    for p in absent:
        chk(p not in pngs, f"{p} not written (no data for it)")
    for p in pngs:
        chk(png_ok(os.path.join(out, p)), f"{p} is a valid, non-blank PNG")
    chk("<table>" in page and "power (MC SE)" in page, "operating-characteristics table on the page")
    chk("Provenance" in page and "protocol SHA-256" in page, "provenance on the page")
    print(f"ok:   {os.path.basename(results)}: {len(pngs)} figures {pngs}")
    return page


def main():
    tt, protocol = sys.argv[1], sys.argv[2]
    chk = Checker()
    base = ["trajectories.png", "counterfactual.png", "vpc.png", "estimates.png", "power.png"]
    with tempfile.TemporaryDirectory() as work:
        for d in ("all", "none"):
            os.mkdir(os.path.join(work, d))
        run = fresh_run(tt, protocol, os.path.join(work, "all"))
        page = render(chk, run, os.path.join(work, "report_all"), base, ["boundaries.png", "power_curve.png"])
        chk(not any(p.startswith("km_") for p in os.listdir(os.path.join(work, "report_all"))),
            "no Kaplan-Meier figure without time-to-event endpoints")
        if page:
            chk("Symptomatic AChE inhibitor" in page or "<h1>" in page, "trial name as the title")
            chk("no stored time-to-event endpoint" in page and "no interim looks" in page,
                "skipped figures explained on the page")
        crafted = craft_results(os.path.join(work, "crafted.h5"))
        sweep = os.path.join(work, "sweep.csv")
        with open(sweep, "w") as f:
            f.write(SWEEP)
        page = render(chk, crafted, os.path.join(work, "report_crafted"),
                      base + ["km_os.png", "boundaries.png", "power_curve.png"], [], ["--sweep", sweep])
        if page:
            chk("Crafted time-to-event and group-sequential file" in page, "crafted trial name as the title")
        none = fresh_run(tt, protocol, os.path.join(work, "none"), replicates=5, subjects="none")
        page = render(chk, none, os.path.join(work, "report_none"), ["estimates.png", "power.png"],
                      ["trajectories.png", "counterfactual.png"])
        if page:
            chk("stores no twins" in page, "missing twins explained on the page")
        os.mkdir(os.path.join(work, "fig"))
        figures = os.path.join(SOURCE, "tests", "data", "protocols", "figures_oncology.yaml")
        run = fresh_run(tt, figures, os.path.join(work, "fig"), replicates=4)
        page = render(chk, run, os.path.join(work, "report_fig"), ["vpc.png", "km_os.png"], [])
        if page:
            rows = re.findall(r"<tr><td>(\w+)</td><td>[^<]*</td>(?:<td>[^<]*</td>){4}<td>(pass|FAIL|UNDEFINED)</td>",
                              page)
            text = open(figures).read()
            nfig = len(re.findall(r"^  - \{name: ", text[text.index("\nvalidation:"):], re.M))
            chk("Credibility: simulated vs published" in page and len(rows) == nfig,
                f"credibility table with a verdict for each of the {nfig} figures ({len(rows)} rows)")
            chk(("baseline_size", "FAIL") in rows, "the figure that cannot pass fails on the page too")
    return chk.done()


if __name__ == "__main__":
    sys.exit(main())
