#!/bin/bash
# Timeouts scale with the tool a suite runs under: configures the project (no build) as
# tests/reliability/sanitize.sh (TT_SANITIZE) and valgrind.sh (TT_VALGRIND) do and
# checks that every test's TIMEOUT is 4 and 20 times its value in a release configuration
# (CTest's default 1500 s where that sets none). Three scratch configurations, so the
# check means the same whichever build runs it.
# usage: timeouts.sh SOURCE_DIR
set -u
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
timeouts() { # name=timeout per line, from `ctest --show-only=json-v1`
  (cd "$1" && ctest --show-only=json-v1) | "$py" -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    v = [p["value"] for p in t.get("properties", []) if p["name"] == "TIMEOUT"]
    print(t["name"], int(v[0]) if v else 1500)'
}
cmake -S "$src" -B "$work/release" -DCMAKE_BUILD_TYPE=Release >"$work/release.log" 2>&1 ||
  { tail -20 "$work/release.log"; exit 1; }
timeouts "$work/release" >"$work/release.txt" || exit 1
fails=0
for case in "sanitize 4 -DTT_SANITIZE=ON" "valgrind 20 -DTT_VALGRIND=valgrind;--quiet"; do
  read -r name scale flag <<<"$case"
  cmake -S "$src" -B "$work/$name" -DCMAKE_BUILD_TYPE=Debug "$flag" >"$work/$name.log" 2>&1 ||
    { tail -20 "$work/$name.log"; exit 1; }
  timeouts "$work/$name" >"$work/$name.txt" || exit 1
  bad=$(join <(sort "$work/release.txt") <(sort "$work/$name.txt") | awk -v s="$scale" '$3 != $2 * s' | head -5)
  n=$(wc -l <"$work/$name.txt")
  if [ -n "$bad" ] || [ "$n" -lt 100 ]; then
    echo "FAIL: $name: $n tests; expected every timeout $scale x the release one; differ: $bad"
    fails=$((fails + 1))
  else
    echo "ok: $name: $n tests, every timeout $scale x the release one" \
      "(outputs_work_for_every_shipped_protocol: $(grep '^outputs_work_for_every_shipped_protocol ' "$work/$name.txt" | cut -d' ' -f2) s)"
  fi
done
[ $fails -eq 0 ]
