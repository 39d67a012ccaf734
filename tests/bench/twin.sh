# shellcheck shell=bash disable=SC2154 # tt, tmp, root, here and repeat come from run.sh
# Parts 7 and 8 of the benchmark (sourced by tests/bench/run.sh, which defines tt, tmp,
# root, here, repeat and the helpers row, info, note, calc, min, wall, free_cores):
# `twintrial personalise` against R doing the same fit, and its 1 -> 2 rank efficiency.
#
# Patients are simulated twins rewritten as OBS.csv / COV.csv by tests/mpi/twin_inputs.sh
# (histories only, follow-ups of several lengths, censored values): 10^4 for the AD model
# (protocols/alzheimers_procova.yaml, closed form) and 200 for the T2D model
# (protocols/t2d_lead2_glimepiride.yaml, ODE). What is timed:
#   twintrial  CPU seconds (user + system) of a 1-rank run over all patients with --draws 2
#              (the MAP fit, its Laplace covariance and a 2-draw forecast per patient: the
#              fit alone, within a few percent), minus a run over the first 10 patients
#              (start-up, reading the files, writing TWINS.h5), per patient; best of $repeat;
#   R          tests/bench/twin_fit_r.R on the first K of the same patients (the cycle of
#              patient kinds repeats every few patients): optim BFGS + optimHess per patient,
#              CPU seconds, best of 3 rounds; it also reports how far its modes are from
#              twintrial's, so both did the same fit.
# The forecast at the default 1000 draws is timed apart (1000 draws minus 2, per patient).
# Scaling: wall seconds of the 10^4 AD patients with --draws 200 on 1 and 2 ranks.

# CPU seconds (user + system) of one command; its output to $tmp/last.log
cpu() {
  /usr/bin/time -f "%U %S" -o "$tmp/cpu" "$@" >"$tmp/last.log" 2>&1 ||
    { cat "$tmp/last.log" >&2; echo "run.sh: failed: $*" >&2; exit 2; }
  tail -1 "$tmp/cpu" | awk '{ printf "%.6g", $1 + $2 }'
}
# the first K patients of set NAME as NAME_K (obs.csv and cov.csv)
twin_first() {
  local d=$tmp/$1_$2
  mkdir -p "$d"
  awk -F, -v k="$2" 'NR == 1 { print; next } !($1 in s) { n++; s[$1] } n <= k' "$tmp/$1/obs.csv" >"$d/obs.csv"
  awk -F, -v k="$2" 'NR <= k + 1' "$tmp/$1/cov.csv" >"$d/cov.csv"
}
# the personalise command for SET PROTOCOL DRAWS OUT [extra] into the array cmd: one rank, no launcher
twin_cmd() {
  cmd=("$tt" personalise "$2" --observations "$tmp/$1/obs.csv" --covariates "$tmp/$1/cov.csv" -o "$tmp/$4.h5"
    --draws "$3" --force --progress none "${@:5}")
}
twin_best_cpu() { # best CPU seconds of $repeat runs of twin_cmd ARGS
  local c=() i cmd
  twin_cmd "$@"
  for ((i = 0; i < repeat; i++)); do c+=("$(cpu "${cmd[@]}")"); done
  min "${c[@]}"
}

echo "... personalise: inputs"
"$root/tests/mpi/twin_inputs.sh" "$tt" "$root/protocols/alzheimers_procova.yaml" 10000 "$tmp/ad" age,male,apoe4,on_ache ||
  exit 2
CENSOR_VARIABLE=fsi "$root/tests/mpi/twin_inputs.sh" "$tt" "$root/protocols/t2d_lead2_glimepiride.yaml" 200 "$tmp/t2d" weight ||
  exit 2
have_r=0
if command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("deSolve", quietly = TRUE))' >/dev/null 2>&1; then
  have_r=1
fi

# twin_vs_r LABEL SET PROTOCOL N K FORECAST_PATIENTS
twin_vs_r() {
  local label=$1 set=$2 protocol=$3 n=$4 k=$5 nf=$6 full few per fc2 fc1000 conv cmd
  echo "... personalise: $set, twintrial"
  twin_first "$set" 10
  twin_first "$set" "$nf"
  mkdir -p "$tmp/${set}_csv"
  twin_cmd "$set" "$protocol" 2 "${set}_csv" --csv "$tmp/${set}_csv"
  "${cmd[@]}" >"$tmp/last.log" 2>&1 || { cat "$tmp/last.log" >&2; exit 2; }
  full=$(twin_best_cpu "$set" "$protocol" 2 "${set}_full")
  few=$(twin_best_cpu "${set}_10" "$protocol" 2 "${set}_few")
  per=$(calc "($full - $few) / ($n - 10)")
  fc2=$(twin_best_cpu "${set}_$nf" "$protocol" 2 "${set}_fc")
  fc1000=$(twin_best_cpu "${set}_$nf" "$protocol" 1000 "${set}_fc")
  conv=$(awk -F, 'NR > 1 { c += $(NF - 1) == 1 } END { print c + 0 }' "$tmp/${set}_csv/twins.csv")
  if [ $have_r = 1 ]; then
    echo "... personalise: $set, R (optim BFGS + optimHess, $k patients)"
    Rscript "$here/twin_fit_r.R" "$set" "$tmp/$set/obs.csv" "$tmp/$set/cov.csv" "$tmp/${set}_csv/twins.csv" "$k" 1 \
      >"$tmp/r_$set.txt" 2>&1 || { cat "$tmp/r_$set.txt" >&2; exit 2; }
    r_per=$(get r_s_per_patient "$tmp/r_$set.txt")
    row "$label: patients per core-s, twintrial / R" "$(calc "$r_per / $per")" ">=" 50
  else
    row "$label: patients per core-s, twintrial / R" "" ">=" 50
    note "(Rscript or the deSolve package is missing: r-cran-desolve)"
  fi
  info "twintrial: MAP + Laplace (+ 2 draws), patients/core-s" "$(calc "1 / $per")"
  [ $have_r = 1 ] && info "R: optim BFGS + optimHess, patients/core-s" "$(calc "1 / $r_per")"
  [ $have_r = 1 ] && info "  ... max |eta R - eta twintrial| over R's $(get r_patients "$tmp/r_$set.txt") patients" \
    "$(get r_max_abs_eta_diff "$tmp/r_$set.txt")"
  info "twintrial CPU s, $n patients | the first 10 (start-up)" "$full | $few"
  info "  ... whole command incl. start-up, patients/core-s" "$(calc "$n / $full")"
  info "converged: twintrial (of $n) | R (of $k)" "$conv | $([ $have_r = 1 ] && get r_converged "$tmp/r_$set.txt")"
  info "forecast, 1000 draws (the default), ms per patient" "$(calc "1000 * ($fc1000 - $fc2) / $nf")"
}

twin_vs_r "7a AD (closed form)" ad "$root/protocols/alzheimers_procova.yaml" 10000 30 500
twin_vs_r "7b T2D (ODE)" t2d "$root/protocols/t2d_lead2_glimepiride.yaml" 200 6 20

if [ "$(nproc)" -lt 2 ]; then
  row "8  personalise 10^4 AD: efficiency 1 -> 2 ranks" "" ">=" 0.9
  note "(fewer than 2 cores)"
else
  echo "... personalise: 10^4 AD patients on 1 and 2 ranks (x$repeat)"
  cores=$(free_cores)
  w1=() w2=() z1=() z2=()
  for ((i = 0; i < repeat; i++)); do
    w1+=("$(wall mpirun -n 1 "$tt" personalise "$root/protocols/alzheimers_procova.yaml" --observations "$tmp/ad/obs.csv" \
      --covariates "$tmp/ad/cov.csv" -o "$tmp/p1.h5" --draws 200 --force --progress none)")
    w2+=("$(wall mpirun -n 2 "$tt" personalise "$root/protocols/alzheimers_procova.yaml" --observations "$tmp/ad/obs.csv" \
      --covariates "$tmp/ad/cov.csv" -o "$tmp/p2.h5" --draws 200 --force --progress none)")
    z1+=("$(wall mpirun -n 1 "$tt" personalise "$root/protocols/alzheimers_procova.yaml" --observations "$tmp/ad_10/obs.csv" \
      --covariates "$tmp/ad_10/cov.csv" -o "$tmp/q1.h5" --draws 200 --force --progress none)")
    z2+=("$(wall mpirun -n 2 "$tt" personalise "$root/protocols/alzheimers_procova.yaml" --observations "$tmp/ad_10/obs.csv" \
      --covariates "$tmp/ad_10/cov.csv" -o "$tmp/q2.h5" --draws 200 --force --progress none)")
  done
  cores=$(min "$cores" "$(free_cores)")
  T1=$(min "${w1[@]}") T2=$(min "${w2[@]}") S1=$(min "${z1[@]}") S2=$(min "${z2[@]}")
  row "8a personalise 10^4 AD: efficiency 1 -> 2 ranks, T1 / (2 T2)" "$(calc "$T1 / (2 * $T2)")" ">=" 0.9
  row "8b same, start-up (a 10-patient run) subtracted" "$(calc "($T1 - $S1) / (2 * ($T2 - $S2))")" ">=" 0.9
  info "wall s, 1 rank | 2 ranks (10^4 patients, --draws 200)" "$T1 | $T2"
  info "start-up + tear-down s (10 patients), 1 | 2 ranks" "$S1 | $S2"
  same=identical
  h5diff "$tmp/p1.h5" "$tmp/p2.h5" /twins /twins >/dev/null 2>&1 || same=DIFFERENT
  h5diff "$tmp/p1.h5" "$tmp/p2.h5" /predictions /predictions >/dev/null 2>&1 || same=DIFFERENT
  info "twins and predictions on 1 and 2 ranks (h5diff)" "$same"
  info "cores 2 spinning processes got (2: machine free)" "$cores"
  if awk "BEGIN { exit !($cores < 1.8) }"; then # (as the last command, a false && list would end run.sh under set -e)
    note "(other sessions are using the CPUs: the 2-rank runs got fewer than 2 cores; TT_BENCH_BOOST=1)"
  fi
fi
