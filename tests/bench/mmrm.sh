# shellcheck shell=bash disable=SC2154 # tmp, here, build, seconds, repeat and the helpers come from run.sh
# Part 11 of the benchmark (sourced by tests/bench/run.sh): one replicate's MMRM analysis
# (REML fit and the treatment contrast at the last visit with Satterthwaite df) on 400
# AD-like twins x 6 visits (tests/bench/bench_mmrm.c), CPU ms per replicate on one core
# for the unstructured, Toeplitz and AR(1) covariances (Kenward-Roger apart), and R's
# nlme::gls on the same data sets (tests/bench/mmrm_nlme.R; the fit alone, default
# control): the ratio R / twintrial per structure, in this run.
echo "... MMRM, 400 twins x 6 visits (tt_bench_mmrm; R nlme::gls)"
mmrmbench=$(find "$build" -name tt_bench_mmrm -type f -perm -u+x | head -1)
"$mmrmbench" -seconds "$seconds" -rounds "$repeat" -csv "$tmp/mmrm.csv" >"$tmp/mmrm.txt" 2>&1 ||
  { cat "$tmp/mmrm.txt" >&2; exit 2; }
m=$tmp/mmrm.txt
row "11 MMRM unstructured, 400 x 6, CPU ms per replicate" "$(get mmrm_unstructured_ms "$m")" "<=" 2
info "converged (of $(get mmrm_replicates "$m") data sets) | mean iterations" \
  "$(get mmrm_unstructured_converged "$m") | $(get mmrm_unstructured_iterations "$m")"
info "toeplitz | ar1 | unstructured with Kenward-Roger, ms" \
  "$(get mmrm_toeplitz_ms "$m") | $(get mmrm_ar1_ms "$m") | $(get mmrm_unstructured_kr_ms "$m")"
if command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("nlme", quietly = TRUE))' >/dev/null 2>&1; then
  Rscript "$here/mmrm_nlme.R" "$tmp/mmrm.csv" "${TT_BENCH_R_SECONDS:-10}" >"$tmp/mmrm_r.txt" 2>&1 ||
    { cat "$tmp/mmrm_r.txt" >&2; exit 2; }
  for st in unstructured toeplitz ar1; do
    r=$(get r_${st}_ms "$tmp/mmrm_r.txt") t=$(get mmrm_${st}_ms "$m")
    info "$st: R nlme::gls / twintrial, time per replicate" "$(calc "$r / $t")"
    info "  ms: R ($(get r_${st}_fits "$tmp/mmrm_r.txt") fits) | twintrial" "$(calc "$r") | $t"
    info "  replicate 0 contrast, |twintrial - R| / |R|" \
      "$(calc "sqrt(($(get mmrm_${st}_estimate0 "$m") - ($(get r_${st}_estimate0 "$tmp/mmrm_r.txt")))^2) / sqrt(($(get r_${st}_estimate0 "$tmp/mmrm_r.txt"))^2)")"
  done
else
  note "(Rscript or the nlme package is missing: r-cran-nlme; no R comparison)"
fi
