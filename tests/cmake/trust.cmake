# No silent statistical errors: separation only where the maximum-likelihood estimate
# does not exist (Konis's LP, solved in R by lpSolve), every failed analysis with a
# reason, the negative binomial fitted wherever its MLE exists; analytic power against
# R's closed forms. R: r-base-core r-cran-mass r-cran-lpsolve (skipped, code 77, without).
foreach(what logistic counts ms)
  add_test(NAME separation_and_reasons_match_r_${what}
    COMMAND ${TT_SOURCE_DIR}/tests/validation/separation_vs_r.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}" ${TT_SOURCE_DIR} ${what})
  set_tests_properties(separation_and_reasons_match_r_${what} PROPERTIES LABELS validation SKIP_RETURN_CODE 77
    ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
endforeach()
add_test(NAME analytic_power_matches_r
  COMMAND ${TT_SOURCE_DIR}/tests/validation/analytic_vs_r.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}" ${TT_SOURCE_DIR})
set_tests_properties(analytic_power_matches_r PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
