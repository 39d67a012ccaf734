# design: calibrated arm effects and the sample-size search, against independent truth
# (closed form, independent runs, R's power.t.test), precision as reported, and
# determinism over ranks; located errors for a target out of reach and bad size options.
set(TT_CAL ${TT_SOURCE_DIR}/tests/validation/check_calibration.py)
set(TT_CAL_DATA ${TT_SOURCE_DIR}/tests/data/protocols)
foreach(c "closed_form;calibrate_ad" "hazard_ratio;calibrate_oncology" "targets;calibrate_targets_ad"
          "targets;calibrate_targets_ms" "seeds;calibrate_ad"
          "seeds;calibrate_oncology" "ranks;calibrate_oncology" "size_vs_r;size_welch")
  list(GET c 0 check)
  list(GET c 1 protocol)
  set(name design_${check}.${protocol})
  add_test(NAME ${name} COMMAND ${TT_PYTHON} ${TT_CAL} ${check} ${TT_TWINTRIAL} ${TT_CAL_DATA}/${protocol}.yaml)
  set_tests_properties(${name} PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 900
                                          SKIP_RETURN_CODE 77)
endforeach()
set_tests_properties(design_ranks.calibrate_oncology PROPERTIES LABELS mpi)
set_tests_properties(design_size_vs_r.size_welch PROPERTIES COST 190)
set_tests_properties(design_seeds.calibrate_oncology PROPERTIES COST 80)

add_test(NAME design_unreachable_target_is_one_located_error
  COMMAND ${TT_SOURCE_DIR}/tests/unit/cli_expect.sh ${TT_TWINTRIAL} run ${TT_CAL_DATA}/runtime/calibrate_unreachable.yaml)
add_test(NAME design_size_usage_errors_exit_1 COMMAND sh -c "
  t=${TT_TWINTRIAL}; p=${TT_CAL_DATA}/size_welch.yaml; f=0
  for args in 'size' \"size $p\" \"size $p --power 1.5\" \"size $p --power 0\" \"size $p --power x\" \
              \"size $p --power 0.8 --analysis nope\" \"size $p --power 0.8 --confirm 0\" \
              \"run $p --power 0.8\" \"run $p --analysis welch\"; do
    $t $args >design_usage.out 2>design_usage.err; rc=$?
    [ $rc -eq 1 ] && [ $(grep -c '^twintrial: ' design_usage.err) -eq 1 ] || { echo \"FAIL: twintrial $args -> $rc\"; cat design_usage.err; f=1; }
  done
  $t size $p --power 0.8 --analysis nope 2>&1 | grep -q 'not an analysis of .*expected one of welch' || { echo 'FAIL: --analysis message'; f=1; }
  exit $f")
add_test(NAME design_size_without_effect_is_an_error COMMAND sh -c "
  sed -e 's#: {calibrate: {mean_difference: -1.6}}#: 0#' -e '/^calibration:/d' \
      -e 's#\\.\\./\\.\\./\\.\\./cohorts#${TT_SOURCE_DIR}/cohorts#' ${TT_CAL_DATA}/size_welch.yaml >design_null.yaml
  ${TT_TWINTRIAL} size design_null.yaml --power 0.8 --replicates 50 --patients 100 --max-patients 2000 --progress none \
    >design_null.out 2>design_null.err; rc=$?
  cat design_null.out design_null.err
  [ $rc -eq 1 ] && [ $(grep -c '^twintrial: ' design_null.err) -eq 1 ] &&
    grep -q 'twintrial: error: size: the .*power.* of analysis welch .*2000' design_null.err")
set_tests_properties(design_unreachable_target_is_one_located_error design_size_usage_errors_exit_1
                     design_size_without_effect_is_an_error PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
