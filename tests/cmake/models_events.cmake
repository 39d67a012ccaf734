# Event-generating models: oncology_tgi_os (Claret 2014 TGI + log-normal OS, with a Gompertz
# plateau) and ms_relapse (negative binomial relapses), unit tests against their closed forms;
# and the RECIST-confirmed best_response endpoint on hand-made trajectories.
tt_unit_test(test_model_oncology ${TT_SOURCE_DIR}/tests/unit/test_model_oncology.c LIBS tt_core)
tt_unit_test(test_model_ms ${TT_SOURCE_DIR}/tests/unit/test_model_ms.c LIBS tt_core)
tt_unit_test(test_endpoint_recist ${TT_SOURCE_DIR}/tests/unit/test_endpoint_recist.c LIBS tt_core)
target_compile_definitions(test_endpoint_recist PRIVATE TT_PROTOCOL_DIR="${TT_SOURCE_DIR}/protocols")
# Physiological plausibility: every shipped protocol with 10^5 twins, every value of every
# variable (observed and counterfactual, every arm and visit) inside its model's ranges.
add_test(NAME every_model_stays_in_its_plausible_ranges
  COMMAND ${TT_SOURCE_DIR}/tests/validation/plausible.sh ${TT_TWINTRIAL} ${TT_PYTHON})
# COST: the longest test starts first under ctest -j (a fresh build has no timing data).
set_tests_properties(every_model_stays_in_its_plausible_ranges PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}"
                                                                          COST 500)
