#!/bin/bash
# Observation and covariate files for `twintrial personalise` tests and benchmarks, made
# from simulated twins: one replicate of PROTOCOL with N patients (`twintrial run`), its
# outcomes and covariates exported (`twintrial export`) and rewritten with awk into
#   OUTDIR/obs.csv  id,time,variable,value,arm   (time in the schedule's unit)
#   OUTDIR/cov.csv  id plus the covariates named in COVARIATES (comma-separated)
# Patients differ in what they bring, so that every path of the reader and of the fit
# is exercised:
#   - every other patient of arm HISTORY_ARM (environment; default placebo) has only history: its
#     visits up to the schedule's second, shifted so that the last is at time 0, no arm;
#   - the others keep visits 0 .. visits[1 + s % (visits - 1)] (s: subject number) on their arm;
#   - every tenth patient's (s % 10 == 3) last observation of CENSOR_VARIABLE (environment;
#     default: of any variable) is censored: "<L", L = 1.1 x value;
#   - values missing after dropout are left out.
# usage: [HISTORY_ARM=A] [CENSOR_VARIABLE=V] twin_inputs.sh TWINTRIAL PROTOCOL N OUTDIR COVARIATES [SEED]
set -euo pipefail
tt=$1 protocol=$2 n=$3 out=$4 covariates=$5 seed=${6:-14}
mkdir -p "$out"
"$tt" run "$protocol" -o "$out/sim.h5" --replicates 1 --patients "$n" --seed "$seed" --progress none --force \
  >"$out/sim.log" 2>&1 || { cat "$out/sim.log" >&2; exit 1; }
mkdir -p "$out/sim"
"$tt" export "$out/sim.h5" --csv "$out/sim" >>"$out/sim.log" 2>&1 || { cat "$out/sim.log" >&2; exit 1; }

awk -F, -v OFS=, -v harm="${HISTORY_ARM:-placebo}" -v cvar="${CENSOR_VARIABLE:-}" '
  FNR == 1 { next }
  $6 == "NA" || $6 == "" { next }
  { s = $2; if (!(s in arm)) { arm[s] = $3; order[++ns] = s }
    v = $4 + 0; if (!(v in isvisit)) { isvisit[v] = 1; visits[++nv] = v }
    k = ++nr[s]; vis[s, k] = v; var[s, k] = $5; val[s, k] = $6 }
  END {
    for (i = 2; i <= nv; i++) for (j = i; j > 1 && visits[j] < visits[j - 1]; j--) {
      t = visits[j]; visits[j] = visits[j - 1]; visits[j - 1] = t }
    print "id,time,variable,value,arm"
    for (i = 1; i <= ns; i++) {
      s = order[i]; history = 0
      if (arm[s] == harm && (nh++ % 2) == 0) { history = 1; last = visits[2] }
      else last = visits[2 + s % (nv - 1)]
      lastk = 0
      for (k = 1; k <= nr[s]; k++) if (vis[s, k] <= last && (cvar == "" || var[s, k] == cvar)) lastk = k
      for (k = 1; k <= nr[s]; k++) {
        if (vis[s, k] > last) continue
        value = val[s, k]
        if (s % 10 == 3 && k == lastk) value = sprintf("<%.6g", 1.1 * value)
        if (history) print "P" s, vis[s, k] - last, var[s, k], value, ""
        else print "P" s, vis[s, k], var[s, k], value, arm[s]
      }
    }
  }' "$out/sim/outcomes.csv" >"$out/obs.csv"

awk -F, -v OFS=, -v want="$covariates" '
  FNR == 1 { nw = split(want, w, ","); for (i = 1; i <= NF; i++) col[$i] = i
             for (j = 1; j <= nw; j++) if (!(w[j] in col)) { print "twin_inputs.sh: no covariate " w[j] > "/dev/stderr"; exit 1 }
             printf "id"; for (j = 1; j <= nw; j++) printf ",%s", w[j]; print ""; next }
  { printf "P%s", $2; for (j = 1; j <= nw; j++) printf ",%s", $(col[w[j]]); print "" }' \
  "$out/sim/subjects.csv" >"$out/cov.csv"
