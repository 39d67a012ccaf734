# twin: the inputs of personalisation. test_twin_obs reads OBS.csv / COV.csv into patients
# (values, censoring, schedule unit to model time, sorting, quoted fields, CRLF) and checks
# the cohort's support queries and the refusals located outside the bad file itself.
# Every file in tests/data/twin/bad/ is one CTest test (twin_obs_bad.<name>), read as the
# command line reads it (twin_obs_read): exit status 1 and one message, the one on the
# fixture's first line "# expect: LINE:COL: KEY: TEXT".
tt_unit_test(test_twin_obs ${TT_SOURCE_DIR}/tests/unit/test_twin_obs.c LIBS tt_twin)
target_compile_definitions(test_twin_obs PRIVATE TT_TEST_DATA_DIR="${TT_SOURCE_DIR}/tests/data"
                                                 TT_TEST_OUT_DIR="${CMAKE_CURRENT_BINARY_DIR}")

add_executable(twin_obs_read ${TT_SOURCE_DIR}/tests/unit/twin_obs_read.c)
target_link_libraries(twin_obs_read PRIVATE tt_twin tt_warnings)
tt_program(TT_TWIN_OBS_READ twin_obs_read)
file(GLOB TT_TWIN_BAD_FIXTURES CONFIGURE_DEPENDS ${TT_SOURCE_DIR}/tests/data/twin/bad/*.csv)
tt_sample(TT_TWIN_BAD_FIXTURES 6 1 ${TT_TWIN_BAD_FIXTURES})
foreach(fixture ${TT_TWIN_BAD_FIXTURES})
  get_filename_component(stem ${fixture} NAME_WE)
  add_test(NAME twin_obs_bad.${stem}
    COMMAND bash ${TT_SOURCE_DIR}/tests/unit/twin_obs_expect.sh ${TT_TWIN_OBS_READ} ${fixture})
  set_tests_properties(twin_obs_bad.${stem} PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
endforeach()

# test_twin_linear: MAP estimate, Laplace covariance, forecasts and choice of a linear-Gaussian
# model against their closed form (BLUP).
tt_unit_test(test_twin_linear ${TT_SOURCE_DIR}/tests/unit/test_twin_linear.c LIBS tt_twin)
target_compile_definitions(test_twin_linear PRIVATE TT_TWIN_LINEAR="${TT_SOURCE_DIR}/tests/data/twin/linear.yaml")
set_tests_properties(test_twin_linear PROPERTIES LABELS "unit;twin")

# The README's example (cohorts/t2d_example_*.csv) through the command line.
add_test(NAME personalise_example_runs COMMAND bash ${TT_SOURCE_DIR}/tests/twin/example.sh ${TT_TWINTRIAL} ${TT_SOURCE_DIR})
set_tests_properties(personalise_example_runs PROPERTIES LABELS "unit;twin" ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 300)
add_test(NAME personalise_refuses_unobservable_values COMMAND bash ${TT_SOURCE_DIR}/tests/twin/unobservable.sh ${TT_TWINTRIAL} ${TT_SOURCE_DIR})
set_tests_properties(personalise_refuses_unobservable_values PROPERTIES LABELS "unit;twin" ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 300)
# personalise on 1, 2, 3 and 4 ranks: byte-identical CSVs and identical twins.h5 for the AD
# (closed form) and T2D (ODE) models, patients with history only and censored values among
# them (tests/mpi/personalise_determinism.sh; inputs simulated by tests/mpi/twin_inputs.sh).
add_test(NAME personalise_identical_on_1_to_4_ranks
  COMMAND ${TT_SOURCE_DIR}/tests/mpi/personalise_determinism.sh ${TT_TWINTRIAL})
set_tests_properties(personalise_identical_on_1_to_4_ranks PROPERTIES LABELS "mpi;twin" ENVIRONMENT "${TT_MPI_ENV}"
  TIMEOUT 600)
