# Guided arms in the results file: the summary arithmetic (means and Monte-Carlo SEs over
# replicates) against a direct computation and closed forms, from a synthetic group.
tt_unit_test(test_store_guided ${TT_SOURCE_DIR}/tests/unit/test_store_guided.c LIBS tt_core)
# The guided arms read back, from a fresh run with /guided groups added as the store writes
# them: `twintrial summary`'s blocks, guided.csv (exact columns and values, none without
# guided arms), the Python reader and, where Rscript and hdf5r are installed, the R reader.
add_test(NAME guided_outputs_summary_csv_readers
  COMMAND ${TT_PYTHON} ${TT_SOURCE_DIR}/tests/outputs/check_guided.py ${TT_TWINTRIAL}
          ${TT_SOURCE_DIR}/protocols/alzheimers_procova.yaml "${TT_RSCRIPT}")
set_tests_properties(guided_outputs_summary_csv_readers PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 300)
# The guided arms through the store as a run writes them (synthetic figures, a protocol's
# arm made guided in memory): stored as given, summary against a direct computation,
# a stopped and resumed file bitwise equal to an uninterrupted one, summary and export
# reading it back; on 1 and 2 ranks, /guided identical (h5diff).
add_executable(test_store_guided_write ${TT_SOURCE_DIR}/tests/unit/test_store_guided_write.c)
target_link_libraries(test_store_guided_write PRIVATE tt_core tt_warnings)
target_include_directories(test_store_guided_write PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests/unit)
tt_program(TT_GW_PROGRAM test_store_guided_write)
set(TT_GW "${TT_GW_PROGRAM} ${TT_SOURCE_DIR}/tests/data/protocols/switch/t2d_escalation.yaml")
add_test(NAME guided_store_write_resume_1_2_ranks COMMAND sh -c
  "rm -rf guided_w1 guided_w2 && mkdir guided_w1 guided_w2 && ${TT_MPIEXEC} -n 1 ${TT_GW} guided_w1 && ${TT_MPIEXEC} -n 2 ${TT_GW} guided_w2 && h5diff -r guided_w1/a.h5 guided_w2/a.h5 /guided /guided && h5diff -r guided_w1/b.h5 guided_w2/b.h5 /guided /guided")
set_tests_properties(guided_store_write_resume_1_2_ranks PROPERTIES LABELS "unit;mpi" ENVIRONMENT "${TT_MPI_ENV}"
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} TIMEOUT 300)
