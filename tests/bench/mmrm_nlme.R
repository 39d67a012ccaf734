# R's nlme::gls (REML, default control) on the MMRM data sets tt_bench_mmrm wrote: the
# same model (visit, treatment x visit, baseline x visit, z1; unstructured = corSymm +
# varIdent, toeplitz = corARMA(p = T - 1), ar1 = corAR1), timed per fit in CPU seconds
# (user + system of this process), over the first replicates within a time budget per
# structure; the treatment contrast at the last visit of replicate 0 is printed too, to
# compare with twintrial's (the same model must give the same estimate).
# usage: Rscript mmrm_nlme.R DATA.csv BUDGET_SECONDS
args <- commandArgs(trailingOnly = TRUE)
budget <- as.numeric(args[2])
if (!requireNamespace("nlme", quietly = TRUE)) { cat("r_mmrm_missing nlme\n"); quit(status = 0) }
suppressMessages(library(nlme))
all <- read.csv(args[1])
T <- max(all$visit) + 1
cpu <- function() { t <- proc.time(); t[["user.self"]] + t[["sys.self"]] }
for (st in c("unstructured", "toeplitz", "ar1")) {
  times <- numeric(0); est0 <- NA
  for (r in sort(unique(all$replicate))) {
    d <- all[all$replicate == r, ]
    d$vf <- factor(d$visit, levels = 0:(T - 1)); d$vi <- d$visit + 1
    t0 <- cpu()
    g <- switch(st,
      unstructured = gls(y ~ 0 + vf + vf:treat + vf:baseline + z1, d, correlation = corSymm(form = ~ vi | id),
                         weights = varIdent(form = ~ 1 | vf), method = "REML"),
      toeplitz = gls(y ~ 0 + vf + vf:treat + vf:baseline + z1, d, correlation = corARMA(form = ~ vi | id, p = T - 1),
                     method = "REML"),
      ar1 = gls(y ~ 0 + vf + vf:treat + vf:baseline + z1, d, correlation = corAR1(form = ~ vi | id), method = "REML"))
    times <- c(times, cpu() - t0)
    if (r == 0) est0 <- coef(g)[[sprintf("vf%d:treat", T - 1)]]
    if (sum(times) > budget) break
  }
  cat(sprintf("r_%s_ms %.6g\nr_%s_fits %d\nr_%s_estimate0 %.12g\n", st, 1e3 * mean(times), st, length(times), st, est0))
}
