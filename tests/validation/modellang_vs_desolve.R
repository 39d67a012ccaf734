# The indirect-response FEV1 model of protocols/models/indirect_response_fev1.yaml,
# typed again here from its equations, integrated by deSolve::lsoda (rtol = atol =
# 1e-12), must reproduce twintrial's trajectories of the compiled model file (PETSc TS)
# to 1e-6 relative at every visit. Only the per-case etas, effect and age are read
# from the CSV.
# usage: Rscript modellang_vs_desolve.R TRAJECTORIES_CSV
suppressPackageStartupMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
base <- 2.1; kout <- 0.3; ec50 <- 5  # L, 1/week, week

fails <- 0
worst <- 0
for (s in unique(d$scenario)) {
  rows <- d[d$scenario == s, ]
  p <- as.list(rows[1, ])
  BASE <- base * exp(p$eta_base) * (p$age / 60)^(-0.2)
  KOUT <- kout * exp(p$eta_kout)
  deriv <- function(t, x, q) list(KOUT * BASE * (1 + p$emax * t / (ec50 + t)) - KOUT * x[["R"]])
  sol <- lsoda(c(R = BASE), rows$time, deriv, NULL, rtol = 1e-12, atol = 1e-12, maxsteps = 1e6)
  for (i in seq_len(nrow(rows))) {
    ref <- sol[i, "R"]
    rel <- abs(rows$fev1[i] - ref) / abs(ref)
    worst <- max(worst, rel)
    if (!(rel <= 1e-6)) {
      cat(sprintf("FAIL scenario %d week %g: twintrial %.10g, deSolve %.10g (relative %.2g)\n",
                  s, rows$time[i], rows$fev1[i], ref, rel))
      fails <- fails + 1
    }
  }
}
cat(sprintf("%d values, largest relative difference %.3g; %d failed\n", nrow(d), worst, fails))
quit(status = fails > 0)
