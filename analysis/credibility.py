"""analysis/credibility.py — the credibility part of analysis/report: a visual predictive
check of every observed variable and the table of published figures (/validation).

vpc.png: for each variable (rows) and arm (columns), the 5th, 50th and 95th percentiles
of the observed values at each visit, computed within each stored replicate; lines are
their medians over replicates and the shaded bands their 2.5-97.5% range (with one
stored replicate, the percentiles alone). The dashed line is the arm mean. Published
summary points from the protocol's validation section sit on top with their 95% CI: a
mean value at a visit as it is; a mean change (or percent change) from baseline is
placed on the simulated arm's mean baseline, and says so.
The table repeats twintrial credibility's verdicts (same rule, from the same values).
"""
import html
import os
import warnings

import numpy as np

Z975 = 1.959963984540054


def _strings(ds):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in ds[()]]


def read_figures(f):
    """The validation section of an open results file as a dict of arrays, or None."""
    if "validation" not in f:
        return None
    g = f["validation"]
    done = np.asarray(f["replicates"]["done"][()]) == 1
    fig = {k: _strings(g[k]) for k in ("names", "statistics", "what", "sources", "arm", "variable", "scale")}
    for k in ("published", "se", "log_scale", "fitted", "visit_days"):
        fig[k] = np.asarray(g[k][()], dtype=float)
    fig["values"] = np.asarray(g["values"][()], dtype=float)[done]
    return fig


def assess(fig):
    """Rows (name, what, published, simulated, mcse, z, verdict, fitted, source), as credibility.c."""
    rows, nrep = [], fig["values"].shape[0]
    for i, name in enumerate(fig["names"]):
        logs = fig["log_scale"][i] != 0
        v = fig["values"][:, i]
        v = v[np.isfinite(v) & ((v > 0) if logs else True)]
        x = np.log(v) if logs else v
        n = x.size
        m = x.mean() if n else np.nan
        mcse = x.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
        pub = np.log(fig["published"][i]) if logs else fig["published"][i]
        z = (m - pub) / np.sqrt(fig["se"][i] ** 2 + (mcse ** 2 if n > 1 else 0))
        defined = n > 1 and n >= 0.9 * nrep
        verdict = "UNDEFINED" if not defined else ("pass" if abs(z) <= Z975 else "FAIL")
        sim = np.exp(m) if logs else m
        rows.append((name, fig["what"][i], fig["published"][i], sim, sim * mcse if logs else mcse, z, verdict,
                     "fitted" if fig["fitted"][i] else "held out", fig["sources"][i]))
    return rows


def table(fig):
    h = ["<table><tr><th>figure</th><th>what</th><th>published</th><th>simulated</th><th>MC SE</th><th>z</th>"
         "<th>verdict</th><th>role</th><th>source</th></tr>"]
    for r in assess(fig):
        cells = [r[0], r[1], f"{r[2]:.4g}", f"{r[3]:.4g}", f"{r[4]:.2g}", f"{r[5]:+.2f}", r[6], r[7], r[8]]
        h.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return "\n".join(h) + "</table>\n"


def _published_points(ax, fig, var, arm, unit_days, baseline, color):
    if fig is None:
        return
    for i in range(len(fig["names"])):
        if fig["variable"][i] != var or fig["arm"][i] not in ("", arm) or not np.isfinite(fig["visit_days"][i]):
            continue
        p, half, t = fig["published"][i], Z975 * fig["se"][i], fig["visit_days"][i] / unit_days
        scale = fig["scale"][i]
        if scale == "change":
            p, label = baseline + p, f"{fig['names'][i]}: published mean change, on the simulated baseline"
        elif scale == "percent_change":
            p, half = baseline * (1 + p / 100), baseline * half / 100
            label = f"{fig['names'][i]}: published mean % change, on the simulated baseline"
        else:
            label = f"{fig['names'][i]}: published mean"
        ax.errorbar([t], [p], yerr=[half], fmt="s", color="black", mfc=color, capsize=4, zorder=5, label=label)


def fig_vpc(f, tt, out):
    """vpc.png, or None when the file stores no twins."""
    arms, visits = list(tt["design"]["arm"]), tt["visits"]["visit"].to_numpy()
    unit = tt["visits"]["unit"][0]
    arm, rep = f["subjects"]["arm"][()], f["subjects"]["replicate"][()]
    variables = list(tt["variables"]["variable"])
    if arm.size == 0 or not variables:
        return None
    import matplotlib.pyplot as plt
    warnings.filterwarnings("ignore", category=RuntimeWarning)  # all-NaN visits (everyone dropped out)
    days = np.asarray(f["design"]["visit_days"][()], dtype=float)
    unit_days = days[-1] / visits[-1] if visits[-1] else 1.0
    fig = read_figures(f)
    reps = np.unique(rep)
    cyc = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    figure, axes = plt.subplots(len(variables), len(arms), figsize=(4.6 * len(arms), 3.6 * len(variables)),
                                squeeze=False)
    for r, var in enumerate(variables):
        y = np.asarray(f["outcomes"][var][()], dtype=float)
        for a, name in enumerate(arms):
            ax, c = axes[r][a], cyc[a % len(cyc)]
            q = np.array([np.nanpercentile(y[(arm == a) & (rep == k)], (5, 50, 95), axis=0)
                          if np.any((arm == a) & (rep == k)) else np.full((3, visits.size), np.nan)
                          for k in reps])  # [replicate, percentile, visit]
            for j, ls in enumerate((":", "-", ":")):
                ax.plot(visits, np.nanmedian(q[:, j], axis=0), color=c, linestyle=ls)
                if len(reps) > 1:
                    ax.fill_between(visits, np.nanpercentile(q[:, j], 2.5, axis=0),
                                    np.nanpercentile(q[:, j], 97.5, axis=0), color=c, alpha=0.15)
            mean = np.nanmean(y[arm == a], axis=0)
            ax.plot(visits, mean, color="0.3", linestyle="--", label="simulated mean")
            _published_points(ax, fig, var, name, unit_days, mean[0], c)
            ax.set_title(f"{var}: {name}", fontsize=10)
            ax.set_xlabel(f"time ({unit})")
            ax.set_xticks(visits)
            ax.legend(fontsize=6)
    figure.tight_layout()
    figure.savefig(os.path.join(out, "vpc.png"))
    plt.close(figure)
    return ("vpc.png", "Visual predictive check: 5th, 50th and 95th percentiles of the observed values at each "
            "visit within each stored replicate (lines: median over replicates; bands: 2.5-97.5% range over "
            "replicates), the simulated arm mean (dashed) and the protocol's published summary points with "
            "their 95% CI (a published change is placed on the simulated baseline).")
