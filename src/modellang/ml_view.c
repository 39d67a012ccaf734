/* ml_view.c — TTModelLangView: a parsed model printed back in the model language, every
 * name resolved (its kind shown), every operation parenthesised as the parser grouped
 * it, so a reader sees exactly what will be compiled. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "modellang/mlimpl.h"

/* The shortest of %.15g, %.16g, %.17g that reads back as x. */
static const char *Num(double x, char buf[32])
{
  for (int p = 15; p <= 17; p++) {
    snprintf(buf, 32, "%.*g", p, x);
    if (strtod(buf, NULL) == x) break;
  }
  return buf;
}

static void Print(TTModelLang ml, int e, FILE *out)
{
  static const char *const bin[] = {"",    "",     "",    "",     " + ",  " - ",  " * ",  " / ", "^",
                                    " < ", " <= ", " > ", " >= ", " == ", " != ", " && ", " || "};
  const MLNode            *n     = &ml->node[e];
  char                     buf[32];
  switch (n->op) {
  case ML_NUM:
    fprintf(out, "%s", Num(n->value, buf));
    break;
  case ML_SYM:
    fprintf(out, "%s", n->kind == MS_TIME ? (n->index ? "t_switch" : "t") : ml->sym[n->kind][n->index].name);
    break;
  case ML_BEFORE:
    fprintf(out, "before(%s)", ml->sym[MS_OUTPUT][n->index].name);
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
  char buf[32];
  if (!ml->n[k]) return;
  fprintf(out, "  %s:", title);
  for (int i = 0; i < ml->n[k]; i++) {
    fprintf(out, " %s", ml->sym[k][i].name);
    if (k == MS_PARAM || k == MS_EFFECT) fprintf(out, " = %s %s;", Num(ml->sym[k][i].value, buf), ml->sym[k][i].unit);
    if (k == MS_LATENT) fprintf(out, " (variance %s)", Num(ml->sym[k][i].value, buf));
    if (k == MS_LATENT && (isfinite(ml->tlo[i]) || isfinite(ml->thi[i]))) {
      char b2[32];
      fprintf(out, " truncated to [%s, %s];", Num(ml->tlo[i], buf), Num(ml->thi[i], b2));
    }
  }
  fprintf(out, "\n");
}

PetscErrorCode TTModelLangView(TTModelLang ml, FILE *out)
{
  int  nl = ml->n[MS_LATENT];
  char b1[32], b2[32], b3[32];
  PetscFunctionBeginUser;
  fprintf(out, "model %s (%s, time unit %s)\n", ml->name, ml->ode ? "ODE" : "closed form", ml->time_unit);
  Names(ml, MS_PARAM, "parameters", out);
  Names(ml, MS_EFFECT, "arm effects (no effect)", out);
  Names(ml, MS_COV, "covariates", out);
  Names(ml, MS_LATENT, "random effects", out);
  for (int i = 0; i < nl; i++)
    for (int j = 0; j < i; j++)
      if (ml->omega[i * nl + j] != 0)
        fprintf(out, "    covariance %s, %s = %s\n", ml->sym[MS_LATENT][j].name, ml->sym[MS_LATENT][i].name,
                Num(ml->omega[i * nl + j], b1));
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
    else if (r->family == MR_BETA)
      fprintf(out, "   (observed: beta precision %s on [%s, %s])\n", Num(r->q[0], b1), Num(r->q[1], b2),
              Num(r->q[2], b3));
    else if (r->family == MR_POISSON)
      fprintf(out, "   (observed: poisson)\n");
    else if (r->family == MR_NEGBIN)
      fprintf(out, "   (observed: negative binomial dispersion %s)\n", Num(r->q[0], b1));
    else if (r->lognormal > 0)
      fprintf(out, "   (observed: lognormal sd %s)\n", Num(r->lognormal, b1));
    else
      fprintf(out, "   (observed: additive sd %s, proportional %s)\n", Num(r->additive, b1), Num(r->proportional, b2));
  }
  for (int k = 0; k < ml->nevent; k++) {
    fprintf(out, "  event %s (%s): hazard ", ml->event[k].name, ml->event[k].recurrent ? "recurrent" : "terminal");
    Print(ml, ml->event[k].hazard, out);
    fprintf(out, "\n");
  }
  PetscFunctionReturn(0);
}
