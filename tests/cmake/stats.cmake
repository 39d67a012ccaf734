# stats module: distribution functions, Welch, OLS/ANCOVA and OC summaries against
# known answers computed with R (literals in the test, each with its R expression).
tt_unit_test(test_stats ${TT_SOURCE_DIR}/tests/unit/test_stats.c LIBS tt_pure)

# MMRM engine: a CSV driver the R comparison (tests/validation/mmrm_vs_r.sh) runs.
add_executable(mmrm_csv ${TT_SOURCE_DIR}/tests/validation/mmrm_csv.c)
target_link_libraries(mmrm_csv PRIVATE tt_mmrm tt_warnings)
add_test(NAME mmrm_matches_r_nlme_gls COMMAND ${TT_SOURCE_DIR}/tests/validation/mmrm_vs_r.sh $<TARGET_FILE:mmrm_csv>
  "${TT_RSCRIPT}")
set_tests_properties(mmrm_matches_r_nlme_gls PROPERTIES LABELS validation SKIP_RETURN_CODE 77 TIMEOUT 600)
# Multiple imputation: a CSV driver the R comparison (tests/validation/mi_vs_r.sh) runs.
add_executable(mi_csv ${TT_SOURCE_DIR}/tests/validation/mi_csv.c)
target_link_libraries(mi_csv PRIVATE tt_mi tt_warnings)
add_test(NAME mi_matches_r_mice_and_closed_forms COMMAND ${TT_SOURCE_DIR}/tests/validation/mi_vs_r.sh $<TARGET_FILE:mi_csv>
  "${TT_RSCRIPT}")
set_tests_properties(mi_matches_r_mice_and_closed_forms PROPERTIES LABELS validation SKIP_RETURN_CODE 77 TIMEOUT 1500)
add_test(NAME mi_matches_r_on_exported_replicate
  COMMAND ${TT_SOURCE_DIR}/tests/validation/mi_export_vs_r.sh ${TT_TWINTRIAL}
          ${TT_SOURCE_DIR}/tests/data/protocols/ad_mi.yaml $<TARGET_FILE:mi_csv> "${TT_RSCRIPT}")
set_tests_properties(mi_matches_r_on_exported_replicate PROPERTIES LABELS validation SKIP_RETURN_CODE 77 TIMEOUT 600
  ENVIRONMENT "${TT_MPI_ENV}")
# MI with treatment discontinuation: the stored analyses equal the module on the exported
# data with each twin's intercurrent event computed in R from its discontinuation time.
add_test(NAME mi_anchors_at_the_intercurrent_event_on_exported_replicate
  COMMAND ${TT_SOURCE_DIR}/tests/validation/mi_export_vs_r.sh ${TT_TWINTRIAL}
          ${TT_SOURCE_DIR}/tests/data/protocols/ad_mi_ice.yaml $<TARGET_FILE:mi_csv> "${TT_RSCRIPT}"
          mi_ice_export_vs_r.R)
set_tests_properties(mi_anchors_at_the_intercurrent_event_on_exported_replicate PROPERTIES LABELS validation
  SKIP_RETURN_CODE 77 TIMEOUT 600 ENVIRONMENT "${TT_MPI_ENV}")
# Intermittent missed visits: their rate, the MMRM (against nlme::gls) and MI (against
# mice by chained equations) on an exported replicate with non-monotone data.
add_test(NAME missed_visits_match_r_on_exported_replicate
  COMMAND ${TT_SOURCE_DIR}/tests/validation/missed_visits_vs_r.sh ${TT_TWINTRIAL}
          ${TT_SOURCE_DIR}/tests/data/protocols/ad_missed.yaml $<TARGET_FILE:mmrm_csv> $<TARGET_FILE:mi_csv>
          "${TT_RSCRIPT}")
set_tests_properties(missed_visits_match_r_on_exported_replicate PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  TIMEOUT 900 ENVIRONMENT "${TT_MPI_ENV}")
tt_unit_test(test_mi ${TT_SOURCE_DIR}/tests/unit/test_mi.c LIBS tt_mi)
# Reference-based MI against a published worked example (rbmi's J2R on the antidepressant trial).
add_test(NAME mi_jump_to_reference_reproduces_published_example
  COMMAND ${TT_SOURCE_DIR}/tests/validation/mi_antidepressant.sh $<TARGET_FILE:mi_csv>
          ${TT_SOURCE_DIR}/tests/data/mi/antidepressant.csv)
set_tests_properties(mi_jump_to_reference_reproduces_published_example PROPERTIES LABELS validation TIMEOUT 300)
add_test(NAME mmrm_kenward_roger_matches_r COMMAND ${TT_SOURCE_DIR}/tests/validation/mmrm_kr_vs_r.sh
  $<TARGET_FILE:mmrm_csv> "${TT_RSCRIPT}")
set_tests_properties(mmrm_kenward_roger_matches_r PROPERTIES LABELS validation SKIP_RETURN_CODE 77 TIMEOUT 900)
tt_unit_test(test_mmrm ${TT_SOURCE_DIR}/tests/unit/test_mmrm.c LIBS tt_mmrm)
add_test(NAME mmrm_matches_r_on_exported_replicate
  COMMAND ${TT_SOURCE_DIR}/tests/validation/mmrm_export_vs_r.sh ${TT_TWINTRIAL}
          ${TT_SOURCE_DIR}/tests/data/protocols/ad_mmrm.yaml $<TARGET_FILE:mmrm_csv> "${TT_RSCRIPT}")
set_tests_properties(mmrm_matches_r_on_exported_replicate PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
add_test(NAME mmrm_fallback_reported
  COMMAND ${TT_SOURCE_DIR}/tests/unit/mmrm_fallback.sh ${TT_TWINTRIAL} ${TT_SOURCE_DIR}/tests/data/protocols/ad_mmrm.yaml)
set_tests_properties(mmrm_fallback_reported PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
