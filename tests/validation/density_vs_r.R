# Every shipped model's observation density (log_density, M3-censored included), the MS
# frailty prior and the special functions behind them, recomputed with R's dbeta, pbeta,
# dlnorm, plnorm, dnorm, pnorm, dpois, dgamma and trigamma: agreement to 1e-12 (relative
# above 1 in magnitude), infinities and NaN included. The error models are typed here
# from the models' sources (Conrado 2014 Beta with tau 87.5; Choy 2016 log-normal SDs;
# Claret 2014 additive SD 7.849 mm clipped to [0, 575.9]; proportional 17 % (Yoon 2013)
# and 10 %; Poisson increments and a Gamma(1/k, k) frailty).
# usage: Rscript density_vs_r.R CASES_CSV
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)

adas <- function(mean, y, below) {
  tau <- 87.5; m <- pmin(pmax(mean / 70, 1e-6), 1 - 1e-6)
  if (below) pbeta(y / 70, m * tau, (1 - m) * tau, log.p = TRUE)
  else dbeta(y / 70, m * tau, (1 - m) * tau, log = TRUE) - log(70)
}
t2d_sd <- c(hba1c = 0.0241, fpg = 0.0688, fsi = 0.262, weight = 0.00919)
t2d <- function(var, mean, y, below) {
  sd <- t2d_sd[[var]]
  if (below) plnorm(y, log(mean), sd, log.p = TRUE) else dlnorm(y, log(mean), sd, log = TRUE)
}
tumour <- function(mean, y, below) {
  sd <- 7.849; K <- 575.9
  if (below) return(if (y <= 0) -Inf else if (y > K) 0 else pnorm(y, mean, sd, log.p = TRUE))
  if (y < 0 || y > K) -Inf
  else if (y == 0) pnorm(0, mean, sd, log.p = TRUE)
  else if (y == K) pnorm(K, mean, sd, lower.tail = FALSE, log.p = TRUE)
  else dnorm(y, mean, sd, log = TRUE)
}
conc <- function(sigma, mean, y, below) {
  if (mean == 0) return(if ((below && y > 0) || (!below && y == 0)) 0 else -Inf)
  if (below) pnorm(y, mean, sigma * mean, log.p = TRUE) else dnorm(y, mean, sigma * mean, log = TRUE)
}
ms <- function(mean, y, mean_prev, y_prev) {
  if (is.na(mean_prev)) mean_prev <- 0
  if (is.na(y_prev)) y_prev <- 0
  x <- y - y_prev
  if (x != round(x)) -Inf else dpois(x, mean - mean_prev, log = TRUE)
}

ref <- numeric(nrow(d))
for (i in seq_len(nrow(d))) {
  r <- d[i, ]; below <- r$below == 1
  ref[i] <- switch(r$case,
    lpnorm = pnorm(r$a, log.p = TRUE),
    ldnorm = dnorm(r$a, r$b, r$c, log = TRUE),
    ldbeta = dbeta(r$a, r$b, r$c, log = TRUE),
    ldpois = if (r$a != round(r$a)) -Inf else suppressWarnings(dpois(r$a, r$b, log = TRUE)),
    trigamma = trigamma(r$a),
    log_prior = dgamma(exp(r$a), shape = 1 / r$b, scale = r$b, log = TRUE) + r$a,
    omega = trigamma(1 / r$a),
    log_density = switch(r$model,
      alzheimers_adas = adas(r$a, r$b, below),
      t2d_hba1c = t2d(r$variable, r$a, r$b, below),
      oncology_tgi_os = tumour(r$a, r$b, below),
      pk_1cmt_oral = conc(0.17, r$a, r$b, below),
      pk_2cmt_oral = conc(0.10, r$a, r$b, below),
      ms_relapse = ms(r$a, r$b, r$c, r$d)),
    stop("unknown case ", r$case))
}
got <- d$value
same <- (is.nan(got) & is.nan(ref)) |
  (is.infinite(got) & is.infinite(ref) & sign(got) == sign(ref)) |
  (is.finite(got) & is.finite(ref) & abs(got - ref) <= 1e-12 * pmax(1, abs(ref)))
same[is.na(same)] <- FALSE
for (i in which(!same))
  cat(sprintf("FAIL %s %s %s a=%.17g b=%.17g c=%.17g d=%.17g below=%d: twintrial %.17g, R %.17g\n",
              d$case[i], d$model[i], d$variable[i], d$a[i], d$b[i], d$c[i], d$d[i], d$below[i], got[i], ref[i]))
err <- abs(got - ref) / pmax(1, abs(ref))
cat(sprintf("%d cases, %d agree with R; largest finite relative difference %.3g\n", nrow(d), sum(same),
            max(err[is.finite(err)])))
quit(status = if (all(same)) 0 else 1)
