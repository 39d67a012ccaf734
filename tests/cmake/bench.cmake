# Performance benchmarks (tests/bench/run.sh; README "Performance"). Not part of the
# default build or test run: the bench drivers are EXCLUDE_FROM_ALL (run.sh builds
# them) and the CTest test `bench` (label bench) exists only with -DTT_BENCH=ON:
#   cmake -B build -DTT_BENCH=ON && ctest --test-dir build -L bench --output-on-failure
# or, without CTest, in any configured build directory:  tests/bench/run.sh build
option(TT_BENCH "Register the performance benchmark (tests/bench/run.sh) as CTest test 'bench'" OFF)

add_executable(tt_bench_sim EXCLUDE_FROM_ALL ${TT_SOURCE_DIR}/tests/bench/bench_sim.c)
target_link_libraries(tt_bench_sim PRIVATE tt_core tt_warnings)
add_executable(tt_bench_twin_gradient EXCLUDE_FROM_ALL ${TT_SOURCE_DIR}/tests/bench/bench_twin_gradient.c)
target_link_libraries(tt_bench_twin_gradient PRIVATE tt_twin tt_warnings)
target_include_directories(tt_bench_twin_gradient PRIVATE ${TT_SOURCE_DIR}/tests/unit)
add_executable(tt_bench_modellang EXCLUDE_FROM_ALL ${TT_SOURCE_DIR}/tests/bench/bench_modellang.c)
target_link_libraries(tt_bench_modellang PRIVATE tt_core tt_warnings)
add_executable(tt_bench_mmrm EXCLUDE_FROM_ALL ${TT_SOURCE_DIR}/tests/bench/bench_mmrm.c)
target_link_libraries(tt_bench_mmrm PRIVATE tt_mmrm tt_warnings)
add_executable(tt_bench_mpi_start EXCLUDE_FROM_ALL ${TT_SOURCE_DIR}/tests/bench/mpi_start.c)
target_link_libraries(tt_bench_mpi_start PRIVATE MPI::MPI_C tt_warnings)

if(TT_BENCH)
  add_test(NAME bench COMMAND ${TT_SOURCE_DIR}/tests/bench/run.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(bench PROPERTIES LABELS bench TIMEOUT 1800 RUN_SERIAL TRUE ENVIRONMENT "${TT_MPI_ENV}")
endif()
