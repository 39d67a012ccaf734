# twin (personalisation), verification of issue "The two-way link", point 4:
# (b) MAP estimates, objectives and standard errors of `twintrial personalise` against R's optim
#     on the same posterior written independently in R (ADAS-Cog closed form; T2D ODE with
#     deSolve::lsoda), five patients each; skipped (77) without R or deSolve.
add_test(NAME twin_map_matches_r_optim
  COMMAND ${TT_SOURCE_DIR}/tests/validation/twin_map_vs_r.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}")
set_tests_properties(twin_map_matches_r_optim PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
