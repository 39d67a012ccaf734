/* protocol_exposure.c — the exposure_response section and the arms' doses.
 *
 *   exposure_response: {effect: symptomatic_emax, emax: 6, ec50: 0.0193, hill: 1,
 *                       clearance_l_per_h: 10, clearance_cv: 0.37, interval_h: 24}
 *   arms: - {name: low, dose_mg: 2.5}
 *
 * Invariant: a dose (of an arm or a regimen) is accepted only with the section, and the
 * effect the link sets is not also given as a fixed arm or regimen effect. Model names are checked by the trial module.
 */
#include <math.h>
#include <string.h>
#include "protocolimpl.h"

static PetscErrorCode PositiveReal(TTYaml y, TTYamlNode map, const char *name, PetscBool required, double dflt,
                                   PetscBool zero_ok, double *v)
{
  TTYamlNode n = TTYamlFind(y, map, name);
  char       path[128];

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "exposure_response.%s", name);
  *v = dflt;
  if (!n && required) PetscCall(TTYamlRequire(y, map, "exposure_response", name, "a positive number", &n));
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlGetReal(y, n, path, v));
  if (!(*v > 0 || (zero_ok && *v == 0)))
    PetscCall(TTYamlError(y, n, path, "expected a number %s 0", zero_ok ? ">=" : ">"));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckDoses(TTYaml y, TTProtocol *p)
{
  PetscFunctionBeginUser;
  for (int r = 0; r < p->nregimen; r++) { /* first: an arm given by a regimen carries its dose and effects */
    const TTRegimenSpec *reg = &p->regimen[r];
    if (reg->dose_mg > 0 && !p->er)
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER,
              "%s:%d:%d: regimens[%d].dose_mg: expected an exposure_response section to turn doses into effects",
              TTYamlPath(y), reg->dose_loc.line, reg->dose_loc.column, r);
    for (int k = 0; p->er && k < reg->neffect; k++)
      if (!strcmp(reg->effect[k].key, p->er_effect))
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER,
                "%s:%d:%d: regimens[%d].effect.%s: expected no fixed value for the effect that exposure_response "
                "sets from the dose",
                TTYamlPath(y), reg->effect[k].loc.line, reg->effect[k].loc.column, r, p->er_effect);
  }
  for (int a = 0; a < p->narm; a++) {
    const TTArmSpec *arm = &p->arm[a];
    if (arm->dose_mg > 0 && !p->er)
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER,
              "%s:%d:%d: arms[%d].dose_mg: expected an exposure_response section "
              "to turn doses into effects",
              TTYamlPath(y), arm->dose_loc.line, arm->dose_loc.column, a);
    for (int k = 0; p->er && k < arm->neffect; k++)
      if (!strcmp(arm->effect[k].key, p->er_effect))
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER,
                "%s:%d:%d: arms[%d].effect.%s: expected no fixed value for the "
                "effect that exposure_response sets from the dose",
                TTYamlPath(y), arm->effect[k].loc.line, arm->effect[k].loc.column, a, p->er_effect);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseExposureResponse(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"effect",       "emax",      "ec50", "hill", "clearance_l_per_h",
                                     "clearance_cv", "interval_h"};
  TTYamlNode               n;

  PetscFunctionBeginUser;
  if (map) {
    PetscCall(TTYamlCheckMapping(y, map, "exposure_response", "a mapping {effect: ..., emax: ..., ec50: ..., ...}"));
    PetscCall(TTYamlCheckKeys(y, map, "exposure_response", 7, keys));
    p->er = 1;
    PetscCall(TTYamlRequire(y, map, "exposure_response", "effect", "the name of a model arm effect", &n));
    PetscCall(TTYamlGetName(y, n, "exposure_response.effect", p->er_effect));
    p->er_effect_loc = TTYamlLoc(y, n);
    PetscCall(TTYamlRequire(y, map, "exposure_response", "emax", "the maximal effect", &n));
    PetscCall(TTYamlGetReal(y, n, "exposure_response.emax", &p->er_emax));
    p->er_emax_loc = TTYamlLoc(y, n);
    PetscCall(PositiveReal(y, map, "ec50", PETSC_TRUE, 0, PETSC_FALSE, &p->er_ec50));
    PetscCall(PositiveReal(y, map, "hill", PETSC_FALSE, 1, PETSC_FALSE, &p->er_hill));
    PetscCall(PositiveReal(y, map, "clearance_l_per_h", PETSC_TRUE, 0, PETSC_FALSE, &p->er_clearance));
    PetscCall(PositiveReal(y, map, "clearance_cv", PETSC_FALSE, 0, PETSC_TRUE, &p->er_clearance_cv));
    PetscCall(PositiveReal(y, map, "interval_h", PETSC_FALSE, 24, PETSC_FALSE, &p->er_interval_h));
  }
  PetscCall(CheckDoses(y, p));
  PetscFunctionReturn(0);
}
