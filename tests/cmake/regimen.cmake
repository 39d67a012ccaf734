# Regimens and switches: the sim under regimens that switch (ODE pieces, doses, batches,
# refusals), each closed-form model's switch against its hand-derived closed form, the
# protocol's regimens: and switch: sections, and trials with switching arms.
tt_unit_test(test_sim_regimen ${TT_SOURCE_DIR}/tests/unit/test_sim_regimen.c LIBS tt_core)
