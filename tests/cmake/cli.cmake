# The command line as a user meets it: exit statuses, one located message per bad
# input (protocol fixtures of tests/cmake/protocol.cmake plus binding errors that only
# the trial module can detect), usage errors, and an error raised on a worker rank.
file(GLOB TT_CLI_BAD ${TT_SOURCE_DIR}/tests/data/protocols/bad/*.yaml)
add_test(NAME cli_validate_rejects_every_bad_protocol
  COMMAND ${TT_SOURCE_DIR}/tests/unit/cli_expect.sh ${TT_TWINTRIAL} validate ${TT_CLI_BAD})
file(GLOB TT_CLI_BAD_TRIAL ${TT_SOURCE_DIR}/tests/data/protocols/bad_trial/*.yaml)
foreach(fixture ${TT_CLI_BAD_TRIAL})
  get_filename_component(stem ${fixture} NAME_WE)
  add_test(NAME cli_bad_trial.${stem}
    COMMAND ${TT_SOURCE_DIR}/tests/unit/cli_expect.sh ${TT_TWINTRIAL} validate ${fixture})
endforeach()
add_test(NAME cli_worker_error_ends_run_with_one_message
  COMMAND ${TT_SOURCE_DIR}/tests/unit/cli_expect.sh ${TT_TWINTRIAL} run
          ${TT_SOURCE_DIR}/tests/data/protocols/runtime/nobody_eligible.yaml)
add_test(NAME cli_usage_errors_exit_1 COMMAND sh -c "
  t=${TT_TWINTRIAL}; f=0
  for args in '' 'frobnicate' 'run' 'run p.yaml --replicates 0' 'run p.yaml --seed -1' 'run p.yaml --progress loud' \
              'export r.h5' 'summary' 'run p.yaml --bogus'; do
    $t $args >/dev/null 2>&1; rc=$?; [ $rc -eq 1 ] || { echo \"FAIL: twintrial $args -> $rc\"; f=1; }
  done
  $t validate /nonexistent.yaml 2>/dev/null; [ $? -eq 1 ] || { echo 'FAIL: missing protocol'; f=1; }
  $t summary ${TT_SOURCE_DIR}/README.md 2>/dev/null; [ $? -eq 1 ] || { echo 'FAIL: summary of a non-HDF5 file'; f=1; }
  exit $f")
add_test(NAME cli_models_lists_parameters COMMAND sh -c
  "${TT_TWINTRIAL} models | grep -q 'alzheimers_adas' && ${TT_TWINTRIAL} models | grep -q 'symptomatic_emax'")
# Start-up on one node: no probe of network transports (Open MPI's cm pml is never
# opened), on 2 ranks under mpirun and as a singleton; a user's own choice stands.
# Each command must succeed too (a sanitizer build fails it on a leak).
add_test(NAME cli_single_node_start_skips_network_probe COMMAND sh -c "
  f=0; probe='components_open: found loaded component cm'
  OMPI_MCA_pml_base_verbose=10 ${TT_MPIEXEC} -n 2 ${TT_TWINTRIAL} models >two.log 2>&1 || { echo 'FAIL: 2 ranks'; f=1; }
  grep -q 'selected ob1' two.log && ! grep -q \"$probe\" two.log || { echo 'FAIL: 2 ranks on one node probed cm'; f=1; }
  OMPI_MCA_pml_base_verbose=10 ${TT_TWINTRIAL} models >one.log 2>&1 || { echo 'FAIL: a singleton'; f=1; }
  grep -q 'selected ob1' one.log && ! grep -q \"$probe\" one.log || { echo 'FAIL: a singleton probed cm'; f=1; }
  OMPI_MCA_mtl=^ofi OMPI_MCA_pml_base_verbose=10 ${TT_MPIEXEC} -n 2 ${TT_TWINTRIAL} models >user.log 2>&1 || { echo 'FAIL: the user choice'; f=1; }
  grep -q \"$probe\" user.log || { echo 'FAIL: the user set OMPI_MCA_mtl and twintrial overrode it'; f=1; }
  exit $f")
get_property(TT_CLI_TESTS DIRECTORY PROPERTY TESTS)
foreach(t ${TT_CLI_TESTS})
  if(t MATCHES "^cli_")
    set_tests_properties(${t} PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
  endif()
endforeach()
# Progress: a redrawn bar when asked (or on a terminal), periodic log lines in batch, silence with none.
add_test(NAME cli_progress_modes COMMAND sh -c "
  t=${TT_TWINTRIAL}; p=${TT_SOURCE_DIR}/protocols/alzheimers_procova.yaml; f=0
  $t run $p -o bar.h5 --replicates 50 --patients 40 --progress bar 2>bar.err >/dev/null || f=1
  grep -q '50/50 replicates' bar.err && grep -q 'ETA' bar.err && tr '\\\\r' '\\\\n' < bar.err | grep -q '#' || { echo 'FAIL: no bar'; f=1; }
  $t run $p -o log.h5 --replicates 50 --patients 40 2>log.err >/dev/null || f=1
  grep -q '^twintrial: 50/50 replicates (100.0%)' log.err || { echo 'FAIL: no log line in batch'; f=1; }
  $t run $p -o none.h5 --replicates 50 --patients 40 --progress none 2>none.err >/dev/null || f=1
  [ ! -s none.err ] || { echo 'FAIL: output with --progress none'; f=1; }
  exit $f")
set_tests_properties(cli_progress_modes PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
