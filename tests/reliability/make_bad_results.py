#!/usr/bin/python3
"""Makes one damaged or foreign results file for tests/data/bad_inputs/results/cases.tsv.

usage: make_bad_results.py CASE BASE.h5 TMP.h5.tmp OUT.h5
BASE.h5 is a complete 2-replicate run, TMP.h5.tmp the temporary file of a run stopped
after one replicate. Needs h5py (Debian: python3-h5py)."""
import shutil
import sys

import h5py
import numpy as np

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
}
if case not in cases:
    sys.exit(f"make_bad_results.py: unknown case {case}")
cases[case]()
