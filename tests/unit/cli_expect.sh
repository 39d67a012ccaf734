#!/bin/bash
# A bad input through the real command line: exit status 1 and exactly one message
# line "twintrial: error: FILE:LINE:COL: KEY: ..." matching the fixture's first line
# "# expect: LINE:COL: KEY: TEXT".
# usage: cli_expect.sh TWINTRIAL [validate|run] FIXTURE...   (run uses 2 MPI ranks)
set -u
tt=$1 cmd=$2
shift 2
fails=0 n=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in "$@"; do
  n=$((n + 1))
  expect=$(head -1 "$f" | sed -n 's/^# expect: //p')
  if [ "$cmd" = run ]; then
    mpirun -n 2 "$tt" run "$f" -o "$out/r.h5" --replicates 3 --patients 20 --progress none >/dev/null 2>"$out/err"
  else
    "$tt" validate "$f" >/dev/null 2>"$out/err"
  fi
  rc=$?
  msg=$(grep '^twintrial: ' "$out/err")
  lines=$(grep -c '^twintrial: ' "$out/err")
  if [ $rc -ne 1 ] || [ "$lines" -ne 1 ] || [[ "$msg" != *":$expect"* ]] || [[ "$msg" != "twintrial: error: "* ]]; then
    echo "FAIL: $f: exit $rc, $lines message line(s): $msg"
    echo "      expected exit 1 and one line containing ':$expect'"
    fails=$((fails + 1))
  fi
  [ -e "$out/r.h5" ] && { echo "FAIL: $f: a results file exists at the final path"; fails=$((fails + 1)); }
done
echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
