# protocol: YAML reader, protocol parsing/validation, View round trip, overrides.
# Every file in tests/data/protocols/bad/ is one CTest test (protocol_bad.<name>):
# its first line "# expect: LINE:COL: KEY: TEXT" is the error TTProtocolLoad must give.
tt_unit_test(test_protocol ${TT_SOURCE_DIR}/tests/unit/test_protocol.c LIBS tt_core)
target_compile_definitions(test_protocol PRIVATE TT_TEST_DATA_DIR="${TT_SOURCE_DIR}/tests/data"
                                                 TT_TEST_OUT_DIR="${CMAKE_CURRENT_BINARY_DIR}")

add_executable(test_protocol_bad ${TT_SOURCE_DIR}/tests/unit/test_protocol_bad.c)
target_link_libraries(test_protocol_bad PRIVATE tt_core tt_warnings)
tt_memcheck(test_protocol_bad)
target_include_directories(test_protocol_bad PRIVATE ${TT_SOURCE_DIR}/tests/unit)
file(GLOB TT_PROTOCOL_BAD_FIXTURES CONFIGURE_DEPENDS ${TT_SOURCE_DIR}/tests/data/protocols/bad/*.yaml)
# Sampled under the tools (every 12th with memcheck, every 3rd with the sanitizers): the
# fuzz targets run this parser under ASan+UBSan on millions of inputs; all run in release.
tt_sample(TT_PROTOCOL_BAD_FIXTURES 12 3 ${TT_PROTOCOL_BAD_FIXTURES})
foreach(fixture ${TT_PROTOCOL_BAD_FIXTURES})
  get_filename_component(stem ${fixture} NAME_WE)
  add_test(NAME protocol_bad.${stem} COMMAND test_protocol_bad ${fixture})
  set_tests_properties(protocol_bad.${stem} PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
