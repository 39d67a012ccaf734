# design: calibrated arm effects against independent truth (closed form, independent
# runs), precision as reported, and determinism over ranks; a located error for a
# target out of reach.
set(TT_CAL ${TT_SOURCE_DIR}/tests/validation/check_calibration.py)
set(TT_CAL_DATA ${TT_SOURCE_DIR}/tests/data/protocols)
foreach(c "closed_form;calibrate_ad" "hazard_ratio;calibrate_oncology" "seeds;calibrate_ad"
          "seeds;calibrate_oncology" "ranks;calibrate_oncology")
  list(GET c 0 check)
  list(GET c 1 protocol)
  set(name design_${check}.${protocol})
  add_test(NAME ${name} COMMAND ${TT_PYTHON} ${TT_CAL} ${check} ${TT_TWINTRIAL} ${TT_CAL_DATA}/${protocol}.yaml)
  set_tests_properties(${name} PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 900
                                          SKIP_RETURN_CODE 77)
endforeach()
set_tests_properties(design_ranks.calibrate_oncology PROPERTIES LABELS mpi)

add_test(NAME design_unreachable_target_is_one_located_error
  COMMAND ${TT_SOURCE_DIR}/tests/unit/cli_expect.sh ${TT_TWINTRIAL} run ${TT_CAL_DATA}/runtime/calibrate_unreachable.yaml)
set_tests_properties(design_unreachable_target_is_one_located_error PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
