/* ml_residual.c — the residual section of a model file: the observation model of each
 * observed output, which gives both the simulation draw (`observe`) and the observation
 * density (`log_density`, personalisation) from one definition:
 *   OUTPUT: {additive: SD, proportional: CV}              normal, sd = sqrt(a^2 + (b m)^2)
 *   OUTPUT: {lognormal: SD}                               y = m exp(SD z)
 *   OUTPUT: {family: beta, precision: TAU, lo: L, hi: H}   (y - L) / (H - L) ~ Beta(mu TAU, (1 - mu) TAU)
 *   OUTPUT: {family: poisson}                             y ~ Poisson(m)
 *   OUTPUT: {family: negative_binomial, dispersion: K}    y ~ NB(mean m, variance m + K m^2)
 * (family: normal or lognormal may be written too). Checks: the output exists; every
 * key belongs to the family; sds >= 0 with one positive; precision > 0, lo < hi,
 * dispersion > 0.
 * Gauss-Newton (MLResidualGaussNewton): the MAP objective of personalisation is a sum of
 * squares when every observed output is normal with a variance free of the mean and of
 * the parameters on some scale: additive alone (scale y) or lognormal (scale log y: the
 * Jacobian -log y depends on the observation only). A proportional part makes the
 * variance a function of the mean, the other families are not normal: such a model fits
 * by quasi-Newton unless -tt_twin_method gauss_newton forces it.
 */
#include <string.h>
#include "modellang/mlimpl.h"

static const char *const Families[5] = {"normal", "lognormal", "beta", "poisson", "negative_binomial"};
static const char *const Keys[8]     = {"family",    "additive", "proportional", "lognormal",
                                        "precision", "lo",       "hi",           "dispersion"};
/* The keys each family takes (bits of Keys), and what it expects in words. */
static const unsigned    FamilyKeys[5] = {1u | 2u | 4u, 1u | 8u, 1u | 16u | 32u | 64u, 1u, 1u | 128u};
static const char *const FamilyWhat[5] = {"additive, proportional", "lognormal", "precision, lo, hi", "no parameter",
                                          "dispersion"};

static PetscErrorCode Number(TTModelLang ml, TTYamlNode v, const char *path, const char *key, double *x)
{
  char       sub[300];
  TTYamlNode n = TTYamlFind(ml->y, v, key);
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, key));
  PetscCall(TTYamlGetReal(ml->y, n, sub, x));
  PetscFunctionReturn(0);
}

/* One output's observation model, v its mapping at path. */
static PetscErrorCode One(TTModelLang ml, TTYamlNode v, const char *path, MLResidual *r)
{
  int        fam = -1;
  TTYamlNode n;
  char       sub[300];
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, v, path,
                               "a mapping {additive: SD, proportional: CV}, {lognormal: SD} or {family: ...}"));
  PetscCall(TTYamlCheckKeys(ml->y, v, path, 8, Keys));
  if ((n = TTYamlFind(ml->y, v, "family"))) {
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "family"));
    PetscCall(TTYamlGetChoice(ml->y, n, sub, 5, Families, &fam));
  } else
    fam = TTYamlFind(ml->y, v, "lognormal") ? 1 : 0;
  for (int k = 1; k < 8; k++)
    if (TTYamlFind(ml->y, v, Keys[k]) && !(FamilyKeys[fam] & (1u << k))) {
      PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, Keys[k]));
      PetscCall(TTYamlError(ml->y, TTYamlFindKey(ml->y, v, Keys[k]), sub, "the %s family takes no %s; expected %s%s",
                            Families[fam], Keys[k], FamilyWhat[fam], fam == 0 ? " (or lognormal: SD alone)" : ""));
    }
  r->family = fam <= 1 ? MR_NORMAL : fam == 2 ? MR_BETA : fam == 3 ? MR_POISSON : MR_NEGBIN;
  if (fam <= 1) {
    for (int k = 1; k < 4; k++) {
      double *x = k == 1 ? &r->additive : k == 2 ? &r->proportional : &r->lognormal;
      if (!(n = TTYamlFind(ml->y, v, Keys[k]))) continue;
      PetscCall(Number(ml, v, path, Keys[k], x));
      PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, Keys[k]));
      if (!(*x >= 0)) PetscCall(TTYamlError(ml->y, n, sub, "expected a standard deviation >= 0, found %g", *x));
    }
    if (fam == 1 && !(r->lognormal > 0))
      PetscCall(TTYamlError(ml->y, v, path, "expected a positive lognormal standard deviation (lognormal: SD)"));
    if (fam == 0 && !(r->additive > 0 || r->proportional > 0))
      PetscCall(
          TTYamlError(ml->y, v, path, "expected a positive additive, proportional or lognormal standard deviation"));
  } else if (r->family == MR_BETA) {
    const char *what[3] = {"the precision TAU (variance m (1 - m) / (1 + TAU) on the 0-1 scale)",
                           "the lowest possible value (the Beta's 0)", "the highest possible value (the Beta's 1)"};
    for (int k = 0; k < 3; k++) {
      PetscCall(TTYamlRequire(ml->y, v, path, Keys[4 + k], what[k], &n));
      PetscCall(Number(ml, v, path, Keys[4 + k], &r->q[k]));
    }
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "precision"));
    if (!(r->q[0] > 0))
      PetscCall(
          TTYamlError(ml->y, TTYamlFind(ml->y, v, "precision"), sub, "expected a precision > 0, found %g", r->q[0]));
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "hi"));
    if (!(r->q[1] < r->q[2]))
      PetscCall(
          TTYamlError(ml->y, TTYamlFind(ml->y, v, "hi"), sub, "expected hi > lo (%g), found %g", r->q[1], r->q[2]));
  } else if (r->family == MR_NEGBIN) {
    PetscCall(TTYamlRequire(ml->y, v, path, "dispersion", "the dispersion K > 0 (variance m + K m^2)", &n));
    PetscCall(Number(ml, v, path, "dispersion", &r->q[0]));
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "dispersion"));
    if (!(r->q[0] > 0))
      PetscCall(TTYamlError(ml->y, n, sub, "expected a dispersion > 0 (family poisson for none), found %g", r->q[0]));
  }
  r->has = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode MLParseResidual(TTModelLang ml, TTYamlNode map)
{
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.residual", "a mapping OUTPUT: {additive: SD, proportional: CV}"));
  for (int i = 0; i < TTYamlLength(ml->y, map); i++) {
    char       name[TT_NAME_MAX], path[256], list[512] = "";
    TTYamlNode k, v;
    int        o;
    TTYamlPair(ml->y, map, i, &k, &v);
    PetscCall(TTYamlKeyJoin(path, sizeof path, "model.residual", TTYamlScalar(ml->y, k)));
    PetscCall(TTYamlGetName(ml->y, k, path, name));
    for (int j = 0; j < ml->n[MS_OUTPUT]; j++) {
      if (j) PetscCall(PetscStrlcat(list, ", ", sizeof list));
      PetscCall(PetscStrlcat(list, ml->sym[MS_OUTPUT][j].name, sizeof list));
    }
    if ((o = MLFind(ml, MS_OUTPUT, name)) < 0)
      PetscCall(TTYamlError(ml->y, k, path, "'%s' is not an output; expected one of %s", name, list));
    PetscCall(One(ml, v, path, &ml->residual[o]));
  }
  PetscFunctionReturn(0);
}

int MLResidualGaussNewton(TTModelLang ml)
{
  int observed = 0;
  for (int k = 0; k < ml->n[MS_OUTPUT]; k++) {
    const MLResidual *r = &ml->residual[k];
    if (!r->has) continue;
    if (r->family != MR_NORMAL || r->proportional != 0.0) return 0;
    if (!(r->additive > 0.0) == !(r->lognormal > 0.0)) return 0; /* exactly one of the two */
    observed = 1;
  }
  return observed;
}
