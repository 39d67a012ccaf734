# Personalisation interface of every shipped model: the observation density (log_density,
# M3 censoring), the random effects' prior (omega, log_prior) and the untreated course
# before randomisation. Unit test: observe()'s draws follow log_density (PIT), the density
# is the derivative of the censored CDF, omega is draw_latent's covariance, t < 0 closed
# forms. Validation: every case against R (dbeta, dlnorm, dnorm/pnorm, dpois, dgamma,
# trigamma), skipped (77) without Rscript.
tt_unit_test(test_model_density ${TT_SOURCE_DIR}/tests/unit/test_model_density.c LIBS tt_core)

add_executable(density_cases ${TT_SOURCE_DIR}/tests/validation/density_cases.c)
target_link_libraries(density_cases PRIVATE tt_core tt_warnings)
add_dependencies(test_model_density density_cases)
add_test(NAME model_densities_match_r
  COMMAND ${TT_SOURCE_DIR}/tests/validation/density_vs_r.sh $<TARGET_FILE:density_cases> "${TT_RSCRIPT}")
set_tests_properties(model_densities_match_r PROPERTIES LABELS validation SKIP_RETURN_CODE 77)
tt_unit_test(test_model_prior ${TT_SOURCE_DIR}/tests/unit/test_model_prior.c LIBS tt_core)
