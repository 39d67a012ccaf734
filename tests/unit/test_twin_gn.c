/* test_twin_gn.c — personalisation's Gauss-Newton fit and Gauss-Newton Laplace Hessian
 * (src/twin/twin_gn.c) against the quasi-Newton fit and the exact (difference) Hessian.
 *
 * Models: t2d_hba1c (log-normal observations, history before 0, a secretagogue arm; it
 * declares gauss_newton) and pk_1cmt_oral (doses, proportional errors; Gauss-Newton forced
 * by the option), NPAT synthetic patients each (tt_twin_synthetic.h).
 * Checked, for every patient: both fits converge; their modes agree within 1e-4 posterior SD
 * (both meet the same gradient tolerance; the quasi-Newton fit's own distance to a tight
 * reference is up to 6e-6 prior SD, README Performance 6) and their objectives within 1e-9
 * relative; for T2D, the Gauss-Newton fit takes fewer Tao iterations in total and the
 * Gauss-Newton Laplace covariance has posterior SDs within 10 % of the exact ones and
 * correlations within 0.1 (the term it leaves out, sum_j r_j d2 mean_j / d eta2, has mean
 * 0 at the truth; PK's are printed, up to 24 % off); the T2D model file (lognormal
 * residuals) declares gauss_newton from its residuals and its default fit reaches the C
 * model's Gauss-Newton mode within 1e-4 posterior SD in fewer iterations than its
 * quasi-Newton fit (a proportional residual declares nothing); -tt_twin_method and
 * -tt_twin_laplace with unknown values are refused with PETSC_ERR_USER. T2D also: the
 * guided arms' step rule, and a regimen that switches (CheckStepStopAndSwitch).
 */
#include <math.h>
#include <string.h>
#include <twintrial/modellang.h>
#include <twintrial/twin.h>
#include "tt_check.h"
#include "tt_twin_synthetic.h"

#define NPAT 8

static PetscErrorCode CreateFit(TTTrial trial, const char *method, const char *laplace, TTTwinFit *fit)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsSetValue(NULL, "-tt_twin_method", method));
  PetscCall(PetscOptionsSetValue(NULL, "-tt_twin_laplace", laplace));
  PetscCall(TTTwinFitCreate(trial, fit));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_twin_method"));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_twin_laplace"));
  PetscFunctionReturn(0);
}

/* gaussian: the model declares gauss_newton (its default); otherwise the option forces it
 * and only the mode is checked. */
static PetscErrorCode CheckModel(const char *protocol, PetscInt arm, int nt, const double *t, int nv, const int *var,
                                 PetscBool gaussian)
{
  TTProtocol        *pr;
  TTTrial            trial;
  TTSim              sim;
  TTTwinFit          qn, gn;
  const TTModelType *m;
  PetscInt           its_qn = 0, its_gn = 0, nl;
  double             worst_eta = 0.0, worst_sd = 0.0, worst_cor = 0.0;

  PetscFunctionBeginUser;
  PetscCall(tt_twin_model_trial(protocol, &pr, &trial));
  PetscCall(TTTrialGetModel(trial, &m));
  nl = m->nlatent;
  PetscCall(TTTrialCreateSim(trial, &sim));
  PetscCall(CreateFit(trial, "quasi_newton", "exact", &qn));
  PetscCall(CreateFit(trial, "gauss_newton", "gauss_newton", &gn));
  for (PetscInt i = 0; i < NPAT; i++) {
    TTSyntheticPatient s;
    TTTwinEstimate     a, b;
    PetscCall(tt_twin_synthetic(trial, sim, 15, i, arm, nt, t, nv, var, &s));
    PetscCall(TTTwinFitPatient(qn, &s.p, &a));
    PetscCall(TTTwinFitPatient(gn, &s.p, &b));
    TT_CHECK(a.converged, a.reason);
    TT_CHECK(b.converged, b.reason);
    if (!a.converged || !b.converged) continue;
    its_qn += a.iterations, its_gn += b.iterations;
    TT_CHECK_CLOSE(b.objective, a.objective, 1e-9 * fabs(a.objective), "the same objective at both modes");
    for (PetscInt l = 0; l < nl; l++) {
      double sd = sqrt(a.cov[l * nl + l]), sdg = sqrt(b.cov[l * nl + l]);
      worst_eta = fmax(worst_eta, fabs(b.eta[l] - a.eta[l]) / sd);
      worst_sd  = fmax(worst_sd, fabs(sdg / sd - 1.0));
      TT_CHECK_CLOSE(b.eta[l], a.eta[l], 1e-4 * sd, "the same mode (posterior SDs)");
      if (gaussian) TT_CHECK_CLOSE(sdg, sd, 0.1 * sd, "Gauss-Newton posterior SD near the exact Hessian's");
      for (PetscInt k = 0; k < l; k++) {
        double ca = a.cov[l * nl + k] / (sd * sqrt(a.cov[k * nl + k]));
        double cb = b.cov[l * nl + k] / (sdg * sqrt(b.cov[k * nl + k]));
        worst_cor = fmax(worst_cor, fabs(cb - ca));
        if (gaussian) TT_CHECK_CLOSE(cb, ca, 0.1, "Gauss-Newton posterior correlation near the exact Hessian's");
      }
    }
  }
  printf("%s: %d patients, Tao iterations quasi-Newton %d, Gauss-Newton %d; worst mode difference %.2g posterior SD; "
         "Gauss-Newton Laplace: worst SD ratio - 1 %.3g, worst correlation difference %.3g\n",
         m->name, NPAT, (int) its_qn, (int) its_gn, worst_eta, worst_sd, worst_cor);
  TT_CHECK((m->gauss_newton != 0) == (gaussian == PETSC_TRUE), "the model's declaration");
  if (gaussian) TT_CHECK(its_gn < its_qn, "Gauss-Newton takes fewer iterations");
  PetscCall(TTTwinFitDestroy(&qn));
  PetscCall(TTTwinFitDestroy(&gn));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&pr));
  PetscFunctionReturn(0);
}

/* The T2D model file (tests/data/models/good/t2d_hba1c.yaml, lognormal residuals):
 * gauss_newton comes from its residuals, and its default fit (so Gauss-Newton) reaches the
 * C model's Gauss-Newton mode for the same patients (drawn with the C model) within 1e-4
 * posterior SD, in fewer Tao iterations than its own quasi-Newton fit, which reaches the
 * same mode; a file with a proportional residual (pk_1cmt_oral.yaml) does not declare it. */
static PetscErrorCode CheckModelFile(PetscInt arm, int nt, const double *t, int nv, const int *var)
{
  TTProtocol        *prc, *prf;
  TTTrial            tc, tf;
  TTSim              sim;
  TTTwinFit          gc, gf, qf;
  const TTModelType *mc, *mf, *pk;
  PetscInt           its_gf = 0, its_qf = 0, nl;
  double             worst = 0.0, worst_q = 0.0;

  PetscFunctionBeginUser;
  PetscCall(tt_twin_model_trial(TT_TWIN_T2D, &prc, &tc));
  PetscCall(tt_twin_model_trial(TT_TWIN_T2D_FILE, &prf, &tf));
  PetscCall(TTTrialGetModel(tc, &mc));
  PetscCall(TTTrialGetModel(tf, &mf));
  PetscCall(TTModelLangLoad(PETSC_COMM_SELF, TT_PK_FILE, &pk));
  TT_CHECK(mf->gauss_newton == 1 && mc->gauss_newton == 1, "lognormal residuals: the model file declares gauss_newton");
  TT_CHECK(pk->gauss_newton == 0, "a proportional residual: no gauss_newton");
  nl = mf->nlatent;
  TT_CHECK(nl == mc->nlatent, "the same random effects");
  PetscCall(TTTrialCreateSim(tc, &sim));
  PetscCall(TTTwinFitCreate(tc, &gc)); /* both by their defaults: Gauss-Newton */
  PetscCall(TTTwinFitCreate(tf, &gf));
  PetscCall(CreateFit(tf, "quasi_newton", "exact", &qf));
  for (PetscInt i = 0; i < NPAT; i++) {
    TTSyntheticPatient s;
    TTTwinEstimate     a, b, q;
    PetscCall(tt_twin_synthetic(tc, sim, 16, i, arm, nt, t, nv, var, &s));
    PetscCall(TTTwinFitPatient(gc, &s.p, &a));
    PetscCall(TTTwinFitPatient(gf, &s.p, &b));
    PetscCall(TTTwinFitPatient(qf, &s.p, &q));
    TT_CHECK(a.converged && b.converged && q.converged, "the three fits converge");
    if (!a.converged || !b.converged || !q.converged) continue;
    its_gf += b.iterations, its_qf += q.iterations;
    for (PetscInt l = 0; l < nl; l++) {
      double sd = sqrt(a.cov[l * nl + l]);
      worst     = fmax(worst, fabs(b.eta[l] - a.eta[l]) / sd);
      worst_q   = fmax(worst_q, fabs(q.eta[l] - b.eta[l]) / sd);
      TT_CHECK_CLOSE(b.eta[l], a.eta[l], 1e-4 * sd, "the model file's Gauss-Newton mode is the C model's");
      TT_CHECK_CLOSE(q.eta[l], b.eta[l], 1e-4 * sd, "and its quasi-Newton mode");
    }
  }
  printf("%s: %d patients, worst mode difference from the C model's Gauss-Newton fit %.2g posterior SD "
         "(quasi-Newton %.2g); Tao iterations Gauss-Newton %d, quasi-Newton %d\n",
         mf->name, NPAT, worst, worst_q, (int) its_gf, (int) its_qf);
  TT_CHECK(its_gf < its_qf, "the model file's Gauss-Newton fit takes fewer iterations");
  PetscCall(TTTwinFitDestroy(&gc));
  PetscCall(TTTwinFitDestroy(&gf));
  PetscCall(TTTwinFitDestroy(&qf));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTTrialDestroy(&tc));
  PetscCall(TTTrialDestroy(&tf));
  PetscCall(TTProtocolDestroy(&prc));
  PetscCall(TTProtocolDestroy(&prf));
  PetscFunctionReturn(0);
}

/* T2D patients on arm 1 (tt_twin_synthetic.h), two more properties:
 * - the guided arms' fit (TTTwinFitSetStepStop 1e-3, 1e-6 and integrations at rtol 1e-6,
 *   atol 1e-8): converged, fewer Tao iterations in total, modes within 2e-3 posterior SD
 *   of the full fit's (the
 *   rule bounds the next step by 1e-3 SD; Gauss-Newton converges linearly where residuals
 *   are not small, so the distance left can exceed the next step: 9e-4 measured);
 * - a regimen that switches (the arm's effects, discontinued at day 84, between two
 *   visits' times): the Gauss-Newton fit (sensitivities through the switch) and the
 *   quasi-Newton fit on differences of the objective converge to the same mode (1e-4
 *   posterior SD, objectives 1e-9 relative), the former in fewer iterations. */
static PetscErrorCode CheckStepStopAndSwitch(const char *protocol, int nt, const double *t, int nv, const int *var)
{
  TTProtocol        *pr;
  TTTrial            trial;
  TTSim              sim;
  TTTwinFit          gn, st, fd;
  const TTModelType *m;
  PetscInt           its[4]   = {0, 0, 0, 0}, nl, ne;
  double             start[2] = {0.0, 84.0}, eff[2 * 64], worst_stop = 0.0, worst_sw = 0.0;
  TTRegimen          reg = {2, start, eff};

  PetscFunctionBeginUser;
  PetscCall(tt_twin_model_trial(protocol, &pr, &trial));
  PetscCall(TTTrialGetModel(trial, &m));
  nl = m->nlatent, ne = m->neffect;
  PetscCall(TTTrialArmEffects(trial, 1, 0.0, eff));
  PetscCall(TTTrialArmEffects(trial, 0, 0.0, eff + ne));
  PetscCall(TTTrialCreateSim(trial, &sim));
  PetscCall(CreateFit(trial, "gauss_newton", "gauss_newton", &gn));
  PetscCall(CreateFit(trial, "gauss_newton", "gauss_newton", &st));
  PetscCall(TTTwinFitSetStepStop(st, 1e-3, 1e-6));
  PetscCall(TTTwinFitSetTolerances(st, 1e-6, 1e-8));
  PetscCall(PetscOptionsSetValue(NULL, "-tt_twin_gradient", "fd"));
  PetscCall(CreateFit(trial, "quasi_newton", "exact", &fd));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_twin_gradient"));
  for (PetscInt i = 0; i < NPAT; i++) {
    TTSyntheticPatient s;
    TTTwinEstimate     a, b, c;
    PetscCall(tt_twin_synthetic(trial, sim, 16, i, 1, nt, t, nv, var, &s));
    PetscCall(TTTwinFitPatient(gn, &s.p, &a));
    PetscCall(TTTwinFitPatient(st, &s.p, &b));
    TT_CHECK(a.converged && b.converged, "both fits converge");
    its[0] += a.iterations, its[1] += b.iterations;
    for (PetscInt l = 0; l < nl; l++) {
      double sd  = sqrt(a.cov[l * nl + l]);
      worst_stop = fmax(worst_stop, fabs(b.eta[l] - a.eta[l]) / sd);
      TT_CHECK_CLOSE(b.eta[l], a.eta[l], 2e-3 * sd, "the step rule's mode within 2e-3 posterior SD");
    }
    s.p.reg = &reg;
    PetscCall(TTTwinFitPatient(fd, &s.p, &a));
    PetscCall(TTTwinFitPatient(gn, &s.p, &c));
    TT_CHECK(a.converged && c.converged, "both fits converge through the switch");
    its[2] += a.iterations, its[3] += c.iterations;
    TT_CHECK_CLOSE(c.objective, a.objective, 1e-9 * fabs(a.objective), "the same objective through the switch");
    for (PetscInt l = 0; l < nl; l++) {
      double sd = sqrt(a.cov[l * nl + l]);
      worst_sw  = fmax(worst_sw, fabs(c.eta[l] - a.eta[l]) / sd);
      TT_CHECK_CLOSE(c.eta[l], a.eta[l], 1e-4 * sd, "the same mode through the switch (posterior SDs)");
    }
  }
  printf("%s: guided arms' fit: Tao iterations %d (full fit: %d), worst mode difference %.2g posterior SD; a switching "
         "regimen: Gauss-Newton %d iterations, quasi-Newton on differences %d, worst mode difference %.2g posterior "
         "SD\n",
         m->name, (int) its[1], (int) its[0], worst_stop, (int) its[3], (int) its[2], worst_sw);
  TT_CHECK(its[1] < its[0], "the step rule saves iterations");
  TT_CHECK(its[3] < its[2], "Gauss-Newton through the switch takes fewer iterations");
  PetscCall(TTTwinFitDestroy(&gn));
  PetscCall(TTTwinFitDestroy(&st));
  PetscCall(TTTwinFitDestroy(&fd));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&pr));
  PetscFunctionReturn(0);
}

/* An unknown value of option `name`: one PETSC_ERR_USER. */
static PetscErrorCode CheckBadOption(const char *name)
{
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(tt_twin_fit_create_code(TT_TWIN_T2D, name, "newton", &ierr));
  TT_CHECK(ierr == PETSC_ERR_USER, "an unknown value is refused");
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  /* T2D: weeks -26, -12 (history), 0, 4, 12, 26 in days; HbA1c, FPG, FSI; secretagogue arm */
  const double t2d[] = {-182, -84, 0, 28, 84, 182}, pk[] = {0.5, 1, 2, 4, 8, 11.9, 24.5, 26, 36};
  const int    t2d_var[] = {0, 1, 2}, pk_var[] = {0};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(CheckModel(TT_TWIN_T2D, 1, 6, t2d, 3, t2d_var, PETSC_TRUE));
  PetscCall(CheckModel(TT_TWIN_PK, 0, 9, pk, 1, pk_var, PETSC_FALSE));
  PetscCall(CheckModelFile(1, 6, t2d, 3, t2d_var));
  PetscCall(CheckStepStopAndSwitch(TT_TWIN_T2D, 6, t2d, 3, t2d_var));
  PetscCall(CheckBadOption("-tt_twin_method"));
  PetscCall(CheckBadOption("-tt_twin_laplace"));
  printf("%s: Gauss-Newton personalisation, %d failures\n", tt_failures ? "FAIL" : "ok", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
