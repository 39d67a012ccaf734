# The command line as a user meets it: exit statuses, one located message per bad
# input (protocol fixtures of tests/cmake/protocol.cmake plus binding errors that only
# the trial module can detect), usage errors, and an error raised on a worker rank.
file(GLOB TT_CLI_BAD ${TT_SOURCE_DIR}/tests/data/protocols/bad/*.yaml)
# Under valgrind a few, with the sanitizers every 6th (one process start each, a second
# of CPU with ASan): the same fixtures' parser paths run in protocol_bad.* there.
tt_sample(TT_CLI_BAD 100 6 ${TT_CLI_BAD})
add_test(NAME cli_validate_rejects_every_bad_protocol
  COMMAND ${TT_SOURCE_DIR}/tests/unit/cli_expect.sh ${TT_TWINTRIAL} validate ${TT_CLI_BAD})
file(GLOB TT_CLI_BAD_TRIAL ${TT_SOURCE_DIR}/tests/data/protocols/bad_trial/*.yaml)
tt_sample(TT_CLI_BAD_TRIAL 6 1 ${TT_CLI_BAD_TRIAL})
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
  $t run $p -o bar.h5 --force --replicates 50 --patients 40 --progress bar 2>bar.err >/dev/null || f=1
  grep -q '50/50 replicates' bar.err && grep -q 'ETA' bar.err && tr '\\\\r' '\\\\n' < bar.err | grep -q '#' || { echo 'FAIL: no bar'; f=1; }
  $t run $p -o log.h5 --force --replicates 50 --patients 40 2>log.err >/dev/null || f=1
  grep -q '^twintrial: 50/50 replicates (100.0%)' log.err || { echo 'FAIL: no log line in batch'; f=1; }
  $t run $p -o none.h5 --force --replicates 50 --patients 40 --progress none 2>none.err >/dev/null || f=1
  [ ! -s none.err ] || { echo 'FAIL: output with --progress none'; f=1; }
  exit $f")
set_tests_properties(cli_progress_modes PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
# Results are never lost without a word: no overwrite without --force, a resumable .tmp
# kept, a resume mismatch named (kept); one writer per output, a killed run's stale lock
# replaced, lock records of other runs judged (lock). tests/unit/output_safety.sh.
foreach(mode kept lock)
  add_test(NAME cli_output_safety_${mode}
    COMMAND ${TT_SOURCE_DIR}/tests/unit/output_safety.sh ${TT_TWINTRIAL} ${TT_SOURCE_DIR}/protocols/alzheimers_procova.yaml ${mode})
  set_tests_properties(cli_output_safety_${mode} PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 300)
endforeach()
# Help on request: usage on stdout, exit 0, printed once on 2 ranks; bad usage stays stderr + 1.
add_test(NAME cli_help_on_stdout_exit_0 COMMAND sh -c "
  t=${TT_TWINTRIAL}; f=0
  for args in '--help' '-h' 'help' 'run --help' 'run p.yaml -h'; do
    $t $args >help.out 2>help.err; rc=$?
    [ $rc -eq 0 ] && grep -q '^usage: twintrial run' help.out && grep -q -- '--force' help.out && grep -q -- '-tt_stop_after' help.out \
      && [ ! -s help.err ] || { echo \"FAIL: twintrial $args -> exit $rc, stdout $(wc -l <help.out) lines, stderr $(wc -c <help.err) bytes\"; f=1; }
  done
  ${TT_MPIEXEC} -n 2 $t --help >help2.out 2>/dev/null; rc=$?
  [ $rc -eq 0 ] && [ $(grep -c '^usage:' help2.out) -eq 1 ] || { echo \"FAIL: 2 ranks: exit $rc, $(grep -c '^usage:' help2.out) usages\"; f=1; }
  $t >help.out 2>help.err; rc=$?
  [ $rc -eq 1 ] && [ ! -s help.out ] && grep -q '^usage:' help.err || { echo \"FAIL: no arguments -> exit $rc\"; f=1; }
  exit $f")
# A misspelt -tt_ option is refused with the known ones listed, on 1 and 2 ranks and
# before anything is written; PETSc's own options and TS options under -tt_sim_ still work.
add_test(NAME cli_misspelt_tt_option_refused COMMAND sh -c "
  t=${TT_TWINTRIAL}; p=${TT_SOURCE_DIR}/protocols/alzheimers_procova.yaml; f=0
  for opt in '-tt_stop_afer 5' '-tt_blok 3' '-tt_sim_ts_rtoll 1e-9' '-tt_foo'; do
    $t validate $p $opt >/dev/null 2>mis.err; rc=$?
    [ $rc -eq 1 ] && [ $(grep -c '^twintrial: ' mis.err) -eq 1 ] && grep -q \"unknown option \${opt%% *}[ ;]\" mis.err \
      && grep -q -- '-tt_block N, -tt_window N, -tt_stop_after N, -tt_sim_' mis.err || { echo \"FAIL: $opt -> exit $rc: $(cat mis.err)\"; f=1; }
  done
  rm -rf mis.h5 mis.h5.tmp mis.h5.lock
  ${TT_MPIEXEC} -n 2 $t run $p -o mis.h5 --replicates 2 --patients 20 --progress none -tt_stop_afer 1 >/dev/null 2>mis.err; rc=$?
  [ $rc -eq 1 ] && [ $(grep -c '^twintrial: ' mis.err) -eq 1 ] && [ ! -e mis.h5 ] && [ ! -e mis.h5.tmp ] && [ ! -e mis.h5.lock ] \
    || { echo \"FAIL: run on 2 ranks with -tt_stop_afer -> exit $rc\"; f=1; }
  $t validate $p -log_view 2>&1 | grep -q 'Performance Summary' || { echo 'FAIL: -log_view'; f=1; }
  $t validate $p -tt_sim_ts_rtol 1e-9 -tt_sim_ts_type bdf -tt_sim_snes_rtol 1e-9 -tt_sim_ts_view -ts_monitor -tt_block 3 \
    >/dev/null 2>mis.err || { echo \"FAIL: valid options refused: $(cat mis.err)\"; f=1; }
  exit $f")
# jobs/local-sweep.sh with no arguments or --help prints its usage and starts nothing
# (a stub twintrial records any call; TT_RESULTS would receive the sweep).
add_test(NAME cli_local_sweep_usage_starts_nothing COMMAND sh -c "
  d=$(mktemp -d); f=0; printf '#!/bin/sh\\necho called >>%s/called\\n' $d >$d/stub; chmod +x $d/stub
  $d/stub && [ -e $d/called ] && rm $d/called || { echo 'FAIL: the stub records no call'; f=1; }
  s=${TT_SOURCE_DIR}/jobs/local-sweep.sh
  cd ${TT_SOURCE_DIR} && for args in '' '--help' '-h' 'protocols/alzheimers_procova.yaml patients 100 --help'; do
    TWINTRIAL=$d/stub TT_RESULTS=$d/results bash $s $args >$d/out 2>$d/err; rc=$?
    if [ -z \"$args\" ]; then want=1; use=$d/err; else want=0; use=$d/out; fi
    [ $rc -eq $want ] && grep -q 'local-sweep.sh PROTOCOL' $use && [ ! -e $d/results ] && [ ! -e $d/called ] \
      || { echo \"FAIL: local-sweep.sh $args -> exit $rc, $(ls $d)\"; f=1; }
  done
  rm -rf $d; exit $f")
foreach(t cli_help_on_stdout_exit_0 cli_misspelt_tt_option_refused cli_local_sweep_usage_starts_nothing)
  set_tests_properties(${t} PROPERTIES LABELS unit ENVIRONMENT "${TT_MPI_ENV}")
endforeach()
# Output into a closed pipe (`twintrial summary x.h5 | head`) ends the process quietly,
# killed by SIGPIPE as any Unix filter, with no crash report from PETSc's handler. The
# pipe's read end is closed before the program starts, so the first write fails.
add_test(NAME cli_closed_pipe_ends_quietly COMMAND ${TT_PYTHON} -c "
import os, signal, subprocess, sys
r, w = os.pipe(); os.close(r)
p = subprocess.run([sys.argv[1], 'models'], stdout=w, stderr=subprocess.PIPE, restore_signals=True)
err = p.stderr.decode()
ok = p.returncode == -signal.SIGPIPE and 'PETSC ERROR' not in err and 'MPI_ABORT' not in err
print('status', p.returncode, 'stderr:', err[:300]); sys.exit(0 if ok else 1)" ${TT_TWINTRIAL})
set_tests_properties(cli_closed_pipe_ends_quietly PROPERTIES LABELS unit)
# personalise on the command line (tests/unit/personalise_cli.sh): outputs kept without
# --force (TWINS.h5 and the CSV files), one writer per output (lock), usage errors and
# --help, bad OBS/COV files through the real command on 2 ranks, progress lines.
foreach(mode kept lock usage bad progress)
  add_test(NAME cli_personalise_${mode} COMMAND ${TT_SOURCE_DIR}/tests/unit/personalise_cli.sh ${TT_TWINTRIAL} ${mode})
  set_tests_properties(cli_personalise_${mode} PROPERTIES LABELS "unit;twin" ENVIRONMENT "${TT_MPI_ENV}" TIMEOUT 300)
endforeach()
