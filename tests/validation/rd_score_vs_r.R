# The Farrington-Manning score test and its score CI (tt_stats_risk_diff_score, printed by
# the rd_score driver) recomputed in R on 40 tables: the restricted MLE from rpact's
# closed form (Farrington & Manning 1990; rpact:::.getFarringtonManningValuesDiff, the one
# rpact uses for rate designs with thetaH0), z, the p-value per sidedness and direction,
# the CI limits by uniroot on the same statistic, and at margin 0 z^2 = prop.test's
# chi-square. Agreement to 1e-9 (CI limits: 1e-8 absolute); the test's decision and the
# CI agree (reject exactly when the margin is outside the CI on the tested side).
# usage: Rscript rd_score_vs_r.R DRIVER
suppressMessages(library(rpact))
driver <- commandArgs(trailingOnly = TRUE)[1]
set.seed(13)
tab <- data.frame(n0 = c(100, 100, 50, 50, 60, 200, 30, 500, sample(20:400, 32, TRUE)))
tab$n1 <- c(100, 100, 50, 60, 60, 180, 31, 500, sample(20:400, 32, TRUE))
tab$x0 <- c(20, 20, 0, 0, 60, 40, 3, 250, rbinom(32, tab$n0[9:40], runif(32, 0.05, 0.9)))
tab$x1 <- c(35, 35, 3, 2, 55, 70, 30, 240, rbinom(32, tab$n1[9:40], runif(32, 0.05, 0.9)))
tab$margin <- c(0, -0.1, 0.1, 0.05, -0.15, 0, 0.2, -0.05, round(runif(32, -0.2, 0.2), 3))
tab$alpha <- c(0.05, 0.025, 0.05, 0.05, 0.05, 0.05, 0.1, 0.025, sample(c(0.05, 0.025), 32, TRUE))
tab$sided <- c(2, 1, 1, 1, 1, 2, 2, 1, sample(1:2, 32, TRUE))
tab$direction <- c(-1, 1, -1, -1, 1, -1, -1, 1, sample(c(-1, 1), 32, TRUE))
tab$margin[tab$sided == 2] <- 0
input <- tempfile()
write.table(tab[, c("x0", "n0", "x1", "n1", "margin", "alpha", "sided", "direction")], input,
            row.names = FALSE, col.names = FALSE)
out <- read.table(text = system2(driver, stdin = input, stdout = TRUE),
                  col.names = c("estimate", "std_error", "statistic", "p_value", "ci_lower", "ci_upper", "reject"))
ml <- function(x0, n0, x1, n1, delta) { # restricted MLE (p1~, p0~) under p1 - p0 = delta
  r <- rpact:::.getFarringtonManningValuesDiff(rate1 = x1 / n1, rate2 = x0 / n0, theta = delta, allocation = n1 / n0)
  if (all(is.finite(r))) return(r)
  g <- function(p0) { p1 <- p0 + delta # the derivative of the log-likelihood, where the closed form fails
    (if (x0 > 0) x0 / p0 else 0) - (if (n0 > x0) (n0 - x0) / (1 - p0) else 0) +
      (if (x1 > 0) x1 / p1 else 0) - (if (n1 > x1) (n1 - x1) / (1 - p1) else 0) }
  lo <- max(0, -delta); hi <- min(1, 1 - delta)
  p0 <- if (g(lo + 1e-300) <= 0) lo else if (g(hi - 1e-16) >= 0) hi else uniroot(g, c(lo, hi), tol = 1e-15)$root
  c(p0 + delta, p0)
}
z <- function(x0, n0, x1, n1, delta) {
  m <- ml(x0, n0, x1, n1, delta)
  (x1 / n1 - x0 / n0 - delta) / sqrt(m[1] * (1 - m[1]) / n1 + m[2] * (1 - m[2]) / n0)
}
fails <- 0; checks <- 0
close <- function(label, ours, r, tol = 1e-9, abs = FALSE) {
  err <- if (abs) abs(ours - r) else abs(ours - r) / max(abs(r), 1e-12)
  ok <- isTRUE(err <= tol) || (is.infinite(ours) && identical(ours, r))
  checks <<- checks + 1
  if (!ok) { fails <<- fails + 1; cat(sprintf("FAIL: %s twintrial %.15g R %.15g\n", label, ours, r)) }
}
for (i in seq_len(nrow(tab))) {
  t <- tab[i, ]; o <- out[i, ]
  zr <- z(t$x0, t$n0, t$x1, t$n1, t$margin)
  p <- if (t$sided == 2) 2 * pnorm(-abs(zr)) else if (t$direction < 0) pnorm(zr) else pnorm(-zr)
  q <- qnorm(1 - if (t$sided == 2) t$alpha / 2 else t$alpha)
  f <- function(d, target) z(t$x0, t$n0, t$x1, t$n1, d) - target
  lo <- uniroot(f, c(-1 + 1e-12, 1 - 1e-12), target = q, tol = 1e-14)$root
  hi <- uniroot(f, c(-1 + 1e-12, 1 - 1e-12), target = -q, tol = 1e-14)$root
  label <- sprintf("table %d (%d/%d vs %d/%d, margin %g, sided %d)", i, t$x0, t$n0, t$x1, t$n1, t$margin, t$sided)
  close(paste(label, "estimate"), o$estimate, t$x1 / t$n1 - t$x0 / t$n0)
  close(paste(label, "z"), o$statistic, zr)
  close(paste(label, "p"), o$p_value, p)
  close(paste(label, "ci_lower"), o$ci_lower, lo, 1e-8, TRUE)
  close(paste(label, "ci_upper"), o$ci_upper, hi, 1e-8, TRUE)
  if (t$margin == 0 && t$x0 + t$x1 > 0 && t$x0 + t$x1 < t$n0 + t$n1)
    close(paste(label, "z^2 = prop.test"), o$statistic^2,
          suppressWarnings(prop.test(c(t$x1, t$x0), c(t$n1, t$n0), correct = FALSE)$statistic[[1]]))
  side_out <- if (t$sided == 2) t$margin < o$ci_lower || t$margin > o$ci_upper
              else if (t$direction < 0) o$ci_upper < t$margin else o$ci_lower > t$margin
  checks <- checks + 1
  if (side_out != (o$reject == 1)) { fails <- fails + 1; cat("FAIL:", label, "test and CI disagree\n") }
}
cat(sprintf("%d checks on %d tables: %d passed, %d failed\n", checks, nrow(tab), checks - fails, fails))
quit(status = if (fails == 0) 0 else 1)
