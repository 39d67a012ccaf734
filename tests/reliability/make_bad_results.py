#!/usr/bin/python3
"""Makes one damaged or foreign results file for tests/data/bad_inputs/results/cases.tsv.

usage: make_bad_results.py CASE BASE.h5 TMP.h5.tmp OUT.h5
BASE.h5 is a complete 2-replicate run, TMP.h5.tmp the temporary file of a run stopped
after one replicate. Needs h5py (Debian: python3-h5py)."""
import os
import shutil
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "outputs"))
from outputs_common import add_guided  # noqa: E402

case, base, tmp, out = sys.argv[1:5]


def edit(fn):
    shutil.copy(base, out)
    with h5py.File(out, "r+") as f:
        fn(f)


def first_analysis(f):
    return f["design/analyses"][0].decode().rstrip("\0")


def replace(f, path, data):
    del f[path]
    f[path] = data


def guided(fn):
    """The base file with a well-formed guided arm (3 candidates) on its first arm, then edited by fn(f, group)."""
    shutil.copy(base, out)
    with h5py.File(out, "r") as f:
        arm = f["design/arms"][0].decode().rstrip("\0")
    add_guided(out, {arm: ["metformin_max", "add_sglt2", "add_su"]})
    with h5py.File(out, "r+") as f:
        fn(f, f["guided"][arm])


cases = {
    "not_hdf5": lambda: open(out, "w").write("trial:\n  name: this is YAML, not HDF5\n"),
    "empty": lambda: open(out, "wb").close(),
    "truncated_half": lambda: open(out, "wb").write(open(base, "rb").read()[: len(open(base, "rb").read()) // 2]),
    "truncated_superblock": lambda: open(out, "wb").write(open(base, "rb").read()[:1024]),
    "foreign_hdf5": lambda: h5py.File(out, "w").create_dataset("x", data=np.arange(10.0)),
    "format_other": lambda: edit(lambda f: f.attrs.__setitem__("format", np.bytes_("netcdf4"))),
    "format_integer": lambda: edit(lambda f: f.attrs.__setitem__("format", 7)),
    "format_array": lambda: edit(lambda f: f.attrs.__setitem__("format", np.array([b"twintrial-results"] * 3))),
    "incomplete": lambda: edit(lambda f: f.attrs.__setitem__("complete", np.int64(0))),
    "interrupted_tmp": lambda: shutil.copy(tmp, out),
    "no_design": lambda: edit(lambda f: f.__delitem__("design")),
    "analyses_names_are_numbers": lambda: edit(lambda f: replace(f, "design/analyses", np.arange(3.0))),
    "summary_group_missing": lambda: edit(lambda f: f.__delitem__("summary/" + first_analysis(f))),
    "power_array": lambda: edit(lambda f: f["summary/" + first_analysis(f)].attrs.__setitem__("power", np.ones(3))),
    "replicates_nan": lambda: edit(lambda f: f["summary/" + first_analysis(f)].attrs.__setitem__("replicates", np.nan)),
    "replicates_huge": lambda: edit(lambda f: f["summary/" + first_analysis(f)].attrs.__setitem__("replicates", 1e300)),
    "estimate_missing": lambda: edit(lambda f: f.__delitem__("analyses/" + first_analysis(f) + "/estimate")),
    "estimate_4d": lambda: edit(lambda f: replace(f, "analyses/" + first_analysis(f) + "/estimate", np.zeros((2, 1, 1, 1)))),
    "p_value_strings": lambda: edit(lambda f: replace(f, "analyses/" + first_analysis(f) + "/p_value", np.array([b"0.5", b"0.1"]))),
    "ragged_columns": lambda: edit(lambda f: replace(f, "analyses/" + first_analysis(f) + "/p_value", np.ones(3))),
    "guided_candidates_numbers": lambda: guided(lambda f, g: g.attrs.__setitem__("candidates", np.arange(3.0))),
    "guided_share_ragged": lambda: guided(lambda f, g: replace(f, g.name + "/share", np.ones((2, 4)))),
    "guided_regret_missing": lambda: guided(lambda f, g: g.__delitem__("mean_regret")),
    "guided_summary_share_short": lambda: guided(lambda f, g: g["summary"].attrs.__setitem__("share", np.ones(2))),
    "guided_summary_missing": lambda: guided(lambda f, g: g.__delitem__("summary")),
}
if case not in cases:
    sys.exit(f"make_bad_results.py: unknown case {case}")
cases[case]()
