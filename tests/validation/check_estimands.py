"""Treatment discontinuation in a results file (tests/data/protocols/discontinuation/mixed.yaml):
- an arm that never stops has discontinuation_time inf, the others finite times;
- some twins withdraw when they stop (dropout_time == discontinuation_time), others are
  seen after stopping (retrieved dropouts: observed at a visit after discontinuation);
- every visit after dropout is missing in /outcomes, every visit before it observed;
- the treatment-policy true value of each replicate equals the mean over all twins of the
  change at the visit under the treatment arm minus under the control in /counterfactual
  (the actual courses, off treatment after discontinuation), recomputed here;
- each analysis names its estimand in /summary.
usage: check_estimands.py RESULTS.h5"""
import sys

import h5py
import numpy as np

f = h5py.File(sys.argv[1], "r")
arms = [a.decode() if isinstance(a, bytes) else a for a in f["design/arms"][()]]
s = f["subjects"]
rep, arm = s["replicate"][()], s["arm"][()]
drop, disc = s["dropout_time"][()], s["discontinuation_time"][()]
fail = []
stays = arms.index("stays")
if not np.all(np.isinf(disc[arm == stays])):
    fail.append("an arm with discontinuation model none has a finite discontinuation time")
if not np.all(np.isfinite(disc[arm != stays])):
    fail.append("arms that can stop have infinite discontinuation times")
withdrew = drop == disc
obs = f["outcomes/adas_cog"][()]  # [row, visit]
cf = f["counterfactual/adas_cog"][()]  # [row, arm, visit]
visits = f["design/visit_days"][()]
after = (disc[:, None] < visits[None, :]) & (drop[:, None] > visits[None, :])
retrieved = np.any(after & ~np.isnan(obs), axis=1)
print(f"twins {len(rep)}: withdrew on stopping {withdrew.sum()}, retrieved after stopping {retrieved.sum()}")
if withdrew.sum() == 0 or retrieved.sum() == 0:
    fail.append("expected both twins who withdraw when they stop and twins seen after stopping")
seen = visits[None, :] < drop[:, None]
if np.any(np.isnan(obs) & seen) or np.any(~np.isnan(obs) & ~seen):
    fail.append("/outcomes: missing exactly the visits on or after dropout")
tp = f["analyses/tp/true_effect"][()]
hi, pl = arms.index("high"), arms.index("placebo")
for r in range(len(tp)):
    m = rep == r
    d = (cf[m, hi, 4] - cf[m, hi, 0]) - (cf[m, pl, 4] - cf[m, pl, 0])
    if abs(d.mean() - tp[r]) > 1e-9 * max(1.0, abs(tp[r])):
        fail.append(f"replicate {r}: treatment-policy true value {tp[r]} != counterfactual mean {d.mean()}")
want = {"tp": "treatment_policy", "hyp": "hypothetical", "wot": "while_on_treatment", "resp_hyp": "hypothetical"}
for a, e in want.items():
    got = f[f"summary/{a}"].attrs.get("estimand_strategy")
    got = got.decode() if isinstance(got, bytes) else got
    if got != e:
        fail.append(f"summary/{a}: estimand_strategy {got}, expected {e}")
for m in fail:
    print("FAIL:", m)
print("ok" if not fail else f"{len(fail)} failure(s)")
sys.exit(1 if fail else 0)
