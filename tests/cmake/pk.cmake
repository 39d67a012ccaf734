# PK models (pk_1cmt_oral: metformin, Yoon 2013; pk_2cmt_oral: donepezil, Jung 2022) and
# the sim module's dosing events: closed-form superposition, steady-state Css,avg,
# trough convention, determinism of a reused TS.
tt_unit_test(test_model_pk ${TT_SOURCE_DIR}/tests/unit/test_model_pk.c LIBS tt_core)
# Non-compartmental endpoints (peak, time_of_peak, auc) recomputed in R from the stored
# observed samples, with dropout and missed visits; identical on 1, 2 and 3 ranks.
add_test(NAME nca_endpoints_match_r
  COMMAND ${TT_SOURCE_DIR}/tests/validation/nca_vs_r.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}")
set_tests_properties(nca_endpoints_match_r PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")
