# Intermittent missed visits (missed_visits) on an exported replicate, checked in R.
# (1) Rate: among the post-baseline visits at which a twin is still in the study (before
#     its withdrawal time, subjects.csv), the share missing must be the protocol's
#     probability within 4 binomial SEs (and the data must have visits missed between
#     observed ones: non-monotone).
# (2) MMRM: the stored estimate, SE and df are the engine's fit of the exported
#     non-monotone data (1e-9), which mmrm_common.R checks against nlme::gls (corSymm +
#     varIdent, REML; coefficients and SEs to 1e-6, covariance to 1e-5) and an
#     independent numDeriv Satterthwaite df (1e-4).
# (3) MI: the stored mi analyses equal the module run on the exported data with the
#     trial's keys (1e-9); under MAR the module agrees with mice's norm by chained
#     equations (each visit from arm, baseline and every other visit, 10 iterations) on
#     these non-monotone data within 4 Monte Carlo SEs (estimate) and 4 SEs (between
#     variance).
# (4) The ANCOVA of the endpoint analyses the twins whose week-78 visit was observed.
# usage: Rscript missed_visits_vs_r.R MMRM_CSV MI_CSV CSV_DIR WORKDIR SEED PROBABILITY
args <- commandArgs(trailingOnly = TRUE)
prog <- args[1]; mi <- args[2]; dir <- args[3]; work <- args[4]; seed <- args[5]; prob <- as.numeric(args[6])
for (p in c("nlme", "lme4", "pbkrtest", "numDeriv", "mice"))
  if (!requireNamespace(p, quietly = TRUE)) { cat("SKIP: R package", p, "is not installed\n"); quit(status = 77) }
suppressMessages({library(nlme); library(lme4); library(pbkrtest); library(mice)})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "mmrm_common.R"))
run <- function(...) {
  out <- system2(mi, c(...), stdout = TRUE)
  kv <- strsplit(out, " "); v <- as.numeric(sapply(kv, `[`, 2)); names(v) <- sapply(kv, `[`, 1); v
}
subj <- read.csv(file.path(dir, "subjects.csv")); outc <- read.csv(file.path(dir, "outcomes.csv"))
an <- read.csv(file.path(dir, "analyses.csv"))
subj <- subj[subj$replicate == 0, ]
outc <- outc[outc$replicate == 0 & outc$variable == "adas_cog", ]
visits <- sort(unique(outc$visit)); T <- length(visits) - 1
ids <- sort(unique(subj$subject)); subj <- subj[match(ids, subj$subject), ]
w <- reshape(outc[, c("subject", "visit", "value")], idvar = "subject", timevar = "visit", direction = "wide")
w <- w[match(ids, w$subject), ]
Y <- sapply(visits[-1], function(v) w[[paste0("value.", v)]] - w[["value.0"]])

## (1) the rate
instudy <- outer(subj$dropout_time, 7 * visits[-1], ">")
last <- apply(!is.na(Y), 1, function(o) max(c(0, which(o))))
gaps <- sum(is.na(Y) & outer(last, 1:T, ">"))
miss <- sum(is.na(Y) & instudy); nin <- sum(instudy)
cat(sprintf("(1) %d of %d in-study visits missed (%.4f against %g), %d between observed ones\n", miss, nin,
            miss / nin, prob, gaps))
close(sprintf("(1) share of in-study visits missed (%d of %d; %d between observed ones)", miss, nin, gaps),
      miss / nin, prob, 4 * sqrt(prob * (1 - prob) / nin), 1)
close("(1) visits missed between observed ones exist", as.numeric(gaps > 0), 1, 0, 1)

## (2) MMRM on the non-monotone data
d <- data.frame(id = rep(ids, T), visit = rep(0:(T - 1), each = length(ids)),
                treat = rep(as.numeric(subj$arm == "active"), T), baseline = rep(w[["value.0"]], T), y = c(Y))
d <- d[!is.na(d$y), ]; d <- d[order(d$id, d$visit), ]
kv <- check_fit("replicate 0 mmrm (missed visits)", d, T, "unstructured", character(0), T - 1, work)
row <- an[an$analysis == "mmrm" & an$replicate == 0, ]
close("(2) mmrm stored estimate = engine on exported data", row$estimate, kv[["estimate"]], 1e-9)
close("(2) mmrm stored SE = engine on exported data", row$std_error, kv[["se"]], 1e-9)
close("(2) mmrm stored df = engine on exported data", row$df, kv[["df"]], 1e-9)

## (3) MI
dm <- data.frame(group = as.integer(subj$arm == "active"), baseline = w[["value.0"]])
for (v in 1:T) dm[[paste0("y", v)]] <- Y[, v]
f <- file.path(work, "mi.csv"); write.csv(dm, f, row.names = FALSE, na = "NA", quote = FALSE)
for (pl in list(list("mi_mar", 1, "mar"), list("mi_j2r", 2, "jump_to_reference"))) {
  kv <- run("impute", f, T, pl[[3]], 0, 0, 10, "ancova", T, seed, 0, format(pl[[2]] * 2^32, scientific = FALSE))
  row <- an[an$analysis == pl[[1]] & an$replicate == 0, ]
  for (k in c("estimate", "std_error", "df", "fmi"))
    close(paste("(3)", pl[[1]], "stored", k, "= module on exported data"), row[[k]],
          kv[[if (k == "std_error") "se" else k]], 1e-9)
}
M <- 200
got <- run("impute", f, T, "mar", 0, 0, M, "ancova", T, 13)
gq <- got[paste0("q", 0:(M - 1))]
pm <- matrix(0, ncol(dm), ncol(dm), dimnames = list(names(dm), names(dm)))
for (v in 1:T) pm[paste0("y", v), c("group", "baseline", paste0("y", setdiff(1:T, v)))] <- 1
imp <- suppressWarnings(mice(dm, m = M, method = ifelse(colSums(is.na(dm)) > 0, "norm", ""), predictorMatrix = pm,
                             maxit = 10, printFlag = FALSE, seed = 14))
fits <- with(imp, lm(as.formula(paste0("y", T, " ~ group + baseline"))))
rq <- sapply(fits$analyses, function(f) coef(f)[["group"]])
ru <- sapply(fits$analyses, function(f) vcov(f)["group", "group"])
rp <- mice::pool.scalar(rq, ru, n = nrow(dm), k = 3)
cat(sprintf("(3) MAR: module %.4f (b %.4f), mice %.4f (b %.4f)\n", got[["estimate"]], got[["b"]], rp$qbar, rp$b))
close("(3) MAR with missed visits: pooled estimate vs mice (4 MC SEs)", got[["estimate"]], rp$qbar,
      4 * sqrt(var(gq) / M + var(rq) / M), 1)
close("(3) MAR with missed visits: between variance vs mice (4 SEs)", got[["b"]], rp$b,
      4 * sqrt(2 * (got[["b"]]^2 + rp$b^2) / (M - 1)), 1)

## (4) ANCOVA's twins
row <- an[an$analysis == "ancova" & an$replicate == 0, ]
close("(4) ancova analyses the twins seen at the endpoint's visit", row$n_analysed, sum(!is.na(Y[, T])), 0, 1)
cat(sprintf("%d checks, %d failed\n", checks, fails))
quit(status = if (fails == 0) 0 else 1)
