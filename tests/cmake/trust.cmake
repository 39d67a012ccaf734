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
# A rank-deficient analysis: every replicate ok = 0 with reason "rank deficient" in
# analyses.csv, counted in the summary, power 0 (failed replicates do not reject).
add_test(NAME rank_deficient_analysis_has_a_reason COMMAND sh -c
  "${TT_TWINTRIAL} run ${TT_SOURCE_DIR}/tests/data/protocols/rank_deficient.yaml -o rank_deficient.h5 --force --progress none > rank_deficient.log && rm -rf rank_deficient_csv && ${TT_TWINTRIAL} export rank_deficient.h5 --csv rank_deficient_csv > /dev/null && grep -q '6 replicate(s) could not be analysed (rank deficient 6): counted as not rejecting in power' rank_deficient.log && test $(grep -c '^collinear,.*,0,rank deficient,' rank_deficient_csv/analyses.csv) = 6 && test $(grep -c '^primary,.*,1,,' rank_deficient_csv/analyses.csv) = 6 && grep -q '^collinear  *0  0.0000 (0.0000)  *none' rank_deficient.log && grep -q 'collinear none (no replicate analysed)' rank_deficient.log")
set_tests_properties(rank_deficient_analysis_has_a_reason PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
