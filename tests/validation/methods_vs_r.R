# Every analysis method, recomputed by R on the replicate twintrial exported, must
# match the stored estimate, SE, statistic, p-value and CI to 1e-6 relative (the
# negative binomial to 1e-5: MASS::glm.nb stops its theta iteration early), and the
# group-sequential boundaries must equal rpact's to 1e-4.
# usage: Rscript methods_vs_r.R oncology|t2d|ms|gsd|options_ad|options_oncology|options_ms CSV_DIR [RESULTS.h5]
suppressMessages({ library(survival); library(MASS) })
args <- commandArgs(trailingOnly = TRUE)
what <- args[1]; dir <- args[2]
fails <- 0; checks <- 0
close <- function(label, ours, r, tol = 1e-6) {
  rel <- abs(ours - r) / max(abs(r), 1e-12)
  ok <- is.finite(rel) && rel <= tol
  checks <<- checks + 1
  cat(sprintf("%s %-34s twintrial %.12g  R %.12g  rel %.1e\n", if (ok) "ok:  " else "FAIL:", label, ours, r, rel))
  if (!ok) fails <<- fails + 1
}
row <- function(name) { an <- read.csv(file.path(dir, "analyses.csv")); an[an$analysis == name & an$replicate == 0, ] }
wald <- function(name, est, se, tol = 1e-6) {
  r <- row(name); z <- est / se
  close(paste(name, "estimate"), r$estimate, est, tol); close(paste(name, "std_error"), r$std_error, se, tol)
  close(paste(name, "statistic"), r$statistic, z, tol); close(paste(name, "p_value"), r$p_value, 2 * pnorm(-abs(z)), tol)
  close(paste(name, "ci_lower"), r$ci_lower, est - qnorm(0.975) * se, tol)
}
subjects <- function() {
  s <- read.csv(file.path(dir, "subjects.csv")); s <- s[s$replicate == 0, ]
  s$treat <- as.numeric(s$arm != unique(read.csv(file.path(dir, "adsl.csv"))$TRT01P[
    read.csv(file.path(dir, "adsl.csv"))$TRT01PN == 0])[1])
  s
}
if (what == "oncology") {
  s <- subjects()
  lr <- survdiff(Surv(os_time, os_status) ~ treat + strata(stratum), data = s)
  o1 <- sum(matrix(lr$obs, nrow = 2)[2, ]); e1 <- sum(matrix(lr$exp, nrow = 2)[2, ]); v <- lr$var[2, 2] # groups x strata
  wald("os_logrank", (o1 - e1) / v, 1 / sqrt(v))
  close("os_logrank chisq", row("os_logrank")$statistic^2, lr$chisq)
  # Kaplan-Meier medians and CIs per arm, as print.survfit reports them
  suppressMessages(library(hdf5r))
  km <- H5File$new(args[3], mode = "r")[["analyses/os_logrank/km_median"]]$read()  # hdf5r: [3, 2, replicate]
  sf <- summary(survfit(Surv(os_time, os_status) ~ treat, data = s))$table
  for (a in 1:2) {
    close(sprintf("KM median arm %d", a - 1), km[1, a, 1], sf[a, "median"])
    close(sprintf("KM median lower arm %d", a - 1), km[2, a, 1], sf[a, "0.95LCL"])
    if (is.finite(sf[a, "0.95UCL"])) close(sprintf("KM median upper arm %d", a - 1), km[3, a, 1], sf[a, "0.95UCL"])
  }
  fit <- coxph(Surv(os_time, os_status) ~ treat + asian + ever_smoker, data = s, ties = "efron")
  wald("os_cox", coef(fit)[["treat"]], sqrt(vcov(fit)["treat", "treat"]))
  lp <- survdiff(Surv(pfs_time, pfs_status) ~ treat, data = s)
  wald("pfs_logrank", (lp$obs[2] - lp$exp[2]) / lp$var[2, 2], 1 / sqrt(lp$var[2, 2]))
  x1 <- sum(s$orr[s$treat == 1]); n1 <- sum(s$treat == 1); x0 <- sum(s$orr[s$treat == 0]); n0 <- sum(s$treat == 0)
  w1 <- prop.test(x1, n1, correct = FALSE)$conf.int; w0 <- prop.test(x0, n0, correct = FALSE)$conf.int
  p1 <- x1 / n1; p0 <- x0 / n0; d <- p1 - p0
  r <- row("orr_rd")
  close("orr_rd estimate", r$estimate, d)
  close("orr_rd newcombe lower", r$ci_lower, d - sqrt((p1 - w1[1])^2 + (w0[2] - p0)^2))
  close("orr_rd newcombe upper", r$ci_upper, d + sqrt((w1[2] - p1)^2 + (p0 - w0[1])^2))
  close("orr_rd p (score)", r$p_value, prop.test(c(x1, x0), c(n1, n0), correct = FALSE)$p.value)
  mh <- mantelhaen.test(table(factor(s$treat, 1:0), factor(s$orr, 1:0), s$stratum), correct = FALSE)
  r <- row("orr_cmh")
  close("orr_cmh estimate (log MH OR)", r$estimate, log(mh$estimate))
  close("orr_cmh chisq", r$statistic^2, mh$statistic)
  close("orr_cmh p", r$p_value, mh$p.value)
  close("orr_cmh ci_lower", r$ci_lower, log(mh$conf.int[1]))
} else if (what == "t2d") {
  s <- subjects()
  o <- read.csv(file.path(dir, "outcomes.csv"))
  b <- o[o$replicate == 0 & o$visit == 0 & o$variable == "hba1c", c("subject", "value")]
  names(b)[2] <- "baseline"
  s <- merge(s, b, by = "subject")
  d <- s[s$arm %in% c("placebo", "sensitizer") & !is.na(s$hba1c_lt7_w52), ]
  d$treat <- as.numeric(d$arm == "sensitizer")
  g <- glm(hba1c_lt7_w52 ~ treat + baseline, family = binomial, data = d, control = glm.control(epsilon = 1e-14))
  wald("responders_or", coef(g)[["treat"]], sqrt(vcov(g)["treat", "treat"]))
  fit <- lm(hba1c_chg_w52 ~ treat + baseline, data = d[!is.na(d$hba1c_chg_w52), ])
  co <- summary(fit)$coefficients["treat", ]
  close("primary estimate", row("primary")$estimate, co[["Estimate"]])
  close("primary p", row("primary")$p_value, co[["Pr(>|t|)"]])
  # non-inferiority, margin 0.3 (lower is better): H0 effect >= 0.3, t = (est - 0.3)/SE, p = P(T <= t)
  n <- s[s$arm %in% c("sensitizer", "sensitizer_plus_su") & !is.na(s$hba1c_chg_w52), ]
  n$treat <- as.numeric(n$arm == "sensitizer")
  ni <- summary(lm(hba1c_chg_w52 ~ treat + baseline, data = n))$coefficients["treat", ]
  tni <- (ni[["Estimate"]] - 0.3) / ni[["Std. Error"]]
  close("non_inferior estimate", row("non_inferior_to_su")$estimate, ni[["Estimate"]])
  close("non_inferior statistic", row("non_inferior_to_su")$statistic, tni)
  close("non_inferior p", row("non_inferior_to_su")$p_value, pt(tni, nrow(n) - 3))
} else if (what == "ms") {
  s <- subjects()
  s$treat <- as.numeric(s$arm == "s1p_modulator")
  p <- glm(arr_count ~ treat + prior_relapses + offset(log(arr_exposure)), family = poisson, data = s,
           control = glm.control(epsilon = 1e-14))
  wald("arr_poisson", coef(p)[["treat"]], sqrt(vcov(p)["treat", "treat"]))
  nb <- glm.nb(arr_count ~ treat + prior_relapses + offset(log(arr_exposure)), data = s,
               control = glm.control(epsilon = 1e-12, maxit = 100))
  wald("arr_negbin", coef(nb)[["treat"]], sqrt(vcov(nb)["treat", "treat"]), tol = 1e-5)
} else if (what %in% c("options_ad", "options_oncology", "options_ms")) {
  # factor() / numeric() covariates, strata: [...], non-inferiority margins (one-sided,
  # H0 effect >= margin for direction lower, <= for higher; the CI is two-sided 1 - 2 alpha)
  ni <- function(name, est, se, margin, direction, alpha, df = Inf, tol = 1e-6) {
    r <- row(name); t <- (est - margin) / se; q <- qt(1 - alpha, df)
    close(paste(name, "estimate"), r$estimate, est, tol); close(paste(name, "std_error"), r$std_error, se, tol)
    close(paste(name, "statistic"), r$statistic, t, tol)
    close(paste(name, "p_value"), r$p_value, if (direction < 0) pt(t, df) else pt(t, df, lower.tail = FALSE), tol)
    close(paste(name, "ci_lower"), r$ci_lower, est - q * se, tol); close(paste(name, "ci_upper"), r$ci_upper, est + q * se, tol)
  }
  s <- subjects()
  if (what == "options_ad") {
    o <- read.csv(file.path(dir, "outcomes.csv"))
    b <- o[o$replicate == 0 & o$visit == 0 & o$variable == "adas_cog", c("subject", "value")]
    names(b)[2] <- "baseline"
    d <- merge(s, b, by = "subject")
    c78 <- d[!is.na(d$chg78), ]
    co <- summary(lm(chg78 ~ treat + baseline + factor(apoe4), data = c78))$coefficients["treat", ]
    close("ancova_factor estimate", row("ancova_factor")$estimate, co[["Estimate"]])
    close("ancova_factor std_error", row("ancova_factor")$std_error, co[["Std. Error"]])
    close("ancova_factor p", row("ancova_factor")$p_value, co[["Pr(>|t|)"]])
    close("ancova_factor df", row("ancova_factor")$df, nrow(c78) - 3 - length(unique(c78$apoe4)) + 1)
    co <- summary(lm(chg78 ~ treat + baseline + apoe4, data = c78))$coefficients["treat", ]
    close("ancova_numeric estimate", row("ancova_numeric")$estimate, co[["Estimate"]])
    close("ancova_numeric std_error", row("ancova_numeric")$std_error, co[["Std. Error"]])
    w <- t.test(c78$chg78[c78$treat == 1], c78$chg78[c78$treat == 0], mu = 1, alternative = "less", conf.level = 0.95)
    close("welch_ni statistic", row("welch_ni")$statistic, w$statistic[[1]])
    close("welch_ni p (t.test mu = margin)", row("welch_ni")$p_value, w$p.value)
    close("welch_ni df", row("welch_ni")$df, w$parameter[[1]])
    w2 <- t.test(c78$chg78[c78$treat == 1], c78$chg78[c78$treat == 0], conf.level = 1 - 2 * 0.025) # two-sided 1 - 2 alpha
    close("welch_ni ci_upper", row("welch_ni")$ci_upper, w2$conf.int[2])
    r01 <- d[!is.na(d$improved), ]
    x1 <- sum(r01$improved[r01$treat == 1]); n1 <- sum(r01$treat == 1)
    x0 <- sum(r01$improved[r01$treat == 0]); n0 <- sum(r01$treat == 0)
    fm <- function(delta) { # Farrington-Manning z, restricted MLE by rpact's closed form
      m <- rpact:::.getFarringtonManningValuesDiff(rate1 = x1 / n1, rate2 = x0 / n0, theta = delta, allocation = n1 / n0)
      (x1 / n1 - x0 / n0 - delta) / sqrt(m[1] * (1 - m[1]) / n1 + m[2] * (1 - m[2]) / n0)
    }
    suppressMessages(library(rpact))
    z <- fm(-0.1); ci <- sapply(c(1, -1) * qnorm(0.975), function(q) uniroot(function(d) fm(d) - q,
                                                                             c(-0.999, 0.999), tol = 1e-13)$root)
    r <- row("rd_score_ni")
    close("rd_score_ni estimate", r$estimate, x1 / n1 - x0 / n0)
    close("rd_score_ni statistic (Farrington-Manning)", r$statistic, z)
    close("rd_score_ni p", r$p_value, pnorm(-z))
    close("rd_score_ni ci_lower (score)", r$ci_lower, ci[1]); close("rd_score_ni ci_upper (score)", r$ci_upper, ci[2])
    close("rd_score z^2 = prop.test", row("rd_score")$statistic^2,
          prop.test(c(x1, x0), c(n1, n0), correct = FALSE)$statistic[[1]])
    p1 <- x1 / n1; p0 <- x0 / n0
    ni("rd_wald_ni", p1 - p0, sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0), -0.1, 1, 0.025)
    g <- glm(improved ~ treat + baseline + factor(apoe4), family = binomial, data = r01,
             control = glm.control(epsilon = 1e-14))
    ni("or_factor_ni", coef(g)[["treat"]], sqrt(vcov(g)["treat", "treat"]), log(0.8), 1, 0.025)
  } else if (what == "options_oncology") {
    lr <- survdiff(Surv(os_time, os_status) ~ treat + strata(ecog, asian), data = s)
    close("logrank_strata chisq", row("logrank_strata")$statistic^2, lr$chisq)
    fit <- coxph(Surv(os_time, os_status) ~ treat + ever_smoker + strata(ecog), data = s, ties = "efron")
    wald("cox_strata", coef(fit)[["treat"]], sqrt(vcov(fit)["treat", "treat"]))
    fit <- coxph(Surv(os_time, os_status) ~ treat + factor(ecog), data = s, ties = "efron")
    ni("cox_factor_ni", coef(fit)[["treat"]], sqrt(vcov(fit)["treat", "treat"]), log(1.3), -1, 0.025)
  } else {
    f <- arr_count ~ treat + factor(prior_relapses) + offset(log(arr_exposure))
    nb <- glm.nb(f, data = s, control = glm.control(epsilon = 1e-12, maxit = 100))
    wald("negbin_factor", coef(nb)[["treat"]], sqrt(vcov(nb)["treat", "treat"]), tol = 1e-5)
    p <- glm(f, family = poisson, data = s, control = glm.control(epsilon = 1e-14))
    ni("poisson_factor_ni", coef(p)[["treat"]], sqrt(vcov(p)["treat", "treat"]), log(1.25), -1, 0.025)
    fit <- coxph(Surv(first_relapse_time, first_relapse_status) ~ treat + factor(prior_relapses), data = s,
                 ties = "efron")
    wald("cox_factor", coef(fit)[["treat"]], sqrt(vcov(fit)["treat", "treat"]))
    p <- glm(arr_count ~ treat + prior_relapses + offset(log(arr_exposure)), family = poisson, data = s,
             control = glm.control(epsilon = 1e-14))
    wald("poisson_numeric", coef(p)[["treat"]], sqrt(vcov(p)["treat", "treat"]))
  }
} else if (what == "gsd") {
  suppressMessages(library(rpact)); suppressMessages(library(hdf5r))
  f <- H5File$new(args[3], mode = "r")
  info <- f[["design/information"]]$read(); up <- f[["design/efficacy_bound"]]$read()
  lo <- f[["design/futility_bound"]]$read(); spent <- f[["design/alpha_spent"]]$read()
  d <- getDesignGroupSequential(kMax = length(info), alpha = 0.025, sided = 1, beta = 0.2, typeOfDesign = "asOF",
                                typeBetaSpending = "bsOF", bindingFutility = FALSE, informationRates = info)
  for (k in seq_along(info)) {
    close(sprintf("efficacy bound look %d", k), up[k], d$criticalValues[k], 1e-4)
    close(sprintf("alpha spent look %d", k), spent[k], d$alphaSpent[k], 1e-4)
  }
  for (k in seq_len(length(info) - 1)) close(sprintf("futility bound look %d", k), lo[k], d$futilityBounds[k], 1e-4)
}
cat(sprintf("%d checks: %d passed, %d failed\n", checks, checks - fails, fails))
cat(sprintf("%d passed, %d failed\n", if (fails == 0) 1 else 0, if (fails == 0) 0 else 1))
quit(status = if (fails == 0) 0 else 1)
