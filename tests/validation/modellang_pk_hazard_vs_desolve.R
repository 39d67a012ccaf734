# The model of tests/data/models/good/pk_exposure_hazard.yaml typed again here from its
# equations: depot and central amounts of a one-compartment oral model, dose_mg added to
# the depot every 12 h from t = 0 (n_doses doses; deSolve events, method "add"), and the
# cumulative hazard L' = h0 exp(beta central / V), integrated by deSolve::lsoda (rtol =
# atol = 1e-12). Checks: twintrial's survival exp(-CH(t)) at the fixed times equals
# exp(-L(t)) to 1e-6 (absolute); at each of twintrial's event times T (from its events
# section) L(T) equals the unit exponential E it inverts to 1e-6 relative, and where
# twintrial has no event before 336 h, L(336) < E. Only the etas, regimen and E are read.
# usage: Rscript modellang_pk_hazard_vs_desolve.R CSV
suppressPackageStartupMessages(library(deSolve))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
ka <- 0.8; cl <- 5; v <- 50; h0 <- 0.002; beta <- 0.4; tau <- 12; t_end <- 336
L_at <- function(p, times) {
  CL <- cl * exp(p$eta_cl); V <- v * exp(p$eta_v)
  deriv <- function(t, x, q) list(c(-ka * x[1], ka * x[1] - CL / V * x[2], h0 * exp(beta * x[2] / V)))
  td <- if (p$n_doses > 0 && p$dose != 0) (seq_len(p$n_doses) - 1) * tau else numeric(0)
  td <- td[td < max(times)]
  x0 <- c(depot = 0, central = 0, L = 0)
  if (length(td) && td[1] == 0) { x0["depot"] <- p$dose; td <- td[-1] }
  ev <- if (length(td)) list(data = data.frame(var = "depot", time = td, value = p$dose, method = "add")) else NULL
  grid <- sort(unique(c(0, times, td))) # the dose times too: deSolve steps to each event
  sol <- lsoda(x0, grid, deriv, NULL, events = ev, rtol = 1e-12, atol = 1e-12, maxsteps = 1e6)
  sol[match(times, sol[, "time"]), "L"]
}
fails <- 0; worst_s <- 0; worst_e <- 0; nev <- 0
for (c in unique(d$case)) {
  s <- d[d$case == c & d$kind == "surv", ]
  ref <- exp(-L_at(s[1, ], s$time))
  worst_s <- max(worst_s, abs(s$value - ref))
  if (any(abs(s$value - ref) > 1e-6)) {
    cat(sprintf("FAIL case %d: survival %s vs deSolve %s\n", c, paste(s$value, collapse = " "), paste(ref, collapse = " ")))
    fails <- fails + 1
  }
  e <- d[d$case == c & d$kind == "event", ]
  for (i in seq_len(nrow(e))) {
    p <- e[i, ]
    if (is.finite(p$time)) {
      L <- L_at(p, p$time)
      nev <- nev + 1
      worst_e <- max(worst_e, abs(L - p$value) / p$value)
      ok <- abs(L - p$value) <= 1e-6 * p$value
    } else {
      L <- L_at(p, t_end)
      ok <- L < p$value
    }
    if (!ok) {
      cat(sprintf("FAIL case %d: event at %.10g, deSolve Lambda there %.10g, E %.10g\n", c, p$time, L, p$value))
      fails <- fails + 1
    }
  }
}
cat(sprintf("survival at %d times: largest difference %.3g; %d event times: largest relative |Lambda(T) - E| %.3g; %d failed\n",
            sum(d$kind == "surv"), worst_s, nev, worst_e, fails))
quit(status = fails > 0)
