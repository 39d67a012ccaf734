# Model, sim, store and end-to-end tests.
tt_unit_test(test_model_adas ${TT_SOURCE_DIR}/tests/unit/test_model_adas.c LIBS tt_core)
tt_unit_test(test_sim_ode ${TT_SOURCE_DIR}/tests/unit/test_sim_ode.c LIBS tt_core)
tt_unit_test(test_sim_batch ${TT_SOURCE_DIR}/tests/unit/test_sim_batch.c LIBS tt_core)
tt_unit_test(test_sha256 ${TT_SOURCE_DIR}/tests/unit/test_sha256.c LIBS tt_core)

# End-to-end: determinism across ranks, operating characteristics, R agreement.
set(TT_DEFAULT_PROTOCOL ${TT_SOURCE_DIR}/protocols/alzheimers_procova.yaml)
add_test(NAME results_identical_on_1_to_4_ranks
  COMMAND ${TT_SOURCE_DIR}/tests/mpi/determinism.sh ${TT_TWINTRIAL} ${TT_DEFAULT_PROTOCOL})
set_tests_properties(results_identical_on_1_to_4_ranks PROPERTIES LABELS mpi ENVIRONMENT "${TT_MPI_ENV}")

function(tt_oc_test name protocol check)
  add_test(NAME ${name} COMMAND sh -c
    "mpirun -n 2 ${TT_TWINTRIAL} run ${protocol} -o ${name}.h5 --force --progress none > ${name}.log && ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/validation/check_oc.py ${check} ${name}.h5")
  set_tests_properties(${name} PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}")
endfunction()
tt_oc_test(null_scenario_type1_error_is_nominal ${TT_SOURCE_DIR}/tests/data/protocols/ad_null.yaml null)
tt_oc_test(procova_at_least_as_powerful_and_unbiased ${TT_SOURCE_DIR}/tests/data/protocols/ad_moderate.yaml procova)

add_test(NAME ancova_matches_r_lm_on_exported_replicate
  COMMAND ${TT_SOURCE_DIR}/tests/validation/r_lm.sh ${TT_TWINTRIAL} ${TT_DEFAULT_PROTOCOL} "${TT_RSCRIPT}")
set_tests_properties(ancova_matches_r_lm_on_exported_replicate PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")

add_test(NAME resume_after_signals_is_bitwise_identical
  COMMAND ${TT_SOURCE_DIR}/tests/mpi/resume.sh ${TT_TWINTRIAL} ${TT_DEFAULT_PROTOCOL})
set_tests_properties(resume_after_signals_is_bitwise_identical PROPERTIES LABELS mpi ENVIRONMENT "${TT_MPI_ENV}")

# Every analysis method against R on exported data; boundaries against rpact.
foreach(case oncology:protocols/oncology_nsclc t2d:tests/data/protocols/t2d_methods ms:protocols/ms_relapse
             gsd:protocols/alzheimers_group_sequential)
  string(REPLACE ":" ";" parts ${case})
  list(GET parts 0 what)
  list(GET parts 1 protocol)
  add_test(NAME methods_match_r_${what}
    COMMAND ${TT_SOURCE_DIR}/tests/validation/methods_vs_r.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}"
            ${TT_SOURCE_DIR}/${protocol}.yaml ${what})
  set_tests_properties(methods_match_r_${what} PROPERTIES LABELS validation SKIP_RETURN_CODE 77
    ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
tt_oc_test(group_sequential_null_spends_alpha ${TT_SOURCE_DIR}/tests/data/protocols/ad_gsd_null.yaml gsd_null)
tt_oc_test(gsd_event_driven_null_spends_alpha ${TT_SOURCE_DIR}/tests/data/protocols/gsd_events_null.yaml gsd_null)
# Event-driven looks: boundaries, stopping probabilities, events, subjects and duration against rpact.
add_test(NAME gsd_event_driven_matches_rpact
  COMMAND ${TT_SOURCE_DIR}/tests/validation/gsd_vs_rpact.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}"
          ${TT_SOURCE_DIR}/tests/data/protocols/gsd_events_exponential.yaml)
set_tests_properties(gsd_event_driven_matches_rpact PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")

# Dropout models reproduce their survivor functions; outcome-dependent dropout is MNAR.
foreach(case "weibull 0.62 3774.25" "exponential 1 1217.5" "outcome")
  string(REPLACE " " ";" args ${case})
  list(GET args 0 kind)
  add_test(NAME dropout_${kind}_matches_target COMMAND sh -c
    "${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/dropout/${kind}.yaml -o dropout_${kind}.h5 --force --progress none > /dev/null && ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/validation/check_dropout.py ${case} dropout_${kind}.h5")
  set_tests_properties(dropout_${kind}_matches_target PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
# Dropout given as a cumulative proportion by a time: 20 % by week 52 (exponential), 20 %
# by month 12 (Weibull, shape 0.62), the share dropped by then within MC error.
foreach(case "exponential 0.2 364 1" "weibull 0.2 365.25 0.62")
  string(REPLACE " " ";" args ${case})
  list(GET args 0 kind)
  list(SUBLIST args 1 3 target)
  string(JOIN " " target ${target})
  add_test(NAME dropout_proportion_${kind}_matches_target COMMAND sh -c
    "${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/dropout/proportion_${kind}.yaml -o dropout_proportion_${kind}.h5 --force --progress none > /dev/null && ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/validation/check_dropout.py proportion ${target} dropout_proportion_${kind}.h5")
  set_tests_properties(dropout_proportion_${kind}_matches_target PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
# Dropout per arm: an arm's own hazard and an arm's extra cause reproduce their survivor
# functions, the other arms keep the protocol's bitwise, and the arms share the twin's
# dropout uniforms (common random numbers).
add_test(NAME dropout_per_arm_matches_target COMMAND sh -c
  "${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/dropout/arms.yaml -o dropout_arms.h5 --force --progress none > /dev/null && ${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/dropout/arms_protocol_only.yaml -o dropout_arms_reference.h5 --force --progress none > /dev/null && ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/validation/check_dropout.py arms dropout_arms.h5 dropout_arms_reference.h5")
set_tests_properties(dropout_per_arm_matches_target PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}")
tt_oc_test(dose_ranging_effects_follow_exposure_response ${TT_SOURCE_DIR}/protocols/alzheimers_dose_ranging.yaml dose_response)
