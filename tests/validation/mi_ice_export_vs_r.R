# The mi analyses of a protocol with treatment discontinuation (ad_mi_ice.yaml), stored by
# twintrial for an exported replicate, against the MI module on the exported data with
# each twin's intercurrent event (ICE) computed here, independently of the trial: the
# first post-baseline visit after its discontinuation time (subjects.csv; a visit on that
# day is before it; none: NA); the change from baseline at every post-baseline visit from
# outcomes.csv (NA after withdrawal; visits seen off treatment are there). Under the
# hypothetical and while-on-treatment estimands the visits from the ICE on are set to NA
# first (rbmi's rule for a hypothetical strategy). Estimate, SE, df and fraction of
# missing information must agree to 1e-9 (the trial imputes what it exports, anchored
# where this script says). The checks can fail: without the ICE column the J2R analysis
# differs, and with the off-treatment visits kept so does the hypothetical MAR one.
# usage: Rscript mi_ice_export_vs_r.R MI_CSV_PROGRAM CSV_DIR WORKDIR SEED
args <- commandArgs(trailingOnly = TRUE)
prog <- args[1]; dir <- args[2]; work <- args[3]; seed <- args[4]
fails <- 0
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "mi_common.R"))
run <- function(...) mi_driver(prog, ...)
outc <- read.csv(file.path(dir, "outcomes.csv")); an <- read.csv(file.path(dir, "analyses.csv"))
outc <- outc[outc$replicate == 0 & outc$variable == "adas_cog", ]
visits <- sort(unique(outc$visit)); V <- length(visits) - 1
ids <- sort(unique(outc$subject))
w <- reshape(outc[, c("subject", "visit", "value")], idvar = "subject", timevar = "visit", direction = "wide")
w <- w[match(ids, w$subject), ]
subj <- read.csv(file.path(dir, "subjects.csv")); subj <- subj[subj$replicate == 0, ]
subj <- subj[match(ids, subj$subject), ]
td <- subj$discontinuation_time # days; Inf when the twin never stops
ice <- sapply(td, function(t) { v <- which(7 * visits[-1] > t); if (length(v)) v[1] else NA })
base <- w[["value.0"]]
d <- data.frame(group = as.integer(subj$arm == "active"), baseline = base, ice = ice)
for (v in 1:V) d[[paste0("y", v)]] <- w[[paste0("value.", visits[v + 1])]] - base
post <- sum(sapply(1:V, function(v) sum(!is.na(d[[paste0("y", v)]]) & !is.na(ice) & v >= ice)))
cat(sprintf("replicate 0: %d twins, %d stop treatment by week %g, %d visits seen off treatment, %d missing at the last\n",
            nrow(d), sum(!is.na(ice)), visits[V + 1], post, sum(is.na(d[[paste0("y", V)]]))))
hyp <- d; for (v in 1:V) hyp[[paste0("y", v)]][!is.na(ice) & v >= ice] <- NA
write <- function(x, name) { f <- file.path(work, name); write.csv(x, f, row.names = FALSE, na = "NA", quote = FALSE); f }
f_tp <- write(d, "tp.csv"); f_hyp <- write(hyp, "hyp.csv"); f_noice <- write(d[, -3], "noice.csv")
f_cov <- write(cbind(d[, 1:3], apoe4_carrier = subj$apoe4_carrier, d[, -(1:3)]), "cov.csv")
f_hyp0 <- write(d[, -3], "hyp_kept.csv")
# name, analysis index, data, method, M, analysis
plans <- list(list("j2r_tp", 0, f_tp, "jump_to_reference", 10, "ancova"),
              list("cir_tp", 1, f_cov, "copy_increments", 10, "ancova"),
              list("mar_tp", 2, f_tp, "mar", 10, "ancova"),
              list("mar_hyp", 3, f_hyp, "mar", 10, "ancova"),
              list("j2r_hyp", 4, f_hyp, "jump_to_reference", 10, "ancova"),
              list("cr_wot_mmrm", 5, f_hyp, "copy_reference", 5, "mmrm"))
key <- function(k) format(k * 2^32, scientific = FALSE)
for (pl in plans) {
  kv <- run("impute", pl[[3]], V, pl[[4]], 0, 0, pl[[5]], pl[[6]], V, seed, 0, key(pl[[2]]))
  row <- an[an$analysis == pl[[1]] & an$replicate == 0, ]
  close(paste(pl[[1]], "stored estimate = module"), row$estimate, kv[["estimate"]], 1e-9)
  close(paste(pl[[1]], "stored SE = module"), row$std_error, kv[["se"]], 1e-9)
  close(paste(pl[[1]], "stored df = module"), row$df, kv[["df"]], 1e-9)
  close(paste(pl[[1]], "stored fmi = module"), row$fmi, kv[["fmi"]], 1e-9)
}
for (alt in list(list("j2r_tp", 0, f_noice, "jump_to_reference", "without the ICE"),
                 list("mar_hyp", 3, f_hyp0, "mar", "keeping the off-treatment visits"))) {
  kv <- run("impute", alt[[3]], V, alt[[4]], 0, 0, 10, "ancova", V, seed, 0, key(alt[[2]]))
  row <- an[an$analysis == alt[[1]] & an$replicate == 0, ]
  ok <- abs(row$estimate - kv[["estimate"]]) > 1e-6
  cat(sprintf("%-60s %s stored %.9g, module %s %.9g\n", paste(alt[[1]], alt[[5]], "differs"),
              if (ok) "ok  " else "FAIL", row$estimate, alt[[5]], kv[["estimate"]]))
  if (!ok) fails <- fails + 1
}
cat(sprintf("%d failed\n", fails))
quit(status = if (fails == 0) 0 else 1)
