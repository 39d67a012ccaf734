# The summary's analytic power, recomputed by R from the same summary figures (mean
# true effect, mean model SE, mean n analysed, mean events): power.t.test(strict =
# TRUE) for ANCOVA and Welch, rpact's getPowerSurvival (Schoenfeld) for log-rank and
# Cox, the two-tailed Wald power for risk differences, odds and rate ratios; "none"
# with NaN where the estimate is a conditional (covariate-adjusted or stratified) odds
# or hazard ratio and the true effect a marginal one, and then no bias, RMSE or coverage
# either (all present otherwise). Under the null (mode `null`)
# every analysis with a formula and no margin must give exactly alpha, two-sided or
# one-sided. Tolerance 1e-9 relative.
# usage: Rscript analytic_vs_r.R alt|null CSV_DIR...
suppressMessages(library(rpact))
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]
fails <- 0; checks <- 0
close <- function(label, ours, want, tol = 1e-9) {
  ok <- is.finite(ours) && is.finite(want) && abs(ours - want) <= tol * max(abs(want), 1e-12)
  checks <<- checks + 1
  cat(sprintf("%s %-22s analytic %.12g  R %.12g\n", if (ok) "ok:  " else "FAIL:", label, ours, want))
  if (!ok) fails <<- fails + 1
}
# direction of benefit (one-sided), margin and the treatment's share of the allocation:
# as in tests/data/protocols/analytic/*.yaml
plan <- list(welch_1s = c(dir = -1), ancova_ni = c(dir = -1, margin = 1), or_1s = c(dir = 1),
             logrank_1s = c(dir = -1, alloc = 2 / 3), logrank = c(alloc = 2 / 3), cox = c(alloc = 2 / 3),
             negbin_1s = c(dir = -1))
none <- c("or_adjusted", "logrank_stratified", "cox_adjusted", "orr_cmh")
get <- function(name, key, default) { v <- plan[[name]][key]; if (is.null(v) || is.na(v)) default else unname(v) }
for (dir in args[-1]) {
  s <- read.csv(file.path(dir, "summary.csv"), stringsAsFactors = FALSE)
  for (i in seq_len(nrow(s))) {
    r <- s[i, ]; name <- r$analysis; a <- r$alpha; sided <- r$sided
    d <- get(name, "dir", 0); m <- get(name, "margin", 0); alloc <- get(name, "alloc", 0.5)
    # a conditional estimate has no bias, RMSE or coverage against the marginal true
    # effect; every other analysis has them
    masked <- is.na(r$bias) && is.na(r$bias_mcse) && is.na(r$rmse) && is.na(r$coverage) && is.na(r$coverage_mcse)
    present <- !is.na(r$bias) && !is.na(r$rmse) && !is.na(r$coverage)
    ok <- if (name %in% none) masked else present
    checks <- checks + 1
    cat(sprintf("%s %-22s bias, RMSE, coverage %s\n", if (ok) "ok:  " else "FAIL:", name,
                if (masked) "none (conditional estimate)" else "present"))
    if (!ok) fails <- fails + 1
    if (name %in% none) {
      ok <- is.na(r$analytic_power) && startsWith(r$analytic_method, "none (")
      checks <- checks + 1
      cat(sprintf("%s %-22s %s\n", if (ok) "ok:  " else "FAIL:", name, r$analytic_method))
      if (!ok) fails <- fails + 1
      next
    }
    if (mode == "null") {
      if (m == 0) close(paste(name, "(null)"), r$analytic_power, a, 1e-9)
      next
    }
    eff <- r$true_effect - m
    want <- if (r$method %in% c("ancova", "welch")) {
      n <- r$expected_n / 2; sd <- r$mean_std_error * sqrt(n / 2)
      if (sided == 2) power.t.test(n = n, delta = abs(eff), sd = sd, sig.level = a, strict = TRUE)$power
      else power.t.test(n = n, delta = d * eff, sd = sd, sig.level = a, alternative = "one.sided")$power
    } else if (r$method %in% c("logrank", "cox")) {
      getPowerSurvival(getDesignGroupSequential(kMax = 1, alpha = a, sided = sided), hazardRatio = exp(eff),
                       maxNumberOfEvents = r$expected_information, allocationRatioPlanned = alloc / (1 - alloc),
                       pi2 = 0.3, accrualTime = 12, maxNumberOfSubjects = 1000, typeOfComputation = "Schoenfeld",
                       directionUpper = if (sided == 1) d > 0 else NA)$overallReject
    } else {
      z <- qnorm(1 - a / sided); th <- if (sided == 2) abs(eff) / r$mean_std_error else d * eff / r$mean_std_error
      pnorm(th - z) + (sided == 2) * pnorm(-th - z)
    }
    close(paste(name, r$method), r$analytic_power, want, 1e-9)
  }
}
cat(sprintf("%d checks, %d failed\n", checks, fails))
if (fails) quit(status = 1)
