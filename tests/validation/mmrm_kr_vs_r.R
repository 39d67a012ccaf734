# Kenward-Roger inference of the MMRM engine (src/mmrm) for every covariance structure
# against an independent computation written here, since pbkrtest only handles lme4 fits
# (compound symmetry as a random intercept: mmrm_vs_r.R). The estimate is nlme::gls's
# REML fit (started at twintrial's, as in mmrm_common.R); Sigma's first and second
# derivatives in the natural parameters phi (variances and correlations for AR(1) and the
# heterogeneous structures, Sigma's entries for unstructured, Toeplitz and compound
# symmetry: mmrm_common.R's phi_of/sigma_of) are numDeriv's; the data's matrices are
# block diagonal over subjects (Matrix::bdiag), and Kenward & Roger's (1997 Biometrics
# 53:983) formulas are applied as printed: with W = Sigma_s^-1 blockwise, B = W X,
# Phi = (X'B)^-1, P_i = B' V_i B, Q_ij = B' V_i W V_j B, R_ij = B' V_ij B, the expected
# information I_ij = tr(Pr V_i Pr V_j) / 2 (Pr = W - B Phi B') and its inverse Wi,
#   Phi_A = Phi + 2 Phi {sum_ij Wi_ij (Q_ij - P_i Phi P_j - R_ij / 4)} Phi,
# the SE sqrt(c' Phi_A c), and for one contrast the df 2 (c'Phi c)^2 / (g' Wi g),
# g_i = c' Phi P_i Phi c (KR's m with l = 1 and Theta from the unadjusted Phi, as
# pbkrtest's Lb_ddf). This is the original (1997) adjustment with its second-derivative
# term R_ij, which depends on the parametrisation (here phi, as SAS's DDFM=KR for
# TYPE=AR(1) takes sigma^2 and rho); not Kenward & Roger's 2009 "improved" variant.
# SE must agree to 1e-6 (the second-derivative term moves it by up to ~1e-3 in these
# designs: checked to exceed 1e-5 for each structure it applies to), df to 1e-4.
# usage: Rscript mmrm_kr_vs_r.R MMRM_CSV_PROGRAM WORKDIR
args <- commandArgs(trailingOnly = TRUE)
prog <- args[1]; work <- args[2]
for (p in c("nlme", "numDeriv", "Matrix"))
  if (!requireNamespace(p, quietly = TRUE)) { cat("SKIP: R package", p, "is not installed\n"); quit(status = 77) }
suppressMessages({library(nlme); library(Matrix)})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "mmrm_common.R"))

simulate <- function(seed, n, T, drop, skip) { # AR(1)-like errors with heterogeneous SDs and a subject effect
  set.seed(seed)
  sd <- seq(1.5, 3, length.out = T); R <- 0.55^abs(outer(1:T, 1:T, "-")) * 0.8 + 0.2
  L <- chol(outer(sd, sd) * R); d <- NULL
  for (i in 1:n) {
    tr <- rbinom(1, 1, 0.5); b <- rnorm(1, 20, 4); z <- rnorm(1)
    y <- 0.5 * (1:T) - tr * 0.3 * (1:T) + 0.05 * b + 0.6 * z + drop(rnorm(T) %*% L)
    last <- if (runif(1) < drop) sample(1:T, 1) else T
    keep <- 1:last
    if (last > 2 && runif(1) < skip) keep <- keep[-sample(2:(last - 1), 1)]
    d <- rbind(d, data.frame(id = i, visit = keep - 1, treat = tr, baseline = b, y = y[keep], z1 = z))
  }
  d
}

kr_by_formula <- function(st, S, T, X, d, cvec) {
  phi <- phi_of(st, S); q <- length(phi)
  sig <- function(ph) sigma_of(st, ph, T)
  J <- numDeriv::jacobian(function(ph) as.vector(sig(ph)), phi)              # T^2 x q
  H <- lapply(1:(T * T), function(e) numDeriv::hessian(function(ph) as.vector(sig(ph))[e], phi))
  V1 <- lapply(1:q, function(i) matrix(J[, i], T))
  V2 <- lapply(1:q, function(i) lapply(1:q, function(j) matrix(sapply(H, function(h) h[i, j]), T)))
  vis <- split(d$visit + 1, d$id)[as.character(unique(d$id))]
  blocks <- function(M) bdiag(lapply(vis, function(v) M[v, v, drop = FALSE]))
  W <- bdiag(lapply(vis, function(v) solve(S[v, v, drop = FALSE])))
  Vi <- lapply(V1, blocks)
  B <- as.matrix(W %*% X); Phi <- solve(crossprod(X, B))
  P <- lapply(Vi, function(V) as.matrix(crossprod(B, V %*% B)))
  WV <- lapply(Vi, function(V) W %*% V)
  BV <- lapply(Vi, function(V) as.matrix(V %*% B))
  I <- matrix(0, q, q); Lam <- Lam0 <- matrix(0, ncol(X), ncol(X))
  for (i in 1:q) for (j in 1:q) {
    I[i, j] <- 0.5 * (sum(WV[[i]] * t(WV[[j]])) - 2 * sum(diag(Phi %*% crossprod(B, Vi[[i]] %*% (W %*% BV[[j]])))) +
                      sum(diag(Phi %*% P[[i]] %*% Phi %*% P[[j]])))
  }
  Wi <- solve(I)
  for (i in 1:q) for (j in 1:q) {
    Q <- as.matrix(crossprod(BV[[i]], W %*% BV[[j]]))
    R <- as.matrix(crossprod(B, blocks(V2[[i]][[j]]) %*% B))
    Lam <- Lam + Wi[i, j] * (Q - P[[i]] %*% Phi %*% P[[j]] - R / 4)
    Lam0 <- Lam0 + Wi[i, j] * (Q - P[[i]] %*% Phi %*% P[[j]])
  }
  PhiA <- Phi + 2 * Phi %*% Lam %*% Phi; PhiA0 <- Phi + 2 * Phi %*% Lam0 %*% Phi
  v <- drop(t(cvec) %*% Phi %*% cvec); g <- sapply(P, function(Pi) drop(t(cvec) %*% Phi %*% Pi %*% Phi %*% cvec))
  list(se = sqrt(drop(t(cvec) %*% PhiA %*% cvec)), se0 = sqrt(drop(t(cvec) %*% PhiA0 %*% cvec)),
       df = 2 * v^2 / drop(t(g) %*% Wi %*% g))
}

designs <- list(list(seed = 31, n = 160, T = 4, drop = 0.30, skip = 0.10),
                list(seed = 32, n = 120, T = 5, drop = 0.25, skip = 0.05),
                list(seed = 33, n = 40, T = 4, drop = 0.20, skip = 0.10))
structures <- c("ar1", "ar1_heterogeneous", "toeplitz_heterogeneous", "compound_symmetry_heterogeneous",
                "unstructured", "toeplitz", "compound_symmetry")
share <- setNames(rep(0, length(structures)), structures) # the R_ij term's largest share of the SE
for (di in seq_along(designs)) {
  ds <- designs[[di]]; T <- ds$T
  d <- do.call(simulate, ds)
  file <- tempfile(tmpdir = work, fileext = ".csv")
  write.csv(d[, c("id", "visit", "treat", "baseline", "y", "z1")], file, row.names = FALSE, quote = FALSE)
  d$vf <- factor(d$visit, levels = 0:(T - 1)); d$vi <- d$visit + 1
  f <- y ~ 0 + vf + vf:treat + vf:baseline + z1
  ord <- c(paste0("vf", 0:(T - 1)), paste0("vf", 0:(T - 1), ":treat"), paste0("vf", 0:(T - 1), ":baseline"), "z1")
  X <- model.matrix(f, d)[, ord]
  for (cv in c(T - 1, 1)) for (st in structures) {
    tag <- sprintf("design %d (T=%d) %s, visit %d", di, T, st, cv)
    out <- system2(prog, c(file, T, st, cv), stdout = TRUE)
    kv <- setNames(as.numeric(sub("^\\S+ ", "", out)), sub(" .*", "", out))
    if (kv[["status"]] != 0 || kv[["kr_status"]] != 0) { fails <- fails + 1; cat("FAIL:", tag, "no fit\n"); next }
    ours <- matrix(sapply(0:(T * T - 1), function(k) kv[[paste0("sigma", k)]]), T, byrow = TRUE)
    g <- tryCatch(gls_fit(f, d, st, T, ours), error = function(e) gls_fit(f, d, st, T, ours, nudge = 1e-7))
    S <- unclass(getVarCov(g, individual = as.character(names(which(table(d$id) == T))[1])))
    cvec <- as.numeric(ord == sprintf("vf%d:treat", cv))
    r <- kr_by_formula(st, S, T, X, d, cvec)
    close(paste(tag, "Kenward-Roger se"), kv[["kr_se"]], r$se, 1e-6)
    close(paste(tag, "Kenward-Roger df"), kv[["kr_df"]], r$df, 1e-4)
    share[st] <- max(share[st], abs(r$se - r$se0) / r$se)
    cat(sprintf("%-56s KR se %.8f (R %.8f; without R_ij %.8f) df %.4f (R %.4f)\n", tag, kv[["kr_se"]], r$se, r$se0,
                kv[["kr_df"]], r$df))
  }
}
# the check must see the second-derivative term: for each structure not linear in phi it
# moves some SE by more than 10x the tolerance
for (st in structures[1:4]) close(paste(st, "R_ij term's largest share of the SE > 1e-5"), as.numeric(share[st] > 1e-5), 1, 0)
print(signif(share, 3))
cat(sprintf("%d checks, %d failed\n", checks, fails))
quit(status = if (fails == 0) 0 else 1)
