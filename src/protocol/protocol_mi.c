/* protocol_mi.c — the keys of a multiple-imputation analysis: imputation, reference,
 * delta, imputations and analysis.
 *
 * Runs inside the analysis parser after its method, endpoint, covariates and arms, before
 * protocol_mmrm.c (which takes the visits, the visit key and, with analysis: mmrm, the
 * covariance keys). Invariants on success for method mi: mi_method is a tt_mi_method
 * (imputation is required); mi_reference_arm is the treatment or control arm (reference:
 * only for jump_to_reference, copy_reference and copy_increments; default the control
 * arm); mi_delta is finite (delta: required for imputation delta and refused otherwise);
 * mi_imputations is 2..1000 (default 20); mi_analysis is ancova (default) or mmrm. Any of
 * these keys with another method is an error.
 */
#include <math.h>
#include <string.h>
#include "protocol/protocolimpl.h"

static const char *const MiKeys[]   = {"imputation", "reference", "delta", "imputations", "analysis"};
static const char *const Analyses[] = {"ancova", "mmrm"};

/* `name` given although it does not apply: "expected no delta with imputation mar (...)". */
static PetscErrorCode NotFor(TTYaml y, TTYamlNode item, const char *key, const char *name, const char *with,
                             const char *why)
{
  char path[128];
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, name));
  PetscCall(TTYamlError(y, TTYamlFindKey(y, item, name), path, "expected no %s with %s (%s)", name, with, why));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseReference(TTYaml y, TTYamlNode n, const char *path, const TTProtocol *p, TTAnalysisSpec *a)
{
  char name[TT_NAME_MAX];
  int  arm;
  PetscFunctionBeginUser;
  PetscCall(TTYamlGetName(y, n, path, name));
  arm = TTProtocolFindArm(p, name);
  if (arm != a->treatment_arm && arm != a->control_arm)
    PetscCall(TTYamlError(y, n, path, "expected one of the analysis's arms ('%s' or '%s'), found '%s'",
                          p->arm[a->control_arm].name, p->arm[a->treatment_arm].name, name));
  a->mi_reference_arm = arm;
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseMi(TTYaml y, TTYamlNode item, const char *key, const TTProtocol *p, TTAnalysisSpec *a)
{
  const char *names[TT_MI_NMETHOD];
  TTYamlNode  n;
  char        path[128], with[64];
  long        m;
  PetscFunctionBeginUser;
  a->mi_method        = TT_MI_MAR;
  a->mi_reference_arm = a->control_arm;
  a->mi_delta         = 0;
  a->mi_imputations   = 20;
  a->mi_analysis      = TT_MI_ANCOVA;
  if (a->method != TT_ANALYSIS_MI) {
    snprintf(with, sizeof with, "method %s", TTAnalysisMethodNames[a->method]);
    for (int k = 0; k < 5; k++)
      if (TTYamlFind(y, item, MiKeys[k])) PetscCall(NotFor(y, item, key, MiKeys[k], with, "it applies to mi"));
    PetscFunctionReturn(0);
  }
  for (int k = 0; k < TT_MI_NMETHOD; k++) names[k] = tt_mi_method_name((tt_mi_method) k);
  PetscCall(TTYamlRequire(y, item, key, "imputation",
                          "mar, jump_to_reference, copy_reference, copy_increments or delta", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "imputation"));
  PetscCall(TTYamlGetChoice(y, n, path, TT_MI_NMETHOD, names, &a->mi_method));
  snprintf(with, sizeof with, "imputation %s", names[a->mi_method]);
  if ((n = TTYamlFind(y, item, "reference"))) {
    if (a->mi_method == TT_MI_MAR || a->mi_method == TT_MI_DELTA)
      PetscCall(NotFor(y, item, key, "reference", with,
                       "it applies to jump_to_reference, copy_reference and copy_increments"));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "reference"));
    PetscCall(ParseReference(y, n, path, p, a));
  }
  if (a->mi_method == TT_MI_DELTA) {
    PetscCall(TTYamlRequire(y, item, key, "delta", "the shift added to the treatment arm's imputed values", &n));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "delta"));
    PetscCall(TTYamlGetReal(y, n, path, &a->mi_delta));
  } else if (TTYamlFind(y, item, "delta"))
    PetscCall(NotFor(y, item, key, "delta", with, "it applies to imputation delta"));
  if ((n = TTYamlFind(y, item, "imputations"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "imputations"));
    PetscCall(TTYamlGetInt(y, n, path, &m));
    if (m < 2 || m > 1000) PetscCall(TTYamlError(y, n, path, "expected 2 to 1000 imputations, found %ld", m));
    a->mi_imputations = (int) m;
  }
  if ((n = TTYamlFind(y, item, "analysis"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "analysis"));
    PetscCall(TTYamlGetChoice(y, n, path, 2, Analyses, &a->mi_analysis));
  }
  PetscFunctionReturn(0);
}
