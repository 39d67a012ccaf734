#!/bin/bash
# Guided arms and the determinism contract: a protocol with a guided arm (each twin
# personalised on its own run-in and reassessed) gives bitwise-identical results on 1 to 4
# ranks with different block sizes, and a run stopped by -tt_stop_after on 2 ranks and
# completed with --resume on 3 equals the uninterrupted one. Under memcheck (tests/
# reliability/valgrind.sh) a smaller trial on 1 and 2 ranks (every twin is personalised
# three times).
# usage: guided.sh TWINTRIAL PROTOCOL
set -uo pipefail
tt=$1 protocol=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
size=(--replicates 4 --patients 12) ranks="1 2 3 4"
case $tt in *valgrind*) size=(--replicates 3 --patients 4) ranks="1 2" ;; esac
run() { # name ranks [extra args]
  local name=$1 n=$2
  shift 2
  mpirun -n "$n" "$tt" run "$protocol" -o "$out/$name.h5" "${size[@]}" --progress none "$@" >"$out/$name.log" 2>&1
}
same() { # a b: every result group bitwise identical
  local groups="/design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary"
  h5ls "$out/$1.h5/guided" >/dev/null 2>&1 && groups="$groups /guided"
  for g in $groups; do
    h5diff -r "$out/$1.h5" "$out/$2.h5" $g $g >"$out/diff.txt" 2>&1 || { echo "FAIL: $g differs between $1 and $2"; head "$out/diff.txt"; exit 1; }
  done
  echo "ok: $2 identical to $1"
}
for n in $ranks; do run n$n "$n" -tt_block $((2 * n + 1)) || { cat "$out/n$n.log"; exit 1; }; done
for n in $ranks; do [ "$n" = 1 ] || same n1 n$n; done
run stop 2 -tt_stop_after 2 -tt_window 1
[ -f "$out/stop.h5.tmp" ] && [ ! -e "$out/stop.h5" ] || { echo "FAIL: the stopped run left no resumable file"; cat "$out/stop.log"; exit 1; }
run stop 3 --resume || { cat "$out/stop.log"; exit 1; }
same n1 stop
echo "ok: stopped after 2 replicates on 2 ranks, resumed on 3"
