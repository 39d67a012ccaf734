/* guided.h — twin-guided arms: the chooser a trial calls for each twin on a guided arm
 * (arms[i].guided, TTGuidedSpec in protocol.h).
 *
 * For each twin the chooser observes the twin's untreated course at the run-in visits
 * (its own noisy measurements of every variable the model can observe), personalises it
 * (MAP and Laplace covariance, twin.h), forecasts the choose criterion under every
 * candidate and gives the best; at each reassess visit it personalises again on
 * everything observed so far (run-in and the arm's scheduled visits since 0) and switches
 * when another candidate is forecast strictly better. It also scores every candidate at
 * the twin's true random effects (the oracle) and the policy it followed, for the trial's
 * guided figures. Every draw is keyed by the twin (trial.h streams), so a twin's choices
 * do not depend on the rank that simulates it.
 */
#ifndef TWINTRIAL_GUIDED_H
#define TWINTRIAL_GUIDED_H

#include <twintrial/trial.h>

/* Not collective. Sets a per-rank chooser as the trial's (TTTrialSetGuide) when the
 * protocol has guided arms (no-op otherwise); the trial owns it and frees it in
 * TTTrialDestroy. */
PetscErrorCode TTGuideSetUp(TTTrial trial);

#endif
