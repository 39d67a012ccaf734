#!/usr/bin/python3
"""Calibrated arm effects and the sample-size search, checked against independent truth.

usage: check_calibration.py CASE TWINTRIAL PROTOCOL
  closed_form   mean difference on the AD model: the calibrated emax against the closed
                form emax = -target (ET50 + t) / t of the model's additive drug term, and
                an independent trial run (twins none of which were in the calibration
                cohort): mean true effect and mean estimates against the target
  hazard_ratio  HR on the oncology model: an independent run's mean true log HR (the same
                estimand on other twins) and mean Cox / log-rank estimates against log HR
  targets       every calibrated arm (risk difference, odds ratio, rate ratio) against an
                independent run's mean true effect of the analysis named after the arm
  seeds         the reported MC SE of the calibrated value against the spread of the
                value over 30 seeds (the precision the user is told is the real one)
  ranks         the calibrated value and every analysis bitwise identical on 1-4 ranks
  size_vs_r     twintrial size on a Welch design without dropout against R's
                power.t.test with the simulated SD; the power at 0.85 n and 1.15 n brackets
                the target; the search is identical on 1 and 3 ranks
Each check prints what it compared and exits 1 when a comparison fails.
"""
import math
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

fails = 0
VALGRIND = False


def check(ok, what):
    global fails
    print(("ok:   " if ok else "FAIL: ") + what)
    fails += not ok


def run(tt, protocol, out, *args, ranks=1):
    cmd = ["mpirun", "-n", str(ranks), "--oversubscribe"] if ranks > 1 else []
    cmd += [tt, "run", protocol, "-o", out, "--progress", "none", *args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"FAIL: {' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout


def calibration(path):
    with h5py.File(path, "r") as f:
        (arm, g), = f["provenance/calibration"].items()
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}


def column(path, analysis, name):
    with h5py.File(path, "r") as f:
        return np.asarray(f["analyses"][analysis][name][()], dtype=float)


def mean_and_se(x):
    x = x[np.isfinite(x)]
    return x.mean(), x.std(ddof=1) / math.sqrt(len(x))


def closed_form(tt, protocol, tmp):
    out = os.path.join(tmp, "ad.h5")
    run(tt, protocol, out)
    c = calibration(out)
    target, t, et50 = c["target_value"], 78.0, 7.6
    exact = -target * (et50 + t) / t
    z = (c["value"] - exact) / math.hypot(c["value_mc_se"], c["solver_tolerance"])
    check(abs(z) < 4, f"emax {c['value']:.5f} (MC SE {c['value_mc_se']:.5f}) vs closed form {exact:.5f}: z {z:+.2f}")
    check(abs(c["achieved"] - target) < 1e-3 * abs(target), f"achieved {c['achieved']:.6f} on the cohort = {target}")
    for name in ("true_effect", "estimate"):
        for analysis in ("primary", "welch"):
            m, se = mean_and_se(column(out, analysis, name))
            se = math.hypot(se, c["achieved_mc_se"])
            check(abs(m - target) < 3 * se,
                  f"independent run, {analysis} mean {name} {m:.4f} vs target {target} (SE {se:.4f}): z "
                  f"{(m - target) / se:+.2f}")
            if name == "true_effect":
                break


def hazard_ratio(tt, protocol, tmp):
    out = os.path.join(tmp, "onc.h5")
    run(tt, protocol, out)
    c = calibration(out)
    target = math.log(c["target_value"])
    cal_se = c["achieved_mc_se"] / c["achieved"]
    check(abs(math.log(c["achieved"]) - target) < 1e-3, f"achieved HR {c['achieved']:.5f} on the cohort")
    m, se = mean_and_se(column(out, "os_cox", "true_effect"))
    se = math.hypot(se, cal_se)
    check(abs(m - target) < 3 * se, f"independent run: mean true log HR {m:.4f} vs {target:.4f} (SE {se:.4f})")
    for analysis in ("os_cox", "os_logrank"):
        m, se = mean_and_se(column(out, analysis, "estimate"))
        se = math.hypot(se, cal_se)
        check(abs(m - target) < 3 * se, f"independent run: mean {analysis} log HR {m:.4f} vs {target:.4f} (SE {se:.4f})")


def with_twins(protocol, tmp, twins):
    """A copy of the protocol in tmp with a calibration cohort of `twins` twins."""
    text = open(protocol).read()
    here = os.path.dirname(os.path.abspath(protocol))
    text = re.sub(r"^cohort: (\S+)", lambda m: "cohort: " + os.path.normpath(os.path.join(here, m.group(1))), text,
                  flags=re.M)
    out = os.path.join(tmp, "light.yaml")
    open(out, "w").write(re.sub(r"^calibration:.*$", "", text, flags=re.M) + f"calibration: {{twins: {twins}}}\n")
    return out


# 99% range of SD / sigma for k normal draws: sqrt(chi2_{0.005, k-1} / (k-1)), sqrt(chi2_{0.995, k-1} / (k-1))
SD_RATIO_99 = {20: (0.600, 1.425), 30: (0.673, 1.343)}  # R: sqrt(qchisq(c(.005, .995), k - 1) / (k - 1))


def targets(tt, protocol, tmp):
    """Every calibrated arm against the analysis named after it: the mean true effect of an
    independent run (the same estimand on other twins) on the analysis's scale."""
    out = os.path.join(tmp, "targets.h5")
    run(tt, protocol, out)
    with h5py.File(out, "r") as f:
        arms = list(f["provenance/calibration"])
    for arm in arms:
        with h5py.File(out, "r") as f:
            c = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f["provenance/calibration"][arm].attrs.items()}
        ratio = c["target"] in ("hazard_ratio", "odds_ratio", "rate_ratio")
        target = math.log(c["target_value"]) if ratio else c["target_value"]
        cal_se = c["achieved_mc_se"] / c["achieved"] if ratio else c["achieved_mc_se"]
        m, se = mean_and_se(column(out, arm, "true_effect"))
        se = math.hypot(se, cal_se)
        check(abs(m - target) < 3 * se, f"{arm}: {c['target']} {c['target_value']}: mean true effect {m:.4f} vs "
              f"{target:.4f} (SE {se:.4f}) in an independent run")


def seeds(tt, protocol, tmp, k=30, twins=4000):
    if "oncology" in os.path.basename(protocol):
        k, twins = 20, 3000  # Cox fits: fewer, smaller runs
    protocol = with_twins(protocol, tmp, twins)
    values, ses = [], []
    for seed in range(1, k + 1):
        out = os.path.join(tmp, f"s{seed}.h5")
        run(tt, protocol, out, "--replicates", "1", "--patients", "8", "--seed", str(seed))
        c = calibration(out)
        values.append(c["value"]), ses.append(c["value_mc_se"])
        os.remove(out)
    sd, mse = float(np.std(values, ddof=1)), float(np.mean(ses))
    lo, hi = SD_RATIO_99[k]
    check(lo < sd / mse < hi, f"{k} seeds of {twins} twins: SD of the calibrated value {sd:.5f}, mean reported MC SE "
          f"{mse:.5f} (ratio {sd / mse:.2f}; 99% range if the SE is right: {lo} to {hi})")


def ranks(tt, protocol, tmp):
    outs, light = [], VALGRIND
    protocol = with_twins(protocol, tmp, 300 if light else 4000)
    for n in (1, 2, 3, 4):
        outs.append(os.path.join(tmp, f"r{n}.h5"))
        run(tt, protocol, outs[-1], "--replicates", "2" if light else "4", "--patients", "20" if light else "60",
            ranks=n)
    ref = calibration(outs[0])
    for n, out in zip((2, 3, 4), outs[1:]):
        c = calibration(out)
        same = all(np.array_equal(np.asarray(ref[k]), np.asarray(c[k])) for k in ref)
        check(same, f"calibration attributes on {n} ranks bitwise equal to 1 rank (value {float(c['value']).hex()})")
        r = subprocess.run(["h5diff", "-r", outs[0], out, "/analyses", "/analyses"], capture_output=True, text=True)
        check(r.returncode == 0, f"/analyses on {n} ranks bitwise equal to 1 rank")


def size_vs_r(tt, protocol, tmp):
    big = os.path.join(tmp, "big.h5")
    run(tt, protocol, big, "--replicates", "200", "--patients", "4000")
    with h5py.File(big, "r") as f:
        mean_se = float(f["summary/welch"].attrs["mean_std_error"])
    c = calibration(big)
    sd = mean_se * math.sqrt(4000) / 2  # Welch SE with two arms of n/2: sqrt(2 sd^2 / (n/2))
    r = subprocess.run(["Rscript", "-e", f"cat(2 * power.t.test(delta = {abs(c['target_value'])}, sd = {sd!r}, "
                        f"power = 0.8, sig.level = 0.05)$n)"], capture_output=True, text=True)
    n_r = float(r.stdout)
    args = [tt, "size", protocol, "--power", "0.8", "--progress", "none"]
    one = subprocess.run(args, capture_output=True, text=True)
    three = subprocess.run(["mpirun", "-n", "3", "--oversubscribe", *args], capture_output=True, text=True)
    if one.returncode:
        sys.exit(f"FAIL: twintrial size: {one.stderr.strip()}")
    print(one.stdout.strip())
    last = one.stdout.strip().splitlines()[-1]
    m = re.match(r"patients: (\d+)  power ([0-9.]+) \(MC SE ([0-9.]+), (\d+) replicates\)$", last)
    check(m is not None, f"last line 'patients: N  power P (MC SE S, R replicates)': {last}")
    n, power, mcse = int(m.group(1)), float(m.group(2)), float(m.group(3))
    lo, hi = map(float, re.search(r"interval (\d+) to (\d+)", one.stdout).groups())
    check(lo - 4 <= n_r <= hi + 4, f"size {n} (fitted interval {lo:.0f} to {hi:.0f}) vs power.t.test {n_r:.1f} "
          f"(sd {sd:.3f}, delta {abs(c['target_value'])})")
    check(abs(power - 0.8) < 3 * mcse, f"confirmation power {power} within 3 MC SE of 0.8")
    powers = []
    for f in (0.85, 1.15):
        out = os.path.join(tmp, f"n{f}.h5")
        run(tt, protocol, out, "--replicates", "2000", "--patients", str(int(round(f * n))))
        powers.append(float(np.mean(column(out, "welch", "reject"))))
    check(powers[0] < 0.8 < powers[1], f"power at 0.85 n {powers[0]:.4f} < 0.8 < power at 1.15 n {powers[1]:.4f}")
    check(three.returncode == 0 and three.stdout == one.stdout, "the search and its result identical on 3 ranks")


def main():
    global VALGRIND
    case, tt, protocol = sys.argv[1:4]
    VALGRIND = "valgrind" in tt
    if VALGRIND and case != "ranks":
        print(f"skip: {case} is a statistical check (under memcheck only 'ranks' runs, on a small cohort)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        globals()[case](tt, protocol, tmp)
    print(f"{'FAIL' if fails else 'ok'}: {case}: {fails} failed check(s)")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
