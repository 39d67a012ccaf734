/* model.h — disease / drug-effect models behind one interface, and their registry.
 *
 * A model is a table of plain callbacks (SUNDIALS style: no allocation, no
 * errors, no I/O) over double arrays in the model's own order:
 *   par[nparam]   resolved parameters (defaults overridden by the protocol),
 *   cov[ncovariate] the twin's covariates, named by `covariate`,
 *   eta[nlatent]  the twin's random effects (between-subject variability),
 *   eff[neffect]  the arm's effect parameters (defaults = no effect),
 *   y[nvar]       output variables at one time.
 * Time `t` is in the model's unit (`time_unit_days` days). A closed-form model
 * sets `mean` (and may set `mean_times`, the same values at many times at once);
 * an ODE model sets nstate > 0 with `initial`, `rhs` and `output`, and is
 * integrated by the sim module with PETSc TS.
 * Randomness enters only through `draw_latent` and `observe`, each given a
 * generator keyed by the caller, so twins are reproducible on any rank count.
 * Adding a model: one file in src/model/ defining a TTModelType, one line in
 * src/model/registry.c.
 */
#ifndef TWINTRIAL_MODEL_H
#define TWINTRIAL_MODEL_H

#include <twintrial/rng.h>

/* Where a parameter or arm effect is defined: a value outside it makes the model's
 * arithmetic meaningless (a negative clearance, a variance below 0, a multiplier 1 + f
 * that is not positive), so a protocol that sets one is refused (trial module) rather
 * than left to fail, or worse not to fail, in some twin. A domain is not a plausible
 * range: it says what the model can compute, not what a drug does. */
typedef enum {
  TT_DOMAIN_REAL = 0,     /* any finite number */
  TT_DOMAIN_POSITIVE,     /* > 0: scales, rates, volumes, times that divide */
  TT_DOMAIN_NONNEGATIVE,  /* >= 0: variances, SDs, rates that may be switched off */
  TT_DOMAIN_ABOVE_MINUS1, /* > -1: a fractional change f, multiplying by 1 + f > 0 */
  TT_DOMAIN_COUNT,        /* an integer >= 0 */
} TTDomain;

typedef struct {
  const char *name;
  const char *unit;
  double      value;       /* default */
  const char *description; /* meaning; variability where it has one */
  TTDomain    domain;      /* the values the model accepts (the default among them) */
} TTParamInfo;

typedef struct {
  const char *name, *unit;
} TTVariableInfo;

/* What a clinician accepts for one output variable: every simulated value, observed
 * or counterfactual, at every visit of every arm, lies in [lo, hi]. `source` cites
 * where the limits come from. A model states one range per variable, in variable order
 * (tested as a property over 10^5 twins: tests/validation/plausible.sh). */
typedef struct {
  double      lo, hi;
  const char *source;
} TTRangeInfo;

/* An event the model generates: terminal events (death) end observation; recurrent
 * ones (relapses) may happen up to TT_MAX_EVENT_TIMES times. */
typedef struct {
  const char *name;
  int         recurrent;
  int         terminal;
} TTEventInfo;

#define TT_MAX_EVENT_TIMES 32
#define TT_MAX_DOSES       4096
#define TT_MAX_SEGMENTS    16

/* A regimen: arm effects that change at given times (an add-on, an escalation, a
 * discontinuation). Segment j has the effects eff[j * neffect ...] from start[j] on:
 * start[0] = 0 (randomisation) < start[1] < ... < start[n - 1], model units,
 * 1 <= n <= TT_MAX_SEGMENTS. Segment j holds on (start[j], start[j + 1]]: at a switch
 * time the earlier regimen still holds (a visit at a switch time shows the course before
 * the switch, which is decided on what that visit shows), and the new one acts after it.
 * A regimen of one segment is the constant effects eff[0 .. neffect). */
typedef struct {
  int           n;
  const double *start; /* [n] */
  const double *eff;   /* [n * neffect], segment-major */
} TTRegimen;

/* Not collective. The segment of r holding at time t: the last j with start[j] < t (0 for
 * t <= start[1]). */
static inline int tt_regimen_segment(const TTRegimen *r, double t)
{
  int j = 0;
  while (j + 1 < r->n && r->start[j + 1] < t) j++;
  return j;
}

/* One observation, for the observation density (personalisation): `value` of a variable
 * whose noise-free model value is `mean`. below != 0: the observation is censored, known
 * only to lie below `value` (a limit of quantification; Beal's M3). `mean_prev` and
 * `value_prev` are the previous observation of the same variable of the same patient
 * (NAN for the first), for models whose observations are not conditionally independent
 * given the model value (cumulative counts). */
typedef struct {
  double mean, value, mean_prev, value_prev;
  int    below;
} TTObservation;

typedef struct {
  const char           *name;
  const char           *description;
  const char           *reference;
  double                time_unit_days;
  int                   nparam;
  const TTParamInfo    *param;
  int                   neffect;
  const TTParamInfo    *effect;
  int                   ncovariate;
  const char *const    *covariate; /* cohort covariates the model needs */
  int                   nvar;
  const TTVariableInfo *var;
  const TTRangeInfo    *range; /* [nvar] plausible ranges (required for shipped models) */
  /* [neffect] optional: the interval a calibration searches for each arm effect unless the
   * protocol gives one (calibrate.interval); lo == hi: none known (an interval is then
   * required). The marginal effect should be monotone in the effect over the interval. */
  const TTRangeInfo *effect_range;
  int                nlatent;
  int                nstate; /* 0: closed form */
  void (*draw_latent)(const double *par, tt_pcg32 *rng, double *eta);
  void (*mean)(const double *par, const double *cov, const double *eta, const double *eff, double t, double *y);
  void (*initial)(const double *par, const double *cov, const double *eta, const double *eff, double *u0);
  void (*rhs)(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
              double *f);
  void (*output)(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
                 double *y);
  /* Observation model: yobs[nvar] from the noise-free ymean[nvar]. */
  void (*observe)(const double *par, const double *ymean, tt_pcg32 *rng, double *yobs);
  /* Random effects at their conditional mean given covariates and the observed
   * baseline yobs0[nvar] (for the prognostic score). */
  void (*condition)(const double *par, const double *cov, const double *yobs0, double *eta);
  /* Events (optional): nevent types; `events` fills times[k * TT_MAX_EVENT_TIMES + j],
   * the j-th time (model units, increasing in j) of event type k, INFINITY when there
   * is none; only times before t_end are needed. rng is keyed per twin and re-seeded
   * identically for every arm, so arms share their random numbers. */
  int                nevent;
  const TTEventInfo *event;
  void (*events)(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                 tt_pcg32 *rng, double *times);
  /* Event hazards (optional, instead of `events`): h[nevent], the hazard of each event
   * type (events per model time unit; finite, >= 0) at time t of a twin whose ODE state is
   * u[nstate] (NULL for a closed-form model) under effects eff. The sim integrates the
   * cumulative hazards Lambda_k with the states by PETSc TS, doses and switches included
   * (TTSimEvents, sim.h), and places occurrence j of type k at Lambda_k(T) = E_1 + ... +
   * E_j with unit-exponential gaps drawn from rng in the order that function states. A
   * model sets `events` (its own times) or `hazard`; with both, `hazard` is used.
   * hazard_regimen (optional): the hazards in segment seg >= 1 of a regimen, for a model
   * whose hazard reads the time since a switch (as rhs_regimen); without it `hazard` sees
   * the effects of the segment under way. */
  void (*hazard)(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
                 double *h);
  void (*hazard_regimen)(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int seg,
                         double t, const double *u, double *h);
  /* Dosing (optional, ODE models): `doses` writes up to TT_MAX_DOSES dose times (model
   * units, increasing) and amounts for the arm before t_end and returns how many; the
   * sim adds each amount to state dose_state at its time (a discontinuity: the
   * integrator stops there and restarts). */
  int (*doses)(const double *par, const double *cov, const double *eta, const double *eff, double t_end, double *times,
               double *amounts);
  int dose_state;
  /* propagate (optional, ODE models whose right-hand side is linear in the state with
   * coefficients constant in time, e.g. linear compartmental PK): the exact solution over a
   * step, u <- u(h) = exp(A h) u for h >= 0, A the Jacobian of rhs under effects eff. The sim
   * then moves a trajectory between its events (visits, doses, switches) with it instead of
   * integrating rhs (exact, and no steps); doses, switches and outputs are as for the ODE.
   * rhs stays the definition: the sensitivities (sim_sens.c) and the event-time integration
   * integrate it, and tests/unit/test_model_pk.c checks propagate against it. Not with
   * rhs_regimen (an onset makes A depend on time). */
  void (*propagate)(const double *par, const double *cov, const double *eta, const double *eff, double h, double *u);
  /* Closed-form models (optional): y[nt * nvar] at times t[nt] (visit-major), equal bit
   * for bit to calling `mean` at each time; lets a model compute per-twin constants once. */
  void (*mean_times)(const double *par, const double *cov, const double *eta, const double *eff, int nt,
                     const double *t, double *y);
  /* Personalisation (`twintrial personalise`; optional for simulation). Before
   * randomisation (t < 0, a patient's history) a twin is untreated: the sim evaluates a
   * closed-form model's `mean` at t < 0 with the default (no-effect) arm effects, and a
   * closed-form model's mean there must be its untreated natural course (no placebo
   * response, no kill); an ODE model starts from `initial` at the earliest time and runs
   * with the default effects up to t = 0.
   * log_density: log density (or log probability) of variable k's observation o given its
   * noise-free value, the very error model `observe` draws from (mass at a clipping bound
   * included; o->below: log P(Y < o->value)); -INFINITY where impossible; NaN for a
   * variable that is never measured (derived) or a censored value of an exact one (the
   * personalisation inputs refuse such rows).
   * omega: covariance om[nlatent * nlatent] (row major) of the random effects' prior (zero
   * mean, normal unless log_prior says otherwise) and the bounds lo[], hi[] draw_latent
   * truncates them to (+-INFINITY: none).
   * log_prior (optional): log density of eta up to a constant, for a prior that is not the
   * normal of `omega` (a gamma frailty); omega then gives its covariance, for shrinkage. */
  double (*log_density)(const double *par, int k, const TTObservation *o);
  void (*omega)(const double *par, const double *cov, double *om, double *lo, double *hi);
  double (*log_prior)(const double *par, const double *cov, const double *eta);
  const char *const *latent; /* [nlatent] names of the random effects (optional: eta1, eta2, ...) */
  /* gauss_newton (optional, personalisation): 1 when every observed variable's log_density
   * (uncensored) is normal on some scale with a variance free of the mean, log p = -(g(y) -
   * g(mean))^2 / (2 sigma^2) + c(y) (additive; log-normal: g = log), so the MAP objective is
   * a sum of squares and its fit takes Gauss-Newton steps by default (src/twin/twin_gn.c). */
  int gauss_newton;
  /* Regimens with switches (TTRegimen; optional). What a switch means is the model's:
   * mean_regimen: a closed-form model's y[nt * nvar] at times t[nt] >= 0 (visit-major)
   *   under reg; at t <= reg->start[1] bit for bit `mean` under the first segment's
   *   effects (a switch cannot change the past). A closed-form model without it cannot
   *   switch.
   * events_regimen: `events` under reg, drawing the same random numbers; every event time
   *   before reg->start[1] bit for bit that of `events` under the first segment's effects.
   *   A model with `events` but without it (and without `hazard`) cannot switch.
   * rhs_regimen, output_regimen (both or neither): an ODE model is integrated segment by
   *   segment, the integration restarting at every switch (as at a dose). Without them
   *   rhs and output see the effects of the segment under way: right when the effects act
   *   on rates and the state carries the history. A model whose effects act through the
   *   time since they started (an onset) sets them; the sim calls them with the segment
   *   seg >= 1 under way (rhs and output with the first segment's effects before). The
   *   doses of a dosing model under reg are those `doses` gives for segment j's effects
   *   at times in [start[j], start[j + 1]): the dosing clock stays that of t = 0. */
  void (*mean_regimen)(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int nt,
                       const double *t, double *y);
  void (*events_regimen)(const double *par, const double *cov, const double *eta, const TTRegimen *reg, double t_end,
                         tt_pcg32 *rng, double *times);
  void (*rhs_regimen)(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int seg, double t,
                      const double *u, double *f);
  void (*output_regimen)(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int seg,
                         double t, const double *u, double *y);
  /* Exact forward sensitivities (optional, ODE models; personalisation's gradients, sim_sens.c).
   * rhs_sens: f[nstate], bit for bit what `rhs` gives at (t, u), and for every random effect
   * l < nlatent the right-hand side of its sensitivity s_l = d u / d eta_l,
   *   fs[l * nstate + k] = sum_j (d f_k / d u_j) s[l * nstate + j] + d f_k / d eta_l.
   * rhs_sens_regimen: the same in segment seg >= 1 of reg, as rhs_regimen (required with
   * rhs_sens when the model sets rhs_regimen). Without them the sim takes finite differences
   * of `rhs` along each direction (1 + nlatent or 1 + 2 nlatent calls of `rhs` instead). */
  void (*rhs_sens)(const double *par, const double *cov, const double *eta, const double *eff, double t,
                   const double *u, const double *s, double *f, double *fs);
  void (*rhs_sens_regimen)(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int seg,
                           double t, const double *u, const double *s, double *f, double *fs);
  /* rhs_many (optional, ODE models): the right-hand sides of n cases at one time t, the
   * sim's batches (cases sharing their steps), bit for bit what rhs / rhs_regimen give case
   * by case: case i has cov[i], eta[i], state u + i nstate, f + i nstate, and either the
   * effects eff[i] (reg[i] NULL) or segment seg[i] >= 1 of regimen reg[i] (as rhs_regimen).
   * Lets a model compute once what consecutive cases share (pointers equal: the same arm's
   * effects or regimen; an arm's onsets at t). */
  void (*rhs_many)(const double *par, int n, const double *const *cov, const double *const *eta,
                   const double *const *eff, const TTRegimen *const *reg, const int *seg, double t, const double *u,
                   double *f);
  /* check_params (optional): NULL when the parameters par[nparam], each in its domain,
   * are valid together; otherwise what is wrong, in words (a random-effects covariance
   * that is not positive semi-definite). */
  const char *(*check_params)(const double *par);
} TTModelType;

#define TT_MAX_REGISTERED 16 /* models added at run time */

/* Not collective. The registered model called `name`, or NULL. */
const TTModelType *tt_model_find(const char *name);
/* Not collective. All registered models, in listing order. */
int tt_model_list(const TTModelType *const **types);
/* Not collective. Adds a model defined outside src/model/ (an embedding program, a
 * test) to the registry; m must outlive every use. Returns 0, or 1 when the name is
 * taken or TT_MAX_REGISTERED models were added already. */
int tt_model_register(const TTModelType *m);
/* Not collective. NULL when the model type has every member a trial needs; otherwise
 * what it lacks, in words (e.g. "condition() (...)"). Required: name, time_unit_days,
 * var, draw_latent, observe, condition, and mean (closed form) or initial, rhs and
 * output (nstate > 0); events or hazard with nevent > 0; dose_state with doses;
 * rhs_sens_regimen with rhs_sens and rhs_regimen (rhs_sens only with nstate > 0). */
const char *tt_model_incomplete(const TTModelType *m);
/* Not collective. NULL when the model can be personalised (log_density and omega, and
 * nlatent >= 1); otherwise what it lacks, in words. */
const char *tt_model_unpersonalisable(const TTModelType *m);
/* Not collective. NULL when the model's arm effects can switch during a twin's course
 * (TTRegimen with more than one segment); otherwise what it lacks, in words: a closed-form
 * model needs mean_regimen, a model with `events` (and no `hazard`) events_regimen, and rhs_regimen comes with
 * output_regimen. */
const char *tt_model_unswitchable(const TTModelType *m);
/* Not collective. Index of parameter `name` in info[n], or -1. */
int tt_model_param_index(int n, const TTParamInfo *info, const char *name);
/* Not collective. Whether v is finite and lies in domain d. */
int tt_domain_contains(TTDomain d, double v);
/* Not collective. Domain d in words, for messages ("a positive number"). */
const char *tt_domain_text(TTDomain d);
/* Not collective. Domain d in symbols, for listings ("> 0"; "" for any number). */
const char *tt_domain_symbol(TTDomain d);

#endif
