/* test_twin_sens.c — personalisation's gradient from the trajectory's forward sensitivities
 * (-tt_twin_gradient sensitivity, src/twin/twin_sens.c) against an independent reference:
 * central differences of the objective integrated at rtol 1e-12, atol 1e-14, with steps
 * 1e-3 and 5e-4 prior SD extrapolated (Richardson), whose error is ~1e-9 of the gradient.
 * Models: t2d_hba1c (history before 0, three variables, a secretagogue arm) and
 * pk_1cmt_oral (doses every 12 h, one variable) with their own observation densities;
 * synthetic patients (tt_twin_synthetic.h), gradients at eta = 0, at the patient's true eta
 * and 1 SD away from it.
 * Checked: |g_sens - g_ref| <= 1e-7 x (|g_ref|_inf + 1) for every component (the fd
 * gradient's error, printed for contrast, is ~8e-7 on T2D); TTTwinObjective's f the same
 * with either gradient (bitwise: it is always the plain trajectory's); an unknown
 * -tt_twin_gradient refused; fits with sensitivities converging to modes where the
 * reference gradient is ~0, and bitwise the same when refitted after other patients.
 */
#include <math.h>
#include <string.h>
#include <twintrial/twin.h>
#include "tt_check.h"
#include "tt_twin_synthetic.h"

static PetscErrorCode CreateFit(TTTrial trial, const char *gradient, PetscBool tight, TTTwinFit *fit)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsSetValue(NULL, "-tt_twin_gradient", gradient));
  if (tight) PetscCall(PetscOptionsSetValue(NULL, "-tt_sim_ts_rtol", "1e-12"));
  if (tight) PetscCall(PetscOptionsSetValue(NULL, "-tt_sim_ts_atol", "1e-14"));
  PetscCall(TTTwinFitCreate(trial, fit));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_twin_gradient"));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_sim_ts_rtol"));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_sim_ts_atol"));
  PetscFunctionReturn(0);
}

/* Richardson extrapolation of central differences of f (fit at rtol 1e-12) with steps h[i]
 * and h[i] / 2: (4 D(h/2) - D(h)) / 3, error O(h^4) plus ~1e-12 |f| / h of rounding. */
static PetscErrorCode ReferenceGradient(TTTwinFit ref, const TTPatient *p, PetscInt nl, const double eta[],
                                        const double h[], double g[])
{
  double e[8], fp, fm, d[2];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nl; i++) {
    for (int k = 0; k < 2; k++) {
      double hk = k ? 0.5 * h[i] : h[i];
      memcpy(e, eta, sizeof(double) * nl);
      e[i] = eta[i] + hk;
      PetscCall(TTTwinObjective(ref, p, e, &fp, NULL));
      e[i] = eta[i] - hk;
      PetscCall(TTTwinObjective(ref, p, e, &fm, NULL));
      d[k] = (fp - fm) / (2 * hk);
    }
    g[i] = (4 * d[1] - d[0]) / 3;
  }
  PetscFunctionReturn(0);
}

static double InfNorm(PetscInt n, const double *x)
{
  double m = 0.0;
  for (PetscInt i = 0; i < n; i++) m = fmax(m, fabs(x[i]));
  return m;
}

static PetscErrorCode CheckModel(const char *protocol, PetscInt arm, int nt, const double *t, int nv, const int *var)
{
  TTProtocol        *pr;
  TTTrial            trial;
  TTSim              sim;
  TTTwinFit          sens, fd, ref;
  const TTModelType *m;
  const double      *par;
  double             om[64], lo[8], hi[8], sd[8], h[8], worst = 0.0, worst_fd = 0.0;
  TTSyntheticPatient first;
  TTTwinEstimate     first_est;

  PetscFunctionBeginUser;
  PetscCall(tt_twin_model_trial(protocol, &pr, &trial));
  PetscCall(TTTrialGetModel(trial, &m));
  PetscCall(TTTrialGetParameters(trial, &par));
  PetscCall(TTTrialCreateSim(trial, &sim));
  PetscCall(CreateFit(trial, "sensitivity", PETSC_FALSE, &sens));
  PetscCall(CreateFit(trial, "fd", PETSC_FALSE, &fd));
  PetscCall(CreateFit(trial, "fd", PETSC_TRUE, &ref));
  m->omega(par, NULL, om, lo, hi);
  for (int i = 0; i < m->nlatent; i++) sd[i] = sqrt(om[i * m->nlatent + i]), h[i] = 1e-3 * sd[i];
  for (PetscInt i = 0; i < 3; i++) {
    TTSyntheticPatient s;
    TTTwinEstimate     est;
    PetscCall(tt_twin_synthetic(trial, sim, 2024, i, arm, nt, t, nv, var, &s));
    for (int point = 0; point < 3; point++) {
      double eta[8], gs[8], gf[8], gr[8], f1, f2, f3, scale;
      for (int l = 0; l < m->nlatent; l++)
        eta[l] = point == 0   ? 0.0
                 : point == 1 ? s.eta[l]
                              : fmin(fmax(s.eta[l] + (l % 2 ? -sd[l] : sd[l]), lo[l]), hi[l]);
      PetscCall(TTTwinObjective(sens, &s.p, eta, &f1, gs));
      PetscCall(TTTwinObjective(fd, &s.p, eta, &f2, gf));
      PetscCall(TTTwinObjective(fd, &s.p, eta, &f3, NULL));
      PetscCall(ReferenceGradient(ref, &s.p, m->nlatent, eta, h, gr));
      TT_CHECK(f1 == f2 && f2 == f3, "TTTwinObjective's f does not depend on the gradient method");
      scale = InfNorm(m->nlatent, gr) + 1.0;
      for (int l = 0; l < m->nlatent; l++) {
        TT_CHECK_CLOSE(gs[l], gr[l], 1e-7 * scale, "gradient: differences of f at rtol 1e-12");
        worst    = fmax(worst, fabs(gs[l] - gr[l]) / scale);
        worst_fd = fmax(worst_fd, fabs(gf[l] - gr[l]) / scale);
      }
    }
    PetscCall(TTTwinFitPatient(sens, &s.p, &est));
    TT_CHECK(est.converged, est.reason);
    if (i == 0) first = s, first_est = est;
    { /* at the mode the reference gradient vanishes (relative to the gradient at eta = 0) */
      double g0[8], gm[8], zero[8] = {0};
      PetscCall(ReferenceGradient(ref, &s.p, m->nlatent, zero, h, g0));
      PetscCall(ReferenceGradient(ref, &s.p, m->nlatent, est.eta, h, gm));
      printf("%s patient %d: mode found with sensitivities, |grad f| there %.2g (at eta = 0: %.3g), %d iterations\n",
             m->name, (int) i, InfNorm(m->nlatent, gm), InfNorm(m->nlatent, g0), (int) est.iterations);
      TT_CHECK(InfNorm(m->nlatent, gm) <= 1e-5 * InfNorm(m->nlatent, g0), "the mode is stationary");
    }
  }
  { /* a refit after other patients is bitwise the same (the reused TSs are reset) */
    TTTwinEstimate again;
    first.p.id = first.id, first.p.cov = first.cov, first.p.t = first.t, first.p.var = first.var;
    first.p.value = first.value, first.p.below = first.below;
    PetscCall(TTTwinFitPatient(sens, &first.p, &again));
    TT_CHECK(!memcmp(&again, &first_est, sizeof again), "refit after other patients is bitwise identical");
  }
  printf("%s: max |g - g_ref| / (|g_ref| + 1): sensitivities %.2g, central differences at the default tolerance %.2g\n",
         m->name, worst, worst_fd);
  PetscCall(TTTwinFitDestroy(&sens));
  PetscCall(TTTwinFitDestroy(&fd));
  PetscCall(TTTwinFitDestroy(&ref));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&pr));
  PetscFunctionReturn(0);
}

/* -tt_twin_gradient with an unknown value: one PETSC_ERR_USER. */
static PetscErrorCode CheckBadOption(void)
{
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(tt_twin_fit_create_code(TT_TWIN_T2D, "-tt_twin_gradient", "adjoint", &ierr));
  TT_CHECK(ierr == PETSC_ERR_USER, "-tt_twin_gradient adjoint refused");
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  /* T2D: weeks -26, -12 (history), 0, 4, 12, 26 in days; HbA1c, FPG, FSI; secretagogue arm */
  const double t2d[] = {-182, -84, 0, 28, 84, 182}, pk[] = {0.5, 1, 2, 4, 8, 11.9, 24.5, 26, 36};
  const int    t2d_var[] = {0, 1, 2}, pk_var[] = {0};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(CheckModel(TT_TWIN_T2D, 1, 6, t2d, 3, t2d_var));
  PetscCall(CheckModel(TT_TWIN_PK, 0, 9, pk, 1, pk_var));
  PetscCall(CheckBadOption());
  printf("%s: personalisation gradients from sensitivities, %d failures\n", tt_failures ? "FAIL" : "ok", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
