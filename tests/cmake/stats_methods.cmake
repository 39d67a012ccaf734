# stats module, trial methods: binary, time-to-event, count, group-sequential and
# power analyses against known answers computed with R (survival, MASS, rpact);
# each literal in the tests carries the R call that produced it.
foreach(t binary survival counts gsd power separation)
  tt_unit_test(test_stats_${t} ${TT_SOURCE_DIR}/tests/unit/test_stats_${t}.c LIBS tt_pure)
endforeach()
