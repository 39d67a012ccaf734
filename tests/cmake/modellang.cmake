# modellang: model files (parser and checker, code generation, the compiled model).
# Every file in tests/data/models/bad/ is one CTest test (modellang_bad.<name>): its first
# line "# expect: LINE:COL: KEY: TEXT" is the error TTModelLangParse must give (the
# fixtures are written by tests/data/models/make_bad.py, which finds each location by
# searching the file, independently of the parser).
add_executable(test_modellang_bad ${TT_SOURCE_DIR}/tests/unit/test_modellang_bad.c)
target_link_libraries(test_modellang_bad PRIVATE tt_core tt_warnings)
target_include_directories(test_modellang_bad PRIVATE ${TT_SOURCE_DIR}/tests/unit)
file(GLOB TT_MODELLANG_BAD_FIXTURES CONFIGURE_DEPENDS ${TT_SOURCE_DIR}/tests/data/models/bad/*.yaml)
foreach(fixture ${TT_MODELLANG_BAD_FIXTURES})
  get_filename_component(stem ${fixture} NAME_WE)
  add_test(NAME modellang_bad.${stem} COMMAND test_modellang_bad ${fixture})
  set_tests_properties(modellang_bad.${stem} PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
tt_unit_test(test_modellang ${TT_SOURCE_DIR}/tests/unit/test_modellang.c LIBS tt_core)
target_compile_definitions(test_modellang PRIVATE TT_SOURCE_DIR="${TT_SOURCE_DIR}")
add_test(NAME model_file_trial_on_ranks_and_cache COMMAND bash ${TT_SOURCE_DIR}/tests/mpi/model_file.sh ${TT_TWINTRIAL})
set_tests_properties(model_file_trial_on_ranks_and_cache PROPERTIES LABELS mpi TIMEOUT 600 ENVIRONMENT "${TT_MPI_ENV}")
