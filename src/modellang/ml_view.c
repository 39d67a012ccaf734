/* ml_view.c — TTModelLangView: a parsed model printed back in the model language, every
 * name resolved (its kind shown), every operation parenthesised as the parser grouped
 * it, so a reader sees exactly what will be compiled. */
#include <string.h>
#include "modellang/mlimpl.h"

static void Print(TTModelLang ml, int e, FILE *out)
{
  static const char *const bin[] = {"",    "",     "",    "",     " + ",  " - ",  " * ",  " / ", "^",
                                    " < ", " <= ", " > ", " >= ", " == ", " != ", " && ", " || "};
  const MLNode            *n     = &ml->node[e];
  switch (n->op) {
  case ML_NUM:
    fprintf(out, "%.17g", n->value);
    break;
  case ML_SYM:
    fprintf(out, "%s", n->kind == MS_TIME ? "t" : ml->sym[n->kind][n->index].name);
    break;
  case ML_NEG:
  case ML_NOT:
    fprintf(out, n->op == ML_NEG ? "(-" : "(!");
    Print(ml, n->kid[0], out);
    fprintf(out, ")");
    break;
  case ML_CALL:
    fprintf(out, "%s(", MLFuncs[n->index].name);
    for (int k = 0; k < MLFuncs[n->index].nargs; k++) {
      if (k) fprintf(out, ", ");
      Print(ml, n->kid[k], out);
    }
    fprintf(out, ")");
    break;
  default:
    fprintf(out, "(");
    Print(ml, n->kid[0], out);
    fprintf(out, "%s", bin[n->op]);
    Print(ml, n->kid[1], out);
    fprintf(out, ")");
  }
}

static void Names(TTModelLang ml, MLKind k, const char *title, FILE *out)
{
  if (!ml->n[k]) return;
  fprintf(out, "  %s:", title);
  for (int i = 0; i < ml->n[k]; i++) {
    fprintf(out, " %s", ml->sym[k][i].name);
    if (k == MS_PARAM || k == MS_EFFECT) fprintf(out, " = %.17g %s;", ml->sym[k][i].value, ml->sym[k][i].unit);
    if (k == MS_LATENT) fprintf(out, " (variance %.17g)", ml->sym[k][i].value);
  }
  fprintf(out, "\n");
}

PetscErrorCode TTModelLangView(TTModelLang ml, FILE *out)
{
  int nl = ml->n[MS_LATENT];
  PetscFunctionBeginUser;
  fprintf(out, "model %s (%s, time unit %s)\n", ml->name, ml->ode ? "ODE" : "closed form", ml->time_unit);
  Names(ml, MS_PARAM, "parameters", out);
  Names(ml, MS_EFFECT, "arm effects (no effect)", out);
  Names(ml, MS_COV, "covariates", out);
  Names(ml, MS_LATENT, "random effects", out);
  for (int i = 0; i < nl; i++)
    for (int j = 0; j < i; j++)
      if (ml->omega[i * nl + j] != 0)
        fprintf(out, "    covariance %s, %s = %.17g\n", ml->sym[MS_LATENT][j].name, ml->sym[MS_LATENT][i].name,
                ml->omega[i * nl + j]);
  for (int i = 0; i < ml->n[MS_INDIV]; i++) {
    fprintf(out, "  %s = ", ml->sym[MS_INDIV][i].name);
    Print(ml, ml->expr[MS_INDIV][i], out);
    fprintf(out, "\n");
  }
  for (int i = 0; i < ml->n[MS_STATE]; i++) {
    fprintf(out, "  %s(0) = ", ml->sym[MS_STATE][i].name);
    Print(ml, ml->expr[MS_STATE][i], out);
    fprintf(out, "\n  d/dt(%s) = ", ml->sym[MS_STATE][i].name);
    Print(ml, ml->deriv[i], out);
    fprintf(out, "\n");
  }
  for (int i = 0; i < ml->n[MS_OUTPUT]; i++) {
    const MLResidual *r = &ml->residual[i];
    fprintf(out, "  %s = ", ml->sym[MS_OUTPUT][i].name);
    Print(ml, ml->expr[MS_OUTPUT][i], out);
    if (!r->has)
      fprintf(out, "   (not observed)\n");
    else if (r->lognormal > 0)
      fprintf(out, "   (observed: lognormal sd %.17g)\n", r->lognormal);
    else
      fprintf(out, "   (observed: additive sd %.17g, proportional %.17g)\n", r->additive, r->proportional);
  }
  PetscFunctionReturn(0);
}
