# cohort: spec parsing, criteria expressions, copula draws (determinism, moments,
# correlation, screening). Every file in tests/data/cohorts/bad/ is one CTest test
# (cohort_bad.<name>) checked against its "# expect: LINE:COL: KEY: TEXT" first line.
tt_unit_test(test_cohort ${TT_SOURCE_DIR}/tests/unit/test_cohort.c LIBS tt_core)
target_compile_definitions(test_cohort PRIVATE TT_TEST_DATA_DIR="${TT_SOURCE_DIR}/tests/data"
                                               TT_COHORTS_DIR="${TT_SOURCE_DIR}/cohorts"
                                               TT_TEST_OUT_DIR="${CMAKE_CURRENT_BINARY_DIR}")

add_executable(test_cohort_bad ${TT_SOURCE_DIR}/tests/unit/test_cohort_bad.c)
target_link_libraries(test_cohort_bad PRIVATE tt_core tt_warnings)
tt_memcheck(test_cohort_bad)
target_include_directories(test_cohort_bad PRIVATE ${TT_SOURCE_DIR}/tests/unit)
file(GLOB TT_COHORT_BAD_FIXTURES CONFIGURE_DEPENDS ${TT_SOURCE_DIR}/tests/data/cohorts/bad/*.yaml)
# Sampled under the tools (every 6th with memcheck, every 3rd with the sanitizers): the
# fuzz targets run this parser under ASan+UBSan on millions of inputs; all run in release.
tt_sample(TT_COHORT_BAD_FIXTURES 6 3 ${TT_COHORT_BAD_FIXTURES})
foreach(fixture ${TT_COHORT_BAD_FIXTURES})
  get_filename_component(stem ${fixture} NAME_WE)
  add_test(NAME cohort_bad.${stem} COMMAND test_cohort_bad ${fixture})
  set_tests_properties(cohort_bad.${stem} PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
# Cohorts resampled from a CSV table: rows, uniformity, screening, ranks, provenance.
add_test(NAME csv_cohort_resamples_eligible_rows_uniformly
  COMMAND ${TT_SOURCE_DIR}/tests/unit/csv_cohort.sh ${TT_TWINTRIAL} ${TT_PYTHON})
set_tests_properties(csv_cohort_resamples_eligible_rows_uniformly PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
# Screening on baseline measurements (criteria on the model's observed variables at the
# first visit): stored baselines meet them, 1-4 ranks identical, unbiased selection.
add_test(NAME screening_on_baseline_measurements
  COMMAND ${TT_SOURCE_DIR}/tests/unit/screening.sh ${TT_TWINTRIAL} ${TT_PYTHON})
set_tests_properties(screening_on_baseline_measurements PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
