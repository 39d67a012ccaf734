# Analysis options against R: categorical covariates as factor() (treatment contrasts)
# and numeric(), stratification by named covariates (strata: [...]) for log-rank and Cox,
# and non-inferiority margins with their textbook tests (t, Wald z on the log ratio,
# Farrington-Manning score for a risk difference, with the score CI inverting it).
foreach(what ad oncology ms)
  add_test(NAME methods_match_r_options_${what}
    COMMAND ${TT_SOURCE_DIR}/tests/validation/methods_vs_r.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}"
            ${TT_SOURCE_DIR}/tests/data/protocols/options_${what}.yaml options_${what})
  set_tests_properties(methods_match_r_options_${what} PROPERTIES LABELS validation SKIP_RETURN_CODE 77
    ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
# tt_stats_risk_diff_score on 40 tables against R (rpact's Farrington-Manning restricted
# MLE, uniroot for the score CI, prop.test at margin 0).
add_executable(tt_rd_score ${TT_SOURCE_DIR}/tests/validation/rd_score.c)
target_link_libraries(tt_rd_score PRIVATE tt_pure tt_warnings)
if(TT_RSCRIPT)
  add_test(NAME risk_difference_score_test_matches_r
    COMMAND sh -c "'${TT_RSCRIPT}' -e 'library(rpact)' >/dev/null 2>&1 || { echo 'SKIP: no R or rpact'; exit 77; }; '${TT_RSCRIPT}' ${TT_SOURCE_DIR}/tests/validation/rd_score_vs_r.R $<TARGET_FILE:tt_rd_score>")
  set_tests_properties(risk_difference_score_test_matches_r PROPERTIES LABELS validation SKIP_RETURN_CODE 77)
endif()
# Each analysis's arms (randomised, analysed, dropped out, events, responders) stored per
# replicate equal what the stored twins give, their means are in /summary, and `twintrial
# summary` prints them with alpha, sidedness and coverage's MC SE.
foreach(what ad oncology ms)
  add_test(NAME summary_reports_arms_options_${what}
    COMMAND ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/outputs/check_arms.py ${TT_TWINTRIAL}
            ${TT_SOURCE_DIR}/tests/data/protocols/options_${what}.yaml)
  set_tests_properties(summary_reports_arms_options_${what} PROPERTIES LABELS unit TIMEOUT 300
    ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
