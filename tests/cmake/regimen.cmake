# Regimens and switches: the sim under regimens that switch (ODE pieces, doses, batches,
# refusals), each closed-form model's switch against its hand-derived closed form, the
# protocol's regimens: and switch: sections, and trials with switching arms.
tt_unit_test(test_sim_regimen ${TT_SOURCE_DIR}/tests/unit/test_sim_regimen.c LIBS tt_core)
tt_unit_test(test_model_regimen ${TT_SOURCE_DIR}/tests/unit/test_model_regimen.c LIBS tt_core)
# T2D under switching regimens against R deSolve (the onset as relaxing ODE states).
add_executable(t2d_switch_trajectory ${TT_SOURCE_DIR}/tests/validation/t2d_switch_trajectory.c)
target_link_libraries(t2d_switch_trajectory PRIVATE tt_core tt_warnings)
add_dependencies(test_model_regimen t2d_switch_trajectory)
add_test(NAME t2d_switch_matches_desolve_lsoda
  COMMAND ${TT_SOURCE_DIR}/tests/validation/t2d_switch_vs_desolve.sh $<TARGET_FILE:t2d_switch_trajectory> "${TT_RSCRIPT}")
set_tests_properties(t2d_switch_matches_desolve_lsoda PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")
tt_unit_test(test_trial_regimen ${TT_SOURCE_DIR}/tests/unit/test_trial_regimen.c LIBS tt_core)
target_compile_definitions(test_trial_regimen PRIVATE TT_SWITCH_DIR="${TT_SOURCE_DIR}/tests/data/protocols/switch")
# End to end on 2 ranks: arms sharing a regimen up to a switch agree bitwise up to it,
# escalation and discontinuation move HbA1c the right way after it, for every twin.
add_test(NAME switch_t2d_escalation_end_to_end COMMAND sh -c "
  ${TT_MPIEXEC} -n 2 ${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/switch/t2d_escalation.yaml \
    -o switch_t2d.h5 --force --progress none >/dev/null && ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/validation/check_switch.py switch_t2d.h5")
set_tests_properties(switch_t2d_escalation_end_to_end PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
