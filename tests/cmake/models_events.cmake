# Event-generating models: oncology_tgi_os (Claret 2014 TGI + log-normal OS) and
# ms_relapse (negative binomial relapses), unit tests against MODELS.md §3 and §4.
tt_unit_test(test_model_oncology ${TT_SOURCE_DIR}/tests/unit/test_model_oncology.c LIBS tt_core)
tt_unit_test(test_model_ms ${TT_SOURCE_DIR}/tests/unit/test_model_ms.c LIBS tt_core)
