/* protocol_view.c — TTProtocolView (the resolved protocol as YAML) and
 * TTProtocolOverride (command-line values).
 *
 * Invariant: TTProtocolView prints every field with its default filled in, in
 * a form TTProtocolLoad reads back to the same struct (apart from path, text
 * and source locations): reals use the shortest exact decimal, strings are
 * quoted, dropout scales are printed in days, the cohort path is absolute.
 */
#include <inttypes.h>
#include <limits.h>
#include "protocol/protocolimpl.h"

#define P(...) PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, __VA_ARGS__))

static PetscErrorCode ViewNamedValues(FILE *out, int n, const TTNamedValue v[])
{
  char buf[32];
  PetscFunctionBeginUser;
  P("{");
  for (int i = 0; i < n; i++) {
    P("%s", i ? ", " : "");
    PetscCall(TTYamlWriteName(out, v[i].key));
    P(": %s", TTYamlFormatReal(v[i].value, buf));
  }
  P("}");
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewTrial(const TTProtocol *p, FILE *out)
{
  char buf[32];
  PetscFunctionBeginUser;
  P("trial:\n  name: ");
  PetscCall(TTYamlWriteString(out, p->name));
  P("\n  seed: %" PRIu64 "\n  replicates: %d\n  patients: %d\n  allocation: {", p->seed, p->replicates, p->patients);
  for (int i = 0; i < p->narm; i++) {
    P("%s", i ? ", " : "");
    PetscCall(TTYamlWriteName(out, p->arm[i].name));
    P(": %s", TTYamlFormatReal(p->arm[i].ratio, buf));
  }
  P("}\n");
  if (p->randomization == TT_RANDOMIZE_SIMPLE) {
    P("  randomization: {method: simple}\n");
    PetscFunctionReturn(0);
  }
  P("  randomization: {method: permuted_block, block_size: %d, strata: [", p->block_size);
  for (int i = 0; i < p->nstrata; i++) {
    P("%s", i ? ", " : "");
    PetscCall(TTYamlWriteName(out, p->strata[i]));
  }
  P("]}\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewModelArms(const TTProtocol *p, FILE *out)
{
  PetscFunctionBeginUser;
  P("cohort: ");
  PetscCall(TTYamlWriteString(out, p->cohort_path));
  P("\nmodel: {name: ");
  PetscCall(TTYamlWriteName(out, p->model));
  P(", parameters: ");
  PetscCall(ViewNamedValues(out, p->nparam, p->param));
  P("}\narms:\n");
  for (int i = 0; i < p->narm; i++) {
    P("  - {name: ");
    PetscCall(TTYamlWriteName(out, p->arm[i].name));
    P(", effect: ");
    PetscCall(ViewNamedValues(out, p->arm[i].neffect, p->arm[i].effect));
    P("}\n");
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewSchedule(const TTProtocol *p, FILE *out)
{
  static const char *const models[] = {"none", "weibull", "exponential"};
  char                     buf[32];
  PetscFunctionBeginUser;
  P("schedule: {unit: %s, visits: [", p->time_unit);
  for (int i = 0; i < p->nvisit; i++) P("%s%s", i ? ", " : "", TTYamlFormatReal(p->visit[i], buf));
  P("]}\ndropout: {model: %s", models[p->dropout]);
  if (p->dropout == TT_DROPOUT_WEIBULL) P(", shape: %s", TTYamlFormatReal(p->dropout_shape, buf));
  if (p->dropout != TT_DROPOUT_NONE) P(", scale_days: %s", TTYamlFormatReal(p->dropout_scale_days, buf));
  P("}\nprognostic: {noise_sd: %s}\n", TTYamlFormatReal(p->prognostic_noise_sd, buf));
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewEndpoints(const TTProtocol *p, FILE *out)
{
  static const char *const types[] = {"change_from_baseline", "value_at_visit"};
  char                     buf[32];
  PetscFunctionBeginUser;
  P("endpoints:\n");
  for (int i = 0; i < p->nendpoint; i++) {
    const TTEndpointSpec *e = &p->endpoint[i];
    P("  - {name: ");
    PetscCall(TTYamlWriteName(out, e->name));
    P(", type: %s, variable: ", types[e->type]);
    PetscCall(TTYamlWriteName(out, e->variable));
    P(", visit: %s}\n", TTYamlFormatReal(e->visit, buf));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewAnalyses(const TTProtocol *p, FILE *out)
{
  static const char *const methods[] = {"ancova", "welch"};
  char                     buf[32];
  PetscFunctionBeginUser;
  P("analysis:\n");
  for (int i = 0; i < p->nanalysis; i++) {
    const TTAnalysisSpec *a = &p->analysis[i];
    P("  - {name: ");
    PetscCall(TTYamlWriteName(out, a->name));
    P(", endpoint: ");
    PetscCall(TTYamlWriteName(out, a->endpoint));
    P(", method: %s, covariates: [", methods[a->method]);
    for (int j = 0; j < a->ncovariate; j++) {
      P("%s", j ? ", " : "");
      PetscCall(TTYamlWriteName(out, a->covariate[j]));
    }
    P("], alpha: %s, sided: %d", TTYamlFormatReal(a->alpha, buf), a->sided);
    if (a->sided == 1) P(", direction: %s", a->direction > 0 ? "higher" : "lower");
    P(", treatment: ");
    PetscCall(TTYamlWriteName(out, p->arm[a->treatment_arm].name));
    P(", control: ");
    PetscCall(TTYamlWriteName(out, p->arm[a->control_arm].name));
    P("}\n");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolView(const TTProtocol *p, FILE *out)
{
  static const char *const subjects[] = {"none", "first_replicate", "all"};
  PetscFunctionBeginUser;
  P("# resolved protocol: every default filled in; dropout scale in days; cohort path absolute\n");
  PetscCall(ViewTrial(p, out));
  PetscCall(ViewModelArms(p, out));
  PetscCall(ViewSchedule(p, out));
  PetscCall(ViewEndpoints(p, out));
  PetscCall(ViewAnalyses(p, out));
  P("output: {subjects: %s}\n", subjects[p->output_subjects]);
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolOverride(TTProtocol *p, PetscInt replicates, PetscInt patients, PetscBool seed_set,
                                  uint64_t seed)
{
  PetscFunctionBeginUser;
  if (replicates >= 0) {
    PetscCheck(replicates >= 1 && replicates <= INT_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
               "command line: --replicates: expected an integer >= 1, found %" PetscInt_FMT, replicates);
    p->replicates = (int) replicates;
  }
  if (patients >= 0) {
    PetscCheck(patients >= 2 && patients <= INT_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
               "command line: --patients: expected an integer >= 2, found %" PetscInt_FMT, patients);
    p->patients = (int) patients;
  }
  if (seed_set) p->seed = seed;
  PetscFunctionReturn(0);
}
