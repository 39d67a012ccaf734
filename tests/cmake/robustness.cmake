# What a new user or model author meets first: a model type lacking a callback is
# refused with a located error (never called), the Markdown files the sources cite
# exist, and the Python reader imports the documented ways.
tt_unit_test(test_model_registry ${TT_SOURCE_DIR}/tests/unit/test_model_registry.c LIBS tt_core)
target_compile_definitions(test_model_registry PRIVATE
  TT_MODEL_FIXTURES="${TT_SOURCE_DIR}/tests/data/bad_inputs/model")
set_tests_properties(test_model_registry PROPERTIES LABELS "unit;reliability")
add_test(NAME docs_cite_only_files_in_the_repository
  COMMAND bash ${TT_SOURCE_DIR}/tests/docs/references.sh ${TT_SOURCE_DIR})
set_tests_properties(docs_cite_only_files_in_the_repository PROPERTIES LABELS unit)
add_test(NAME python_reader_imports_as_documented
  COMMAND bash ${TT_SOURCE_DIR}/tests/docs/python_import.sh ${TT_SOURCE_DIR} ${TT_PYTHON})
set_tests_properties(python_reader_imports_as_documented PROPERTIES LABELS unit TIMEOUT 300 SKIP_RETURN_CODE 77)
# The suite passes on a loaded machine: every timeout scales with the tool it runs under.
add_test(NAME suite_timeouts_scale_with_the_tool
  COMMAND bash ${TT_SOURCE_DIR}/tests/reliability/timeouts.sh ${TT_SOURCE_DIR})
set_tests_properties(suite_timeouts_scale_with_the_tool PROPERTIES LABELS reliability TIMEOUT 300)
