# The time R takes to personalise a patient as `twintrial personalise` does: the MAP
# estimate of its random effects and their Laplace covariance, on the posterior written in
# R by tests/validation/twin_map_models.R (ADAS-Cog closed form; T2D ODE integrated by
# deSolve::lsoda at twintrial's tolerances, rtol 1e-8, atol 1e-10), the way an R user
# would: optim(method = "BFGS") from eta = 0 with optim's own central-difference gradient
# (steps 1e-3 of a prior SD, parscale = prior SDs, reltol 1e-10), then optimHess at the
# mode for the covariance (mapbayr and posologyr fit the same way).
# Prints "key value" lines: CPU seconds per patient (best of 3 rounds over the first K
# patients, each round at least MIN_SECONDS), and the largest |eta_R - eta_twintrial| over
# them (the two fits find the same mode) with how many of R's fits converged.
# usage: Rscript twin_fit_r.R ad|t2d OBS.csv COV.csv TWINS.csv K [MIN_SECONDS]
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 5) stop("usage: Rscript twin_fit_r.R ad|t2d OBS.csv COV.csv TWINS.csv K [MIN_SECONDS]")
model <- args[1]
k <- as.integer(args[5])
min_seconds <- if (length(args) >= 6) as.numeric(args[6]) else 1
self <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(dirname(self), "..", "validation", "twin_map_models.R"))
t2_rtol <- 1e-8
t2_atol <- 1e-10

if (model == "ad") {
  obs <- read_obs(args[2], 7 / 365.25)
  Omega <- ad$Omega
  names <- c("eta_baseline", "eta_slope")
  loglik_of <- function(d, cv, arm) function(eta) ad_loglik(ad_mean(eta, cv, arm, d$time), d)
} else {
  obs <- read_obs(args[2], 7)
  Omega <- t2$Omega
  names <- c("eta_insulin_sensitivity", "eta_beta_cell", "eta_beta_cell_decline")
  loglik_of <- function(d, cv, arm) function(eta) {
    y <- tryCatch(t2_mean(eta, cv$weight, arm, sort(unique(d$time))), error = function(e) NULL)
    if (is.null(y)) -Inf else t2_loglik(y, d)
  }
}
cov <- read.csv(args[3])
twins <- read.csv(args[4])
ids <- head(unique(obs$id), k)
problems <- lapply(ids, function(id) {
  d <- obs[obs$id == id, ]
  arm <- if (any(d$arm != "")) d$arm[d$arm != ""][1] else NA
  neg_log_post(loglik_of(d, cov[cov$id == id, ], arm), Omega)
})
sd <- sqrt(diag(Omega))
map <- function(f) {
  o <- optim(numeric(length(sd)), f, method = "BFGS", control = list(parscale = sd, reltol = 1e-10, maxit = 500))
  list(eta = o$par, conv = o$convergence, H = optimHess(o$par, f, control = list(parscale = sd)))
}

fits <- lapply(problems, map)
worst <- 0
for (i in seq_along(ids)) {
  tw <- twins[twins$id == ids[i], ]
  if (nrow(tw) == 1 && tw$converged == 1) worst <- max(worst, abs(unlist(tw[names]) - fits[[i]]$eta))
}
best <- Inf
for (round in 1:3) {
  n <- 0
  t0 <- proc.time()
  repeat {
    for (f in problems) map(f)
    n <- n + length(problems)
    el <- proc.time() - t0
    if (el[["user.self"]] + el[["sys.self"]] >= min_seconds) break
  }
  best <- min(best, (el[["user.self"]] + el[["sys.self"]]) / n)
}
cat("r_patients", length(ids), "\n")
cat("r_converged", sum(sapply(fits, function(x) x$conv == 0)), "\n")
cat("r_s_per_patient", best, "\n")
cat("r_max_abs_eta_diff", worst, "\n")
