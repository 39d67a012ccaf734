# Outputs statisticians use: the CSV / ADaM export, the R and Python readers and the
# HTML report (analysis/). Each test makes its own small run (<= 20 replicates x 200
# twins) or a hand-made HDF5 file (tests/outputs/outputs_common.py) in a temporary
# directory. Python: Debian's /usr/bin/python3 with python3-h5py python3-pandas
# python3-matplotlib python3-numpy; R: r-base-core r-cran-hdf5r (skipped, code 77, without).
set(TT_OUTPUTS ${TT_SOURCE_DIR}/tests/outputs)
set(TT_OUTPUTS_PROTOCOL ${TT_SOURCE_DIR}/protocols/alzheimers_procova.yaml)

function(tt_outputs_test name label)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS ${label} ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 300)
endfunction()

tt_outputs_test(export_csv_values_equal_hdf5 unit
  ${TT_PYTHON} ${TT_OUTPUTS}/check_export.py roundtrip ${TT_TWINTRIAL} ${TT_OUTPUTS_PROTOCOL})
# analyses.csv holds every per-replicate dataset of /analyses (a time-to-event protocol:
# the Kaplan-Meier medians and their CIs too).
tt_outputs_test(export_analyses_csv_holds_every_analysis_dataset unit
  ${TT_PYTHON} ${TT_OUTPUTS}/check_export.py roundtrip ${TT_TWINTRIAL} ${TT_SOURCE_DIR}/protocols/oncology_nsclc.yaml)
tt_outputs_test(export_adam_datasets_complete_and_consistent unit
  ${TT_PYTHON} ${TT_OUTPUTS}/check_export.py adam ${TT_TWINTRIAL} ${TT_OUTPUTS_PROTOCOL})
tt_outputs_test(export_time_to_event_endpoint_gives_adtte unit
  ${TT_PYTHON} ${TT_OUTPUTS}/check_export.py crafted ${TT_TWINTRIAL})
tt_outputs_test(python_reader_loads_every_dataset unit
  ${TT_PYTHON} ${TT_OUTPUTS}/check_readers.py python ${TT_TWINTRIAL} ${TT_OUTPUTS_PROTOCOL})
tt_outputs_test(report_renders_from_fresh_run unit
  ${TT_PYTHON} ${TT_OUTPUTS}/check_report.py ${TT_TWINTRIAL} ${TT_OUTPUTS_PROTOCOL})
tt_outputs_test(r_reader_reproduces_primary_ancova validation
  ${TT_PYTHON} ${TT_OUTPUTS}/check_readers.py r ${TT_TWINTRIAL} ${TT_OUTPUTS_PROTOCOL} "${TT_RSCRIPT}")
set_tests_properties(r_reader_reproduces_primary_ancova PROPERTIES SKIP_RETURN_CODE 77)
# Every protocol in protocols/ (3 replicates x 100 twins each): export, reader, report.
tt_outputs_test(outputs_work_for_every_shipped_protocol unit
  ${TT_PYTHON} ${TT_OUTPUTS}/check_all_protocols.py ${TT_TWINTRIAL} ${TT_SOURCE_DIR}/protocols)
# twintrial credibility: validation figures recomputed in R from the stored subjects,
# verdicts recomputed, exit status 1 exactly when a figure fails, 2 = 3 ranks.
add_test(NAME credibility_figures_match_r
  COMMAND ${TT_SOURCE_DIR}/tests/validation/figures_vs_r.sh ${TT_TWINTRIAL} "${TT_RSCRIPT}")
set_tests_properties(credibility_figures_match_r PROPERTIES LABELS validation SKIP_RETURN_CODE 77
  ENVIRONMENT "${TT_MPI_ENV}")
