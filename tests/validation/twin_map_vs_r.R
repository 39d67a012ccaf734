# twin_map_vs_r.R — the MAP estimates of `twintrial personalise` against an independent
# optimiser in R, for the ADAS-Cog model (closed form) and the type 2 diabetes model (ODE,
# deSolve::lsoda).
#
# usage: Rscript twin_map_vs_r.R DATA_DIR OUT_DIR
#   DATA_DIR holds ad_obs.csv, ad_cov.csv, t2d_obs.csv, t2d_cov.csv (the patients);
#   OUT_DIR/ad/twins.csv and OUT_DIR/t2d/twins.csv are twintrial's estimates for them
#   (protocols/alzheimers_procova.yaml and protocols/t2d_lead2_glimepiride.yaml).
#
# The posteriors are written independently in twin_map_models.R, from the models' published
# equations (Conrado et al. 2014 J Pharmacokinet Pharmacodyn 41:581 with the Ito 2010
# placebo and an Emax-in-time symptomatic effect; Choy et al. 2016 CPT Pharmacometrics Syst
# Pharmacol 5:11), the parameter values the models document (`twintrial models`) and the
# protocols' arm effects; twintrial's output is read only to compare with. Per patient, the
# negative log posterior
#   f(eta) = -sum_j log p(y_j | eta) - log N(eta; 0, Omega)
# (Beta observations of ADAS/70, log-normal observations for T2D; a value "<L" contributes
# log P(Y < L)) is minimised by optim(BFGS) from eta = 0 with central-difference gradients,
# then polished by Newton steps on optimHess. Checks:
#   - every estimate equal to twintrial's to 1e-5 (absolute; the random effects are O(0.1-1));
#   - twintrial's objective, which leaves out the prior's normalising constant, equal to
#     f - 0.5 log det(2 pi Omega) to 1e-6 (the same constant for every patient of a model);
#   - the standard errors sqrt(diag(H^-1)), H = optimHess at R's mode, equal to twintrial's
#     to 1e-4 relative: both are second differences of f (twintrial's on steps of 1e-3 of a
#     prior SD, optimHess on R's gradient on steps of 1e-4 SD), whose truncation error is
#     O(step^2), about 1e-6 relative; the ODE solutions (rtol 1e-8 in twintrial, 1e-12 here)
#     perturb f smoothly over such small steps (measured: at most 4e-6 relative for these
#     patients). 1e-4 leaves a margin of 25 and still fails a Hessian that misses one
#     observation or has a cross term of the wrong sign (SEs off by a percent or more).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript twin_map_vs_r.R DATA_DIR OUT_DIR")
data_dir <- args[1]
out_dir <- args[2]

self <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(dirname(self), "twin_map_models.R"))

failures <- 0
check <- function(model, obs, cov, twins, loglik_of, Omega, names) {
  const <- 0.5 * log(det(2 * pi * Omega))
  worst <- c(eta = 0, obj = 0, se = 0)
  for (id in unique(obs$id)) {
    d <- obs[obs$id == id, ]
    cv <- cov[cov$id == id, ]
    arm <- if (any(d$arm != "")) d$arm[d$arm != ""][1] else NA
    r <- fit(neg_log_post(loglik_of(d, cv, arm), Omega), Omega)
    tw <- twins[twins$id == id, ]
    est <- unlist(tw[paste0(names)])
    se <- unlist(tw[paste0(names, "_se")])
    de <- max(abs(est - r$eta))
    dobj <- abs(tw$objective - (r$f - const))
    dse <- max(abs(se / r$se - 1))
    worst <- pmax(worst, c(de, dobj, dse))
    ok <- tw$converged == 1 && r$conv == 0 && de < 1e-5 && dobj < 1e-6 && dse < 1e-4
    cat(sprintf("%-16s %-3s eta R %s | twintrial %s | max|diff| %.1e  objective diff %.1e  SE rel diff %.1e  |grad R| %.0e %s\n",
                model, id, paste(sprintf("%9.6f", r$eta), collapse = " "),
                paste(sprintf("%9.6f", est), collapse = " "), de, dobj, dse, max(abs(r$grad)),
                if (ok) "ok" else "FAIL"))
    if (!ok) failures <<- failures + 1
  }
  cat(sprintf("%s: max |MAP difference| %.2e, max |objective difference| %.2e (constant 0.5 log det(2 pi Omega) = %.6f removed), max SE relative difference %.2e\n",
              model, worst[1], worst[2], const, worst[3]))
}

ad_obs <- read_obs(file.path(data_dir, "ad_obs.csv"), 7 / 365.25)
ad_cov <- read.csv(file.path(data_dir, "ad_cov.csv"))
check("alzheimers_adas", ad_obs, ad_cov, read.csv(file.path(out_dir, "ad", "twins.csv")),
      function(d, cv, arm) function(eta) ad_loglik(ad_mean(eta, cv, arm, d$time), d),
      ad$Omega, c("eta_baseline", "eta_slope"))

t2_obs <- read_obs(file.path(data_dir, "t2d_obs.csv"), 7)
t2_cov <- read.csv(file.path(data_dir, "t2d_cov.csv"))
check("t2d_hba1c", t2_obs, t2_cov, read.csv(file.path(out_dir, "t2d", "twins.csv")),
      function(d, cv, arm) function(eta) {
        y <- tryCatch(t2_mean(eta, cv$weight, arm, sort(unique(d$time))), error = function(e) NULL)
        if (is.null(y)) -Inf else t2_loglik(y, d)
      },
      t2$Omega, c("eta_insulin_sensitivity", "eta_beta_cell", "eta_beta_cell_decline"))

if (failures > 0) {
  cat(failures, "patient(s) differ\n")
  quit(status = 1)
}
cat("every MAP estimate, objective and standard error matches R\n")
