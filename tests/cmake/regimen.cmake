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
