# Validation figures recomputed independently in R from the stored subjects of every
# replicate (survival::survfit for Kaplan-Meier medians and event-free shares, plain
# means and standard deviations (sd), events / exposure, the analyses' own estimates) and
# compared with
# /validation/values (relative tolerance 1e-9); then the verdicts twintrial printed are
# recomputed from those values: mean (of logs for medians and ratios), MC SE and
# |z| <= 1.96 with z = (mean - published) / sqrt(se^2 + mcse^2).
# usage: Rscript figures_vs_r.R RESULTS.h5 CREDIBILITY_OUTPUT.txt PROTOCOL.yaml
suppressMessages({ library(hdf5r); library(survival) })
args <- commandArgs(TRUE)
f <- H5File$new(args[1], "r")
rd <- function(p) f[[p]]$read()
names_fig <- rd("validation/names"); stat <- rd("validation/statistics")
published <- rd("validation/published"); se <- rd("validation/se"); logs <- rd("validation/log_scale") == 1
values <- rd("validation/values")                    # [figure, replicate] as hdf5r reads it
yaml_lines <- readLines(args[3], warn = FALSE)
rep <- rd("subjects/replicate"); arm <- rd("subjects/arm")
arms <- rd("design/arms"); endpoints <- rd("design/endpoints")
month <- 365.25 / 12
fails <- 0
check <- function(ok, what) {
  cat(if (ok) "ok: " else "FAIL: ", what, "\n", sep = "")
  if (!ok) fails <<- fails + 1
}
field <- function(line, key) sub(paste0(".*\\b", key, ": *([^,}]+).*"), "\\1", line)
fig_lines <- grep("^  - \\{name: ", yaml_lines[seq(grep("^validation:", yaml_lines), length(yaml_lines))], value = TRUE)
for (i in seq_along(names_fig)) {
  line <- fig_lines[i]
  a <- if (grepl("\\barm:", line)) match(field(line, "arm"), arms) - 1 else NA
  sim <- sapply(sort(unique(rep)), function(r) {
    s <- rep == r & (is.na(a) | arm == a)
    switch(stat[i],
      median = , survival = {
        ep <- field(line, "endpoint")
        fit <- survfit(Surv(rd(paste0("endpoints/", ep, "/time"))[s], rd(paste0("endpoints/", ep, "/status"))[s]) ~ 1)
        if (stat[i] == "median") unname(summary(fit)$table["median"]) / month
        else summary(fit, times = as.numeric(field(line, "time")) * month, extend = TRUE)$surv
      },
      mean = , proportion = mean(rd(paste0("endpoints/", field(line, "endpoint")))[s], na.rm = TRUE),
      sd = sd(rd(paste0("endpoints/", field(line, "endpoint")))[s], na.rm = TRUE),
      rate = {
        ep <- field(line, "endpoint")
        ok <- s & !is.na(rd(paste0("endpoints/", ep, "/count")))
        sum(rd(paste0("endpoints/", ep, "/count"))[ok]) / sum(rd(paste0("endpoints/", ep, "/exposure"))[ok])
      },
      effect = {
        e <- rd(paste0("analyses/", field(line, "analysis"), "/estimate"))[r + 1]
        if (logs[i]) exp(e) else e
      },
      baseline_mean = mean(rd(paste0("outcomes/", field(line, "variable")))[1, s], na.rm = TRUE),
      baseline_sd = sd(rd(paste0("outcomes/", field(line, "variable")))[1, s], na.rm = TRUE),
      completion = {
        y <- rd(paste0("outcomes/", names(f[["outcomes"]])[1]))
        mean(is.finite(y[nrow(y), s]))
      })
  })
  got <- values[i, ]
  check(isTRUE(all.equal(got, sim, tolerance = 1e-9)),
        sprintf("%s (%s): twintrial %s vs R %s", names_fig[i], stat[i],
                paste(signif(got, 6), collapse = " "), paste(signif(sim, 6), collapse = " ")))
}
# the published SE of a standard deviation given its n: log scale, normal theory
for (i in which(stat %in% c("sd", "baseline_sd"))) {
  if (!grepl("\\bn:", fig_lines[i])) next
  nn <- as.numeric(field(fig_lines[i], "n"))
  check(logs[i] && isTRUE(all.equal(se[i], 1 / sqrt(2 * (nn - 1)), tolerance = 1e-12)),
        sprintf("%s: log scale, se %g = 1/sqrt(2(n - 1)) for n %g", names_fig[i], se[i], nn))
}
# the verdicts
out <- readLines(args[2])
for (i in seq_along(names_fig)) {
  x <- values[i, ]; x <- x[is.finite(x)]
  if (logs[i]) x <- log(x)
  m <- mean(x); mcse <- sd(x) / sqrt(length(x))
  z <- (m - if (logs[i]) log(published[i]) else published[i]) / sqrt(se[i]^2 + mcse^2)
  verdict <- if (abs(z) <= qnorm(0.975)) "pass" else "FAIL"
  row <- grep(paste0("^  \\S+ +", names_fig[i], " "), out, value = TRUE)
  check(length(row) == 1 && grepl(paste0("^  ", verdict, " "), row) &&
          grepl(sprintf("z %+.2f", z), row, fixed = TRUE),
        sprintf("verdict of %s: %s, z %+.2f", names_fig[i], verdict, z))
}
cat(sprintf("%d passed, %d failed\n", 2 * length(names_fig) - fails, fails))
quit(status = if (fails) 1 else 0)
