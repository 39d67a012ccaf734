#!/bin/bash
# Determinism contract: the same protocol and seed give bitwise-identical result
# datasets on 1, 2, 3 and 4 ranks and with different block sizes / windows
# (dynamic scheduling changes who simulates what and in which order). Under memcheck
# (tests/reliability/valgrind.sh), which looks for memory errors, not for differences,
# every section runs once, on 2 ranks (the first on 3: a coordinator and two workers),
# and nothing is compared: each process start costs about 6 CPU seconds there, and the
# release and sanitizer suites compare 1 to 4 ranks.
# usage: determinism.sh TWINTRIAL PROTOCOL
set -euo pipefail
tt=$1 protocol=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { # name ranks [extra args]
  local name=$1 n=$2; shift 2
  mpirun -n "$n" --oversubscribe "$tt" run "$protocol" -o "$out/$name.h5" --replicates 30 --patients 90 \
    --progress none "$@" >"$out/$name.log" 2>&1 || { cat "$out/$name.log"; exit 1; }
}
same() { # a b groups...: bitwise-identical datasets
  local a=$1 b=$2; shift 2
  for g in "$@"; do
    if ! h5diff -r "$out/$a.h5" "$out/$b.h5" $g $g >"$out/diff.txt" 2>&1; then
      echo "FAIL: $g differs between $a and $b"; head -20 "$out/diff.txt"; exit 1
    fi
  done
  echo "ok: $b identical to $a"
}
main="n2 n3 n4 n2w" # the runs compared with n1
ranks="1 2 3 4"     # the rank counts of every later section
more="2 3 4"        # those compared with 1 rank
reps=6              # replicates of the MMRM, MI and model-file sections (2 under memcheck)
memcheck=0
case $tt in *valgrind*) memcheck=1 ranks=2 more="" reps=2 ;; esac
if [ $memcheck -eq 1 ]; then
  run n3 3 -tt_block 7
  run big3 3 --replicates 1 --patients 3000 -tt_block 50
else
  run n1 1
  run n2 2
  run n3 3 -tt_block 7
  run n4 4 -tt_block 13 -tt_window 1
  run n2w 2 -tt_block 90 -tt_window 3
  for f in $main; do
    same n1 $f /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary
  done
  # one huge replicate split into many blocks over 3 ranks
  run big1 1 --replicates 1 --patients 3000
  run big3 3 --replicates 1 --patients 3000 -tt_block 50
  same big1 big3 /subjects /outcomes /counterfactual /endpoints /analyses /summary
fi
# ODE (PETSc TS), event-time, count and dosing models: same contract
root=$(cd "$(dirname "$protocol")/.." && pwd)
# every shipped protocol (validation figures, screening on baseline measurements), the
# T2D methods protocol and the regimen-switch protocols (every model's switches, doses); under memcheck (tests/reliability/valgrind.sh), which looks for
# memory errors along each model's code, one protocol per model
protocols=("$root"/protocols/*.yaml "$root/tests/data/protocols/t2d_methods.yaml" "$root"/tests/data/protocols/switch/*.yaml)
case $tt in
*valgrind*)
  protocols=("$root/tests/data/protocols/t2d_methods.yaml" "$root/protocols/oncology_nsclc.yaml"
    "$root/protocols/ms_relapse.yaml" "$root/protocols/pk_metformin_dosing.yaml"
    "$root/protocols/alzheimers_group_sequential.yaml") ;;
esac
for protocol in "${protocols[@]}"; do
  p=$(basename "$protocol" .yaml)
  if [ $memcheck -eq 1 ]; then
    run ${p}_2 2 --replicates 6 --patients 60 -tt_block 7
    continue
  fi
  run ${p}_1 1 --replicates 6 --patients 60
  run ${p}_3 3 --replicates 6 --patients 60 -tt_block 7
  groups="/subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary"
  h5ls "$out/${p}_1.h5/validation" >/dev/null 2>&1 && groups="$groups /validation"
  h5ls "$out/${p}_1.h5/looks" >/dev/null 2>&1 && groups="$groups /looks /design"
  same ${p}_1 ${p}_3 $groups
done
# event-driven looks (interim.events): the looks, their times, event counts and the
# operating characteristics per look on 1 to 4 ranks
protocol=$root/tests/data/protocols/gsd_events_exponential.yaml
for n in $ranks; do run events_$n $n --replicates 8 --patients 400 -tt_block $((4 * n + 3)); done
for n in $more; do same events_1 events_$n /design /looks /endpoints /analyses /replicates /summary; done
# dropout per arm (an arm's own outcome-dependent hazard, an arm without dropout but an
# extra cause, an extra Weibull cause on top of the protocol's): 1 to 4 ranks
protocol=$root/tests/data/protocols/arm_dropout.yaml
for n in $ranks; do run armdrop_$n $n --replicates 6 --patients 120 -tt_block $((2 * n + 5)); done
for n in $more; do same armdrop_1 armdrop_$n /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; done
# regimen switches (an ODE model's arms integrated together with a switching one; a death
# time composed over the segments): 1 to 4 ranks
for sw in t2d_escalation oncology_switch; do
  protocol=$root/tests/data/protocols/switch/$sw.yaml
  for n in $ranks; do run switch_${sw}_$n $n --replicates 6 --patients 90 -tt_block $((3 * n + 4)); done
  for n in $more; do same switch_${sw}_1 switch_${sw}_$n /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; done
done
# MMRM (REML fits, fallback structures, Satterthwaite and Kenward-Roger df): 1 to 4 ranks
protocol=$root/tests/data/protocols/ad_mmrm.yaml
for n in $ranks; do run mmrm_$n $n --replicates $reps --patients 160 -tt_block $((3 * n + 4)); done
for n in $more; do same mmrm_1 mmrm_$n /design /subjects /outcomes /endpoints /analyses /replicates /summary; done
# multiple imputation (imputation draws keyed by replicate, analysis and imputation; MAR,
# reference-based and delta; ANCOVA and MMRM analyses): 1 to 4 ranks
protocol=$root/tests/data/protocols/ad_mi.yaml
for n in $ranks; do run mi_$n $n --replicates $reps --patients 160 -tt_block $((3 * n + 4)); done
for n in $more; do same mi_1 mi_$n /design /subjects /outcomes /endpoints /analyses /replicates /summary; done
# missed visits (their own draws; non-monotone MMRM and MI): 1 to 4 ranks
protocol=$root/tests/data/protocols/ad_missed.yaml
for n in $ranks; do run missed_$n $n --replicates $reps --patients 160 -tt_block $((3 * n + 4)); done
for n in $more; do same missed_1 missed_$n /design /subjects /outcomes /endpoints /analyses /replicates /summary; done
# treatment discontinuation and estimands (the discontinuation draws, a switch at each
# twin's own time, withdrawal when stopping, the estimands' true values): the shipped AD
# protocol (regimen switch), the washout fixture and MI anchored at each twin's
# intercurrent event under each estimand, 1 to 4 ranks
for pr in protocols/alzheimers_mmrm_estimands tests/data/protocols/discontinuation/washout \
  tests/data/protocols/ad_mi_ice; do
  protocol=$root/$pr.yaml
  b=$(basename "$pr")
  for n in $ranks; do run disc_${b}_$n $n --replicates $reps --patients 160 -tt_block $((3 * n + 4)); done
  for n in $more; do same disc_${b}_1 disc_${b}_$n /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; done
done
# a model file (compiled at run time): 1 to 4 ranks, the 2-rank run with an empty cache
# (one rank compiles, the other waits), the others with the cached object
protocol=$root/protocols/fev1_model_file.yaml
export TWINTRIAL_CACHE=$out/model-cache
run modelfile_2 2 --replicates $reps --patients 90 -tt_block 7
ls "$TWINTRIAL_CACHE"/*.so >/dev/null || { echo "FAIL: no compiled model in $TWINTRIAL_CACHE"; exit 1; }
mf="1 3 4" # compared with the 2-rank run (none under memcheck)
[ $memcheck -eq 0 ] || mf=""
for n in $mf; do run modelfile_$n $n --replicates $reps --patients 90 -tt_block $((3 * n + 4)); done
for n in $mf; do same modelfile_2 modelfile_$n /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; done
# a model file with an events section (relapse times by inversion of its cumulative hazard)
protocol=$root/protocols/ms_relapse_model_file.yaml
for n in $ranks; do run modelevents_$n $n --replicates $reps --patients 90 -tt_block $((2 * n + 3)); done
for n in $more; do same modelevents_1 modelevents_$n /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; done
# the summary attributes too (h5diff compares attributes of the objects it visits)
h5dump -A "$out/n3.h5" >"$out/attrs.txt"; grep -q "ATTRIBUTE \"power\"" "$out/attrs.txt" || { echo "FAIL: no power attribute"; exit 1; }
echo "1 passed, 0 failed"
