# Forward sensitivities of a trajectory (src/sim/sim_sens.c): against the closed form of a
# dosing model with moving doses, central differences of the shipped ODE models at rtol
# 1e-12, and the closed-form path; TTSimTrajectoryHistory unchanged by sensitivity runs.
tt_unit_test(test_sim_sens ${TT_SOURCE_DIR}/tests/unit/test_sim_sens.c LIBS tt_core)
