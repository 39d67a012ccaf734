# R's lm() and t.test() on the first replicate twintrial exported must reproduce
# the stored ANCOVA, PROCOVA and Welch results (estimate, SE, statistic, p, CI)
# to 1e-6 relative.  usage: Rscript ancova_vs_r.R CSV_DIR
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
subj <- read.csv(file.path(dir, "subjects.csv"))
outc <- read.csv(file.path(dir, "outcomes.csv"))
an <- read.csv(file.path(dir, "analyses.csv"))
subj <- subj[subj$replicate == 0, ]
base <- outc[outc$replicate == 0 & outc$visit == 0 & outc$variable == "adas_cog", c("subject", "value")]
names(base)[2] <- "baseline"
d <- merge(subj, base, by = "subject")
d <- d[!is.na(d$adas_chg_w78) & d$arm %in% c("placebo", "donepezil_10mg"), ]
d$treat <- as.numeric(d$arm == "donepezil_10mg")
d$prognostic_score <- d$prognostic_score_adas_chg_w78

fails <- 0
close <- function(what, ours, r) {
  rel <- abs(ours - r) / max(abs(r), 1e-300)
  ok <- rel <= 1e-6
  cat(sprintf("%s %-28s twintrial %.12g  R %.12g  rel %.2e\n", if (ok) "ok:  " else "FAIL:", what, ours, r, rel))
  if (!ok) fails <<- fails + 1
}
check_lm <- function(name, fit) {
  row <- an[an$analysis == name & an$replicate == 0, ]
  co <- summary(fit)$coefficients["treat", ]
  ci <- confint(fit)["treat", ]
  close(paste(name, "estimate"), row$estimate, co[["Estimate"]])
  close(paste(name, "std_error"), row$std_error, co[["Std. Error"]])
  close(paste(name, "t"), row$statistic, co[["t value"]])
  close(paste(name, "p"), row$p_value, co[["Pr(>|t|)"]])
  close(paste(name, "ci_lower"), row$ci_lower, ci[[1]])
  close(paste(name, "ci_upper"), row$ci_upper, ci[[2]])
  close(paste(name, "n"), row$n_analysed, nrow(d))
}
check_lm("primary", lm(adas_chg_w78 ~ treat + baseline, data = d))
check_lm("procova", lm(adas_chg_w78 ~ treat + baseline + prognostic_score, data = d))
w <- t.test(d$adas_chg_w78[d$treat == 1], d$adas_chg_w78[d$treat == 0])
row <- an[an$analysis == "unadjusted" & an$replicate == 0, ]
close("welch estimate", row$estimate, unname(w$estimate[1] - w$estimate[2]))
close("welch t", row$statistic, unname(w$statistic))
close("welch df", row$df, unname(w$parameter))
close("welch p", row$p_value, w$p.value)
close("welch ci_lower", row$ci_lower, w$conf.int[1])
close("welch ci_upper", row$ci_upper, w$conf.int[2])
cat(sprintf("%d passed, %d failed\n", if (fails == 0) 1 else 0, if (fails == 0) 0 else 1))
quit(status = if (fails == 0) 0 else 1)
