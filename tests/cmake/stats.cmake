# stats module: distribution functions, Welch, OLS/ANCOVA and OC summaries against
# known answers computed with R (literals in the test, each with its R expression).
tt_unit_test(test_stats ${TT_SOURCE_DIR}/tests/unit/test_stats.c LIBS tt_pure)
