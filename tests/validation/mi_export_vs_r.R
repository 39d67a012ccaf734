# The mi analyses twintrial stored for an exported replicate, against the exported data:
# each twin's change from baseline of the endpoint's variable at every post-baseline visit
# up to the endpoint's (outcomes.csv; NA after dropout) and its arm. (1) The stored
# estimate, SE, df and fraction of missing information must be the MI module's on that data set with the trial's keys
# (seed, replicate, analysis << 32), to 1e-9: the trial imputes what it exports, every
# randomised twin of the two arms included. (2) Under MAR the module must agree with R's
# mice ("norm", each visit from arm, baseline and the earlier visits, monotone order; van
# Buuren & Groothuis-Oudshoorn 2011 J Stat Softw 45(3)) on that replicate: pooled
# estimates within 4 Monte Carlo SEs, between-imputation variances within 4 SEs; and so
# with covariates (factor(apoe4), age and the prognostic score from subjects.csv) in
# the imputation model and the analysis (mice's predictors and lm's terms). (1) covers the
# analyses with covariates too: their columns as R builds them (factor(apoe4): the
# indicators of levels 1 and 2) fed to the module give the stored figures.
# usage: Rscript mi_export_vs_r.R MI_CSV_PROGRAM CSV_DIR WORKDIR SEED
args <- commandArgs(trailingOnly = TRUE)
prog <- args[1]; dir <- args[2]; work <- args[3]; seed <- args[4]
if (!requireNamespace("mice", quietly = TRUE)) { cat("SKIP: R package mice is not installed\n"); quit(status = 77) }
suppressMessages(library(mice))
fails <- 0
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "mi_common.R"))
run <- function(...) mi_driver(prog, ...)
outc <- read.csv(file.path(dir, "outcomes.csv")); an <- read.csv(file.path(dir, "analyses.csv"))
outc <- outc[outc$replicate == 0 & outc$variable == "adas_cog" & outc$arm %in% c("placebo", "active"), ]
visits <- sort(unique(outc$visit)); V <- length(visits) - 1 # 12 ... 78 weeks after baseline
ids <- sort(unique(outc$subject))
w <- reshape(outc[, c("subject", "visit", "value")], idvar = "subject", timevar = "visit", direction = "wide")
w <- w[match(ids, w$subject), ]
base <- w[["value.0"]]
d <- data.frame(group = as.integer(outc$arm[match(ids, outc$subject)] == "active"), baseline = base)
for (v in 1:V) d[[paste0("y", v)]] <- w[[paste0("value.", visits[v + 1])]] - base
f <- file.path(work, "rep0.csv"); write.csv(d, f, row.names = FALSE, na = "NA", quote = FALSE)
subj <- read.csv(file.path(dir, "subjects.csv")); subj <- subj[subj$replicate == 0, ][match(ids, subj$subject[subj$replicate == 0]), ]
x1 <- data.frame(apoe4_1 = as.integer(subj$apoe4 == 1), apoe4_2 = as.integer(subj$apoe4 == 2), age = subj$age,
                 prog = subj$prognostic_score_adas_chg_w78)
x2 <- data.frame(male = subj$male, mmse = subj$mmse)
dc1 <- cbind(d[, 1:2], x1, d[, -(1:2)]); dc2 <- cbind(d[, 1:2], x2, d[, -(1:2)])
fc1 <- file.path(work, "rep0_cov1.csv"); write.csv(dc1, fc1, row.names = FALSE, na = "NA", quote = FALSE)
fc2 <- file.path(work, "rep0_cov2.csv"); write.csv(dc2, fc2, row.names = FALSE, na = "NA", quote = FALSE)
cat(sprintf("replicate 0: %d twins, missing at the last visit: %d\n", nrow(d), sum(is.na(d[[paste0("y", V)]]))))
# name, analysis index (the order in the protocol), method, reference, delta, M, analysis, visit
plans <- list(list("mi_mar", 0, "mar", 0, 0, 20, "ancova", V), list("mi_mar_mmrm", 1, "mar", 0, 0, 5, "mmrm", V),
              list("mi_j2r", 2, "jump_to_reference", 0, 0, 20, "ancova", V),
              list("mi_cir", 3, "copy_increments", 0, 0, 20, "ancova", match(52, visits) - 1),
              list("mi_delta", 4, "delta", 0, 1.5, 10, "ancova", V),
              list("mi_mar_cov", 6, "mar", 0, 0, 10, "ancova", V, fc1),
              list("mi_j2r_cov_mmrm", 7, "jump_to_reference", 0, 0, 5, "mmrm", V, fc2))
for (pl in plans) {
  kv <- run("impute", if (length(pl) > 8) pl[[9]] else f, V, pl[[3]], pl[[4]], pl[[5]], pl[[6]], pl[[7]], pl[[8]], seed, 0,
            format(pl[[2]] * 2^32, scientific = FALSE))
  row <- an[an$analysis == pl[[1]] & an$replicate == 0, ]
  close(paste(pl[[1]], "stored estimate = module on exported data"), row$estimate, kv[["estimate"]], 1e-9)
  close(paste(pl[[1]], "stored SE = module on exported data"), row$std_error, kv[["se"]], 1e-9)
  close(paste(pl[[1]], "stored df = module on exported data"), row$df, kv[["df"]], 1e-9)
  close(paste(pl[[1]], "stored fmi = module on exported data"), row$fmi, kv[["fmi"]], 1e-9)
  close(paste(pl[[1]], "twins analysed"), row$n_analysed, nrow(d), 0)
}
M <- 500
got <- run("impute", f, V, "mar", 0, 0, M, "ancova", V, 11)
gq <- got[paste0("q", 0:(M - 1))]
pm <- matrix(0, ncol(d), ncol(d), dimnames = list(names(d), names(d)))
for (v in 1:V) pm[paste0("y", v), c("group", "baseline", if (v > 1) paste0("y", 1:(v - 1)))] <- 1
meth <- ifelse(colSums(is.na(d)) > 0, "norm", "")
imp <- suppressWarnings(mice(d, m = M, method = meth, predictorMatrix = pm, visitSequence = paste0("y", 1:V),
                             maxit = 1, printFlag = FALSE, seed = 5))
fits <- with(imp, lm(as.formula(paste0("y", V, " ~ group + baseline"))))
rq <- sapply(fits$analyses, function(f) coef(f)[["group"]])
ru <- sapply(fits$analyses, function(f) vcov(f)["group", "group"])
rp <- mice::pool.scalar(rq, ru, n = nrow(d), k = 3)
close("MAR pooled estimate vs mice norm (4 MC SEs)", got[["estimate"]], rp$qbar,
      4 * sqrt(var(gq) / M + var(rq) / M) / max(1, abs(rp$qbar)))
close("MAR between-imputation variance vs mice (4 SEs)", got[["b"]], rp$b,
      4 * sqrt(2 * (got[["b"]]^2 + rp$b^2) / (M - 1)) / max(1, abs(rp$b)))
got <- run("impute", fc1, V, "mar", 0, 0, M, "ancova", V, 12)
gq <- got[paste0("q", 0:(M - 1))]
pm <- matrix(0, ncol(dc1), ncol(dc1), dimnames = list(names(dc1), names(dc1)))
for (v in 1:V) pm[paste0("y", v), c("group", "baseline", names(x1), if (v > 1) paste0("y", 1:(v - 1)))] <- 1
meth <- ifelse(colSums(is.na(dc1)) > 0, "norm", "")
imp <- suppressWarnings(mice(dc1, m = M, method = meth, predictorMatrix = pm, visitSequence = paste0("y", 1:V),
                             maxit = 1, printFlag = FALSE, seed = 6))
fits <- with(imp, lm(as.formula(paste0("y", V, " ~ group + baseline + apoe4_1 + apoe4_2 + age + prog"))))
rq <- sapply(fits$analyses, function(f) coef(f)[["group"]])
ru <- sapply(fits$analyses, function(f) vcov(f)["group", "group"])
rp <- mice::pool.scalar(rq, ru, n = nrow(dc1), k = 7)
close("MAR with covariates: pooled estimate vs mice norm (4 MC SEs)", got[["estimate"]], rp$qbar,
      4 * sqrt(var(gq) / M + var(rq) / M) / max(1, abs(rp$qbar)))
close("MAR with covariates: between-imputation variance vs mice (4 SEs)", got[["b"]], rp$b,
      4 * sqrt(2 * (got[["b"]]^2 + rp$b^2) / (M - 1)) / max(1, abs(rp$b)))
close("MAR with covariates: Barnard-Rubin df vs mice (complete-data df n - 7; 10%)", got[["df"]], rp$df, 0.1)
cat(sprintf("%d failed\n", fails))
quit(status = if (fails == 0) 0 else 1)
