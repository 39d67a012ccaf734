/* credibility.c — verdicts of published figures against their simulated replicates
 * (see credibility.h for the rule) and the table twintrial credibility prints.
 * Invariant: a verdict uses only the stored replicates' values and the figure's
 * published value and SE, so it is identical on any rank count and after resume.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <twintrial/credibility.h>

#define Z975        1.959963984540054
#define MIN_DEFINED 0.9 /* share of replicates in which a figure must exist */

static int CompareDoubles(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Type-7 quantile (R's default) of sorted v[n]. */
static double Quantile(const double *v, PetscInt n, double q)
{
  double   h = (double) (n - 1) * q;
  PetscInt i = (PetscInt) floor(h);
  return i + 1 < n ? v[i] + (h - (double) i) * (v[i + 1] - v[i]) : v[n - 1];
}

static PetscErrorCode AssessOne(const TTFigureTable *t, PetscInt i, double *scratch, TTCredibilityRow *row)
{
  int      logs = t->log_scale[i] != 0;
  PetscInt n    = 0;
  double   s = 0, ss = 0, pub;

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < t->nreplicate; r++) {
    double v = t->value[r * t->nfigure + i];
    if (!isfinite(v) || (logs && !(v > 0))) continue;
    scratch[n++] = logs ? log(v) : v;
  }
  for (PetscInt k = 0; k < n; k++) s += scratch[k];
  row->defined = n;
  row->mean    = n ? s / (double) n : NAN;
  for (PetscInt k = 0; k < n; k++) ss += (scratch[k] - row->mean) * (scratch[k] - row->mean);
  row->mcse = n > 1 ? sqrt(ss / (double) (n - 1) / (double) n) : NAN;
  qsort(scratch, (size_t) n, sizeof(double), CompareDoubles);
  row->lower     = n ? Quantile(scratch, n, 0.025) : NAN;
  row->upper     = n ? Quantile(scratch, n, 0.975) : NAN;
  row->simulated = logs ? exp(row->mean) : row->mean;
  if (logs) row->lower = exp(row->lower), row->upper = exp(row->upper);
  pub       = logs ? log(t->published[i]) : t->published[i];
  row->z    = (row->mean - pub) / sqrt(t->se[i] * t->se[i] + (n > 1 ? row->mcse * row->mcse : 0));
  row->pass = n > 1 && (double) n >= MIN_DEFINED * (double) t->nreplicate && fabs(row->z) <= Z975;
  PetscFunctionReturn(0);
}

PetscErrorCode TTCredibilityAssess(const TTFigureTable *t, TTCredibilityRow rows[], PetscInt *nfail)
{
  double *scratch;

  PetscFunctionBeginUser;
  *nfail = 0;
  PetscCall(PetscMalloc1(t->nreplicate + 1, &scratch));
  for (PetscInt i = 0; i < t->nfigure; i++) {
    PetscCall(AssessOne(t, i, scratch, &rows[i]));
    *nfail += !rows[i].pass;
  }
  PetscCall(PetscFree(scratch));
  PetscFunctionReturn(0);
}

static const char *Verdict(const TTFigureTable *t, const TTCredibilityRow *row)
{
  if (row->defined < 2 || (double) row->defined < MIN_DEFINED * (double) t->nreplicate) return "UNDEFINED";
  return row->pass ? "pass" : "FAIL";
}

PetscErrorCode TTCredibilityPrint(FILE *out, const TTFigureTable *t, const TTCredibilityRow rows[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscFPrintf(PETSC_COMM_SELF, out,
                         "credibility: %d published figures, %d replicates (simulated = mean over replicates, MC SE; "
                         "one trial's 95%% range)\n",
                         (int) t->nfigure, (int) t->nreplicate));
  for (PetscInt i = 0; i < t->nfigure; i++) {
    const TTCredibilityRow *r    = &rows[i];
    double                  mcse = t->log_scale[i] ? r->simulated * r->mcse : r->mcse; /* delta method, for display */
    PetscCall(PetscFPrintf(PETSC_COMM_SELF, out,
                           "  %-9s %-26s %-10s published %-9.4g simulated %-9.4g (MC SE %.2g; %.4g to %.4g) z %+.2f  %s"
                           "\n      %s; %s\n",
                           Verdict(t, r), TTFigureString(t, TT_FIGURE_NAME, i),
                           t->fitted[i] != 0 ? "[fitted]" : "[held out]", t->published[i], r->simulated, mcse, r->lower,
                           r->upper, r->z, r->defined < t->nreplicate ? "(not defined in every replicate)" : "",
                           TTFigureString(t, TT_FIGURE_WHAT, i), TTFigureString(t, TT_FIGURE_SOURCE, i)));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTCredibilityReport(const char *path, FILE *out, PetscBool note, PetscInt *nfigure, PetscInt *nfail)
{
  TTFigureTable     t;
  TTCredibilityRow *rows;
  PetscErrorCode    ierr;

  PetscFunctionBeginUser;
  *nfail = 0;
  PetscCall(TTStoreReadFigures(path, &t));
  *nfigure = t.nfigure;
  if (!t.nfigure) {
    if (note) PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "%s: the protocol has no validation section\n", path));
    PetscCall(TTFigureTableDestroy(&t));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc1(t.nfigure, &rows));
  ierr = TTCredibilityAssess(&t, rows, nfail);
  if (!ierr) ierr = TTCredibilityPrint(out, &t, rows);
  PetscCall(PetscFree(rows));
  PetscCall(TTFigureTableDestroy(&t));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
