# Non-compartmental endpoints recomputed in R from every stored twin's observed samples:
# peak (Cmax: the highest observed value), time_of_peak (Tmax: the first time it is
# reached, after the window's first visit), auc (trapezoids, or linear up / log down:
# (t2 - t1) (y1 - y2) / log(y1 / y2) where the value falls and both are positive). A profile
# is analysed only when the twin is still observed at the window's last visit (dropout
# after it); a missed visit (NaN while observed) is a missing sample. Then the analyses'
# estimates from the stored endpoints: Welch (t.test) and ANCOVA (lm) per replicate.
# usage: Rscript nca_vs_r.R RESULTS.h5 PROTOCOL.yaml
suppressMessages(library(hdf5r))
args <- commandArgs(TRUE)
f <- H5File$new(args[1], "r")
rd <- function(p) f[[p]]$read()
lines <- readLines(args[2], warn = FALSE)
field <- function(line, key, default = NA) {
  if (!grepl(paste0("\\b", key, ":"), line)) return(default)
  sub(paste0(".*\\b", key, ": *([^,}]+).*"), "\\1", line)
}
visits <- rd("design/visits"); days <- rd("design/visit_days")
arm <- rd("subjects/arm"); rep <- rd("subjects/replicate"); drop <- rd("subjects/dropout_time")
fails <- 0
check <- function(ok, what) {
  cat(if (ok) "ok: " else "FAIL: ", what, "\n", sep = "")
  if (!ok) fails <<- fails + 1
}
area <- function(t, y, log_down) {
  s <- 0
  for (j in seq_len(length(t) - 1)) {
    dt <- t[j + 1] - t[j]; y1 <- y[j]; y2 <- y[j + 1]
    s <- s + if (log_down && y2 < y1 && y2 > 0) dt * (y1 - y2) / log(y1 / y2) else dt * (y1 + y2) / 2
  }
  s
}
eps <- grep("type: (peak|time_of_peak|auc)\\b", lines, value = TRUE)
for (line in eps) {
  name <- field(line, "name"); type <- field(line, "type")
  y <- rd(paste0("outcomes/", field(line, "variable")))   # [visit, subject] as hdf5r reads it
  from <- match(as.numeric(field(line, "from")), visits); to <- match(as.numeric(field(line, "to")), visits)
  log_down <- identical(field(line, "interpolation"), "linear_up_log_down")
  want <- sapply(seq_along(arm), function(i) {
    if (!(drop[i] > days[to])) return(NA_real_)          # incomplete profile
    w <- from:to; s <- y[w, i]; ok <- !is.na(s)
    t <- visits[w][ok] - visits[from]; s <- s[ok]
    switch(type,
      peak = if (length(s)) max(s) else NA_real_,
      time_of_peak = if (length(s)) t[which.max(s)] else NA_real_,
      auc = if (length(s) >= 2) area(t, s, log_down) else NA_real_)
  })
  got <- rd(paste0("endpoints/", name))
  same <- identical(is.na(got), is.na(want)) && isTRUE(all.equal(got[!is.na(got)], want[!is.na(want)], tolerance = 1e-12))
  check(same, sprintf("%s (%s): %d twins, %d analysed, %d incomplete profiles", name, type, length(got),
                      sum(!is.na(got)), sum(!(drop > days[to]))))
  check(sum(!is.na(got)) > 0.5 * length(got) && sum(is.na(got)) > 0, sprintf("%s: both analysed and missing twins", name))
}
arms <- rd("design/arms")
for (an in grep("^  - \\{name: .*method: (welch|ancova)", lines, value = TRUE)) {
  ep <- rd(paste0("endpoints/", field(an, "endpoint")))
  trt <- match(field(an, "treatment"), arms) - 1; ctl <- match(field(an, "control"), arms) - 1
  est <- rd(paste0("analyses/", field(an, "name"), "/estimate"))
  r_est <- sapply(sort(unique(rep)), function(r) {
    s <- rep == r & arm %in% c(trt, ctl) & !is.na(ep)
    d <- data.frame(y = ep[s], z = as.numeric(arm[s] == trt), weight = rd("subjects/covariates/weight")[s])
    if (field(an, "method") == "welch") unname(diff(rev(t.test(y ~ factor(z, levels = c(1, 0)), data = d)$estimate)))
    else unname(coef(lm(y ~ z + weight, data = d))["z"])
  })
  check(isTRUE(all.equal(est, r_est, tolerance = 1e-10)),
        sprintf("%s: estimates %s vs R %s", field(an, "name"), paste(signif(est, 6), collapse = " "),
                paste(signif(r_est, 6), collapse = " ")))
}
cat(sprintf("%d failed\n", fails))
quit(status = if (fails) 1 else 0)
