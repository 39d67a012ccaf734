#!/usr/bin/python3
"""Every shipped protocol through the outputs: a tiny run (3 replicates x 100 twins, 40
for a protocol with a guided arm, all stored), the CSV/ADaM export equal to the HDF5
values and consistent, the Python reader holding every dataset, and the report rendering
(Kaplan-Meier figures exactly when there are time-to-event endpoints, boundaries exactly
for group-sequential designs). Every protocol is also exported into one directory shared by
all of them, one after another: it must then hold exactly the files of a fresh export (no
guided, looks, calibration or validation CSV left over from an earlier protocol's export).

usage: check_all_protocols.py TWINTRIAL PROTOCOLS_DIR
Under valgrind (a TWINTRIAL path naming it, as tests/reliability/valgrind.sh makes), which
looks for memory errors along each model's and output's code, one protocol per model
(the group-sequential and the validation-figure protocols among them): every protocol
is checked in the release run.
"""
import glob
import os
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_export  # noqa: E402
import check_readers  # noqa: E402
import check_report  # noqa: E402
from outputs_common import Checker, export, fresh_run  # noqa: E402


def main():
    tt, pdir = sys.argv[1], sys.argv[2]
    chk = Checker()
    protocols = sorted(glob.glob(os.path.join(pdir, "*.yaml")))
    chk(len(protocols) > 0, f"protocols in {pdir}")
    if "valgrind" in os.path.basename(tt):
        sample = ["alzheimers_group_sequential", "t2d_einhorn2000_pioglitazone", "oncology_nsclc", "ms_relapse",
                  "pk_metformin_dosing"]
        protocols = [p for p in protocols if os.path.splitext(os.path.basename(p))[0] in sample]
        chk(len(protocols) == len(sample), f"under valgrind: one protocol per model {sample}")
    shared = tempfile.TemporaryDirectory()
    for protocol in protocols:
        name = os.path.splitext(os.path.basename(protocol))[0]
        print(f"== {name}")
        with tempfile.TemporaryDirectory() as work:
            # a guided arm personalises each twin 1 + len(reassess) times: fewer twins
            with open(protocol, encoding="utf-8") as fh:
                guided = any(line.strip().startswith("guided:") for line in fh)
            path = fresh_run(tt, protocol, work, replicates=3, patients=40 if guided else 100)
            out = export(tt, path, os.path.join(work, "csv"))
            h = check_export.roundtrip(chk, path, out)
            check_export.adam(chk, path, out)
            if h.tte:
                check_export.adtte(chk, h, out)
            chk(os.path.exists(os.path.join(out, "adtte.csv")) == bool(h.tte), f"{name}: adtte.csv iff time to event")
            again = export(tt, path, shared.name)
            chk(sorted(os.listdir(again)) == sorted(os.listdir(out)),
                f"{name}: export over an earlier export holds {sorted(os.listdir(again))}, a fresh one "
                f"{sorted(os.listdir(out))}")
            check_readers.check_python(chk, path)
            with h5py.File(path, "r") as f:
                gsd = "efficacy_bound" in f["design"]
            km = [f"km_{e}.png" for e, *_ in h.tte]
            check_report.render(chk, path, os.path.join(work, "report"),
                                ["trajectories.png", "counterfactual.png", "estimates.png", "power.png"] + km
                                + (["boundaries.png"] if gsd else []), [] if gsd else ["boundaries.png"])
            drawn = sorted(p for p in os.listdir(os.path.join(work, "report")) if p.startswith("km_"))
            chk(drawn == sorted(km), f"{name}: Kaplan-Meier figures {drawn} = time-to-event endpoints {km}")
    shared.cleanup()
    return chk.done()


if __name__ == "__main__":
    sys.exit(main())
