# The Slurm job scripts — jobs/twintrial.sbatch, jobs/sweep.sbatch, jobs/collect — on a
# real one-node Slurm cluster that tests/slurm/test_slurm.sh starts on localhost (munged,
# slurmctld, slurmd in a temporary directory, free ports) and always stops again.
# Label slurm. Skipped (exit 77) when slurmctld or munged is not installed or the test
# does not run as root. Debian packages: slurm-wlm munge python3-h5py.
# About 80 s: one of the jobs waits for Slurm's own --signal warning (checked every 30 s), another
# is killed, requeued and resumed past its stale output lock.
add_test(NAME slurm_jobs COMMAND bash ${TT_SOURCE_DIR}/tests/slurm/test_slurm.sh ${TT_TWINTRIAL})
set_tests_properties(slurm_jobs PROPERTIES
  LABELS slurm
  SKIP_RETURN_CODE 77
  TIMEOUT 300
  RUN_SERIAL TRUE
  ENVIRONMENT "${TT_MPI_ENV}")
