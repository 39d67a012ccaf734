#!/bin/bash
# twintrial performance benchmark: one command, one table for this machine.
#   tests/bench/run.sh [BUILD_DIR]          (default BUILD_DIR: <repo>/build)
# Every figure with a target is a ratio of two things measured in this run, printed
# with its target and PASS/FAIL (README "Performance" explains each):
#   1. twin-arm simulations per core-second through twintrial's path / a hand-written
#      C floor of the same model over the same twins at equal accuracy (tt_bench_sim):
#      alzheimers_adas (closed form) >= 0.8, t2d_hba1c (ODE) >= 0.5;
#   2. R deSolve::lsoda time per T2D twin-arm / twintrial's >= 50 (needs Rscript + deSolve);
#   3. parallel efficiency 1 -> 2 ranks of protocols/alzheimers_procova.yaml
#      (1000 replicates x 400 twins, all analyses) >= 0.9, end to end and with the
#      start-up (a 1-replicate run) subtracted;
#   4. peak RSS with 10x the replicates (2000 vs 200) <= 1.1x;
#   5. write rate of per-subject datasets (output: {subjects: all}) >= 0.5 x the disk's
#      sequential write rate (dd of random bytes, conv=fsync), both including the flush
#      to disk; and, for information, what shuffle + deflate chunks would cost (h5repack);
#   6. personalise (MAP fits) of the same synthetic T2D and metformin PK patients with
#      gradients from forward sensitivities (the default for ODE models) and from central
#      differences of the objective (tt_bench_twin_gradient): CPU time per patient
#      fd / sensitivity >= 1 for each model, and each MAP's distance to a tight reference.
#   7. `twintrial personalise`, personalised patients per core-second / R's (optim BFGS
#      + optimHess on the same posterior written in R, deSolve::lsoda for the ODE;
#      tests/bench/twin_fit_r.R) >= 50, for the AD model (closed form, 10^4 patients) and
#      the T2D model (ODE, 200 patients); the fit alone: MAP + Laplace covariance with a
#      2-draw forecast, start-up, reading and writing subtracted (a 10-patient run), 1 rank;
#      the forecast at the default 1000 draws shown apart;
#   9. models written as model files (compiled at run time) against the same models in
#      C, twin-arm trajectories per core-second through the same path (tt_bench_modellang):
#      alzheimers_adas, t2d_hba1c, pk_1cmt_oral, each >= 0.9 (part "lang").
#   8. parallel efficiency 1 -> 2 ranks of personalise on the 10^4 AD patients (--draws
#      200, reduced from the default 1000 to keep the benchmark short) >= 0.9, end to end
#      and with the start-up (a 10-patient run) subtracted.
#  10. a guided arm's replicate (forecast: delta_method) / a standard one <= 20 (part
#      "guided", tests/bench/guided.sh; with forecast: draws shown, no target);
#  11. one replicate's MMRM analysis (REML fit + Satterthwaite contrast), 400 twins x 6
#      visits, unstructured covariance: CPU ms per replicate <= 2; Toeplitz, AR(1) and
#      Kenward-Roger shown, and R nlme::gls's time on the same data sets / twintrial's
#      for each structure (part "mmrm"; tests/bench/mmrm.sh, TT_BENCH_R_SECONDS: R's CPU
#      budget per structure, default 10 s).
# Builds the targets it needs (twintrial, tt_bench_sim, tt_bench_twin_gradient, tt_bench_mmrm, ...). Times are the best of
# TT_BENCH_REPEAT runs (default 3), so load from other processes inflates them less.
# On a shared machine other sessions' processes take CPU from the 2-rank runs (Linux
# shares CPU between sessions first): the table shows how many cores two spinning
# processes of this run actually got. TT_BENCH_BOOST=1 (root) runs the benchmark in its
# own session with autogroup nice -15, so it gets (nearly) both cores while others wait.
# Environment: TT_BENCH_PARTS (subset of "sim r e2e mem out twin guided lang mmrm"), TT_BENCH_REPEAT,
# TT_BENCH_SECONDS (CPU seconds per kernel round, default 0.3), TT_BENCH_BOOST=1,
# TT_BENCH_KEEP=1 keeps the scratch directory.
# Exit status: 0 every target met, 1 some FAIL, 2 error.
set -euo pipefail
if [ "${TT_BENCH_BOOST:-0}" = 1 ] && [ -z "${TT_BENCH_BOOSTED:-}" ]; then
  export TT_BENCH_BOOSTED=1
  # shellcheck disable=SC2016 # $0 and $@ expand in the inner shell
  exec setsid -w bash -c 'echo -15 >/proc/self/autogroup 2>/dev/null || echo "run.sh: TT_BENCH_BOOST: cannot raise the priority (needs root)" >&2; exec "$0" "$@"' "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "run.sh: no build directory ${1:-$root/build}" >&2; exit 2; }
[ -f "$build/CMakeCache.txt" ] || { echo "run.sh: $build is not a configured build (cmake --preset release)" >&2; exit 2; }
parts=${TT_BENCH_PARTS:-sim r e2e mem out twin guided lang mmrm}
repeat=${TT_BENCH_REPEAT:-3}
seconds=${TT_BENCH_SECONDS:-0.3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

cmake --build "$build" --target twintrial tt_bench_sim tt_bench_mpi_start tt_bench_twin_gradient tt_bench_modellang tt_bench_mmrm -j "$(nproc)" >"$build/bench-build.log" 2>&1 ||
  { cat "$build/bench-build.log" >&2; echo "run.sh: build failed" >&2; exit 2; }
tt=$build/twintrial
bench=$(find "$build" -name tt_bench_sim -type f -perm -u+x | head -1)
mpistart=$(find "$build" -name tt_bench_mpi_start -type f -perm -u+x | head -1)
twinbench=$(find "$build" -name tt_bench_twin_gradient -type f -perm -u+x | head -1)
if [ ! -x "$tt" ] || [ -z "$bench" ] || [ -z "$mpistart" ] || [ -z "$twinbench" ]; then
  echo "run.sh: twintrial, tt_bench_sim, tt_bench_mpi_start or tt_bench_twin_gradient not built in $build" >&2
  exit 2
fi
ad=$root/protocols/alzheimers_procova.yaml
t2d=$root/tests/data/protocols/t2d_methods.yaml
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tt-bench.XXXXXX")
[ "${TT_BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT

has() { case " $parts " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }
get() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
min() { printf '%s\n' "$@" | sort -g | head -1; }
fails=0
rows=()
# row LABEL VALUE TARGET-OP TARGET: a target line; info LABEL VALUE: context
row() {
  local label=$1 value=$2 op=$3 target=$4 verdict
  if [ -z "$value" ] || [ "$value" = nan ]; then
    verdict=SKIP
  elif awk "BEGIN { exit !($value $op $target) }"; then verdict=PASS; else
    verdict=FAIL
    fails=$((fails + 1))
  fi
  rows+=("$(printf '%-60s %12s   %-2s %-5s %s' "$label" "$value" "$op" "$target" "$verdict")")
}
info() { rows+=("$(printf '     %-55s %12s' "$1" "$2")"); }
note() { rows+=("     $1"); }

# CPU seconds per wall second that two spinning processes get right now (2 = both cores free)
free_cores() {
  local c=0 i
  for i in 1 2; do /usr/bin/time -f "%U %S" -o "$tmp/spin$i" timeout 0.5 awk 'BEGIN { while (1) ; }' & done
  wait
  for i in 1 2; do c=$(calc "$c + $(tail -1 "$tmp/spin$i" | awk '{ print $1 + $2 }')"); done
  calc "$c / 0.5"
}
# wall seconds of one command (stdout/stderr to $tmp/last.log; failure aborts)
wall() {
  local t0 t1
  t0=$(now)
  "$@" >"$tmp/last.log" 2>&1 || { cat "$tmp/last.log" >&2; echo "run.sh: failed: $*" >&2; exit 2; }
  t1=$(now)
  calc "$t1 - $t0"
}

echo "twintrial benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load $(cut -d' ' -f1-3 /proc/loadavg), build $build"

# ---------------------------------------------------------------- 1. simulation floors
if has sim || has r; then
  echo "... simulation kernels (tt_bench_sim)"
  "$bench" "$ad" "$t2d" -seconds "$seconds" -rounds 3 -csv "$tmp/t2d.csv" >"$tmp/sim.txt" 2>&1 ||
    { cat "$tmp/sim.txt" >&2; exit 2; }
  s=$tmp/sim.txt
fi
if has sim; then
  ad_real=$(get ad_real_per_core_s "$s") ad_floor=$(get ad_floor_per_core_s "$s") ad_twin=$(get ad_twin_per_core_s "$s")
  row "1a AD closed form, twin-arms/core-s: twintrial / C floor" "$(calc "$ad_real / $ad_floor")" ">=" 0.8
  info "twintrial (TTSimTrajectory + observe), twin-arms/core-s" "$(calc "$ad_real")"
  info "C floor (closed form + the same Beta draws)" "$(calc "$ad_floor")"
  info "observations, max |twintrial - floor| (0: bitwise)" "$(get ad_floor_max_abs_diff "$s")"
  info "whole TTTrialSimulateTwin (cohort, dropout, prognosis)" "$(calc "$ad_twin")"
  info "  ... its ratio to the floor" "$(calc "$ad_twin / $ad_floor")"
  t_real=$(get t2d_real_per_core_s "$s") t_floor=$(get t2d_floor_per_core_s "$s")
  row "1b T2D ODE, twin-arms/core-s: twintrial (PETSc TS) / RK4 floor" "$(calc "$t_real / $t_floor")" ">=" 0.5
  info "twintrial (a TS per twin, its arms together), /core-s" "$(calc "$t_real")"
  info "C floor (fixed-step RK4, same draws)" "$(calc "$t_floor")"
  info "worst rel. error at the visits, TS rtol 1e-8 | RK4" "$(get t2d_ts_err "$s") | $(get t2d_rk4_err "$s")"
  info "RK4 step, days" "$(get t2d_rk4_h_days "$s")"
  info "TS right-hand side calls per twin-arm | RK4 ones" "$(get t2d_ts_rhs_per_twin_arm "$s") | $(get t2d_rk4_rhs_per_twin_arm "$s")"
  t_one=$(get t2d_one_by_one_per_core_s "$s")
  info "each twin-arm alone (as dosing models), /core-s | err" "$(calc "$t_one") | $(get t2d_one_by_one_err "$s")"
  for j in 0 1 2; do
    b=$(get t2d_batch${j}_per_core_s "$s")
    info "experiment: a TS over $(get t2d_batch${j}_B "$s") twin-arms (rtol $(get t2d_batch${j}_rtol "$s")) / floor" \
      "$(calc "$b / $t_floor")"
  done
  info "  ... max rel. change of a twin with its block mates" "$(get t2d_batch_block_dependence_max_rel "$s")"
  note "  (a twin's bits would depend on its block: src/sim batches only a twin's own arms)"
fi

# ---------------------------------------------------------------- 2. R deSolve
if has r; then
  if command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("deSolve", quietly = TRUE))' >/dev/null 2>&1; then
    echo "... R deSolve::lsoda"
    Rscript "$here/t2d_lsoda.R" "$tmp/t2d.csv" 0.7 >"$tmp/r.txt" 2>&1 || { cat "$tmp/r.txt" >&2; exit 2; }
    r_s=$(get r_s_per_twin_arm "$tmp/r.txt") ts_s=$(get t2d_ts_integrate_s_per_twin_arm "$s")
    row "2  T2D, time per twin-arm: R deSolve::lsoda / twintrial" "$(calc "$r_s / $ts_s")" ">=" 50
    info "lsoda (R right-hand side, rtol 1e-8), ms per twin-arm" "$(calc "1000 * $r_s")"
    info "twintrial TTSimTrajectories, ms per twin-arm" "$(calc "1000 * $ts_s")"
    info "max rel. difference lsoda - twintrial at the visits" "$(get r_max_rel_diff_vs_twintrial "$tmp/r.txt")"
  else
    row "2  T2D, time per twin-arm: R deSolve::lsoda / twintrial" "" ">=" 50
    note "(Rscript or the deSolve package is missing: r-cran-desolve)"
  fi
fi

# ---------------------------------------------------------------- 3. end to end, 1 -> 2 ranks
e2e() { # sets T1 T2 S1 S2 (twintrial) and M1 M2 (bare MPI start), best of $repeat
  local w1=() w2=() z1=() z2=() m1=() m2=() i
  for ((i = 0; i < repeat; i++)); do
    w1+=("$(wall mpirun -n 1 "$tt" run "$ad" -o "$tmp/e1.h5" --force --progress none)")
    w2+=("$(wall mpirun -n 2 "$tt" run "$ad" -o "$tmp/e2.h5" --force --progress none)")
    z1+=("$(wall mpirun -n 1 "$tt" run "$ad" -o "$tmp/s1.h5" --force --progress none --replicates 1)")
    z2+=("$(wall mpirun -n 2 "$tt" run "$ad" -o "$tmp/s2.h5" --force --progress none --replicates 1)")
    m1+=("$(wall env OMPI_MCA_pml=ob1 mpirun -n 1 "$mpistart")")
    m2+=("$(wall env OMPI_MCA_pml=ob1 mpirun -n 2 "$mpistart")")
  done
  T1=$(min "${w1[@]}") T2=$(min "${w2[@]}") S1=$(min "${z1[@]}") S2=$(min "${z2[@]}")
  M1=$(min "${m1[@]}") M2=$(min "${m2[@]}")
}
if has e2e; then
  if [ "$(nproc)" -lt 2 ]; then
    row "3  end to end: parallel efficiency 1 -> 2 ranks" "" ">=" 0.9
    note "(fewer than 2 cores)"
  else
    echo "... end to end, 1 and 2 ranks (x$repeat)"
    cores=$(free_cores)
    e2e
    cores=$(min "$cores" "$(free_cores)")
    row "3a end to end, efficiency 1 -> 2 ranks, T1 / (2 T2)" "$(calc "$T1 / (2 * $T2)")" ">=" 0.9
    row "3b same, start-up (a 1-replicate run) subtracted" "$(calc "($T1 - $S1) / (2 * ($T2 - $S2))")" ">=" 0.9
    info "wall s, 1 rank | 2 ranks (1000 x 400, 3 analyses)" "$T1 | $T2"
    info "start-up + tear-down s (1 replicate), 1 | 2 ranks" "$S1 | $S2"
    info "  ... of which mpirun + MPI_Init + MPI_Finalize alone" "$M1 | $M2"
    info "3a ceiling: this start-up, a perfect 2-rank run loop" "$(calc "$T1 / (2 * $S2 + $T1 - $S1)")"
    same=identical
    for g in /analyses /replicates /summary /subjects /outcomes; do
      h5diff -r "$tmp/e1.h5" "$tmp/e2.h5" $g $g >/dev/null 2>&1 || same=DIFFERENT
    done
    info "results on 1 and 2 ranks (h5diff)" "$same"
    info "cores 2 spinning processes got (2: machine free)" "$cores"
    if awk "BEGIN { exit !($cores < 1.8) }"; then
      note "(other sessions are using the CPUs: the 2-rank runs got fewer than 2 cores; TT_BENCH_BOOST=1)"
    fi
  fi
fi

# ---------------------------------------------------------------- 4. memory
if has mem; then
  echo "... peak RSS, 200 and 2000 replicates"
  rss() { # lowest peak RSS (KiB) of $repeat 1-rank runs with $1 replicates
    local k=() i
    for ((i = 0; i < repeat; i++)); do
      /usr/bin/time -f %M -o "$tmp/rss" mpirun -n 1 "$tt" run "$ad" -o "$tmp/m.h5" --force --progress none --replicates "$1" \
        >"$tmp/last.log" 2>&1 || { cat "$tmp/last.log" >&2; exit 2; }
      k+=("$(tail -1 "$tmp/rss")")
    done
    min "${k[@]}"
  }
  m1=$(rss 200) m10=$(rss 2000)
  row "4  peak RSS, 2000 / 200 replicates (x 400 twins, 1 rank)" "$(calc "$m10 / $m1")" "<=" 1.1
  info "peak RSS KiB, 200 | 2000 replicates" "$m1 | $m10"
fi

# ---------------------------------------------------------------- 5. output rate
if has out; then
  echo "... per-subject output vs dd"
  for mode in all none; do
    sed -e "s|^cohort: \.\./cohorts/|cohort: $root/cohorts/|" -e "s|^output:.*|output: {subjects: $mode}|" "$ad" >"$tmp/$mode.yaml"
  done
  ta=() tn=() td=()
  for ((i = 0; i < repeat; i++)); do
    for mode in all none; do
      rm -f "$tmp/$mode.h5"
      t0=$(now)
      mpirun -n 1 "$tt" run "$tmp/$mode.yaml" -o "$tmp/$mode.h5" --progress none >"$tmp/last.log" 2>&1 ||
        { cat "$tmp/last.log" >&2; exit 2; }
      sync -d "$tmp/$mode.h5"
      t1=$(now)
      if [ $mode = all ]; then ta+=("$(calc "$t1 - $t0")"); else tn+=("$(calc "$t1 - $t0")"); fi
    done
    bytes=$(($(stat -c %s "$tmp/all.h5") - $(stat -c %s "$tmp/none.h5")))
    mib=$(((bytes + 1048575) / 1048576))
    rm -f "$tmp/dd.bin"
    # random bytes (read back from the page cache): a virtual disk may shortcut zeros
    [ -f "$tmp/random.bin" ] || head -c "${mib}M" /dev/urandom >"$tmp/random.bin"
    t0=$(now)
    dd if="$tmp/random.bin" of="$tmp/dd.bin" bs=1M count=$mib conv=fsync status=none
    t1=$(now)
    td+=("$(calc "$t1 - $t0")")
    rm -f "$tmp/dd.bin"
  done
  Ta=$(min "${ta[@]}") Tn=$(min "${tn[@]}") Td=$(min "${td[@]}")
  rate=$(calc "$bytes / ($Ta - $Tn) / 1048576") disk=$(calc "$mib / $Td")
  row "5  output, subjects: all: write rate / disk's (dd, fsync)" "$(calc "$rate / $disk")" ">=" 0.5
  info "subject data MiB | extra wall s over subjects: none" "$(calc "$bytes / 1048576") | $(calc "$Ta - $Tn")"
  info "twintrial MiB/s | dd (random bytes) conv=fsync MiB/s" "$rate | $disk"
  info "wall s incl. sync, subjects: all | none" "$Ta | $Tn"
  if command -v h5repack >/dev/null; then # what chunked, compressed datasets would cost
    rm -f "$tmp/z.h5"
    t0=$(now)
    h5repack -f SHUF -f GZIP=1 "$tmp/all.h5" "$tmp/z.h5" && sync -d "$tmp/z.h5"
    t1=$(now)
    Tz=$(calc "$t1 - $t0") zbytes=$(($(stat -c %s "$tmp/z.h5") - $(stat -c %s "$tmp/none.h5")))
    info "compressed (shuffle + deflate 1, h5repack): ratio | s" "$(calc "$bytes / $zbytes") | $Tz"
    info "  ... as a write rate (logical MiB/s) / disk's" "$(calc "$bytes / ($Ta - $Tn + $Tz) / 1048576 / $disk")"
  fi
fi

# ---------------------------------------------------------------- 6. personalise: gradients
if has twin; then
  echo "... personalise, fd and sensitivity gradients (tt_bench_twin_gradient)"
  "$twinbench" "$root/tests/data/twin/t2d.yaml" "$root/protocols/pk_metformin_dosing.yaml" -patients 30 \
    -rounds "$repeat" >"$tmp/twin.txt" 2>&1 || { cat "$tmp/twin.txt" >&2; exit 2; }
  w=$tmp/twin.txt
  for k in t2d pk; do
    fd=$(get ${k}_fd_ms_per_patient "$w") se=$(get ${k}_sensitivity_ms_per_patient "$w")
    label=$([ $k = t2d ] && echo "6a personalise T2D (ODE)" || echo "6b personalise PK (doses)")
    row "$label, s per patient: fd / sensitivity" "$(calc "$fd / $se")" ">=" 1
    info "$(get ${k}_model "$w"): ms per patient ($(get ${k}_patients "$w")), fd | sens." "$fd | $se"
    info "  ms per f + gradient as Tao calls it, fd | sens." \
      "$(get ${k}_fd_ms_per_gradient "$w") | $(get ${k}_sensitivity_ms_per_gradient "$w")"
    info "  MAP - reference, prior SDs (worst), fd | sens." \
      "$(get ${k}_fd_map_err_sd "$w") | $(get ${k}_sensitivity_map_err_sd "$w")"
    info "  converged, fd | sens. | reference" \
      "$(get ${k}_fd_converged "$w") | $(get ${k}_sensitivity_converged "$w") | $(get ${k}_reference_converged "$w")"
    info "  Tao iterations per patient, fd | sens." \
      "$(get ${k}_fd_mean_iterations "$w") | $(get ${k}_sensitivity_mean_iterations "$w")"
  done
fi

# ---------------------------------------------------------------- 9. model files against C
if has lang; then
  echo "... model files against the C models (tt_bench_modellang)"
  langbench=$(find "$build" -name tt_bench_modellang -type f -perm -u+x | head -1)
  TWINTRIAL_CACHE=$tmp/model-cache "$langbench" "$root" -seconds "$seconds" -rounds 3 >"$tmp/lang.txt" 2>&1 ||
    { cat "$tmp/lang.txt" >&2; exit 2; }
  for k in ad t2d pk; do
    c=$(get lang_${k}_c_per_core_s "$tmp/lang.txt") f=$(get lang_${k}_file_per_core_s "$tmp/lang.txt")
    row "9 $k: model file / C model, twin-arms/core-s" "$(calc "$f / $c")" ">=" 0.9
    info "C | model file, twin-arms/core-s" "$(calc "$c") | $(calc "$f")"
    info "trajectories, max rel. difference (0: bitwise)" "$(get lang_${k}_max_rel_diff "$tmp/lang.txt")"
  done
fi

# ---------------------------------------------------------------- 7, 8. personalise against R, ranks
if has twin; then
  . "$here/twin.sh"
fi

# ---------------------------------------------------------------- 10. the cost of a guided arm
if has guided; then
  . "$here/guided.sh"
fi

# ---------------------------------------------------------------- 11. MMRM
if has mmrm; then
  . "$here/mmrm.sh"
fi

printf '\n%-60s %12s   %-8s %s\n' "figure" "measured" "target" "result"
printf '%s\n' "${rows[@]}"
echo
[ "$fails" -eq 0 ] && echo "all targets met" || echo "$fails target(s) not met"
[ "$fails" -eq 0 ]
