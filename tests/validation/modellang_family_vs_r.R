# The observation families of model files against R: for every (model value m, value y)
# printed by modellang_family (families.yaml compiled at run time), the log density must
# equal R's, to 1e-12 relative (absolute below 1):
#   beta on [lo, hi], precision tau: dbeta((y - lo) / (hi - lo), mu tau, (1 - mu) tau, log = TRUE)
#     - log(hi - lo), mu = (m - lo) / (hi - lo) clamped to [1e-6, 1 - 1e-6];
#   poisson: dpois(y, m, log = TRUE); negative binomial (dispersion k): dnbinom(y,
#     size = 1 / k, mu = m, log = TRUE);
# and censored (below): log P(Y < y) = pbeta(..., log.p = TRUE), ppois(ceiling(y) - 1, m,
# log.p = TRUE), pnbinom(ceiling(y) - 1, size = 1 / k, mu = m, log.p = TRUE).
# usage: Rscript modellang_family_vs_r.R DENSITIES_CSV
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
ref <- numeric(nrow(d))
for (i in seq_len(nrow(d))) {
  r <- d[i, ]
  if (r$family == "beta") {
    w <- r$q2 - r$q1
    mu <- min(max((r$mean - r$q1) / w, 1e-6), 1 - 1e-6)
    x <- (r$value - r$q1) / w
    a <- mu * r$q0; b <- (1 - mu) * r$q0
    ref[i] <- if (r$below) pbeta(min(max(x, 0), 1), a, b, log.p = TRUE) else dbeta(x, a, b, log = TRUE) - log(w)
  } else if (r$family == "poisson") {
    ref[i] <- if (r$below) ppois(ceiling(r$value) - 1, r$mean, log.p = TRUE) else dpois(r$value, r$mean, log = TRUE)
  } else {
    ref[i] <- if (r$below) pnbinom(ceiling(r$value) - 1, size = 1 / r$q0, mu = r$mean, log.p = TRUE)
              else dnbinom(r$value, size = 1 / r$q0, mu = r$mean, log = TRUE)
  }
}
err <- ifelse(is.infinite(ref) & ref == d$logd, 0, abs(d$logd - ref) / pmax(1, abs(ref)))
bad <- which(!(err <= 1e-12))
for (i in bad)
  cat(sprintf("FAIL %s q0 %g mean %g value %g below %d: twintrial %.15g, R %.15g\n", d$family[i], d$q0[i], d$mean[i],
              d$value[i], d$below[i], d$logd[i], ref[i]))
cat(sprintf("%d log densities (%d censored), largest relative difference %.3g; %d failed\n", nrow(d), sum(d$below),
            max(err[is.finite(err)]), length(bad)))
quit(status = length(bad) > 0)
