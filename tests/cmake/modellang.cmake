# modellang: model files (parser and checker, code generation, the compiled model).
# Every file in tests/data/models/bad/ is one CTest test (modellang_bad.<name>): its first
# line "# expect: LINE:COL: KEY: TEXT" is the error TTModelLangParse must give (the
# fixtures are written by tests/data/models/make_bad.py, which finds each location by
# searching the file, independently of the parser).
add_executable(test_modellang_bad ${TT_SOURCE_DIR}/tests/unit/test_modellang_bad.c)
target_link_libraries(test_modellang_bad PRIVATE tt_core tt_warnings)
tt_memcheck(test_modellang_bad)
target_include_directories(test_modellang_bad PRIVATE ${TT_SOURCE_DIR}/tests/unit)
file(GLOB TT_MODELLANG_BAD_FIXTURES CONFIGURE_DEPENDS ${TT_SOURCE_DIR}/tests/data/models/bad/*.yaml)
tt_sample(TT_MODELLANG_BAD_FIXTURES 6 1 ${TT_MODELLANG_BAD_FIXTURES})
foreach(fixture ${TT_MODELLANG_BAD_FIXTURES})
  get_filename_component(stem ${fixture} NAME_WE)
  add_test(NAME modellang_bad.${stem} COMMAND test_modellang_bad ${fixture})
  set_tests_properties(modellang_bad.${stem} PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
tt_unit_test(test_modellang ${TT_SOURCE_DIR}/tests/unit/test_modellang.c LIBS tt_core)
target_compile_definitions(test_modellang PRIVATE TT_SOURCE_DIR="${TT_SOURCE_DIR}")
add_test(NAME model_file_trial_on_ranks_and_cache COMMAND bash ${TT_SOURCE_DIR}/tests/mpi/model_file.sh ${TT_TWINTRIAL})
set_tests_properties(model_file_trial_on_ranks_and_cache PROPERTIES LABELS mpi TIMEOUT 600 ENVIRONMENT "${TT_MPI_ENV}")
tt_unit_test(test_modellang_sim ${TT_SOURCE_DIR}/tests/unit/test_modellang_sim.c LIBS tt_core)
target_compile_definitions(test_modellang_sim PRIVATE TT_SOURCE_DIR="${TT_SOURCE_DIR}")
# The shipped model file's trajectories against R deSolve (label validation).
add_executable(modellang_trajectory ${TT_SOURCE_DIR}/tests/validation/modellang_trajectory.c)
target_link_libraries(modellang_trajectory PRIVATE tt_core tt_warnings)
add_dependencies(test_modellang modellang_trajectory) # building the unit test builds the driver too
add_test(NAME modellang_trajectory_matches_desolve_lsoda
  COMMAND ${TT_SOURCE_DIR}/tests/validation/modellang_vs_desolve.sh $<TARGET_FILE:modellang_trajectory> "${TT_RSCRIPT}")
set_tests_properties(modellang_trajectory_matches_desolve_lsoda PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")
tt_unit_test(test_modellang_adas ${TT_SOURCE_DIR}/tests/unit/test_modellang_adas.c LIBS tt_core)
target_compile_definitions(test_modellang_adas PRIVATE TT_SOURCE_DIR="${TT_SOURCE_DIR}")
tt_unit_test(test_modellang_events ${TT_SOURCE_DIR}/tests/unit/test_modellang_events.c LIBS tt_core)
target_compile_definitions(test_modellang_events PRIVATE TT_SOURCE_DIR="${TT_SOURCE_DIR}")
add_test(NAME model_file_events_match_c_model COMMAND bash ${TT_SOURCE_DIR}/tests/mpi/model_file_events.sh ${TT_TWINTRIAL})
set_tests_properties(model_file_events_match_c_model PROPERTIES LABELS mpi TIMEOUT 600 ENVIRONMENT "${TT_MPI_ENV}")
add_executable(modellang_events ${TT_SOURCE_DIR}/tests/validation/modellang_events.c)
target_link_libraries(modellang_events PRIVATE tt_core tt_warnings)
add_dependencies(test_modellang_events modellang_events)
add_test(NAME modellang_events_match_desolve_roots
  COMMAND ${TT_SOURCE_DIR}/tests/validation/modellang_events_vs_desolve.sh $<TARGET_FILE:modellang_events> "${TT_RSCRIPT}")
set_tests_properties(modellang_events_match_desolve_roots PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")
add_executable(modellang_pk_hazard ${TT_SOURCE_DIR}/tests/validation/modellang_pk_hazard.c)
target_link_libraries(modellang_pk_hazard PRIVATE tt_core tt_warnings)
add_dependencies(test_modellang_events modellang_pk_hazard)
add_test(NAME modellang_pk_hazard_matches_desolve_events
  COMMAND ${TT_SOURCE_DIR}/tests/validation/modellang_pk_hazard_vs_desolve.sh $<TARGET_FILE:modellang_pk_hazard>
          "${TT_RSCRIPT}")
set_tests_properties(modellang_pk_hazard_matches_desolve_events PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")
tt_unit_test(test_modellang_switch ${TT_SOURCE_DIR}/tests/unit/test_modellang_switch.c LIBS tt_core)
target_compile_definitions(test_modellang_switch PRIVATE TT_SOURCE_DIR="${TT_SOURCE_DIR}")
tt_unit_test(test_modellang_family ${TT_SOURCE_DIR}/tests/unit/test_modellang_family.c LIBS tt_core)
target_compile_definitions(test_modellang_family PRIVATE TT_SOURCE_DIR="${TT_SOURCE_DIR}")
add_executable(modellang_family ${TT_SOURCE_DIR}/tests/validation/modellang_family.c)
target_link_libraries(modellang_family PRIVATE tt_core tt_warnings)
add_dependencies(test_modellang_family modellang_family)
add_test(NAME modellang_family_matches_r
  COMMAND ${TT_SOURCE_DIR}/tests/validation/modellang_family_vs_r.sh $<TARGET_FILE:modellang_family> "${TT_RSCRIPT}")
set_tests_properties(modellang_family_matches_r PROPERTIES LABELS validation SKIP_RETURN_CODE 77 ENVIRONMENT "${TT_MPI_ENV}")
tt_unit_test(test_modellang_truncate ${TT_SOURCE_DIR}/tests/unit/test_modellang_truncate.c LIBS tt_core)
target_compile_definitions(test_modellang_truncate PRIVATE TT_SOURCE_DIR="${TT_SOURCE_DIR}")
