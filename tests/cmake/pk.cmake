# PK models (pk_1cmt_oral: metformin, Yoon 2013; pk_2cmt_oral: donepezil, Jung 2022) and
# the sim module's dosing events: closed-form superposition, steady-state Css,avg,
# trough convention, determinism of a reused TS.
tt_unit_test(test_model_pk ${TT_SOURCE_DIR}/tests/unit/test_model_pk.c LIBS tt_core)
