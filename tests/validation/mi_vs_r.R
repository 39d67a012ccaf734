# Multiple imputation (src/mi) against independent sources, on data simulated here.
# (a) Rubin's rules with Barnard & Rubin's (1999) df: mice::pool.scalar (van Buuren &
#     Groothuis-Oudshoorn 2011, J Stat Softw 45(3)) on given per-imputation estimates and
#     variances, and Rubin's (1987) formulas written out here, to 1e-10.
# (b) MI under MAR: mice's "norm" (Bayesian linear regression, Rubin 1987 p. 167) imputing
#     each visit from group, baseline and the earlier visits in monotone order, analysed by
#     lm and pooled by mice::pool, on one data set with MAR monotone dropout. Both are
#     Monte Carlo estimates of the same infinite-imputation limit: the pooled estimates
#     must agree within 4 Monte Carlo SEs (sqrt(b1/M1 + b2/M2)), the between-imputation
#     variances within 4 SEs (var b ~ 2 b^2 / (M - 1)) and the within variances within 4
#     SEs of their means.
# (c) Reference-based MI (Carpenter, Roger & Kenward 2013 J Biopharm Stat 23:1352): with
#     known parameters, missing completely at random after visit k with probability pi_k,
#     the treatment effect at the last visit V in the limit of infinite imputations and
#     sample size has a closed form (c_v: treatment - reference mean at visit v, Sigma the
#     common covariance): MAR c_V; J2R pi_V c_V; CR pi_V c_V + sum_k<V pi_k Sigma_Vo
#     Sigma_oo^-1 c_o; CIR pi_V c_V + sum_1<=k<V pi_k c_k; delta c_V + (1 - pi_V) delta.
#     The pooled estimate on a large sample must be within 4 pooled SEs of it (Rubin's
#     variance is conservative for reference-based MI, so the bound is if anything loose);
#     the methods' limits differ by 8 or more such SEs, so a method imputing about the
#     wrong profile fails.
# (d) Covariates (a continuous x and a 3-level factor f, as its two indicators) in the
#     imputation model and the analysis: MAR against mice's norm with x and f among each
#     visit's predictors and in lm's terms, as (b), dropout depending on the earlier visit
#     and on x.
# (e) Reference-based MI with covariates: y depends on x (by visit) and f; the treatment
#     arm's dropout depends on x (high x drops out early), the reference arm's is MCAR.
#     Given x a treated twin's pattern is independent of its outcomes, so imputing about
#     the reference profile at its own x and f (rbmi's rule) gives E[imputed - reference
#     mean at x] the constant of (c) for its pattern, and, x independent of arm, ANCOVA's
#     treatment coefficient tends to (c)'s limits with pi_k the treatment arm's pattern
#     fractions. Must hold within 4 pooled SEs with ANCOVA (and for J2R with the MMRM); and
#     the same data imputed without the covariates must miss the MAR limit by more than 8
#     SEs (the check can fail: a model without x imputes the high-x dropouts too low).
# (f) Anchoring at the intercurrent event (ICE) with retrieved dropouts: twins of both
#     arms stop treatment before visit s (s = 1, 2, 3 with probabilities .15, .15, .2; never
#     .5) and from s on follow the reference arm's mean (the J2R world, one covariance; a
#     constant effect c_v = 3 before it); of those who stop, 20% withdraw at s, 60% one
#     visit later (one off-treatment visit observed), the rest are seen to the end. J2R anchored at the ICE, its post-ICE visits
#     left out of the imputation model's fit and kept in the analysis (treatment policy),
#     imputes from the true conditional distribution, so it tends to the true effect
#     c_V P(s = never | treated). Under a hypothetical strategy the post-ICE visits are set
#     missing (as rbmi asks) and MAR tends to c_V. Both within 4 SEs; the same data without
#     the ICE column (anchored at the first missing visit, fitted on every observed visit)
#     must miss the J2R limit by more than 6 SEs (8.6 here), and MAR keeping the post-ICE
#     visits must miss c_V by more than 6 SEs (55 here): the checks can fail.
# (g) Intermittent gaps (a visit missed, later ones observed; non-monotone data): MAR
#     against mice's norm by chained equations (each visit from arm, baseline and every
#     other visit, 10 iterations), which targets the same normal model, as (b) with MAR
#     dropout and visits 1-2 missed at random (10%) before a twin's last observed visit.
# (h) Reference-based MI with gaps (4 visits; MCAR dropout as (c) and 15% of the visits
#     before the last observed one missed at random): a gap is not an intercurrent event;
#     a twin is anchored at its trailing missing visits, conditioned on all its observed
#     ones, so per treated twin the limit contributes c_V when visit V is observed, else
#     0 (J2R), c_{k-1} after its last observed visit k-1 (CIR), Sigma_Vo Sigma_oo^-1 c_o
#     over its observed visits o (CR), and c_V under MAR; the limit is their mean over the
#     treatment arm, within 4 pooled SEs.
# usage: Rscript mi_vs_r.R MI_CSV_PROGRAM WORKDIR
args <- commandArgs(trailingOnly = TRUE)
prog <- args[1]; work <- args[2]
if (!requireNamespace("mice", quietly = TRUE)) { cat("SKIP: R package mice is not installed\n"); quit(status = 77) }
suppressMessages(library(mice))
fail <- 0
check <- function(what, got, want, tol) {
  ok <- is.finite(got) && abs(got - want) <= tol
  cat(sprintf("%-58s %s got %.12g want %.12g tol %.3g\n", what, if (ok) "ok  " else "FAIL", got, want, tol))
  if (!ok) fail <<- fail + 1
}
run <- function(...) {
  out <- system2(prog, c(...), stdout = TRUE)
  kv <- strsplit(out, " "); v <- as.numeric(sapply(kv, `[`, 2)); names(v) <- sapply(kv, `[`, 1); v
}

## (a) Rubin's rules
set.seed(101)
for (case in 1:12) {
  m <- c(2, 3, 5, 10, 20, 50, 100, 5, 10, 30, 7, 4)[case]
  dfcom <- c(10, 50, 200, 1e4, Inf, 97, 12, Inf, 3, 500, 40, 1e6)[case]
  q <- rnorm(m, 1, runif(1, 0.01, 1)); u <- rexp(m, 1 / runif(1, 0.01, 2))
  if (case == 12) q <- rep(0.3, m) # no between-imputation variance: lambda floored
  f <- file.path(work, "pool.csv"); write.csv(data.frame(q = q, u = u), f, row.names = FALSE)
  got <- run("pool", f, if (is.finite(dfcom)) format(dfcom, digits = 17) else "inf")
  ref <- mice::pool.scalar(q, u, n = dfcom + 1, k = 1) # dfcom = n - k
  b <- var(q); ubar <- mean(u); t <- ubar + (1 + 1 / m) * b; lam <- max((1 + 1 / m) * b / t, 1e-4)
  dfold <- (m - 1) / lam^2; dfobs <- (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lam)
  df <- if (is.finite(dfcom)) dfold * dfobs / (dfold + dfobs) else dfold
  tag <- sprintf("(a) case %d m=%d dfcom=%g", case, m, dfcom)
  check(paste(tag, "status"), got[["status"]], 0, 0)
  for (k in c("qbar", "ubar", "b", "t", "df", "fmi")) {
    gk <- got[[switch(k, qbar = "estimate", k)]]
    check(paste(tag, k, "vs mice"), gk, ref[[k]], 1e-10 * max(1, abs(ref[[k]])))
  }
  check(paste(tag, "df vs formula"), got[["df"]], df, 1e-10 * max(1, df))
  check(paste(tag, "se vs formula"), got[["se"]], sqrt(t), 1e-10 * max(1, sqrt(t)))
}

## (b) MAR against mice norm
set.seed(202)
n <- 600; V <- 3
g <- rep(0:1, each = n / 2); b <- rnorm(n, 10, 2)
S <- matrix(c(1, .6, .5, .6, 1.5, .7, .5, .7, 2), 3)
y <- cbind(1 + 0.5 * b, 2 + 0.6 * b + 0.5 * g, 3 + 0.7 * b + g) + matrix(rnorm(n * V), n) %*% chol(S)
for (v in 2:V) { # MAR: dropout before visit v depends on the value at visit v - 1
  p <- plogis(-1 + 0.8 * (y[, v - 1] - mean(y[, v - 1], na.rm = TRUE)) - 0.5 * g)
  drop <- is.na(y[, v - 1]) | runif(n) < p
  y[drop, v:V] <- NA
}
d <- data.frame(group = g, baseline = b, y1 = y[, 1], y2 = y[, 2], y3 = y[, 3])
cat(sprintf("(b) missing at visits 2, 3: %d, %d of %d\n", sum(is.na(y[, 2])), sum(is.na(y[, 3])), n))
f <- file.path(work, "mar.csv"); write.csv(d, f, row.names = FALSE, na = "NA", quote = FALSE)
M <- 1000
got <- run("impute", f, 3, "mar", 0, 0, M, "ancova", 3, 2026)
gq <- got[paste0("q", 0:(M - 1))]; gu <- got[paste0("u", 0:(M - 1))]
pm <- matrix(0, 5, 5, dimnames = list(names(d), names(d)))
pm["y2", c("group", "baseline", "y1")] <- 1
pm["y3", c("group", "baseline", "y1", "y2")] <- 1
imp <- suppressWarnings(mice(d, m = M, method = c("", "", "", "norm", "norm"), predictorMatrix = pm,
                             visitSequence = c("y2", "y3"), maxit = 1, printFlag = FALSE, seed = 7))
fits <- with(imp, lm(y3 ~ group + baseline))
rq <- sapply(fits$analyses, function(f) coef(f)[["group"]])
ru <- sapply(fits$analyses, function(f) vcov(f)["group", "group"])
rp <- mice::pool.scalar(rq, ru, n = n, k = 3)
check("(b) MAR pooled estimate vs mice norm", got[["estimate"]], rp$qbar, 4 * sqrt(var(gq) / M + var(rq) / M))
check("(b) MAR between-imputation variance vs mice", got[["b"]], rp$b,
      4 * sqrt(2 * got[["b"]]^2 / (M - 1) + 2 * rp$b^2 / (M - 1)))
check("(b) MAR within-imputation variance vs mice", got[["ubar"]], rp$ubar, 4 * sqrt(var(gu) / M + var(ru) / M))
check("(b) MAR total variance vs mice", got[["t"]], rp$t,
      4 * sqrt(var(gu) / M + var(ru) / M + (1 + 1 / M)^2 * (2 * got[["b"]]^2 + 2 * rp$b^2) / (M - 1)))
cc <- coef(lm(y3 ~ group + baseline, d))[["group"]]
cat(sprintf("(b) complete-case estimate %.4f (for reference)\n", cc))

## (c) reference-based: closed forms
set.seed(303)
n <- 40000; V <- 3
g <- rep(0:1, each = n / 2); b <- rnorm(n, 20, 3)
cv <- c(1, 2, 3) # treatment - control mean at each visit (control is the reference)
S <- matrix(c(2, 1.2, 1, 1.2, 2.5, 1.5, 1, 1.5, 3), 3)
y <- outer(rep(1, n), c(5, 4, 3)) + 0.5 * b + outer(g, cv) + matrix(rnorm(n * V), n) %*% chol(S)
pk <- c(0.15, 0.15, 0.2, 0.5) # observed visits k = 0, 1, 2, 3 (completers), both groups
k <- sample(0:3, n, replace = TRUE, prob = pk)
for (i in which(k < 3)) y[i, (k[i] + 1):3] <- NA
d <- data.frame(group = g, baseline = b, y1 = y[, 1], y2 = y[, 2], y3 = y[, 3])
f <- file.path(work, "ref.csv"); write.csv(d, f, row.names = FALSE, na = "NA", quote = FALSE)
f6 <- file.path(work, "ref6.csv") # MMRM analyses: 3000 twins an arm, to keep the fits quick
write.csv(d[c(1:3000, n / 2 + 1:3000), ], f6, row.names = FALSE, na = "NA", quote = FALSE)
cr <- pk[4] * cv[3]
for (kk in 0:2) cr <- cr + pk[kk + 1] * if (kk == 0) 0 else drop(S[3, 1:kk] %*% solve(S[1:kk, 1:kk], cv[1:kk]))
delta <- -1.5
limit <- c(mar = cv[3], jump_to_reference = pk[4] * cv[3], copy_reference = cr,
           copy_increments = pk[4] * cv[3] + pk[2] * cv[1] + pk[3] * cv[2], delta = cv[3] + (1 - pk[4]) * delta)
for (an in c("ancova", "mmrm")) for (meth in names(limit)) {
  if (an == "mmrm" && !(meth %in% c("jump_to_reference", "copy_increments"))) next
  got <- run("impute", if (an == "mmrm") f6 else f, 3, meth, 0, delta, 20, an, 3, 99)
  check(sprintf("(c) %s %s pooled estimate vs closed form", meth, an), got[["estimate"]], limit[[meth]],
        4 * got[["se"]])
}
cat(sprintf("(c) limits: %s\n", paste(sprintf("%s %.3f", names(limit), limit), collapse = ", ")))
## (d) MAR with covariates against mice norm
set.seed(404)
n <- 600; V <- 3
g <- rep(0:1, each = n / 2); b <- rnorm(n, 10, 2); x <- rnorm(n); f <- sample(0:2, n, TRUE, c(0.3, 0.4, 0.3))
S <- matrix(c(1, .6, .5, .6, 1.5, .7, .5, .7, 2), 3)
y <- cbind(1 + 0.5 * b, 2 + 0.6 * b + 0.5 * g, 3 + 0.7 * b + g) + outer(x, c(1, 1.3, 1.6)) + outer(f == 1, c(.5, .7, 1)) -
  outer(f == 2, c(.4, .6, .8)) + matrix(rnorm(n * V), n) %*% chol(S)
for (v in 2:V) {
  p <- plogis(-1 + 0.6 * (y[, v - 1] - mean(y[, v - 1], na.rm = TRUE)) + 0.7 * x - 0.5 * g)
  drop <- is.na(y[, v - 1]) | runif(n) < p
  y[drop, v:V] <- NA
}
d <- data.frame(group = g, baseline = b, x = x, f1 = as.integer(f == 1), f2 = as.integer(f == 2),
                y1 = y[, 1], y2 = y[, 2], y3 = y[, 3])
cat(sprintf("(d) missing at visits 2, 3: %d, %d of %d\n", sum(is.na(y[, 2])), sum(is.na(y[, 3])), n))
f <- file.path(work, "marcov.csv"); write.csv(d, f, row.names = FALSE, na = "NA", quote = FALSE)
M <- 1000
got <- run("impute", f, 3, "mar", 0, 0, M, "ancova", 3, 2027)
gq <- got[paste0("q", 0:(M - 1))]; gu <- got[paste0("u", 0:(M - 1))]
pm <- matrix(0, ncol(d), ncol(d), dimnames = list(names(d), names(d)))
pm["y2", c("group", "baseline", "x", "f1", "f2", "y1")] <- 1
pm["y3", c("group", "baseline", "x", "f1", "f2", "y1", "y2")] <- 1
imp <- suppressWarnings(mice(d, m = M, method = ifelse(colSums(is.na(d)) > 0, "norm", ""), predictorMatrix = pm,
                             visitSequence = c("y2", "y3"), maxit = 1, printFlag = FALSE, seed = 8))
fits <- with(imp, lm(y3 ~ group + baseline + x + f1 + f2))
rq <- sapply(fits$analyses, function(f) coef(f)[["group"]])
ru <- sapply(fits$analyses, function(f) vcov(f)["group", "group"])
rp <- mice::pool.scalar(rq, ru, n = n, k = 6)
check("(d) MAR + covariates pooled estimate vs mice norm", got[["estimate"]], rp$qbar, 4 * sqrt(var(gq) / M + var(rq) / M))
check("(d) MAR + covariates between-imputation variance vs mice", got[["b"]], rp$b,
      4 * sqrt(2 * got[["b"]]^2 / (M - 1) + 2 * rp$b^2 / (M - 1)))
check("(d) MAR + covariates within-imputation variance vs mice", got[["ubar"]], rp$ubar,
      4 * sqrt(var(gu) / M + var(ru) / M))
check("(d) MAR + covariates df vs mice (complete-data df n - 6; 5%)", got[["df"]], rp$df, 0.05 * rp$df)

## (e) reference-based with covariates: closed forms
set.seed(505)
n <- 40000; V <- 3
g <- rep(0:1, each = n / 2); b <- rnorm(n, 20, 3); x <- rnorm(n); f <- sample(0:2, n, TRUE, c(0.3, 0.4, 0.3))
cv <- c(1, 2, 3)
S <- matrix(c(2, 1.2, 1, 1.2, 2.5, 1.5, 1, 1.5, 3), 3)
y <- outer(rep(1, n), c(5, 4, 3)) + 0.5 * b + outer(x, c(2, 2.5, 3)) + outer(f == 1, c(1, 1, 1)) -
  outer(f == 2, c(.5, 1, 1.5)) + outer(g, cv) + matrix(rnorm(n * V), n) %*% chol(S)
k <- ifelse(g == 1, ifelse(runif(n) < plogis(0.5 - 1.5 * x), 3, sample(0:2, n, TRUE)),
            sample(0:3, n, replace = TRUE, prob = c(0.15, 0.15, 0.2, 0.5)))
for (i in which(k < 3)) y[i, (k[i] + 1):3] <- NA
pk <- tabulate(k[g == 1] + 1, 4) / sum(g == 1)
d <- data.frame(group = g, baseline = b, x = x, f1 = as.integer(f == 1), f2 = as.integer(f == 2),
                y1 = y[, 1], y2 = y[, 2], y3 = y[, 3])
f <- file.path(work, "refcov.csv"); write.csv(d, f, row.names = FALSE, na = "NA", quote = FALSE)
f0 <- file.path(work, "refcov0.csv"); write.csv(d[, -(3:5)], f0, row.names = FALSE, na = "NA", quote = FALSE)
f6 <- file.path(work, "refcov6.csv")
write.csv(d[c(1:3000, n / 2 + 1:3000), ], f6, row.names = FALSE, na = "NA", quote = FALSE)
cr <- pk[4] * cv[3]
for (kk in 1:2) cr <- cr + pk[kk + 1] * drop(S[3, 1:kk] %*% solve(S[1:kk, 1:kk], cv[1:kk]))
limit <- c(mar = cv[3], jump_to_reference = pk[4] * cv[3], copy_reference = cr,
           copy_increments = pk[4] * cv[3] + pk[2] * cv[1] + pk[3] * cv[2])
for (an in c("ancova", "mmrm")) for (meth in names(limit)) {
  if (an == "mmrm" && meth != "jump_to_reference") next
  got <- run("impute", if (an == "mmrm") f6 else f, 3, meth, 0, 0, 20, an, 3, 98)
  check(sprintf("(e) %s %s with covariates vs closed form", meth, an), got[["estimate"]], limit[[meth]],
        4 * got[["se"]])
}
got <- run("impute", f0, 3, "mar", 0, 0, 20, "ancova", 3, 98)
cat(sprintf("(e) without the covariates MAR gives %.3f (SE %.3f) against the limit %.3f\n", got[["estimate"]],
            got[["se"]], limit[["mar"]]))
if (!(abs(got[["estimate"]] - limit[["mar"]]) > 8 * got[["se"]])) {
  cat("(e) FAIL: imputing without the covariates is not told apart\n"); fail <- fail + 1
}
cat(sprintf("(e) treatment arm's patterns %s; limits: %s\n", paste(sprintf("%.3f", pk), collapse = " "),
            paste(sprintf("%s %.3f", names(limit), limit), collapse = ", ")))
## (f) anchoring at the ICE, retrieved dropouts
set.seed(606)
n <- 40000; V <- 3
g <- rep(0:1, each = n / 2); b <- rnorm(n, 20, 3)
cv <- c(3, 3, 3) # a constant effect, lost at the ICE
S <- matrix(c(2, 1.2, 1, 1.2, 2.5, 1.5, 1, 1.5, 3), 3)
s0 <- sample(0:3, n, TRUE, c(0.15, 0.15, 0.2, 0.5)) # 0-based first visit after stopping; 3: never
own <- outer(g, cv) * outer(s0, 1:V - 1, ">") # treatment effect only before the ICE
y <- outer(rep(1, n), c(5, 4, 3)) + 0.5 * b + own + matrix(rnorm(n * V), n) %*% chol(S)
u <- runif(n); w <- ifelse(s0 == 3, 3, ifelse(u < 0.2, s0, ifelse(u < 0.8, pmin(s0 + 1, 3), 3)))
for (i in which(w < 3)) y[i, (w[i] + 1):3] <- NA
ice <- ifelse(s0 == 3, NA, s0 + 1)
d <- data.frame(group = g, baseline = b, ice = ice, y1 = y[, 1], y2 = y[, 2], y3 = y[, 3])
fi <- file.path(work, "ice.csv"); write.csv(d, fi, row.names = FALSE, na = "NA", quote = FALSE)
f0 <- file.path(work, "ice0.csv"); write.csv(d[, -3], f0, row.names = FALSE, na = "NA", quote = FALSE)
dh <- d; for (v in 1:V) dh[[paste0("y", v)]][!is.na(ice) & v >= ice] <- NA # hypothetical: post-ICE set aside
fh <- file.path(work, "iceh.csv"); write.csv(dh, fh, row.names = FALSE, na = "NA", quote = FALSE)
cat(sprintf("(f) post-ICE visits observed: %d; missing at visit 3: %d of %d\n",
            sum(!is.na(y) & outer(s0, 1:V - 1, "<=")), sum(is.na(y[, 3])), n))
tp <- cv[3] * mean(s0[g == 1] == 3)
got <- run("impute", fi, 3, "jump_to_reference", 0, 0, 20, "ancova", 3, 97)
check("(f) J2R at the ICE, treatment policy vs true effect", got[["estimate"]], tp, 4 * got[["se"]])
got <- run("impute", fi, 3, "jump_to_reference", 0, 0, 5, "mmrm", 3, 97)
check("(f) J2R at the ICE, treatment policy, MMRM vs true effect", got[["estimate"]], tp, 4 * got[["se"]])
got <- run("impute", fh, 3, "mar", 0, 0, 20, "ancova", 3, 97)
check("(f) MAR, post-ICE set aside (hypothetical) vs c_V", got[["estimate"]], cv[3], 4 * got[["se"]])
for (case in list(list(f0, "jump_to_reference", tp, "J2R anchored at the first missing visit"),
                  list(fi, "mar", cv[3], "MAR keeping the post-ICE visits"))) {
  got <- run("impute", case[[1]], 3, case[[2]], 0, 0, 20, "ancova", 3, 97)
  cat(sprintf("(f) %s: %.3f (SE %.3f) against %.3f\n", case[[4]], got[["estimate"]], got[["se"]], case[[3]]))
  if (!(abs(got[["estimate"]] - case[[3]]) > 6 * got[["se"]])) {
    cat("(f) FAIL: not told apart\n"); fail <- fail + 1
  }
}
## (g) MAR with intermittent gaps against mice (chained equations)
set.seed(707)
n <- 600; V <- 3
g <- rep(0:1, each = n / 2); b <- rnorm(n, 10, 2)
S <- matrix(c(1, .6, .5, .6, 1.5, .7, .5, .7, 2), 3)
y <- cbind(1 + 0.5 * b, 2 + 0.6 * b + 0.5 * g, 3 + 0.7 * b + g) + matrix(rnorm(n * V), n) %*% chol(S)
for (v in 2:V) {
  p <- plogis(-1.5 + 0.8 * (y[, v - 1] - mean(y[, v - 1], na.rm = TRUE)) - 0.5 * g)
  drop <- (is.na(y[, v - 1]) & v > 2 & is.na(y[, 1])) | runif(n) < p
  y[drop, v:V] <- NA
}
last <- apply(!is.na(y), 1, function(o) max(c(0, which(o))))
for (v in 1:2) y[v < last & runif(n) < 0.1, v] <- NA
d <- data.frame(group = g, baseline = b, y1 = y[, 1], y2 = y[, 2], y3 = y[, 3])
gaps <- sum(sapply(1:V, function(v) is.na(y[, v]) & v < last))
cat(sprintf("(g) intermittent gaps %d, missing at visit 3: %d of %d\n", gaps, sum(is.na(y[, 3])), n))
f <- file.path(work, "gaps.csv"); write.csv(d, f, row.names = FALSE, na = "NA", quote = FALSE)
M <- 300
got <- run("impute", f, 3, "mar", 0, 0, M, "ancova", 3, 2028)
gq <- got[paste0("q", 0:(M - 1))]; gu <- got[paste0("u", 0:(M - 1))]
pm <- matrix(0, 5, 5, dimnames = list(names(d), names(d)))
for (v in 1:V) pm[paste0("y", v), c("group", "baseline", paste0("y", setdiff(1:V, v)))] <- 1
imp <- suppressWarnings(mice(d, m = M, method = c("", "", "norm", "norm", "norm"), predictorMatrix = pm,
                             maxit = 10, printFlag = FALSE, seed = 9))
fits <- with(imp, lm(y3 ~ group + baseline))
rq <- sapply(fits$analyses, function(f) coef(f)[["group"]])
ru <- sapply(fits$analyses, function(f) vcov(f)["group", "group"])
rp <- mice::pool.scalar(rq, ru, n = n, k = 3)
check("(g) MAR with gaps: pooled estimate vs mice", got[["estimate"]], rp$qbar, 4 * sqrt(var(gq) / M + var(rq) / M))
check("(g) MAR with gaps: between-imputation variance vs mice", got[["b"]], rp$b,
      4 * sqrt(2 * got[["b"]]^2 / (M - 1) + 2 * rp$b^2 / (M - 1)))
check("(g) MAR with gaps: within-imputation variance vs mice", got[["ubar"]], rp$ubar,
      4 * sqrt(var(gu) / M + var(ru) / M))

## (h) reference-based with gaps: closed forms
set.seed(808)
n <- 40000; V <- 4
g <- rep(0:1, each = n / 2); b <- rnorm(n, 20, 3)
cv <- c(1, 2, 3, 4)
S <- matrix(0.6, V, V) + diag(c(1.4, 1.9, 2.4, 2.9))
y <- outer(rep(1, n), c(5, 4, 3, 2)) + 0.5 * b + outer(g, cv) + matrix(rnorm(n * V), n) %*% chol(S)
k <- sample(0:V, n, replace = TRUE, prob = c(0.1, 0.1, 0.15, 0.15, 0.5))
for (i in which(k < V)) y[i, (k[i] + 1):V] <- NA
for (v in 1:(V - 1)) y[v < k & runif(n) < 0.15, v] <- NA
d <- data.frame(group = g, baseline = b, y1 = y[, 1], y2 = y[, 2], y3 = y[, 3], y4 = y[, 4])
f <- file.path(work, "gapsref.csv"); write.csv(d, f, row.names = FALSE, na = "NA", quote = FALSE)
tr <- which(g == 1)
contrib <- sapply(c("mar", "jump_to_reference", "copy_increments", "copy_reference"), function(meth) {
  mean(sapply(tr, function(i) {
    o <- which(!is.na(y[i, ]))
    if (meth == "mar" || k[i] == V) return(cv[V])
    if (meth == "jump_to_reference" || !length(o)) return(0)
    if (meth == "copy_increments") return(cv[k[i]])
    drop(S[V, o] %*% solve(S[o, o], cv[o]))
  }))
})
cat(sprintf("(h) intermittent gaps %d; limits: %s\n", sum(is.na(y) & outer(k, 1:V, ">")),
            paste(sprintf("%s %.3f", names(contrib), contrib), collapse = ", ")))
for (meth in names(contrib)) {
  got <- run("impute", f, V, meth, 0, 0, 20, "ancova", V, 96)
  check(sprintf("(h) %s with gaps vs closed form", meth), got[["estimate"]], contrib[[meth]], 4 * got[["se"]])
}
if (fail) { cat(fail, "check(s) failed\n"); quit(status = 1) }
cat("all multiple-imputation checks passed\n")
