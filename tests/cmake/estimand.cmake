# Treatment discontinuation and the estimands' true values: closed forms on a model file
# with a constant effect (washout mixture, hypothetical, while on treatment), and the three
# estimands coinciding without discontinuation.
tt_unit_test(test_estimand ${TT_SOURCE_DIR}/tests/unit/test_estimand.c LIBS tt_core)
target_compile_definitions(test_estimand PRIVATE TT_DISC_DIR="${TT_SOURCE_DIR}/tests/data/protocols/discontinuation")
# End to end on 2 ranks with every discontinuation form: withdrawal on stopping and
# retrieved dropouts both present, /outcomes missing exactly after dropout, the
# treatment-policy true value recomputed from /counterfactual, the estimands named.
add_test(NAME estimand_discontinuation_end_to_end COMMAND sh -c "
  ${TT_MPIEXEC} -n 2 ${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/discontinuation/mixed.yaml \
    -o estimand_mixed.h5 --force --progress none >/dev/null && ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/validation/check_estimands.py estimand_mixed.h5")
set_tests_properties(estimand_discontinuation_end_to_end PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
