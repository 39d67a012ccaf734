# twin (personalisation), verification of the MAP estimates and forecasts:
# (b) MAP estimates, objectives and standard errors of `twintrial personalise` against R's optim
#     on the same posterior written independently in R (ADAS-Cog closed form; T2D ODE with
#     deSolve::lsoda), five patients each; skipped (77) without R or deSolve.
add_test(NAME twin_map_matches_r_optim
  COMMAND ${TT_SOURCE_DIR}/tests/validation/twin_map_vs_r.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}")
set_tests_properties(twin_map_matches_r_optim PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
# (c) simulation-based calibration on shipped protocols (twin_calibration.sh): twins simulated by
#     `twintrial run`, personalised from their early visits (analysis/observations.py), their later
#     visits forecast: 90% prediction intervals cover 88-92% of the later observations, personalised
#     forecasts beat the baseline-only (prognostic) and population predictions in RMSE;
# (d) eta-shrinkage in twins.h5 and the summary equals its recomputation from twins.csv.
foreach(case ad t2d t2d_history)
  add_test(NAME twin_forecasts_calibrated_${case}
    COMMAND ${TT_SOURCE_DIR}/tests/validation/twin_calibration.sh ${TT_TWINTRIAL} ${TT_PYTHON} ${case})
  set_tests_properties(twin_forecasts_calibrated_${case} PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
# /twins/omega (the prior behind the shrinkage) written alike whichever rank fits the patients.
add_test(NAME twin_prior_written_on_any_rank_count
  COMMAND ${TT_SOURCE_DIR}/tests/validation/twin_omega_ranks.sh ${TT_TWINTRIAL} ${TT_PYTHON})
set_tests_properties(twin_prior_written_on_any_rank_count PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}")
# analysis/observations.py writes the stored twins' values exactly, relabelled as asked, in files
# personalise reads; its mistakes are one line and exit status 1.
add_test(NAME observations_converter_writes_stored_twins
  COMMAND ${TT_SOURCE_DIR}/tests/validation/observations_round_trip.sh ${TT_TWINTRIAL} ${TT_PYTHON})
set_tests_properties(observations_converter_writes_stored_twins PROPERTIES LABELS validation ENVIRONMENT "${TT_MPI_ENV}")
