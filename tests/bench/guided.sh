# shellcheck shell=bash disable=SC2154 # tt, tmp, here and repeat come from run.sh
# Part 10 of the benchmark (sourced by tests/bench/run.sh): the cost of a guided arm.
# tests/bench/guided_t2d.yaml (400 T2D twins, a guided arm of 4 candidates with 2
# reassessments and 50 posterior draws per forecast, against a standard of care) and its
# standard counterpart (the guided arm replaced by the first candidate, everything else
# equal), each timed in CPU seconds (user + system) on one rank: (3 replicates - 1
# replicate) / 2 per replicate (standard: (21 - 1) / 20, since one is about 0.05 s and
# time(1) counts hundredths), best of $repeat; the ratio is the cost of a guided
# replicate in standard replicates, row 10 with the guided arm's forecast: delta_method
# (2 x 3 + 1 trajectories per candidate, as protocols/t2d_twin_precision.yaml forecasts;
# target <= 20), 10b (information, no target) with forecast: draws (the 50 draws each
# integrated). Every twin is simulated under every arm, so each is personalised three
# times (run-in, weeks 12 and 26).
guided_cpu() { # PROTOCOL REPLICATES: best CPU seconds of $repeat runs
  local c=() i
  for ((i = 0; i < repeat; i++)); do
    /usr/bin/time -f "%U %S" -o "$tmp/gcpu" "$tt" run "$1" -o "$tmp/guided.h5" --replicates "$2" --force \
      --progress none >"$tmp/last.log" 2>&1 || { cat "$tmp/last.log" >&2; echo "run.sh: failed: $1" >&2; exit 2; }
    c+=("$(tail -1 "$tmp/gcpu" | awk '{ printf "%.6g", $1 + $2 }')")
  done
  min "${c[@]}"
}
echo "... guided arm: T2D, 400 twins"
gp=$tmp/guided_t2d.yaml sp=$tmp/standard_t2d.yaml lp=$tmp/delta_t2d.yaml
sed "s|\.\./\.\./cohorts/|$root/cohorts/|" "$here/guided_t2d.yaml" >"$gp"
awk '/^  - name: guided$/ { print "  - {name: guided, regimen: metformin_max}"; skip = 1; next }
     skip && /^schedule:/ { skip = 0 } !skip' "$gp" >"$sp"
sed 's/^      draws: 50$/      draws: 50\n      forecast: delta_method/' "$gp" >"$lp"
grep -q 'forecast: delta_method' "$lp" || { echo "run.sh: guided.sh: no draws: 50 line in $gp" >&2; exit 2; }
g3=$(guided_cpu "$gp" 3) g1=$(guided_cpu "$gp" 1) s3=$(guided_cpu "$sp" 21) s1=$(guided_cpu "$sp" 1)
l3=$(guided_cpu "$lp" 3) l1=$(guided_cpu "$lp" 1)
gr=$(calc "($g3 - $g1) / 2") sr=$(calc "($s3 - $s1) / 20") lr=$(calc "($l3 - $l1) / 2")
info "10 guided replicate, CPU s (delta method | draws | standard)" "$lr | $gr | $sr"
row "10 guided T2D replicate (400 twins, 4 candidates, 2 reassessments; forecast: delta_method, as shipped) / standard" "$(calc "$lr / $sr")" "<=" 20
info "10b same with forecast: draws (50 integrated draws) / standard" "$(calc "$gr / $sr")"
