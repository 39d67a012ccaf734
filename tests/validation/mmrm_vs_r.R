# MMRM engine (src/mmrm) against R on held-out designs simulated here: for every
# covariance structure, nlme::gls (REML; corSymm/corARMA/corAR1/corCompSymm, varIdent
# for the heterogeneous ones and unstructured) must give the same fixed effects and
# standard errors to 1e-6 and the same covariance matrix to 1e-5. Satterthwaite df: no
# Debian package computes them on a gls fit (emmeans only approximates them for gls:
# "appx-satterthwaite"; R's mmrm is not packaged), so they are checked to 1e-4 against
# an independent computation written here: df = 2 v^2 / (g' A g) with v = c' Phi c,
# g its numDeriv gradient and A twice the inverse numDeriv Hessian of the REML
# criterion, both over the covariance's natural parameters at nlme's estimate.
# Kenward-Roger (compound symmetry as a random intercept in lme4): adjusted SE and df
# against pbkrtest (vcovAdj, get_Lb_ddf) to 1e-4.
# usage: Rscript mmrm_vs_r.R MMRM_CSV_PROGRAM WORKDIR
args <- commandArgs(trailingOnly = TRUE)
prog <- args[1]; work <- args[2]
for (p in c("nlme", "lme4", "pbkrtest", "numDeriv"))
  if (!requireNamespace(p, quietly = TRUE)) { cat("SKIP: R package", p, "is not installed\n"); quit(status = 77) }
suppressMessages({library(nlme); library(lme4); library(pbkrtest)})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "mmrm_common.R"))

# Designs: T visits, n subjects, monotone dropout and intermittent missed visits,
# optional covariates; the true covariance is unstructured.
simulate <- function(seed, n, T, ncov, drop, skip) {
  set.seed(seed)
  A <- matrix(rnorm(T * T, sd = 0.6), T); S <- crossprod(A) + diag(seq(2, 5, length.out = T)) + 2 # + a subject effect
  L <- chol(S); d <- NULL
  for (i in 1:n) {
    tr <- rbinom(1, 1, 0.5); b <- rnorm(1, 20, 4); z <- rnorm(ncov)
    y <- 0.5 * (1:T) - tr * 0.4 * (1:T) + 0.05 * b * sqrt(1:T) + sum(z) * 0.7 + drop(rnorm(T) %*% L)
    last <- if (runif(1) < drop) sample(1:T, 1) else T
    keep <- 1:last
    if (last > 2 && runif(1) < skip) keep <- keep[-sample(2:(last - 1), 1)]
    row <- data.frame(id = i, visit = keep - 1, treat = tr, baseline = b, y = y[keep])
    for (k in seq_len(ncov)) row[[paste0("z", k)]] <- z[k]
    d <- rbind(d, row)
  }
  d
}
designs <- list(list(seed = 11, n = 220, T = 4, ncov = 0, drop = 0.30, skip = 0.10),
                list(seed = 12, n = 300, T = 6, ncov = 2, drop = 0.35, skip = 0.05),
                list(seed = 13, n = 150, T = 3, ncov = 1, drop = 0.20, skip = 0.00))
structures <- c("unstructured", "toeplitz", "toeplitz_heterogeneous", "ar1", "ar1_heterogeneous",
                "compound_symmetry", "compound_symmetry_heterogeneous")

for (di in seq_along(designs)) {
  ds <- designs[[di]]
  d <- do.call(simulate, ds)
  for (st in structures)
    check_fit(sprintf("design %d (T=%d) %s", di, ds$T, st), d, ds$T, st, grep("^z", names(d), value = TRUE), ds$T - 1,
              work)
}
cat(sprintf("%d checks, %d failed\n", checks, fails))
quit(status = if (fails == 0) 0 else 1)
