# The mmrm analyses twintrial stored for an exported replicate against R on the exported
# data: each twin's change from baseline of the endpoint's variable at every post-baseline
# visit up to the endpoint's (outcomes.csv; NA after dropout), baseline x visit and the
# analysis's covariates (subjects.csv). The stored estimate, SE and df must be the
# engine's fit of that data set (to 1e-9: the trial gathers what it exports), which
# mmrm_common.R checks against nlme::gls (estimates and SEs to 1e-6), an independent
# numDeriv Satterthwaite df and pbkrtest's Kenward-Roger (to 1e-4).
# usage: Rscript mmrm_export_vs_r.R MMRM_CSV_PROGRAM CSV_DIR WORKDIR
args <- commandArgs(trailingOnly = TRUE)
prog <- args[1]; dir <- args[2]; work <- args[3]
for (p in c("nlme", "lme4", "pbkrtest", "numDeriv"))
  if (!requireNamespace(p, quietly = TRUE)) { cat("SKIP: R package", p, "is not installed\n"); quit(status = 77) }
suppressMessages({library(nlme); library(lme4); library(pbkrtest)})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "mmrm_common.R"))

subj <- read.csv(file.path(dir, "subjects.csv")); outc <- read.csv(file.path(dir, "outcomes.csv"))
an <- read.csv(file.path(dir, "analyses.csv"))
subj <- subj[subj$replicate == 0 & subj$arm %in% c("placebo", "active"), ]
outc <- outc[outc$replicate == 0 & outc$variable == "adas_cog" & outc$subject %in% subj$subject, ]
base <- outc[outc$visit == 0, c("subject", "value")]; names(base)[2] <- "baseline"
d <- merge(outc[outc$visit > 0 & !is.na(outc$value), c("subject", "visit", "value")], base, by = "subject")
d <- merge(d, subj[, c("subject", "arm", "apoe4_carrier")], by = "subject")
d$y <- d$value - d$baseline; d$treat <- as.numeric(d$arm == "active"); d$z1 <- d$apoe4_carrier
visits <- sort(unique(d$visit)); T <- length(visits)   # 12 ... 78 weeks
d$visit <- match(d$visit, visits) - 1; d$id <- d$subject
d <- d[order(d$id, d$visit), ]
plans <- list(list(name = "mmrm", st = "unstructured", zs = "z1", cv = T - 1, se = "se", df = "df", code = 0),
              list(name = "mmrm_cs_kr", st = "compound_symmetry", zs = character(0), cv = match(52, visits) - 1,
                   se = "kr_se", df = "kr_df", code = 5))
for (pl in plans) {
  kv <- check_fit(paste("replicate 0", pl$name), d, T, pl$st, pl$zs, pl$cv, work)
  row <- an[an$analysis == pl$name & an$replicate == 0, ]
  close(paste(pl$name, "stored estimate = engine on exported data"), row$estimate, kv[["estimate"]], 1e-9)
  close(paste(pl$name, "stored SE = engine on exported data"), row$std_error, kv[[pl$se]], 1e-9)
  close(paste(pl$name, "stored df = engine on exported data"), row$df, kv[[pl$df]], 1e-9)
  close(paste(pl$name, "twins analysed"), row$n_analysed, length(unique(d$id)), 0)
  close(paste(pl$name, "covariance fitted"), row$covariance, pl$code, 0, 1)
}
cat(sprintf("%d checks, %d failed\n", checks, fails))
quit(status = if (fails == 0) 0 else 1)
