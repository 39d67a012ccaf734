# Event-generating models: oncology_tgi_os (Claret 2014 TGI + log-normal OS, with a Gompertz
# plateau) and ms_relapse (negative binomial relapses), unit tests against their closed forms;
# and the RECIST-confirmed best_response endpoint on hand-made trajectories.
tt_unit_test(test_model_oncology ${TT_SOURCE_DIR}/tests/unit/test_model_oncology.c LIBS tt_core)
tt_unit_test(test_model_ms ${TT_SOURCE_DIR}/tests/unit/test_model_ms.c LIBS tt_core)
tt_unit_test(test_endpoint_confirm ${TT_SOURCE_DIR}/tests/unit/test_endpoint_confirm.c LIBS tt_core)
target_compile_definitions(test_endpoint_confirm PRIVATE TT_PROTOCOL_DIR="${TT_SOURCE_DIR}/protocols")
