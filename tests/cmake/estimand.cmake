# Treatment discontinuation and the estimands' true values: closed forms on a model file
# with a constant effect (washout mixture, hypothetical, while on treatment), and the three
# estimands coinciding without discontinuation.
tt_unit_test(test_estimand ${TT_SOURCE_DIR}/tests/unit/test_estimand.c LIBS tt_core)
target_compile_definitions(test_estimand PRIVATE TT_DISC_DIR="${TT_SOURCE_DIR}/tests/data/protocols/discontinuation")
