# twintrial.R — read a twintrial results file (HDF5) into R data frames.
#
#   source("analysis/R/twintrial.R")
#   tt <- read_twintrial("results.h5")       # a named list of data frames
#   subset(tt$analyses, analysis == "primary")
#
# Elements (the same data frames as the Python reader analysis/python/twintrial.py;
# the layout is documented in analysis/README.md):
#   design          one row per arm: arm_index (0-based, as in the file), arm, allocation
#   visits          one row per scheduled visit: visit_index, visit, visit_day, unit
#   variables       one row per model variable: variable, unit
#   provenance      one row: root attributes and /provenance texts, plus trial_name
#   subjects        one row per stored twin: replicate, subject, arm, arm_index, stratum,
#                   dropout_time (day), discontinuation_time (day; only with treatment
#                   discontinuation or rescue), rescue_time (day; only with rescue),
#                   covariates, prognostic_score_<endpoint>
#   outcomes        long: replicate, subject, arm, visit, variable, value (NA after dropout)
#   counterfactual  long: replicate, subject, arm (randomized), cf_arm (the arm the twin
#                   is simulated under), visit, variable, value
#   endpoints       one row per stored twin: replicate, subject, arm, one column per
#                   endpoint (groups: <name>_time, <name>_status; <name>_count, <name>_exposure)
#   analyses        one row per analysis x replicate: analysis, replicate, estimate, ...
#                   (a [replicate x look] dataset z gives columns z_1 .. z_k)
#   replicates      one row per replicate: replicate, done, screen_failures
#   summary         one row per analysis: description and /summary attributes
#   boundaries      (group-sequential designs only) look, information, events (event-driven
#                   designs), efficacy_bound, futility_bound, alpha_spent
#   looks           (group-sequential designs only) one row per look, as looks.csv: the design,
#                   the operating characteristics per look (reached, analysis_time in days,
#                   mean_information, mean_subjects, stop_efficacy, stop_futility,
#                   cumulative_power, each probability with _mcse) and the expected subjects,
#                   information and duration (days) with their _mcse, repeated on every row
#   looks_replicates  (group-sequential designs only) one row per replicate x look, as
#                   looks_replicates.csv: replicate, look, stage, decision (1 efficacy,
#                   -1 futility, 0 neither), time (days), information, subjects, z,
#                   efficacy_bound (NA at looks not held)
#   validation      (protocols with a validation section) one row per published figure:
#                   figure, statistic, what, source, arm, variable, scale, visit_days,
#                   published, se (comparison scale), log_scale, fitted
#   validation_values  long: replicate, figure, value (the figure simulated per replicate)
#   calibration     (protocols with calibrated arm effects) one row per calibrated arm, the
#                   columns of calibration.csv
#   guided          (protocols with guided arms) one row per replicate x guided arm x
#                   candidate: the columns of guided.csv (replicate, arm, candidate, share,
#                   oracle_agreement, mean_regret, value_vs_best_single), then policy_mean,
#                   best_single_mean, best_single (the candidate's name), mean_switches, twins
#   guided_summary  (protocols with guided arms) one row per guided arm x candidate: arm,
#                   candidate, share, share_mcse, best_single_share, best_single_share_mcse,
#                   the choose rule (variable, visit, goal, target), replicates and each
#                   figure's mean over replicates with its _mcse, repeated
# read_guided(path) reads only the guided table (no rows without guided arms).
# Needs hdf5r (Debian: r-cran-hdf5r). Fixed-length strings come back as character.
# hdf5r returns arrays with the HDF5 dimensions reversed, so as.vector() of a
# [row x visit] dataset runs over visits fastest, which the long tables rely on.

.tt_analysis_columns <- c("replicate", "estimate", "std_error", "ci_lower", "ci_upper", "statistic", "df",
                          "p_value", "reject", "n_analysed", "true_effect", "ok", "reason", "stage", "information")
.tt_description <- c("endpoint", "method", "treatment", "control", "alpha", "sided", "estimand")
.tt_summary_known <- c("replicates", "failed", "power", "power_mcse", "mean_estimate", "true_effect", "bias",
                       "bias_mcse", "empirical_se", "mean_std_error", "rmse", "coverage", "coverage_mcse",
                       "expected_n")
.tt_boundary_columns <- c("information", "events", "efficacy_bound", "futility_bound", "alpha_spent")
.tt_look_oc <- c("reached", "analysis_time", "mean_information", "mean_subjects", "stop_efficacy",
                 "stop_efficacy_mcse", "stop_futility", "stop_futility_mcse", "cumulative_power",
                 "cumulative_power_mcse")
.tt_look_expected <- c("expected_subjects", "expected_subjects_mcse", "expected_information",
                       "expected_information_mcse", "expected_duration", "expected_duration_mcse")
.tt_look_replicate <- c("time", "information", "subjects", "z", "efficacy_bound")

# The looks tables from /design and /looks (as looks.csv and looks_replicates.csv).
.tt_looks <- function(f) {
  g <- f[["looks"]]
  stage <- .tt_num(.tt_read(f, "looks/stage")); decision <- .tt_num(.tt_read(f, "looks/decision"))
  k <- dim(.tt_read(f, "looks/time"))[1]; nrep <- length(stage) # hdf5r: [look, replicate]
  l <- data.frame(look = seq_len(k))
  for (c in .tt_boundary_columns)
    l[[c]] <- if (f$exists(paste0("design/", c))) .tt_num(.tt_read(f, paste0("design/", c))) else rep(NA_real_, k)
  for (c in .tt_look_oc) l[[c]] <- .tt_num(.tt_read(f, paste0("looks/", c)))
  for (c in .tt_look_expected) l[[c]] <- rep(.tt_num(hdf5r::h5attr(g, c)), k)
  r <- data.frame(replicate = rep(seq_len(nrep) - 1L, each = k), look = rep(seq_len(k), nrep),
                  stage = rep(stage, each = k), decision = rep(decision, each = k))
  for (c in .tt_look_replicate) r[[c]] <- as.vector(.tt_num(.tt_read(f, paste0("looks/", c)))) # hdf5r: [look, replicate]
  list(looks = l, looks_replicates = r)
}

.tt_guided_columns <- c("replicate", "arm", "candidate", "share", "oracle_agreement", "mean_regret",
                        "value_vs_best_single", "policy_mean", "best_single_mean", "best_single", "mean_switches",
                        "twins")
.tt_guided_figures <- c("oracle_agreement", "mean_regret", "value_vs_best_single", "policy_mean", "best_single_mean",
                        "mean_switches", "twins")

# The guided tables from /guided/<arm>, arms in /design/arms order; guided's rows in the
# order of guided.csv (replicate, then arm, then candidate).
.tt_guided <- function(f, arms) {
  rows <- list(); summ <- list()
  for (arm in arms[vapply(arms, function(a) f$exists(paste0("guided/", a)), TRUE)]) {
    g <- f[[paste0("guided/", arm)]]
    cand <- .tt_str(hdf5r::h5attr(g, "candidates"))
    k <- length(cand)
    share <- .tt_num(g[["share"]]$read()) # hdf5r: [candidate, replicate]
    nrep <- length(share) / k
    best <- as.integer(.tt_num(g[["best_single"]]$read()))
    d <- data.frame(replicate = rep(seq_len(nrep) - 1L, each = k), arm = arm, candidate = rep(cand, nrep),
                    share = as.vector(share), stringsAsFactors = FALSE)
    for (c in .tt_guided_figures) d[[c]] <- rep(.tt_num(g[[c]]$read()), each = k)
    d$best_single <- rep(ifelse(best >= 0 & best < k, cand[pmax(best, 0L) + 1L], NA_character_), each = k)
    d$.order <- length(rows)
    rows[[length(rows) + 1]] <- d
    if (g$exists("summary")) {
      sa <- g[["summary"]]
      s <- data.frame(arm = rep(arm, k), candidate = cand, stringsAsFactors = FALSE)
      for (n in c("share", "share_mcse", "best_single_share", "best_single_share_mcse"))
        s[[n]] <- .tt_num(hdf5r::h5attr(sa, n))
      for (n in c("variable", "goal")) s[[n]] <- .tt_str(hdf5r::h5attr(g, n))
      for (n in c("visit", "target")) s[[n]] <- .tt_num(hdf5r::h5attr(g, n))
      s <- s[c("arm", "candidate", "share", "share_mcse", "best_single_share", "best_single_share_mcse", "variable",
               "visit", "goal", "target")]
      s$replicates <- .tt_num(hdf5r::h5attr(sa, "replicates"))
      for (n in .tt_guided_figures) {
        s[[n]] <- .tt_num(hdf5r::h5attr(sa, n))
        s[[paste0(n, "_mcse")]] <- .tt_num(hdf5r::h5attr(sa, paste0(n, "_mcse")))
      }
      summ[[length(summ) + 1]] <- s
    }
  }
  guided <- .tt_bind(rows, c(.tt_guided_columns, ".order"))
  if (nrow(guided)) guided <- guided[order(guided$replicate, guided$.order, seq_len(nrow(guided))), ]
  guided <- guided[.tt_guided_columns]
  rownames(guided) <- NULL
  list(guided = guided, guided_summary = .tt_bind(summ, c("arm", "candidate")))
}

# The guided table of results file `path` alone (as read_twintrial(path)$guided).
read_guided <- function(path) {
  f <- hdf5r::H5File$new(path, mode = "r")
  on.exit(f$close_all())
  if (!identical(.tt_str(hdf5r::h5attr(f, "format")), "twintrial-results"))
    stop(path, ": not a twintrial results file")
  .tt_guided(f, .tt_str(.tt_read(f, "design/arms")))$guided
}

.tt_num <- function(x) if (inherits(x, "integer64")) as.numeric(as.character(x)) else as.numeric(x)
.tt_str <- function(x) as.character(x) # hdf5r drops the NUL padding
.tt_read <- function(f, path) f[[path]]$read()
.tt_unit <- function(obj, default = "") {
  if ("unit" %in% hdf5r::h5attr_names(obj)) .tt_str(hdf5r::h5attr(obj, "unit")) else default
}

# Attributes as named list entries: scalars as they are, k values as name_1 .. name_k.
.tt_attr_columns <- function(obj, names) {
  have <- hdf5r::h5attr_names(obj)
  row <- list()
  for (n in names) {
    if (!(n %in% have)) next
    v <- hdf5r::h5attr(obj, n)
    if (is.character(v)) row[[n]] <- .tt_str(v)[1]
    else if (length(v) == 1) row[[n]] <- .tt_num(v)
    else for (k in seq_along(v)) row[[paste0(n, "_", k)]] <- .tt_num(v[k])
  }
  row
}

.tt_trial_name <- function(text) {
  lines <- strsplit(text, "\n", fixed = TRUE)[[1]]
  start <- which(grepl("^trial:", lines))
  if (!length(start)) return("")
  for (l in lines[-seq_len(start[1])]) {
    if (!grepl("^[ \t]", l)) break
    if (grepl("^[ \t]+name:", l)) return(gsub("^[\"']|[\"']$", "", trimws(sub("^[ \t]+name:", "", l))))
  }
  ""
}

# Row-binds data frames, filling columns some of them lack with NA.
.tt_bind <- function(frames, columns) {
  if (length(frames)) {
    all <- unique(unlist(lapply(frames, names)))
    frames <- lapply(frames, function(d) {
      for (c in setdiff(all, names(d))) d[[c]] <- rep(NA, nrow(d))
      d[all]
    })
    return(do.call(rbind, c(frames, list(make.row.names = FALSE))))
  }
  as.data.frame(setNames(replicate(length(columns), logical(0), simplify = FALSE), columns))
}

# Reads results file `path`; counterfactual = FALSE skips the (large) counterfactual table.
read_twintrial <- function(path, counterfactual = TRUE) {
  f <- hdf5r::H5File$new(path, mode = "r")
  on.exit(f$close_all())
  if (!identical(.tt_str(hdf5r::h5attr(f, "format")), "twintrial-results"))
    stop(path, ": not a twintrial results file")
  out <- list()
  arms <- .tt_str(.tt_read(f, "design/arms"))
  visits <- .tt_num(.tt_read(f, "design/visits"))
  endpoints <- .tt_str(.tt_read(f, "design/endpoints"))
  analyses <- .tt_str(.tt_read(f, "design/analyses"))
  out$design <- data.frame(arm_index = seq_along(arms) - 1L, arm = arms,
                           allocation = .tt_num(.tt_read(f, "design/allocation")), stringsAsFactors = FALSE)
  out$visits <- data.frame(visit_index = seq_along(visits) - 1L, visit = visits,
                           visit_day = .tt_num(.tt_read(f, "design/visit_days")),
                           unit = .tt_unit(f[["design/visits"]]), stringsAsFactors = FALSE)
  variables <- sort(f[["outcomes"]]$names, method = "radix")
  out$variables <- data.frame(variable = variables,
                              unit = vapply(variables, function(v) .tt_unit(f[[paste0("outcomes/", v)]]), ""),
                              stringsAsFactors = FALSE, row.names = NULL)

  prov <- list()
  root <- hdf5r::h5attr_names(f)
  for (k in c("format", "format_version", "software_version", "seed", "replicates", "patients", "complete"))
    if (k %in% root) {
      v <- hdf5r::h5attr(f, k)
      prov[[k]] <- if (is.character(v)) .tt_str(v) else .tt_num(v)
    }
  if (!is.null(prov$seed)) prov$seed <- as.character(hdf5r::h5attr(f, "seed"))
  p <- f[["provenance"]]
  for (k in hdf5r::h5attr_names(p)) {
    v <- hdf5r::h5attr(p, k)
    prov[[k]] <- if (is.character(v)) .tt_str(v) else .tt_num(v)
  }
  for (k in sort(p$names, method = "radix"))
    if (k != "calibration") prov[[k]] <- .tt_str(p[[k]]$read()) # a group: the calibration table below
  prov$trial_name <- .tt_trial_name(if (is.null(prov$resolved_protocol)) "" else prov$resolved_protocol)
  out$provenance <- as.data.frame(prov, stringsAsFactors = FALSE)

  reps <- as.integer(.tt_read(f, "subjects/replicate"))
  subj <- as.integer(.tt_read(f, "subjects/subject"))
  armi <- as.integer(.tt_read(f, "subjects/arm"))
  armn <- arms[armi + 1L]
  n <- length(reps)
  s <- data.frame(replicate = reps, subject = subj, arm = armn, arm_index = armi,
                  stratum = as.integer(.tt_read(f, "subjects/stratum")),
                  dropout_time = .tt_num(.tt_read(f, "subjects/dropout_time")), stringsAsFactors = FALSE)
  if (f$exists("subjects/discontinuation_time")) # only when some arm can discontinue treatment
    s$discontinuation_time <- .tt_num(.tt_read(f, "subjects/discontinuation_time"))
  if (f$exists("subjects/rescue_time")) # only when some arm can be rescued
    s$rescue_time <- .tt_num(.tt_read(f, "subjects/rescue_time"))
  for (c in sort(f[["subjects/covariates"]]$names, method = "radix"))
    s[[c]] <- .tt_num(.tt_read(f, paste0("subjects/covariates/", c)))
  prog <- as.vector(.tt_read(f, "subjects/prognostic_score"))
  for (e in seq_along(endpoints))
    s[[paste0("prognostic_score_", endpoints[e])]] <- .tt_num(prog[(seq_len(n) - 1L) * length(endpoints) + e])
  out$subjects <- s

  nv <- length(visits)
  nk <- length(variables)
  na <- length(arms)
  # long tables in (replicate, subject, variable[, cf_arm], visit) order, as outcomes.csv
  y <- array(NA_real_, c(nv, nk, n))
  for (k in seq_len(nk)) y[, k, ] <- .tt_num(as.vector(.tt_read(f, paste0("outcomes/", variables[k]))))
  out$outcomes <- data.frame(replicate = rep(reps, each = nk * nv), subject = rep(subj, each = nk * nv),
                             arm = rep(armn, each = nk * nv), visit = rep(visits, n * nk),
                             variable = rep(rep(variables, each = nv), n), value = as.vector(y),
                             stringsAsFactors = FALSE)
  if (counterfactual) {
    y <- array(NA_real_, c(na * nv, nk, n))
    for (k in seq_len(nk)) y[, k, ] <- .tt_num(as.vector(.tt_read(f, paste0("counterfactual/", variables[k]))))
    m <- nk * na * nv
    out$counterfactual <- data.frame(replicate = rep(reps, each = m), subject = rep(subj, each = m),
                                     arm = rep(armn, each = m), cf_arm = rep(rep(arms, each = nv), n * nk),
                                     visit = rep(visits, n * nk * na), variable = rep(rep(variables, each = na * nv), n),
                                     value = as.vector(y), stringsAsFactors = FALSE)
  }
  ep <- data.frame(replicate = reps, subject = subj, arm = armn, stringsAsFactors = FALSE)
  for (e in endpoints) {
    obj <- f[[paste0("endpoints/", e)]]
    if (inherits(obj, "H5Group")) { # <name>_<member>: time, status, count, exposure, then others by name
      have <- obj$names
      known <- c("time", "status", "count", "exposure")
      for (m in c(intersect(known, have), sort(setdiff(have, known), method = "radix")))
        ep[[paste0(e, "_", m)]] <- .tt_num(obj[[m]]$read())
    } else ep[[e]] <- .tt_num(obj$read())
  }
  out$endpoints <- ep

  an <- lapply(analyses, function(a) {
    g <- f[[paste0("analyses/", a)]]
    have <- g$names
    cols <- c(intersect(.tt_analysis_columns, have), sort(setdiff(have, .tt_analysis_columns), method = "radix"))
    d <- data.frame(analysis = rep(a, g[[cols[1]]]$dims[1]), stringsAsFactors = FALSE)
    for (c in cols) {
      x <- g[[c]]$read() # [replicate] -> c; [replicate x look] (read as look x replicate) -> c_1 .. c_k
      if (is.null(dim(x)) || length(dim(x)) == 1) d[[c]] <- as.vector(x)
      else { # hdf5r reads [replicate x ...] as [... x replicate]: flatten the leading dimensions
        x <- matrix(x, ncol = tail(dim(x), 1))
        for (k in seq_len(nrow(x))) d[[paste0(c, "_", k)]] <- x[k, ]
      }
    }
    d
  })
  out$analyses <- .tt_bind(an, c("analysis", .tt_analysis_columns))

  sm <- lapply(analyses, function(a) {
    row <- c(list(analysis = a), setNames(as.list(rep(NA, length(.tt_description))), .tt_description))
    ga <- f[[paste0("analyses/", a)]] # the description, then any further settings (mi's imputation, ...)
    d <- .tt_attr_columns(ga, c(.tt_description, sort(setdiff(hdf5r::h5attr_names(ga), .tt_description),
                                                      method = "radix")))
    row[names(d)] <- d
    if (f$exists(paste0("summary/", a))) {
      g <- f[[paste0("summary/", a)]]
      have <- hdf5r::h5attr_names(g)
      row <- c(row, .tt_attr_columns(g, c(.tt_summary_known, sort(setdiff(have, .tt_summary_known),
                                                                  method = "radix"))))
    }
    as.data.frame(row, stringsAsFactors = FALSE)
  })
  out$summary <- .tt_bind(sm, c("analysis", .tt_description))

  rp <- data.frame(replicate = integer(0))
  if (f$exists("replicates")) {
    rn <- sort(f[["replicates"]]$names, method = "radix")
    if (length(rn)) {
      rp <- data.frame(replicate = seq_len(f[[paste0("replicates/", rn[1])]]$dims) - 1L)
      for (k in rn) rp[[k]] <- .tt_read(f, paste0("replicates/", k))
    }
  }
  out$replicates <- rp

  if (f$exists("design/efficacy_bound")) {
    b <- data.frame(look = seq_along(.tt_read(f, "design/efficacy_bound")))
    for (c in .tt_boundary_columns)
      if (f$exists(paste0("design/", c))) b[[c]] <- .tt_num(.tt_read(f, paste0("design/", c)))
    out$boundaries <- b
  }
  if (f$exists("looks")) out <- c(out, .tt_looks(f))
  if (f$exists("validation")) {
    g <- function(k) .tt_read(f, paste0("validation/", k))
    v <- data.frame(figure = .tt_str(g("names")), statistic = .tt_str(g("statistics")), what = .tt_str(g("what")),
                    source = .tt_str(g("sources")), arm = .tt_str(g("arm")), variable = .tt_str(g("variable")),
                    scale = .tt_str(g("scale")), stringsAsFactors = FALSE)
    for (k in c("visit_days", "published", "se", "log_scale", "fitted")) v[[k]] <- .tt_num(g(k))
    x <- g("values") # hdf5r: [figure, replicate]
    out$validation <- v
    out$validation_values <- data.frame(replicate = rep(seq_len(ncol(x)) - 1L, each = nrow(x)),
                                        figure = rep(v$figure, ncol(x)), value = as.vector(x),
                                        stringsAsFactors = FALSE)
  }
  if (f$exists("provenance/calibration")) {
    g <- f[["provenance/calibration"]]
    out$calibration <- do.call(rbind, lapply(sort(g$names, method = "radix"), function(arm) {
      a <- g[[arm]]
      row <- list(arm = arm)
      for (k in c("effect", "target", "endpoint", "control")) row[[k]] <- .tt_str(hdf5r::h5attr(a, k))
      for (k in c("target_value", "value", "value_mc_se", "solver_tolerance", "achieved", "achieved_mc_se", "twins",
                  "bootstrap", "evaluations")) row[[k]] <- .tt_num(hdf5r::h5attr(a, k))
      iv <- .tt_num(hdf5r::h5attr(a, "interval"))
      row$interval_lo <- iv[1]
      row$interval_hi <- iv[2]
      row$description <- .tt_str(hdf5r::h5attr(a, "description"))
      as.data.frame(row, stringsAsFactors = FALSE)
    }))
  }
  if (f$exists("guided")) out <- c(out, .tt_guided(f, arms))
  out
}
