# t2d_hba1c model (Choy 2016): unit tests against Choy 2016's published typical patient and an in-test RK4
# reference; validation against R deSolve::lsoda (Debian: r-cran-desolve), skipped
# with return code 77 when Rscript or deSolve is absent.
tt_unit_test(test_model_t2d ${TT_SOURCE_DIR}/tests/unit/test_model_t2d.c LIBS tt_core)

add_executable(t2d_trajectory ${TT_SOURCE_DIR}/tests/validation/t2d_trajectory.c)
target_link_libraries(t2d_trajectory PRIVATE tt_core tt_warnings)
add_dependencies(test_model_t2d t2d_trajectory) # so building the unit test also builds the validation driver
add_test(NAME t2d_trajectory_matches_desolve_lsoda
  COMMAND ${TT_SOURCE_DIR}/tests/validation/t2d_vs_desolve.sh $<TARGET_FILE:t2d_trajectory> "${TT_RSCRIPT}")
set_tests_properties(t2d_trajectory_matches_desolve_lsoda PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")
