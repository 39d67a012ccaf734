# read_twintrial() (analysis/R/twintrial.R) against the C CSV export of the same files,
# and the README's five-line reproduction of the primary ANCOVA of replicate 0.
# usage: Rscript r_reader.R SOURCE_DIR RUN.h5 RUN_CSV_DIR CRAFTED.h5 CRAFTED_CSV_DIR EVENTS.h5 EVENTS_CSV_DIR
#        [CAL.h5 CAL_CSV_DIR]
# (driven by check_readers.py r ...). Expected answers: the CSVs carry 17 significant
# digits, so numbers agree to rounding of R's decimal parser (1e-14 relative); the
# ANCOVA estimate and SE equal /analyses/primary row 0 to 1e-8 relative.
args <- commandArgs(trailingOnly = TRUE)
src <- args[1]
source(file.path(src, "analysis", "R", "twintrial.R"))
fails <- 0
passes <- 0
check <- function(ok, what) {
  if (isTRUE(ok)) passes <<- passes + 1 else {
    fails <<- fails + 1
    cat("FAIL:", what, "\n")
  }
}
close_num <- function(a, b, tol = 1e-14) {
  a <- as.numeric(a); b <- as.numeric(b)
  if (length(a) != length(b) || any(is.na(a) != is.na(b))) return(FALSE)
  k <- !is.na(a) & !(is.infinite(a) & a == b)
  all(abs(a - b)[k] <= tol * pmax(abs(b), 1e-300)[k])
}
same_table <- function(got, csv, what) {
  check(nrow(got) == nrow(csv), paste(what, "rows", nrow(got), nrow(csv)))
  miss <- setdiff(names(csv), names(got))
  check(length(miss) == 0, paste(what, "lacks columns", paste(miss, collapse = " ")))
  for (c in intersect(names(csv), names(got))) {
    ok <- if (is.numeric(csv[[c]]) || all(is.na(csv[[c]]))) close_num(got[[c]], csv[[c]])
          else identical(as.character(got[[c]]), as.character(csv[[c]]))
    check(ok, paste(what, "column", c, "differs from the CSV export"))
  }
}
csv <- function(dir, name) read.csv(file.path(dir, name), stringsAsFactors = FALSE, check.names = FALSE)

check_file <- function(path, dir) {
  f <- hdf5r::H5File$new(path, mode = "r")
  boundaries <- f$exists("design/efficacy_bound")
  looks <- f$exists("looks")
  validation <- f$exists("validation")
  calibration <- f$exists("provenance/calibration")
  guided <- f$exists("guided")
  f$close_all()
  tt <- read_twintrial(path)
  want <- c("design", "visits", "variables", "provenance", "subjects", "outcomes", "counterfactual", "endpoints",
            "analyses", "replicates", "summary", if (boundaries) "boundaries",
            if (looks) c("looks", "looks_replicates"),
            if (validation) c("validation", "validation_values"), if (calibration) "calibration",
            if (guided) c("guided", "guided_summary"))
  check(setequal(names(tt), want), paste(basename(path), "elements:", paste(names(tt), collapse = " ")))
  sub <- csv(dir, "subjects.csv")
  same_table(tt$subjects, sub[, !(names(sub) %in% setdiff(names(tt$endpoints), c("replicate", "subject", "arm")))],
             paste(basename(path), "subjects"))
  same_table(tt$outcomes, csv(dir, "outcomes.csv"), paste(basename(path), "outcomes"))
  same_table(tt$endpoints, csv(dir, "endpoints.csv"), paste(basename(path), "endpoints"))
  same_table(tt$analyses, csv(dir, "analyses.csv"), paste(basename(path), "analyses"))
  same_table(tt$summary, csv(dir, "summary.csv"), paste(basename(path), "summary"))
  if (looks) {
    same_table(tt$looks, csv(dir, "looks.csv"), paste(basename(path), "looks"))
    same_table(tt$looks_replicates, csv(dir, "looks_replicates.csv"), paste(basename(path), "looks_replicates"))
  }
  if (calibration) same_table(tt$calibration, csv(dir, "calibration.csv"), paste(basename(path), "calibration"))
  if (guided) same_table(tt$guided, csv(dir, "guided.csv"), paste(basename(path), "guided"))
  if (validation) {
    same_table(tt$validation, csv(dir, "validation.csv"), paste(basename(path), "validation"))
    same_table(tt$validation_values, csv(dir, "validation_values.csv"), paste(basename(path), "validation_values"))
  }
  own <- tt$counterfactual[tt$counterfactual$cf_arm == tt$counterfactual$arm, ]
  obs <- !is.na(tt$outcomes$value)
  check(nrow(own) == nrow(tt$outcomes) && identical(own$value[obs], tt$outcomes$value[obs]),
        paste(basename(path), "counterfactual under the randomized arm = observed outcome"))
  check(nrow(tt$counterfactual) == nrow(tt$outcomes) * nrow(tt$design),
        paste(basename(path), "counterfactual has one row per twin x arm x visit x variable"))
  check(all(tt$design$arm %in% tt$subjects$arm) && nchar(tt$provenance$trial_name) > 0,
        paste(basename(path), "strings decoded (arms, trial name)"))
  check(all(tt$replicates$done == 1), paste(basename(path), "replicates$done"))
  cat(sprintf("ok:   %s: %s\n", basename(path), paste(sprintf("%s %d", names(tt), vapply(tt, nrow, 1L)),
                                                       collapse = ", ")))
  tt
}

run <- check_file(args[2], args[3])
crafted <- check_file(args[4], args[5])
events <- check_file(args[6], args[7])
check(all(events$looks$events == c(125, 250)), "event-driven run: looks$events")
held <- events$looks_replicates[!is.na(events$looks_replicates$time), ]
check(nrow(held) > 0 && all(held$information == events$looks$events[held$look]),
      "event-driven run: every look held has its planned events")
if (length(args) >= 9) {
  cal <- check_file(args[8], args[9])
  check(nrow(cal$calibration) == 1 && cal$calibration$target == "mean_difference", "calibrated run: calibration row")
}
check(identical(crafted$design$arm, c("control", "active")), "crafted: h5py's fixed-length strings decoded")
check(close_num(crafted$boundaries$efficacy_bound, c(2.7965, 1.9774)), "crafted: boundaries")
check(all(c("os_time", "os_status") %in% names(crafted$endpoints)), "crafted: time-to-event endpoint columns")
check(all(c("z_1", "z_2", "stage") %in% names(crafted$analyses)), "crafted: per-look z columns")
check(all(c("stop_prob_1", "stop_prob_2") %in% names(crafted$summary)), "crafted: per-stage summary columns")

# The README's R lines, run as written but with this run's paths.
readme <- readLines(file.path(src, "analysis", "README.md"))
at <- grep("run by tests/outputs/r_reader.R", readme, fixed = TRUE)[1]
start <- at + which(readme[(at + 1):length(readme)] == "```r")[1]
end <- start + which(readme[(start + 1):length(readme)] == "```")[1]
code <- readme[(start + 1):(end - 1)]
check(length(code) <= 5, paste("README snippet has", length(code), "lines (at most 5)"))
code <- gsub("analysis/R/twintrial.R", file.path(src, "analysis", "R", "twintrial.R"), code, fixed = TRUE)
code <- gsub("\"results.h5\"", deparse(args[2]), code, fixed = TRUE)
env <- new.env()
printed <- eval(parse(text = code), envir = env)
fit <- get("fit", envir = env)
row <- run$analyses[run$analyses$analysis == "primary" & run$analyses$replicate == 0, ]
co <- coef(summary(fit))["treatTRUE", ]
rel <- function(a, b) abs(a - b) / abs(b)
cat(sprintf("README lm(): estimate %.15g (twintrial %.15g), SE %.15g (twintrial %.15g), n %d (%d)\n",
            co[["Estimate"]], row$estimate, co[["Std. Error"]], row$std_error, nobs(fit), row$n_analysed))
check(rel(co[["Estimate"]], row$estimate) <= 1e-8, "README lm() estimate = /analyses/primary row 0 to 1e-8")
check(rel(co[["Std. Error"]], row$std_error) <= 1e-8, "README lm() SE = /analyses/primary row 0 to 1e-8")
check(nobs(fit) == row$n_analysed, "README lm() uses the completers (n_analysed)")
check(close_num(unname(printed), c(co[["Estimate"]], co[["Std. Error"]])), "README prints estimate and SE")
cat(sprintf("%d checks passed, %d failed\n", passes, fails))
quit(status = if (fails == 0) 0 else 1)
