/* ml_gen.c — C source of a parsed model, generated from its tree only: a name becomes
 * an array element by index (par[i], eff[i], cov[i], eta[i], v[i] individual, u[i]
 * state, o[i] output, t), a number is printed with %.17g, and nothing of the file's text
 * is copied, so the source is valid C whatever the file holds. Also the model printed
 * back in its own syntax (TTModelLangView).
 *
 * The generated object exports tt_ml_abi (the generator version), tt_ml_init (the host
 * table and Omega's Cholesky factor) and the TTModelType callbacks tt_ml_<callback>; the
 * types it shares with twintrial (tt_pcg32, TTObservation, TTRegimen, the host table) are
 * written here with the same members as in rng.h, model.h and mlload.h.
 */
#include <math.h>
#include <string.h>
#include "modellang/mlimpl.h"

static const char *const CFunc[MF_NFUNC]  = {"exp",      "log", "log10", "sqrt", "fabs", "floor",
                                             "ceil",     "sin", "cos",   "tan",  "tanh", "ml_logit",
                                             "ml_expit", "pow", "fmin",  "fmax", ""};
static const char *const CArray[MS_NKIND] = {"par", "eff", "cov", "eta", "v", "u", "o", "t"};

static void Number(double x, FILE *out)
{
  char buf[40];
  snprintf(buf, sizeof buf, "%.17g", x);
  fprintf(out, "%s%s", buf, strpbrk(buf, ".eEn") ? "" : ".0");
}

PetscErrorCode MLGenExpr(TTModelLang ml, int e, FILE *out)
{
  static const char *const bin[] = {"", "",    "",     "",    " + ",  " - ",  " * ", " / ",
                                    "", " < ", " <= ", " > ", " >= ", " == ", " != "};
  const MLNode            *n     = &ml->node[e];
  PetscFunctionBeginUser;
  switch (n->op) {
  case ML_NUM:
    Number(n->value, out);
    break;
  case ML_BEFORE:
    fprintf(out, "yb[%d]", n->index);
    break;
  case ML_SYM:
    if (n->kind == MS_TIME)
      fprintf(out, n->index ? "tsw" : "t");
    else
      fprintf(out, "%s[%d]", CArray[n->kind], n->index);
    break;
  case ML_NEG:
  case ML_NOT:
    fprintf(out, n->op == ML_NEG ? "(-" : "((double) (0.0 == ");
    PetscCall(MLGenExpr(ml, n->kid[0], out));
    fprintf(out, n->op == ML_NEG ? ")" : "))");
    break;
  case ML_POW:
    fprintf(out, "pow(");
    PetscCall(MLGenExpr(ml, n->kid[0], out));
    fprintf(out, ", ");
    PetscCall(MLGenExpr(ml, n->kid[1], out));
    fprintf(out, ")");
    break;
  case ML_AND:
  case ML_OR:
    fprintf(out, "((double) (0.0 != ");
    PetscCall(MLGenExpr(ml, n->kid[0], out));
    fprintf(out, n->op == ML_AND ? " && 0.0 != " : " || 0.0 != ");
    PetscCall(MLGenExpr(ml, n->kid[1], out));
    fprintf(out, "))");
    break;
  case ML_CALL:
    if (n->index == MF_IF) {
      fprintf(out, "(0.0 != ");
      PetscCall(MLGenExpr(ml, n->kid[0], out));
      fprintf(out, " ? ");
      PetscCall(MLGenExpr(ml, n->kid[1], out));
      fprintf(out, " : ");
      PetscCall(MLGenExpr(ml, n->kid[2], out));
      fprintf(out, ")");
      break;
    }
    fprintf(out, "%s(", CFunc[n->index]);
    PetscCall(MLGenExpr(ml, n->kid[0], out));
    if (MLFuncs[n->index].nargs == 2) {
      fprintf(out, ", ");
      PetscCall(MLGenExpr(ml, n->kid[1], out));
    }
    fprintf(out, ")");
    break;
  default: /* binary arithmetic and comparisons */
    fprintf(out, n->op >= ML_LT ? "((double) (" : "(");
    PetscCall(MLGenExpr(ml, n->kid[0], out));
    fprintf(out, "%s", bin[n->op]);
    PetscCall(MLGenExpr(ml, n->kid[1], out));
    fprintf(out, n->op >= ML_LT ? "))" : ")");
  }
  PetscFunctionReturn(0);
}

static const char Preamble[] =
    "#include <math.h>\n#include <stdint.h>\n#include <stddef.h>\n"
    "typedef struct { uint64_t state; uint64_t inc; } tt_pcg32;\n"
    "typedef struct { double mean, value, mean_prev, value_prev; int below; } TTObservation;\n"
    "typedef struct {\n  int version;\n  double (*normal)(tt_pcg32 *);\n  double (*ldnorm)(double, double, double);\n"
    "  double (*lpnorm)(double);\n  void (*minimise)(int, double (*)(const double *, void *), void *, double *);\n"
    "  double (*fdraw)(int, const double *, double, tt_pcg32 *);\n"
    "  double (*fdensity)(int, const double *, const void *);\n"
    "} TTModelLangHost;\n"
    "typedef struct { int n; const double *start; const double *eff; } TTRegimen;\n"
    "static const TTModelLangHost *H;\nstatic double L[NL > 0 ? NL * NL : 1];\n"
    "static const double YB0[NO] = {0.0};\n"
    "static double ml_logit(double p) { return log(p / (1.0 - p)); }\n"
    "static double ml_expit(double x) { return 1.0 / (1.0 + exp(-x)); }\n"
    "int tt_ml_abi(void) { return ML_VERSION; }\n"
    "void tt_ml_init(const TTModelLangHost *h, const double *l)\n{\n  H = h;\n"
    "  for (int i = 0; i < NL * NL; i++) L[i] = l[i];\n}\n"
    "#define UNUSED(x) (void) (x)\n";

/* v[i] = ... for every individual variable (inside a function with par, cov, eta, eff). */
PetscErrorCode MLGenIndividual(TTModelLang ml, FILE *out)
{
  PetscFunctionBeginUser;
  fprintf(out, "  double v[NI > 0 ? NI : 1];\n  UNUSED(par), UNUSED(cov), UNUSED(eta), UNUSED(eff), UNUSED(v);\n");
  for (int i = 0; i < ml->n[MS_INDIV]; i++) {
    fprintf(out, "  v[%d] = ", i);
    PetscCall(MLGenExpr(ml, ml->expr[MS_INDIV][i], out));
    fprintf(out, ";\n");
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Outputs(TTModelLang ml, FILE *out)
{
  PetscFunctionBeginUser;
  fprintf(out, "  double o[NO];\n");
  for (int i = 0; i < ml->n[MS_OUTPUT]; i++) {
    fprintf(out, "  o[%d] = ", i);
    PetscCall(MLGenExpr(ml, ml->expr[MS_OUTPUT][i], out));
    fprintf(out, ";\n");
  }
  fprintf(out, "  for (int k = 0; k < NO; k++) y[k] = o[k];\n");
  PetscFunctionReturn(0);
}

#define ARGS "const double *par, const double *cov, const double *eta, const double *eff"

/* Before any switch: t_switch = 0 and before(OUTPUT) = 0. */
static const char NoSwitch[] = "  const double tsw = 0.0, *yb = YB0;\n  UNUSED(tsw), UNUSED(yb);\n";

/* A closed-form model under a regimen (model.h, mean_regimen): in segment j the outputs
 * under its effects with t_switch = start[j] and before(OUTPUT) the output's value at
 * start[j] under segment j - 1 (seg_starts, segment by segment from 0 in segment 0);
 * at t <= start[1] exactly tt_ml_mean. */
static PetscErrorCode Switches(TTModelLang ml, FILE *out)
{
  PetscFunctionBeginUser;
  fprintf(out, "static void seg_out(" ARGS ", double t, double tsw, const double *yb, double *y)\n{\n");
  PetscCall(MLGenIndividual(ml, out));
  fprintf(out, "  UNUSED(tsw), UNUSED(yb);\n");
  PetscCall(Outputs(ml, out));
  fprintf(out,
          "}\nstatic void seg_starts(const double *par, const double *cov, const double *eta, const TTRegimen *reg, "
          "double *yb)\n{\n"
          "  for (int k = 0; k < NO; k++) yb[k] = 0.0;\n"
          "  for (int j = 1; j < reg->n && j < TT_MAX_SEGMENTS; j++)\n"
          "    seg_out(par, cov, eta, reg->eff + (j - 1) * NEFF, reg->start[j], reg->start[j - 1], yb + (j - 1) * NO, "
          "yb + j * NO);\n}\n"
          "void tt_ml_mean_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, "
          "int nt, const double *t, double *ys)\n{\n"
          "  double yb[TT_MAX_SEGMENTS * NO];\n  seg_starts(par, cov, eta, reg, yb);\n"
          "  for (int i = 0; i < nt; i++) {\n    int j = 0;\n"
          "    if (reg->n < 2 || t[i] <= reg->start[1]) {\n"
          "      tt_ml_mean(par, cov, eta, reg->eff, t[i], ys + i * NO);\n      continue;\n    }\n"
          "    while (j + 1 < reg->n && j + 1 < TT_MAX_SEGMENTS && reg->start[j + 1] < t[i]) j++;\n"
          "    seg_out(par, cov, eta, reg->eff + j * NEFF, t[i], reg->start[j], yb + j * NO, ys + i * NO);\n  }\n}\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode Callbacks(TTModelLang ml, FILE *out)
{
  PetscFunctionBeginUser;
  if (!ml->ode) { /* mean, and mean_times: the same code with the individual variables computed once */
    fprintf(out, "void tt_ml_mean(" ARGS ", double t, double *y)\n{\n");
    PetscCall(MLGenIndividual(ml, out));
    fprintf(out, "%s", NoSwitch);
    PetscCall(Outputs(ml, out));
    fprintf(out, "}\nvoid tt_ml_mean_times(" ARGS ", int nt, const double *times, double *ys)\n{\n");
    PetscCall(MLGenIndividual(ml, out));
    fprintf(out, "%s", NoSwitch);
    fprintf(out, "  for (int i = 0; i < nt; i++) {\n  const double t = times[i];\n  double *y = ys + i * NO;\n");
    PetscCall(Outputs(ml, out));
    fprintf(out, "  }\n}\n");
    PetscCall(Switches(ml, out));
    PetscFunctionReturn(0);
  }
  fprintf(out, "void tt_ml_initial(" ARGS ", double *u0)\n{\n");
  PetscCall(MLGenIndividual(ml, out));
  for (int i = 0; i < ml->n[MS_STATE]; i++) {
    fprintf(out, "  u0[%d] = ", i);
    PetscCall(MLGenExpr(ml, ml->expr[MS_STATE][i], out));
    fprintf(out, ";\n");
  }
  fprintf(out, "}\nvoid tt_ml_rhs(" ARGS ", double t, const double *u, double *f)\n{\n");
  PetscCall(MLGenIndividual(ml, out));
  fprintf(out, "  UNUSED(t), UNUSED(u);\n");
  for (int i = 0; i < ml->n[MS_STATE]; i++) {
    fprintf(out, "  f[%d] = ", i);
    PetscCall(MLGenExpr(ml, ml->deriv[i], out));
    fprintf(out, ";\n");
  }
  fprintf(out, "}\nvoid tt_ml_output(" ARGS ", double t, const double *u, double *y)\n{\n");
  PetscCall(MLGenIndividual(ml, out));
  fprintf(out, "  UNUSED(t), UNUSED(u);\n");
  PetscCall(Outputs(ml, out));
  fprintf(out, "}\n");
  PetscFunctionReturn(0);
}

/* observe and log_density from the residual section: additive and proportional combined
 * as independent normal errors, sd = sqrt(a^2 + (b m)^2); lognormal: y = m exp(s z); the
 * other families by the host's MLFamilyDraw and MLFamilyLogDensity (ml_family.c). */
static PetscErrorCode Residuals(TTModelLang ml, FILE *out)
{
  PetscFunctionBeginUser;
  fprintf(out, "static const double RA[NO] = {");
  for (int k = 0; k < ml->n[MS_OUTPUT]; k++) Number(ml->residual[k].additive, out), fprintf(out, ", ");
  fprintf(out, "};\nstatic const double RP[NO] = {");
  for (int k = 0; k < ml->n[MS_OUTPUT]; k++) Number(ml->residual[k].proportional, out), fprintf(out, ", ");
  fprintf(out, "};\nstatic const double RL[NO] = {");
  for (int k = 0; k < ml->n[MS_OUTPUT]; k++) Number(ml->residual[k].lognormal, out), fprintf(out, ", ");
  fprintf(out, "};\nstatic const int RHAS[NO] = {");
  for (int k = 0; k < ml->n[MS_OUTPUT]; k++) fprintf(out, "%d, ", ml->residual[k].has);
  fprintf(out, "};\nstatic const int RF[NO] = {");
  for (int k = 0; k < ml->n[MS_OUTPUT]; k++) fprintf(out, "%d, ", (int) ml->residual[k].family);
  fprintf(out, "};\nstatic const double RQ[NO][3] = {");
  for (int k = 0; k < ml->n[MS_OUTPUT]; k++) {
    fprintf(out, "{");
    for (int j = 0; j < 3; j++) Number(ml->residual[k].q[j], out), fprintf(out, ", ");
    fprintf(out, "}, ");
  }
  fprintf(out, "};\n"
               "static double sd_of(int k, double m) { return sqrt(RA[k] * RA[k] + RP[k] * RP[k] * m * m); }\n"
               "void tt_ml_observe(const double *par, const double *ymean, tt_pcg32 *rng, double *yobs)\n{\n"
               "  UNUSED(par);\n  for (int k = 0; k < NO; k++) {\n"
               "    if (!RHAS[k]) yobs[k] = ymean[k];\n"
               "    else if (RF[k]) yobs[k] = H->fdraw(RF[k], RQ[k], ymean[k], rng);\n"
               "    else if (RL[k] > 0) yobs[k] = ymean[k] * exp(RL[k] * H->normal(rng));\n"
               "    else yobs[k] = ymean[k] + sd_of(k, ymean[k]) * H->normal(rng);\n  }\n}\n"
               "double tt_ml_log_density(const double *par, int k, const TTObservation *o)\n{\n"
               "  double sd, x, m;\n  UNUSED(par);\n"
               "  if (k < 0 || k >= NO || !RHAS[k] || isnan(o->mean) || isnan(o->value)) return NAN;\n"
               "  if (RF[k]) return H->fdensity(RF[k], RQ[k], o);\n"
               "  if (RL[k] > 0) {\n"
               "    if (!(o->mean > 0) || !(o->value > 0)) return -INFINITY;\n"
               "    x = log(o->value), m = log(o->mean);\n"
               "    return o->below ? H->lpnorm((x - m) / RL[k]) : H->ldnorm(x, m, RL[k]) - x;\n  }\n"
               "  sd = sd_of(k, o->mean);\n"
               "  if (!(sd > 0)) return o->below ? (o->mean < o->value ? 0.0 : -INFINITY) : (o->value == o->mean ? "
               "INFINITY : -INFINITY);\n"
               "  return o->below ? H->lpnorm((o->value - o->mean) / sd) : H->ldnorm(o->value, o->mean, sd);\n}\n");
  PetscFunctionReturn(0);
}

/* draw_latent (eta = L z, all drawn again until every truncated eta lies in [TLO, THI]:
 * rejection, the exact truncated normal; without truncation one draw), omega (L L^T and
 * the truncation), and condition: the MAP of eta given the baseline (t = 0, no arm
 * effect), minimised by the host's routine, limited to the truncation. */
static const char Latent[] =
    "void tt_ml_draw_latent(const double *par, tt_pcg32 *rng, double *eta)\n{\n"
    "  double z[NL > 0 ? NL : 1];\n  UNUSED(par);\n"
    "  for (int tries = 0; tries < 1000000; tries++) {\n    int inside = 1;\n"
    "    for (int i = 0; i < NL; i++) z[i] = H->normal(rng);\n"
    "    for (int i = 0; i < NL; i++) {\n      eta[i] = 0.0;\n"
    "      for (int j = 0; j <= i; j++) eta[i] += L[i * NL + j] * z[j];\n"
    "      inside = inside && eta[i] >= TLO[i] && eta[i] <= THI[i];\n    }\n    if (inside) return;\n  }\n"
    "  for (int i = 0; i < NL; i++) eta[i] = fmin(fmax(eta[i], TLO[i]), THI[i]);\n}\n"
    "void tt_ml_omega(const double *par, const double *cov, double *om, double *lo, double *hi)\n{\n"
    "  UNUSED(par), UNUSED(cov);\n  for (int i = 0; i < NL; i++) {\n"
    "    lo[i] = TLO[i], hi[i] = THI[i];\n    for (int j = 0; j < NL; j++) {\n      double s = 0.0;\n"
    "      for (int k = 0; k <= (i < j ? i : j); k++) s += L[i * NL + k] * L[j * NL + k];\n"
    "      om[i * NL + j] = s;\n    }\n  }\n}\n"
    "typedef struct { const double *par, *cov, *yobs0; } Baseline;\n"
    "static double neg_log_post(const double *eta, void *ctx)\n{\n"
    "  const Baseline *b = (const Baseline *) ctx;\n  double w[NL > 0 ? NL : 1], y[NO], f = 0.0;\n"
    "  for (int i = 0; i < NL; i++) {\n    double s = eta[i];\n"
    "    for (int j = 0; j < i; j++) s -= L[i * NL + j] * w[j];\n    w[i] = s / L[i * NL + i];\n    f += 0.5 * w[i] * "
    "w[i];\n  }\n"
    "  baseline(b->par, b->cov, eta, y);\n"
    "  for (int k = 0; k < NO; k++) {\n"
    "    TTObservation o = {y[k], b->yobs0[k], NAN, NAN, 0};\n    double l;\n"
    "    if (!RHAS[k] || isnan(b->yobs0[k])) continue;\n    l = tt_ml_log_density(b->par, k, &o);\n"
    "    f -= l;\n  }\n  return isnan(f) ? INFINITY : f;\n}\n"
    "void tt_ml_condition(const double *par, const double *cov, const double *yobs0, double *eta)\n{\n"
    "  Baseline b = {par, cov, yobs0};\n  for (int i = 0; i < NL; i++) eta[i] = 0.0;\n"
    "  if (NL > 0) H->minimise(NL, neg_log_post, &b, eta);\n"
    "  for (int i = 0; i < NL; i++) eta[i] = fmin(fmax(eta[i], TLO[i]), THI[i]);\n}\n";

/* doses(): the algorithm of src/model/pk_1cmt_oral.c with the section's expressions. */
static PetscErrorCode Doses(TTModelLang ml, FILE *out)
{
  static const char *const var[4] = {"amount", "first", "interval", "count"};
  static const char *const def[4] = {"0.0", "0.0", "0.0", "0.0"};
  PetscFunctionBeginUser;
  fprintf(out, "int tt_ml_doses(" ARGS ", double t_end, double *times, double *amounts)\n{\n");
  PetscCall(MLGenIndividual(ml, out));
  for (int k = 0; k < 4; k++) {
    fprintf(out, "  double %s = ", var[k]);
    if (ml->dose_expr[k] < 0)
      fprintf(out, "%s", def[k]);
    else
      PetscCall(MLGenExpr(ml, ml->dose_expr[k], out));
    fprintf(out, ";\n");
  }
  fprintf(out,
          "  double nmax = count >= 1.0 ? floor(count) : INFINITY;\n  int n = 0;\n"
          "  if (amount == 0.0) return 0;\n"
          "  for (int k = 0; k < nmax; k++) {\n    double td = first + k * interval;\n"
          "    if (!(td < t_end) || (k > 0 && !(interval > 0.0))) break;\n"
          "    if (n == %d) return %d;\n    times[n] = td, amounts[n] = amount, n++;\n  }\n  return n;\n}\n",
          TT_MAX_DOSES, TT_MAX_DOSES + 1);
  PetscFunctionReturn(0);
}

PetscErrorCode TTModelLangGenerate(TTModelLang ml, FILE *out)
{
  PetscFunctionBeginUser;
  fprintf(out, "/* generated by twintrial's model compiler, version %d */\n", TT_MODELLANG_GENERATOR_VERSION);
  fprintf(out, "#define ML_VERSION %d\n#define NI %d\n#define NO %d\n#define NL %d\n#define NS %d\n",
          TT_MODELLANG_GENERATOR_VERSION, ml->n[MS_INDIV], ml->n[MS_OUTPUT], ml->n[MS_LATENT], ml->n[MS_STATE]);
  fprintf(out, "#define NEFF %d\n#define TT_MAX_SEGMENTS %d\n", ml->n[MS_EFFECT], TT_MAX_SEGMENTS);
  fprintf(out, "%s", Preamble);
  PetscCall(Callbacks(ml, out));
  if (ml->dosing) PetscCall(Doses(ml, out));
  fprintf(out, "static const double EFF0[] = {");
  for (int i = 0; i < ml->n[MS_EFFECT]; i++) Number(ml->sym[MS_EFFECT][i].value, out), fprintf(out, ", ");
  fprintf(out, "0.0};\nstatic void baseline(const double *par, const double *cov, const double *eta, double *y)\n{\n");
  if (ml->ode)
    fprintf(out, "  double u[NS];\n  tt_ml_initial(par, cov, eta, EFF0, u);\n  tt_ml_output(par, cov, eta, EFF0, 0.0, "
                 "u, y);\n}\n");
  else
    fprintf(out, "  tt_ml_mean(par, cov, eta, EFF0, 0.0, y);\n}\n");
  PetscCall(Residuals(ml, out));
  for (int k = 0; k < 2; k++) {
    fprintf(out, "static const double %s[NL > 0 ? NL : 1] = {", k ? "THI" : "TLO");
    for (int i = 0; i < ml->n[MS_LATENT]; i++) {
      double x = k ? ml->thi[i] : ml->tlo[i];
      if (isinf(x))
        fprintf(out, "%sINFINITY, ", x < 0 ? "-" : "");
      else
        Number(x, out), fprintf(out, ", ");
    }
    fprintf(out, "%s};\n", ml->n[MS_LATENT] ? "" : "0.0");
  }
  fprintf(out, "%s", Latent);
  if (ml->nevent) PetscCall(MLGenEvents(ml, out));
  PetscFunctionReturn(0);
}
