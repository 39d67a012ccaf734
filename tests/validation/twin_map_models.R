# twin_map_models.R — the posteriors of `twintrial personalise` written independently in R,
# for the ADAS-Cog model (closed form) and the type 2 diabetes model (ODE, deSolve::lsoda),
# and a MAP fit by optim(BFGS). Sourced by twin_map_vs_r.R (the estimates against
# twintrial's, tests/validation) and tests/bench/twin_fit_r.R (the time R takes per patient).
#
# Everything below is written from the models' published equations (Conrado et al. 2014
# J Pharmacokinet Pharmacodyn 41:581 with the Ito 2010 placebo and an Emax-in-time
# symptomatic effect; Choy et al. 2016 CPT Pharmacometrics Syst Pharmacol 5:11), the
# parameter values the models document (`twintrial models`) and the arm effects of
# protocols/alzheimers_procova.yaml and protocols/t2d_lead2_glimepiride.yaml. Per patient,
# the negative log posterior
#   f(eta) = -sum_j log p(y_j | eta) - log N(eta; 0, Omega)
# (Beta observations of ADAS/70, log-normal observations for T2D; a value "<L" contributes
# log P(Y < L)). lsoda's tolerances are t2_rtol and t2_atol (1e-12 unless the caller sets them).
suppressPackageStartupMessages(library(deSolve))
t2_rtol <- 1e-12
t2_atol <- 1e-12

read_obs <- function(path, weeks_to_model) {
  d <- read.csv(path, comment.char = "#", colClasses = "character")
  d$below <- startsWith(d$value, "<")
  d$value <- as.numeric(sub("^<", "", d$value))
  d$time <- as.numeric(d$time) * weeks_to_model
  d
}

# ---------------------------------------------------------------- ADAS-Cog (closed form)
ad <- list(BL = 22.2, SL = 0.153, s = 6.91, male_bl = 0.953, apoe_bl = 0.0372, age_sl = 0.024,
           apoe_sl = 0.195, noache_sl = 0.698, tau = 87.5, pbo_beta = 0.030, pbo_kel = 1.58,
           pbo_keq = 6.55)
ad$Omega <- matrix(c(0.156, 0.0224, 0.0224, 0.0413), 2, 2)
# arm effects of protocols/alzheimers_procova.yaml: Emax (points), ET50 (weeks), DM fraction
ad_arms <- list(placebo = c(0, 7.6, 0), donepezil_10mg = c(4.1, 7.6, 0))
clamp <- function(x, lo, hi) pmin(pmax(x, lo), hi)

ad_mean <- function(eta, cv, arm, t) {
  bl <- ad$BL * (if (cv$male > 0.5) ad$male_bl else 1) * (1 + ad$apoe_bl * (cv$apoe4 - 0.72))
  sl <- ad$SL * (1 - ad$age_sl * (cv$age - 75)) * (1 + ad$apoe_sl * (cv$apoe4 - 0.72))
  if (cv$on_ache < 0.5) sl <- sl * ad$noache_sl
  b <- clamp(bl * exp(eta[1]) / 70, 1e-6, 0.999)
  sl0 <- sl + eta[2]
  e <- if (is.na(arm)) c(0, 7.6, 0) else ad_arms[[arm]]
  richards <- function(slope, t) b / (b^ad$s + (1 - b^ad$s) * exp(-ad$s * slope * t))^(1 / ad$s)
  sapply(t, function(ti) {
    if (ti < 0) return(70 * clamp(richards(sl0, ti), 1e-6, 1 - 1e-6)) # untreated natural course
    pbo <- -ad$pbo_beta * (exp(-ad$pbo_kel * ti) - exp(-ad$pbo_keq * ti))
    tw <- ti * 365.25 / 7
    drug <- if (tw > 0) -e[1] * tw / (e[2] + tw) / 70 else 0
    70 * clamp(richards(sl0 * (1 - e[3]), ti) + pbo + drug, 1e-6, 1 - 1e-6)
  })
}

ad_loglik <- function(mean, d) {
  m <- clamp(mean / 70, 1e-6, 1 - 1e-6)
  a <- m * ad$tau
  b <- (1 - m) * ad$tau
  x <- d$value / 70
  sum(ifelse(d$below, pbeta(x, a, b, log.p = TRUE), dbeta(x, a, b, log = TRUE) - log(70)))
}

# ---------------------------------------------------------------- type 2 diabetes (ODE)
t2 <- list(is0 = 1.1, b0 = 0.770, rb = 0.209, wt_is = 0.0514, kin = 0.0129, ppg = 0.0709, mtt = 38.9,
           wt_thalf = 96.9, sd = c(hba1c = 0.0241, fpg = 0.0688, fsi = 0.262, weight = 0.00919))
t2$Omega <- diag(c(0.305, 1.4, 0.21)^2) # b0 = 0.770: protocols/t2d_lead2_glimepiride.yaml
# arm effects: sensitizer, its onset half-life, secretagogue, onset, protection, onset,
# weight target (kg), onset (days)
t2_arms <- list(placebo = c(0, 77.9, 0, 7, 0, 0, 0, 0), glimepiride = c(0, 77.9, 0.784, 7, 0, 0, 1.37, 0))
onset <- function(e, th, t) if (t < 0) 0 else if (th > 0) e * (1 - exp(-log(2) * t / th)) else e
homa <- function(IS, B) {
  fpg <- unname((3.5 + sqrt(3.5^2 + 4 * 35.1 / (7.8 * IS * B))) / 2)
  c(fpg = fpg, fsi = unname(7.8 * B * (fpg - 3.5)))
}
t2_glucose <- function(eta, e, t, D, dW) {
  IS <- 1 / (1 + exp(t2$is0 + eta[1])) * max(1 - t2$wt_is * dW, 0.05) * (1 + onset(e[1], e[2], t))
  B <- 1 / (1 + exp(t2$b0 + eta[2] + D)) * (1 + onset(e[3], e[4], t))
  homa(IS, B)
}
t2_rhs <- function(t, u, p) {
  g <- t2_glucose(p$eta, p$e, t, u[1], u[2])
  k <- 3 / t2$mtt
  list(c((t2$rb + p$eta[3]) / 365.25 * (1 - onset(p$e[5], p$e[6], t)),
         log(2) / t2$wt_thalf * (onset(p$e[7], p$e[8], t) - u[2]),
         t2$kin * g[["fpg"]] + t2$ppg - k * u[3], k * (u[3] - u[4]), k * (u[4] - u[5])))
}
# Outputs at times tt (days): from the untreated steady state at min(tt, 0), untreated up to
# 0, then on the arm (the right-hand side may jump at 0, so two integrations).
t2_mean <- function(eta, weight0, arm, tt) {
  none <- rep(0, 8)
  e <- if (is.na(arm)) none else t2_arms[[arm]]
  g0 <- t2_glucose(eta, none, -1, 0, 0)
  a0 <- (t2$kin * g0[["fpg"]] + t2$ppg) * t2$mtt / 3
  u <- c(0, 0, a0, a0, a0)
  t0 <- min(tt, 0)
  out <- NULL
  seg <- function(u, times, e) {
    if (length(times) == 1) return(cbind(times, t(u))) # the state at the start itself
    s <- lsoda(u, times, t2_rhs, list(eta = eta, e = e), rtol = t2_rtol, atol = t2_atol, maxsteps = 1e6)
    if (attr(s, "istate")[1] != 2) stop("lsoda failed")
    s
  }
  if (t0 < 0) {
    s <- seg(u, sort(unique(c(t0, tt[tt < 0], 0))), none)
    out <- s[s[, 1] < 0, , drop = FALSE]
    u <- s[nrow(s), -1]
  }
  if (any(tt >= 0)) {
    s <- seg(u, sort(unique(c(0, tt[tt >= 0]))), e)
    out <- rbind(out, s[s[, 1] %in% tt, , drop = FALSE])
  }
  y <- t(apply(unname(out), 1, function(r) {
    ee <- if (r[1] < 0) none else e
    g <- t2_glucose(eta, ee, r[1], r[2], r[3])
    c(hba1c = r[4] + r[5] + r[6], fpg = g[["fpg"]], fsi = g[["fsi"]], weight = weight0 + r[3])
  }))
  rownames(y) <- out[, 1]
  y
}
t2_loglik <- function(y, d) {
  m <- y[cbind(match(d$time, as.numeric(rownames(y))), match(d$variable, colnames(y)))]
  sd <- t2$sd[d$variable]
  sum(ifelse(d$below, pnorm((log(d$value) - log(m)) / sd, log.p = TRUE),
             dlnorm(d$value, log(m), sd, log = TRUE)))
}

# ---------------------------------------------------------------- MAP per patient
neg_log_post <- function(loglik, Omega) {
  Oi <- solve(Omega)
  function(eta) {
    v <- -loglik(eta) + 0.5 * drop(t(eta) %*% Oi %*% eta) + 0.5 * log(det(2 * pi * Omega))
    if (is.finite(v)) v else 1e10
  }
}
cdiff <- function(f, h) function(x) sapply(seq_along(x), function(i) {
  e <- replace(numeric(length(x)), i, h[i])
  (f(x + e) - f(x - e)) / (2 * h[i])
})
fit <- function(f, Omega) {
  h <- 1e-5 * sqrt(diag(Omega))
  g <- cdiff(f, h)
  o <- optim(numeric(nrow(Omega)), f, g, method = "BFGS",
             control = list(reltol = 1e-15, maxit = 2000, parscale = sqrt(diag(Omega))))
  x <- o$par
  for (it in 1:5) { # Newton polish: BFGS stops on the objective, not on the gradient
    H <- optimHess(x, f, g, control = list(ndeps = 1e-4 * sqrt(diag(Omega))))
    x <- x - solve(H, g(x))
  }
  H <- optimHess(x, f, g, control = list(ndeps = 1e-4 * sqrt(diag(Omega))))
  list(eta = x, f = f(x), grad = g(x), se = sqrt(diag(solve(H))), conv = o$convergence)
}

