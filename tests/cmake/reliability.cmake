# Reliability (tests/reliability, tests/fuzz): every bad input refused with exit status 1
# and one located message; numerical and resource faults reported, nothing lost; the
# suite under ASan+UBSan and under valgrind memcheck; the libFuzzer targets.
#   label reliability  bad inputs, numerical faults, resource faults (seconds each)
#   label sanitize     the suite rebuilt with the debug preset, ASan + UBSan (minutes)
#   label valgrind     the suite under valgrind memcheck (see valgrind.sh for what is left out)
#   label fuzz         each libFuzzer target for TT_FUZZ_SECONDS (skipped without clang-14)
set(TT_REL ${TT_SOURCE_DIR}/tests/reliability)
set(TT_BAD ${TT_SOURCE_DIR}/tests/data/bad_inputs)
set(TT_FUZZ_SECONDS 30 CACHE STRING "seconds each libFuzzer target runs in the fuzz test")

# The fixtures through twintrial are sampled under the tools (every 12th with memcheck,
# every 3rd with the sanitizers, whose fuzz targets cover these parsers); all run in release.
file(GLOB TT_BAD_PROTOCOLS ${TT_BAD}/protocol/*.yaml)
tt_sample(TT_BAD_PROTOCOLS 12 3 ${TT_BAD_PROTOCOLS})
foreach(f ${TT_BAD_PROTOCOLS})
  get_filename_component(stem ${f} NAME_WE)
  add_test(NAME bad_input.protocol.${stem} COMMAND bash ${TT_REL}/bad_input.sh ${TT_TWINTRIAL} protocol ${f})
endforeach()
file(GLOB TT_BAD_COHORTS ${TT_BAD}/cohort/*.yaml ${TT_BAD}/cohort/*.csv)
tt_sample(TT_BAD_COHORTS 12 3 ${TT_BAD_COHORTS})
foreach(f ${TT_BAD_COHORTS})
  get_filename_component(stem ${f} NAME_WE)
  add_test(NAME bad_input.cohort.${stem} COMMAND bash ${TT_REL}/bad_input.sh ${TT_TWINTRIAL} cohort ${f})
endforeach()
foreach(c deep_flow_sequences deep_flow_mappings deep_cohort scalar_100mb scalar_15mb criteria_100000_terms
          directory fifo missing zero_bytes run_same_as_validate)
  add_test(NAME bad_input.generated.${c} COMMAND bash ${TT_REL}/bad_input.sh ${TT_TWINTRIAL} generated ${c})
endforeach()
file(STRINGS ${TT_BAD}/results/cases.tsv TT_BAD_RESULTS REGEX "^[a-z]")
set(TT_BAD_RESULT_CASES)
foreach(line ${TT_BAD_RESULTS})
  string(REGEX MATCH "^[a-z_0-9]+" c "${line}")
  list(APPEND TT_BAD_RESULT_CASES ${c})
endforeach()
tt_sample(TT_BAD_RESULT_CASES 12 3 ${TT_BAD_RESULT_CASES})
foreach(c ${TT_BAD_RESULT_CASES})
  add_test(NAME bad_input.results.${c} COMMAND bash ${TT_REL}/bad_input.sh ${TT_TWINTRIAL} results ${c})
endforeach()
add_test(NAME numerical_faults_are_reported COMMAND bash ${TT_REL}/numerical_faults.sh ${TT_TWINTRIAL})
add_test(NAME unwritable_output_refused_at_start
  COMMAND bash ${TT_REL}/resource_faults.sh ${TT_TWINTRIAL} unwritable_output)
add_test(NAME disk_full_mid_run_loses_nothing COMMAND bash ${TT_REL}/resource_faults.sh ${TT_TWINTRIAL} disk_full)
get_property(TT_REL_TESTS DIRECTORY PROPERTY TESTS)
foreach(t ${TT_REL_TESTS})
  if(t MATCHES "^bad_input\\." OR t MATCHES "_faults_|unwritable_output|disk_full")
    set_tests_properties(${t} PROPERTIES LABELS reliability TIMEOUT 600 SKIP_RETURN_CODE 77
      ENVIRONMENT "${TT_MPI_ENV};TT_PYTHON=${TT_PYTHON}")
  endif()
endforeach()
set_tests_properties(disk_full_mid_run_loses_nothing numerical_faults_are_reported PROPERTIES RUN_SERIAL TRUE)

add_test(NAME sanitizer_suite_is_clean COMMAND bash ${TT_REL}/sanitize.sh)
# The suites' own limits, 60 minutes each, allow for a loaded machine (about 3.5 and 2.5
# times their quiet 17 and 24 minutes on 2 cores) and end a run that would not finish in
# CI with a named failure; the tests inside scale their timeouts (tests/CMakeLists.txt).
set_tests_properties(sanitizer_suite_is_clean PROPERTIES LABELS sanitize TIMEOUT 3600 RUN_SERIAL TRUE)
add_test(NAME fuzz_targets_find_nothing
  COMMAND bash ${TT_SOURCE_DIR}/tests/fuzz/run.sh ${TT_FUZZ_SECONDS} ${TT_TWINTRIAL})
set_tests_properties(fuzz_targets_find_nothing PROPERTIES LABELS fuzz TIMEOUT 1800 RUN_SERIAL TRUE SKIP_RETURN_CODE 77
  ENVIRONMENT "TT_FUZZ_BUILD=${CMAKE_BINARY_DIR}/fuzz")
add_test(NAME valgrind_suite_is_clean COMMAND bash ${TT_REL}/valgrind.sh)
set_tests_properties(valgrind_suite_is_clean PROPERTIES LABELS valgrind TIMEOUT 3600 RUN_SERIAL TRUE SKIP_RETURN_CODE 77)
