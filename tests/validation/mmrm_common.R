# Shared by mmrm_vs_r.R and mmrm_export_vs_r.R: comparison bookkeeping, the covariance
# structures' natural parameters, an independent REML criterion, nlme fits started from
# nlme's defaults or from twintrial's estimate, the engine's CSV driver, and the checks
# of one fit (nlme::gls, numDeriv Satterthwaite, pbkrtest Kenward-Roger).
fails <- 0; checks <- 0
close <- function(what, ours, r, tol, scale = abs(r)) {
  err <- abs(ours - r) / max(scale, 1e-300)
  ok <- is.finite(err) && err <= tol
  checks <<- checks + 1
  if (!ok) { fails <<- fails + 1; cat(sprintf("FAIL: %-55s twintrial %.12g  R %.12g  rel %.2e\n", what, ours, r, err)) }
  invisible(ok)
}

# Natural parameters phi <-> Sigma (as src/mmrm/mmrm_cov.c names them; any would do).
phi_of <- function(st, S) {
  T <- nrow(S); sd <- sqrt(diag(S)); R <- S / outer(sd, sd)
  switch(st, unstructured = c(diag(S), S[lower.tri(S)][order(row(S)[lower.tri(S)])]),
         toeplitz = S[1, ], toeplitz_heterogeneous = c(diag(S), R[1, -1]),
         ar1 = c(S[1, 1], R[1, 2]), ar1_heterogeneous = c(diag(S), R[1, 2]),
         compound_symmetry = c(S[1, 1], S[1, 2]), compound_symmetry_heterogeneous = c(diag(S), R[1, 2]))
}
sigma_of <- function(st, phi, T) {
  D <- abs(outer(1:T, 1:T, "-"))
  switch(st,
    unstructured = { S <- diag(phi[1:T], T); k <- T
      for (i in seq_len(T)[-1]) for (j in 1:(i - 1)) { k <- k + 1; S[i, j] <- S[j, i] <- phi[k] }; S },
    toeplitz = matrix(phi[D + 1], T),
    toeplitz_heterogeneous = outer(sqrt(phi[1:T]), sqrt(phi[1:T])) * matrix(c(1, phi[-(1:T)])[D + 1], T),
    ar1 = phi[1] * phi[2]^D,
    ar1_heterogeneous = outer(sqrt(phi[1:T]), sqrt(phi[1:T])) * phi[T + 1]^D,
    compound_symmetry = ifelse(D == 0, phi[1], phi[2]),
    compound_symmetry_heterogeneous = outer(sqrt(phi[1:T]), sqrt(phi[1:T])) * ifelse(D == 0, 1, phi[T + 1]))
}
# REML criterion and c' Phi c at phi, the subjects grouped by their pattern of visits.
reml_parts <- function(st, phi, T, X, y, pats) {
  S <- sigma_of(st, phi, T); p <- ncol(X)
  XWX <- matrix(0, p, p); XWy <- numeric(p); yWy <- 0; ld <- 0
  for (pt in pats) {
    C <- tryCatch(chol(S[pt$v, pt$v, drop = FALSE]), error = function(e) NULL)
    if (is.null(C)) return(NULL)
    m <- length(pt$v); W <- chol2inv(C); ns <- length(pt$rows) / m
    ld <- ld + ns * 2 * sum(log(diag(C)))
    Xs <- X[pt$rows, , drop = FALSE]; ys <- y[pt$rows]   # rows: subject-major, m per subject
    WX <- matrix(W %*% matrix(Xs, m), ncol = p); Wy <- as.vector(W %*% matrix(ys, m)) # W on each subject's block
    XWX <- XWX + crossprod(Xs, WX); XWy <- XWy + drop(crossprod(Xs, Wy)); yWy <- yWy + sum(ys * Wy)
  }
  Phi <- solve(XWX); b <- Phi %*% XWy
  list(crit = ld + as.numeric(determinant(XWX)$modulus) + yWy - sum(b * XWy), Phi = Phi)
}

# nlme's REML fit from its default start, and from twintrial's estimate S (nlme's
# parameters: correlations, standard deviation ratios, AR coefficients by Yule-Walker).
# nlme's optimisers stop where its criterion is flat to ~1e-10, estimates ~1e-7 apart
# from the optimum: from its default start the SEs then differ in the 7th digit. So the
# estimates are compared with nlme's fit started at ours (it moves away unless ours is its
# optimum too), and ours must reach at least the REML likelihood of nlme's default fit.
# nlminb may stop with "false convergence" when started exactly at the optimum (bits of
# the start decide): the fit from twintrial's estimate is then restarted from correlations
# and standard deviation ratios nudged by a relative 1e-7 (nudge), from where it must still
# reach its optimum.
gls_fit <- function(f, d, st, T, S = NULL, nudge = 0) {
  ctl <- glsControl(tolerance = 1e-12, msTol = 1e-12, maxIter = 1000, msMaxIter = 1000)
  het <- grepl("heterogeneous", st) || st == "unstructured"
  if (is.null(S)) { # nlme's defaults
    cv <- switch(sub("_heterogeneous", "", st), unstructured = numeric(0), toeplitz = rep(0, T - 1), 0); vi <- numeric(0)
  } else {
    sd <- sqrt(diag(S)); R <- S / outer(sd, sd)
    cv <- switch(sub("_heterogeneous", "", st), unstructured = R[lower.tri(R)],
                 toeplitz = solve(toeplitz(R[1, 1:(T - 1)]), R[1, 2:T]), R[1, 2])
    vi <- setNames(sd[-1] / sd[1], 1:(T - 1))
    cv <- cv * (1 - nudge); vi <- vi * (1 + nudge)
  }
  cor <- switch(sub("_heterogeneous", "", st), unstructured = corSymm(cv, form = ~ vi | id),
                toeplitz = corARMA(cv, form = ~ vi | id, p = T - 1), ar1 = corAR1(cv, form = ~ vi | id),
                compound_symmetry = corCompSymm(cv, form = ~ vi | id))
  gls(f, d, correlation = cor, weights = if (het) varIdent(vi, form = ~ 1 | vf) else NULL, method = "REML",
      control = ctl)
}


# The engine (program `prog`) and R on data d (id, visit 0..T-1, treat, baseline, y and
# covariates zs; sorted by id then visit) under structure st, contrast at visit index cv:
# estimates and SEs against nlme::gls to 1e-6, Sigma to 1e-5, the REML criterion no worse
# than nlme's default fit, Satterthwaite df against numDeriv to 1e-4, Kenward-Roger (compound
# symmetry) against pbkrtest to 1e-4. Returns the engine's output (key -> value).
check_fit <- function(tag, d, T, st, zs, cv, work) {
  file <- tempfile(tmpdir = work, fileext = ".csv")
  write.csv(d[, c("id", "visit", "treat", "baseline", "y", zs)], file, row.names = FALSE, quote = FALSE)
  d$vf <- factor(d$visit, levels = 0:(T - 1)); d$vi <- d$visit + 1
  f <- as.formula(paste("y ~ 0 + vf + vf:treat + vf:baseline", paste(c("", zs), collapse = " + ")))
  X <- model.matrix(f, d)
  # the engine's column order: visit, treat x visit, baseline x visit, covariates
  ord <- c(paste0("vf", 0:(T - 1)), paste0("vf", 0:(T - 1), ":treat"), paste0("vf", 0:(T - 1), ":baseline"), zs)
  X <- X[, ord]
  key <- paste0("vf", cv, ":treat"); cvec <- as.numeric(colnames(X) == key)
  pats <- split(seq_len(nrow(d)), sapply(split(d$visit, d$id), paste, collapse = "-")[as.character(d$id)])
  pats <- lapply(pats, function(r) list(rows = r, v = d$visit[r[d$id[r] == d$id[r[1]]]] + 1))
  complete <- as.numeric(names(which(table(d$id) == T))[1])
  {
    out <- system2(prog, c(file, T, st, cv), stdout = TRUE)
    kv <- setNames(as.numeric(sub("^\\S+ ", "", out)), sub(" .*", "", out))
    if (kv[["status"]] != 0 || kv[["converged"]] != 1) { fails <<- fails + 1; cat("FAIL:", tag, "did not converge\n"); return(kv) }
    ours <- matrix(sapply(0:(T * T - 1), function(k) kv[[paste0("sigma", k)]]), T, byrow = TRUE)
    g0 <- gls_fit(f, d, st, T)
    g <- tryCatch(gls_fit(f, d, st, T, ours), error = function(e) gls_fit(f, d, st, T, ours, nudge = 1e-7))
    # nlme's REML log-likelihood is -1/2 the engine's criterion (same constants)
    checks <<- checks + 1
    if (kv[["reml"]] > -2 * logLik(g0) + 1e-8) {
      fails <<- fails + 1
      cat(sprintf("FAIL: %s REML criterion %.10f worse than nlme's %.10f\n", tag, kv[["reml"]], -2 * logLik(g0)))
    }
    b <- coef(g)[ord]; se <- sqrt(diag(vcov(g)))[ord]
    for (j in seq_along(ord)) {
      close(paste(tag, ord[j]), kv[[paste0("beta", j - 1)]], b[[j]], 1e-6, max(abs(b[[j]]), se[[j]]))
      close(paste(tag, "se", ord[j]), kv[[paste0("bse", j - 1)]], se[[j]], 1e-6)
    }
    close(paste(tag, "contrast estimate"), kv[["estimate"]], b[[key]], 1e-6)
    close(paste(tag, "contrast se"), kv[["se"]], se[[key]], 1e-6)
    S <- unclass(getVarCov(g, individual = as.character(complete)))
    for (a in 1:T) for (bb in 1:T)
      close(sprintf("%s sigma[%d,%d]", tag, a, bb), kv[[sprintf("sigma%d", (a - 1) * T + bb - 1)]], S[a, bb], 1e-5,
            max(diag(S)))
    phi <- phi_of(st, S)
    crit <- function(ph) { r <- reml_parts(st, ph, T, X, d$y, pats); if (is.null(r)) NA else r$crit }
    vfun <- function(ph) drop(t(cvec) %*% reml_parts(st, ph, T, X, d$y, pats)$Phi %*% cvec)
    # relative steps of 1e-2 (Richardson, 6 halvings): the criterion is large (~1e4), smaller steps
    # drown its second differences in rounding
    H <- numDeriv::hessian(crit, phi, method.args = list(d = 1e-2, r = 6))
    gv <- numDeriv::grad(vfun, phi); v <- vfun(phi)
    close(paste(tag, "Satterthwaite df"), kv[["df"]], v^2 / drop(t(gv) %*% solve(H, gv)), 1e-4)
    if (st == "compound_symmetry") {
      m <- lmer(update(f, . ~ . + (1 | id)), d, REML = TRUE,
                control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12)))
      L <- matrix(as.numeric(names(fixef(m)) == key), 1)
      Va <- as.matrix(vcovAdj(m))
      close(paste(tag, "Kenward-Roger se (pbkrtest)"), kv[["kr_se"]], sqrt(drop(L %*% Va %*% t(L))), 1e-4)
      close(paste(tag, "Kenward-Roger df (pbkrtest)"), kv[["kr_df"]], get_Lb_ddf(m, L), 1e-4)
    }
    cat(sprintf("%-55s estimate %.6f se %.6f df %.3f (%d iterations)\n", tag, kv[["estimate"]], kv[["se"]], kv[["df"]],
                kv[["iterations"]]))
  }
  invisible(kv)
}
