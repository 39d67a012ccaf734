# mi_common.R — sourced by the MI comparisons with R (mi_export_vs_r.R,
# mi_ice_export_vs_r.R): close() prints one check and counts a failure in the caller's
# global `fails`; mi_driver() runs the CSV driver (tests/validation/mi_csv.c) and returns
# its "name value" output lines as a named numeric vector.
close <- function(what, got, want, tol) {
  ok <- is.finite(got) && is.finite(want) && abs(got - want) <= tol * max(1, abs(want))
  cat(sprintf("%-60s %s got %.12g want %.12g\n", what, if (ok) "ok  " else "FAIL", got, want))
  if (!ok) fails <<- fails + 1
}
mi_driver <- function(prog, ...) {
  out <- system2(prog, c(...), stdout = TRUE)
  kv <- strsplit(out, " "); v <- as.numeric(sapply(kv, `[`, 2)); names(v) <- sapply(kv, `[`, 1); v
}
