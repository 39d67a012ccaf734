# An event-driven group-sequential design (tests/data/protocols/gsd_events_exponential.yaml:
# exponential survival, hazard ratio 0.7, 500 twins over 12 months, looks at 125 and 250
# events, O'Brien-Fleming alpha and non-binding beta spending) against rpact:
#  1. the boundaries equal getDesignGroupSequential's at informationRates = events / maxEvents;
#  2. every look held has exactly its events;
#  3. per-look efficacy and futility stopping probabilities, overall power, analysis times,
#     subjects, expected events, subjects and duration agree with getSimulationSurvival on
#     the same design within Monte-Carlo error (3.5 combined SEs; rpact's SE taken as ours
#     scaled to its iterations);
#  4. with a calendar cut-off at 15 months, replicates short of 250 events are analysed at
#     the cut-off with the events there are, against the final boundary rpact recomputes
#     (user alpha spending: the interim's alpha, then all of it, at the observed
#     information rates); without the interim, qnorm(0.975).
# usage: Rscript gsd_vs_rpact.R FULL_CSV_DIR CUTOFF_CSV_DIR
suppressMessages(library(rpact))
args <- commandArgs(trailingOnly = TRUE)
checks <- 0; fails <- 0
check <- function(what, ok, detail = "") {
  checks <<- checks + 1
  if (!isTRUE(ok)) fails <<- fails + 1
  cat(sprintf("%s: %s %s\n", if (isTRUE(ok)) "ok" else "FAIL", what, detail))
}
close <- function(what, got, want, tol) {
  check(what, is.finite(got) && is.finite(want) && abs(got - want) <= tol,
        sprintf("(%.10g vs %.10g, tol %.2g)", got, want, tol))
}
month <- 365.25 / 12
alpha <- 0.025; beta <- 0.2; iterations <- 20000

looks <- read.csv(file.path(args[1], "looks.csv"))
reps <- read.csv(file.path(args[1], "looks_replicates.csv"))
an <- read.csv(file.path(args[1], "analyses.csv"))
K <- nrow(looks); events <- looks$events; R <- length(unique(reps$replicate))

# 1. boundaries
d <- getDesignGroupSequential(kMax = K, alpha = alpha, sided = 1, beta = beta, typeOfDesign = "asOF",
                              typeBetaSpending = "bsOF", bindingFutility = FALSE,
                              informationRates = events / max(events))
for (k in 1:K) {
  close(sprintf("efficacy bound look %d", k), looks$efficacy_bound[k], d$criticalValues[k], 1e-6)
  close(sprintf("alpha spent look %d", k), looks$alpha_spent[k], d$alphaSpent[k], 1e-7) # rpact's: integrated
}
for (k in seq_len(K - 1)) close(sprintf("futility bound look %d", k), looks$futility_bound[k], d$futilityBounds[k], 1e-6)

# 2. exact event counts at the looks held, in /looks and in the deciding analysis's rows
held <- reps[is.finite(reps$time), ]
check("every look held has its planned events", all(held$information == events[held$look]),
      sprintf("(%d looks held)", nrow(held)))
check("looks are held up to the stopping look and none after", all(is.finite(reps$time) == (reps$look <= reps$stage)))
stage_info <- an$information[an$analysis == "logrank"][order(an$replicate[an$analysis == "logrank"])]
stage <- reps$stage[reps$look == 1]
check("analyses.csv information = the events of the stopping look", all(stage_info == events[stage]))

# 3. operating characteristics against getSimulationSurvival
s <- getSimulationSurvival(d, lambda2 = 0.8 / 12, hazardRatio = 0.7, directionUpper = FALSE,
                           dropoutRate1 = 1 - exp(-0.1), dropoutRate2 = 1 - exp(-0.1), dropoutTime = 12,
                           accrualTime = c(0, 12), maxNumberOfSubjects = 500, plannedEvents = events,
                           maxNumberOfIterations = iterations, seed = 1)
inflate <- sqrt(1 + R / iterations) # combined SE from ours: rpact's is ours x sqrt(R / iterations)
mc <- function(what, got, se, want) {
  tol <- 3.5 * se * inflate
  check(what, abs(got - want) <= tol, sprintf("(twintrial %.4f, MC SE %.4f; rpact %.4f; tol %.4f)", got, se, want, tol))
}
for (k in 1:K) {
  mc(sprintf("P(efficacy stop) look %d", k), looks$stop_efficacy[k], looks$stop_efficacy_mcse[k], s$rejectPerStage[k])
  at <- held[held$look == k, ]
  mc(sprintf("analysis time look %d (months)", k), looks$analysis_time[k] / month,
     sd(at$time / month) / sqrt(nrow(at)), s$analysisTime[k])
  mc(sprintf("subjects at look %d", k), looks$mean_subjects[k], max(sd(at$subjects), 0.5) / sqrt(nrow(at)),
     s$numberOfSubjects[k])
}
for (k in seq_len(K - 1))
  mc(sprintf("P(futility stop) look %d", k), looks$stop_futility[k], looks$stop_futility_mcse[k], s$futilityPerStage[k])
mc("power (cumulative)", looks$cumulative_power[K], looks$cumulative_power_mcse[K], s$overallReject)
mc("expected events", looks$expected_information[1], looks$expected_information_mcse[1], s$expectedNumberOfEvents)
mc("expected subjects", looks$expected_subjects[1], looks$expected_subjects_mcse[1], s$expectedNumberOfSubjects)
mc("expected duration (months)", looks$expected_duration[1] / month, looks$expected_duration_mcse[1] / month,
   s$studyDuration)

# 4. a final analysis cut off before its events
cl <- read.csv(file.path(args[2], "looks.csv"))
cr <- read.csv(file.path(args[2], "looks_replicates.csv"))
fin <- cr[cr$look == K & cr$stage == K, ]
short <- fin[fin$information < events[K], ]
check("the cut-off leaves replicates short of the final count", nrow(short) >= 50, sprintf("(%d)", nrow(short)))
check("short final analyses are at the cut-off (15 months)", all(abs(short$time - 15 * month) < 1e-9))
check("the final look keeps its events when reached", all(fin$information[fin$information >= events[K]] == events[K]))
worst <- 0
for (i in seq_len(nrow(short))) {
  r <- short$replicate[i]; D <- short$information[i]
  first <- cr[cr$replicate == r & cr$look == 1, ]
  want <- if (is.finite(first$time)) {
    du <- suppressWarnings(getDesignGroupSequential(kMax = 2, alpha = alpha, sided = 1, typeOfDesign = "asUser",
                                                    userAlphaSpending = c(cl$alpha_spent[1], alpha),
                                                    informationRates = c(first$information / D, 1)))
    du$criticalValues[2]
  } else qnorm(1 - alpha)
  worst <- max(worst, abs(short$efficacy_bound[i] - want))
}
check("recomputed final boundaries equal rpact's (asUser, observed information rates)", worst < 1e-6,
      sprintf("(largest difference %.2g over %d replicates)", worst, nrow(short)))
check("a short final analysis rejects exactly when z crosses its boundary",
      all((short$decision == 1) == (short$z >= short$efficacy_bound)))

cat(sprintf("%d checks: %d passed, %d failed\n", checks, checks - fails, fails))
quit(status = if (fails == 0) 0 else 1)
