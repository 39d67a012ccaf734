# The tumour-size-linked hazard of tests/data/models/good/tgi_os_hazard.yaml, typed again
# here from its equations: the tumour size TS and the cumulative hazard Lambda integrated
# together by deSolve::lsoda (rtol = atol = 1e-12) with a root at Lambda = E; the death
# time must equal twintrial's (the compiled model file's events) to 1e-7 relative, and
# be absent (Inf) in both when Lambda(3000 days) < E. Only the per-case etas, kill
# multiplier and E are read from the CSV.
# usage: Rscript modellang_events_vs_desolve.R DEATHS_CSV
suppressPackageStartupMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
base <- 70; kl <- 0.0013; kd <- 0.0063; lambda <- 0.0106; h0 <- 0.0017; beta <- 1.1
fails <- 0
worst <- 0
for (i in seq_len(nrow(d))) {
  p <- d[i, ]
  BASE <- base * exp(p$eta_base)
  KD <- kd * exp(p$eta_kd)
  deriv <- function(t, x, q) {
    list(c((kl - p$kill * KD * exp(-lambda * t)) * x[1], h0 * exp(beta * (x[1] / BASE - 1))))
  }
  root <- function(t, x, q) x[2] - p$E
  sol <- lsoda(c(TS = BASE, L = 0), c(0, 3000), deriv, NULL, rootfunc = root, rtol = 1e-12, atol = 1e-12,
               maxsteps = 1e6)
  ref <- if (is.null(attr(sol, "troot"))) Inf else attr(sol, "troot")[1]
  ok <- if (is.infinite(ref)) is.infinite(p$death) || p$death == Inf else abs(p$death - ref) <= 1e-7 * ref
  if (is.finite(ref)) worst <- max(worst, abs(p$death - ref) / ref)
  if (!isTRUE(ok)) {
    cat(sprintf("FAIL case %d draw %d: twintrial %.10g, deSolve %.10g (E %.6g)\n", p$case, p$draw, p$death, ref, p$E))
    fails <- fails + 1
  }
}
cat(sprintf("%d death times (%d within 3000 days), largest relative difference %.3g; %d failed\n", nrow(d),
            sum(is.finite(d$death)), worst, fails))
quit(status = fails > 0)
