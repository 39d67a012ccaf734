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
