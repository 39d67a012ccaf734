# Forward sensitivities of a trajectory (src/sim/sim_sens.c): against the closed form of a
# dosing model with moving doses, central differences of the shipped ODE models at rtol
# 1e-12, and the closed-form path; TTSimTrajectoryHistory unchanged by sensitivity runs.
tt_unit_test(test_sim_sens ${TT_SOURCE_DIR}/tests/unit/test_sim_sens.c LIBS tt_core)
# Models' exact sensitivity right-hand sides (rhs_sens) against differences of rhs at random
# twins, arms and regimen segments, and the sim's sensitivities with them against those by
# differences (the same model without the hook).
tt_unit_test(test_model_sens ${TT_SOURCE_DIR}/tests/unit/test_model_sens.c LIBS tt_core)
# Personalisation's gradient from those sensitivities (-tt_twin_gradient sensitivity) against
# central differences of the objective at rtol 1e-12, on T2D (history) and metformin PK (doses).
tt_unit_test(test_twin_sens ${TT_SOURCE_DIR}/tests/unit/test_twin_sens.c LIBS tt_twin)
target_compile_definitions(test_twin_sens PRIVATE TT_TWIN_T2D="${TT_SOURCE_DIR}/tests/data/twin/t2d.yaml"
                                                  TT_TWIN_PK="${TT_SOURCE_DIR}/protocols/pk_metformin_dosing.yaml")
set_tests_properties(test_twin_sens PROPERTIES LABELS "unit;twin")
# -tt_twin_gradient through the command line: fd and sensitivity fits of the README's T2D
# example agree (eta 1e-5, objective 1e-9), sensitivity is the ODE default and fd the closed-form
# one, a bad value is refused.
add_test(NAME personalise_gradient_option COMMAND bash ${TT_SOURCE_DIR}/tests/twin/gradient_option.sh ${TT_TWINTRIAL} ${TT_SOURCE_DIR})
set_tests_properties(personalise_gradient_option PROPERTIES LABELS "unit;twin" ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 300)
# Fits that used to stall next to the mode (Tao's absolute gatol below f's noise): they
# converge by twin_stall.c's test, at a tight reference fit's mode, with either gradient.
add_test(NAME personalise_stalled_fits_converge COMMAND bash ${TT_SOURCE_DIR}/tests/twin/stall.sh ${TT_TWINTRIAL} ${TT_SOURCE_DIR})
set_tests_properties(personalise_stalled_fits_converge PROPERTIES LABELS "unit;twin" ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 300)
# Gauss-Newton fits and the Gauss-Newton Laplace Hessian (-tt_twin_method, -tt_twin_laplace)
# against the quasi-Newton fit and the difference Hessian, on T2D and metformin PK.
tt_unit_test(test_twin_gn ${TT_SOURCE_DIR}/tests/unit/test_twin_gn.c LIBS tt_twin)
target_compile_definitions(test_twin_gn PRIVATE TT_TWIN_T2D="${TT_SOURCE_DIR}/tests/data/twin/t2d.yaml"
                                                TT_TWIN_PK="${TT_SOURCE_DIR}/protocols/pk_metformin_dosing.yaml"
                                                TT_TWIN_T2D_FILE="${TT_SOURCE_DIR}/tests/data/twin/t2d_file.yaml"
                                                TT_PK_FILE="${TT_SOURCE_DIR}/tests/data/models/good/pk_1cmt_oral.yaml")
set_tests_properties(test_twin_gn PROPERTIES LABELS "unit;twin")
