# Twin-guided arms (src/guided): the chooser through the trial, one replicate at a time
# (tests/unit/test_guided.c, protocols in tests/data/protocols/guided).
set(TT_GUIDED_DIR ${TT_SOURCE_DIR}/tests/data/protocols/guided)
add_executable(test_guided ${TT_SOURCE_DIR}/tests/unit/test_guided.c)
target_link_libraries(test_guided PRIVATE tt_guided tt_warnings)
target_include_directories(test_guided PRIVATE ${TT_SOURCE_DIR}/tests/unit)
tt_memcheck(test_guided)
add_test(NAME guided_figures_are_consistent COMMAND test_guided ${TT_GUIDED_DIR}/t2d_guided.yaml 2)
set_tests_properties(guided_figures_are_consistent PROPERTIES LABELS "unit;guided")
add_test(NAME guided_perfect_information_finds_the_oracle COMMAND test_guided ${TT_GUIDED_DIR}/t2d_perfect.yaml 2 perfect)
add_test(NAME guided_without_information_equals_best_single COMMAND test_guided ${TT_GUIDED_DIR}/t2d_prior.yaml 6 prior)
set_tests_properties(guided_perfect_information_finds_the_oracle guided_without_information_equals_best_single
  PROPERTIES LABELS "validation;guided")
# 1 to 4 ranks, and stopped on 2 ranks then resumed on 3: identical (tests/mpi/guided.sh)
add_test(NAME guided_identical_on_1_to_4_ranks_and_after_resume
  COMMAND ${TT_SOURCE_DIR}/tests/mpi/guided.sh ${TT_TWINTRIAL} ${TT_GUIDED_DIR}/t2d_guided.yaml)
set_tests_properties(guided_identical_on_1_to_4_ranks_and_after_resume PROPERTIES LABELS "mpi;guided"
  ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 900)
# forecast: delta_method against forecast: draws on the same trial (same twins, observations and
# posterior draws): oracle agreement and regret within 2.5 paired MC SEs (tests/validation/guided_delta.sh)
add_test(NAME guided_delta_forecast_agrees_with_draws
  COMMAND bash ${TT_SOURCE_DIR}/tests/validation/guided_delta.sh ${TT_TWINTRIAL} ${TT_GUIDED_DIR}/t2d_guided.yaml 6 100)
set_tests_properties(guided_delta_forecast_agrees_with_draws PROPERTIES LABELS "validation;guided"
  ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 900)
# the same with forecast: delta_method and a rescue on both arms (rescued guided twins
# leave their chooser): under memcheck and the sanitizers too
add_test(NAME guided_delta_identical_on_1_to_4_ranks_and_after_resume
  COMMAND ${TT_SOURCE_DIR}/tests/mpi/guided.sh ${TT_TWINTRIAL} ${TT_GUIDED_DIR}/t2d_guided_delta.yaml)
set_tests_properties(guided_delta_identical_on_1_to_4_ranks_and_after_resume PROPERTIES LABELS "mpi;guided"
  ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 900)
# the guided arms' shortcuts (Gauss-Newton step rule, fit and forecast tolerance 1e-6) against the
# full computation: the same policy for nearly every twin, the same figures within MC error
# (tests/validation/guided_fast.sh)
add_test(NAME guided_shortcuts_agree_with_full_computation
  COMMAND bash ${TT_SOURCE_DIR}/tests/validation/guided_fast.sh ${TT_TWINTRIAL} ${TT_GUIDED_DIR}/t2d_guided.yaml 6 100)
set_tests_properties(guided_shortcuts_agree_with_full_computation PROPERTIES LABELS "validation;guided"
  ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 600)
