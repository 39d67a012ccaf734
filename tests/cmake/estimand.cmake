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
# Rescue on an observed value (tests/data/protocols/discontinuation/rescue.yaml): every
# twin's rescue time and course under every arm against the flat model's closed form, the
# three estimands' true values recomputed, on 3 ranks; and bitwise the same on 1 rank.
add_test(NAME rescue_courses_match_closed_form_and_ranks COMMAND sh -c "
  ${TT_MPIEXEC} -n 3 --oversubscribe ${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/discontinuation/rescue.yaml \
    -o rescue3.h5 --force --progress none -tt_block 7 >/dev/null &&
  ${TT_MPIEXEC} -n 1 ${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/discontinuation/rescue.yaml \
    -o rescue1.h5 --force --progress none >/dev/null &&
  ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/validation/check_rescue.py rescue3.h5 &&
  for g in /subjects /counterfactual /outcomes /analyses /summary; do h5diff -r rescue1.h5 rescue3.h5 \$g \$g >/dev/null || { echo \"FAIL: \$g differs on 1 and 3 ranks\"; exit 1; }; done")
set_tests_properties(rescue_courses_match_closed_form_and_ranks PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
