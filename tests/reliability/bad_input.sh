#!/bin/bash
# Bad inputs through the real command line: every case must end with exit status 1 and
# exactly one message line "twintrial: error: PLACE...EXPECTED" where PLACE is the file
# (and, for YAML, LINE:COL: KEY) and EXPECTED says what was expected. No case may hang
# (120 s limit) or leave a results file behind.
# usage: bad_input.sh TWINTRIAL protocol FIXTURE...   first line "# expect: LINE:COL: KEY: TEXT"
#        bad_input.sh TWINTRIAL cohort FIXTURE...     same, read through a protocol naming it
#        bad_input.sh TWINTRIAL generated CASE        made here: deep nesting, 100 MB scalar, FIFO, ...
#        bad_input.sh TWINTRIAL results CASE          tests/data/bad_inputs/results/cases.tsv
set -u
tt=$1 kind=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$root/tests/data/bad_inputs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 n=0

# check PLACE EXPECTED COMMAND...: one user error naming PLACE and containing EXPECTED.
check() {
  local place=$1 expect=$2 rc msg lines
  shift 2
  n=$((n + 1))
  timeout 120 "$@" >"$work/out" 2>"$work/err"
  rc=$?
  msg=$(grep -a '^twintrial: ' "$work/err")
  lines=$(grep -a -c '^twintrial: ' "$work/err")
  if [ $rc -ne 1 ] || [ "$lines" -ne 1 ] || [[ "$msg" != "twintrial: error: $place"* ]] || [[ "$msg" != *"$expect"* ]]; then
    echo "FAIL: $*"
    echo "      exit $rc, $lines message line(s): ${msg:0:400}"
    echo "      expected exit 1 and one line 'twintrial: error: $place...$expect...'"
    grep -a -m3 -E 'ERROR|runtime error|leak' "$work/err"
    fails=$((fails + 1))
  else
    echo "ok: ${msg:0:300}"
  fi
}

# A valid protocol reading cohort file $1 (absolute).
protocol_for_cohort() {
  sed -e '1d' -e "s|^cohort: .*|cohort: $1|" -e 's/symptomatic_emax: .nan/symptomatic_emax: 4.1/' \
    "$data/protocol/effect_nan.yaml" >"$work/wrapper.yaml"
}

valid_protocol() { # a valid protocol at $1 with $2 as its trial name (the cohort resolved from tests/data)
  sed -e '1d' -e "s|^cohort: .*|cohort: $root/cohorts/ad_mild_moderate.yaml|" \
    -e 's/symptomatic_emax: .nan/symptomatic_emax: 4.1/' "$data/protocol/effect_nan.yaml" >"$1"
}

nested() { # nested DEPTH OPEN CLOSE LEAF: OPEN^DEPTH LEAF CLOSE^DEPTH on one line
  local d=$1
  head -c "$d" /dev/zero | tr '\0' "$2"
  printf '%s' "$4"
  head -c "$d" /dev/zero | tr '\0' "$3"
}

case $kind in
protocol)
  for f in "$@"; do
    check "$f:$(head -1 "$f" | sed -n 's/^# expect: //p')" "" "$tt" validate "$f"
  done
  ;;
cohort)
  for f in "$@"; do
    real=$(realpath "$f")
    protocol_for_cohort "$real"
    check "$real:$(head -1 "$f" | sed -n 's/^# expect: //p')" "" "$tt" validate "$work/wrapper.yaml"
  done
  ;;
generated)
  f=$work/p.yaml
  case $1 in
  deep_flow_sequences) # 10000 levels of [[[...]]]: parsed on the heap, the check stops at 64
    { printf 'trial: '; nested 10000 '[' ']' 1; echo; } >"$f"
    check "$f:1:" "trial[0][0]" "$tt" validate "$f"
    check "$f:1:" "expected at most 64 levels of nesting" "$tt" validate "$f"
    { printf 'trial: {name: x, seed: '; nested 10000 '[' ']' 1; echo '}'; } >"$f"
    check "$f:1:" "expected at most 64 levels of nesting" "$tt" validate "$f"
    ;;
  deep_flow_mappings) # 10000 levels of {a: {a: ...}}
    { printf 'trial: '; nested 10000 '{' '}' 1 | sed 's/{/{a: /g'; echo; } >"$f"
    check "$f:1:" "expected at most 64 levels of nesting" "$tt" validate "$f"
    ;;
  deep_cohort) # the same inside a cohort file
    { printf 'cohort:\n  name: '; nested 10000 '[' ']' x; echo; } >"$work/c.yaml"
    protocol_for_cohort "$work/c.yaml"
    check "$work/c.yaml:2:" "expected at most 64 levels of nesting" "$tt" validate "$work/wrapper.yaml"
    ;;
  scalar_100mb) # a 100 MB value: refused by size before parsing
    { printf 'trial:\n  name: '; head -c 104857600 /dev/zero | tr '\0' x; echo; } >"$f"
    check "$f: " "expected a file of at most 16777216 bytes" "$tt" validate "$f"
    ;;
  scalar_15mb) # just under the size limit: parsed, then refused as a name
    valid_protocol "$work/v.yaml"
    { echo 'trial:'; printf '  name: '; head -c 15000000 /dev/zero | tr '\0' x; echo; tail -n +3 "$work/v.yaml"; } >"$f"
    check "$f:2:9: trial.name" "expected a string of at most 255 characters" "$tt" validate "$f"
    ;;
  criteria_100000_terms) # a criteria expression with 100000 and-ed terms (evaluation recurses per term)
    {
      printf 'cohort:\n  name: many terms\n  covariates:\n    age: {dist: normal, mean: 73, sd: 8}\n  include: "age > 0'
      for ((i = 0; i < 10000; i++)); do printf ' and age > 0 and age > 0 and age > 0 and age > 0 and age > 0 and age > 0 and age > 0 and age > 0 and age > 0 and age > 0'; done
      echo '"'
    } >"$work/c.yaml"
    protocol_for_cohort "$work/c.yaml"
    check "$work/c.yaml:5:" "cohort.include: expected at most 4096 terms and operators" "$tt" validate "$work/wrapper.yaml"
    ;;
  directory) # tests run as root, so chmod 000 would not stop a read: a directory and a FIFO instead
    mkdir "$work/dir.yaml"
    check "$work/dir.yaml: " "expected a regular file, found a directory" "$tt" validate "$work/dir.yaml"
    ;;
  fifo) # opening a FIFO for reading would block forever
    mkfifo "$work/fifo.yaml"
    check "$work/fifo.yaml: " "expected a regular file, found a FIFO" "$tt" validate "$work/fifo.yaml"
    mkfifo "$work/fifo_cohort.yaml"
    protocol_for_cohort "$work/fifo_cohort.yaml"
    check "$work/wrapper.yaml:" "cohort: expected a readable cohort file; '$work/fifo_cohort.yaml' is not a regular file" \
      "$tt" validate "$work/wrapper.yaml"
    ;;
  missing)
    check "$work/nowhere.yaml: " "cannot open file: No such file or directory" "$tt" validate "$work/nowhere.yaml"
    ;;
  zero_bytes)
    : >"$f"
    check "$f:1:1: document" "expected a YAML mapping, found an empty file" "$tt" validate "$f"
    ;;
  run_same_as_validate) # `run` reports a bad protocol exactly as `validate` does, on 2 ranks, before any output
    check "$data/protocol/effect_nan.yaml:12:32: arms[1].effect.symptomatic_emax" "expected a real number, found '.nan'" \
      mpirun -n 2 "$tt" run "$data/protocol/effect_nan.yaml" -o "$work/r.h5" --progress none
    [ -e "$work/r.h5" ] || [ -e "$work/r.h5.tmp" ] && { echo "FAIL: a results file was written"; fails=$((fails + 1)); }
    ;;
  *) echo "unknown generated case $1"; exit 2 ;;
  esac
  ;;
results)
  line=$(awk -F'\t' -v c="$1" '$1 == c' "$data/results/cases.tsv")
  [ -n "$line" ] || { echo "unknown results case $1"; exit 2; }
  IFS=$'\t' read -r name exp_summary exp_export what <<<"$line"
  valid_protocol "$work/p.yaml"
  "$tt" run "$work/p.yaml" -o "$work/base.h5" --progress none >/dev/null 2>&1 &&
    "$tt" run "$work/p.yaml" -o "$work/stop.h5" --progress none -tt_stop_after 1 >/dev/null 2>&1 ||
    { echo "FAIL: could not make the base results files"; exit 1; }
  /usr/bin/python3 "$here/make_bad_results.py" "$name" "$work/base.h5" "$work/stop.h5.tmp" "$work/bad.h5" ||
    { echo "FAIL: make_bad_results.py $name"; exit 1; }
  echo "case $name: $what"
  for cmd in summary export; do
    exp=$exp_summary
    args=("$tt" summary "$work/bad.h5")
    [ $cmd = export ] && exp=$exp_export args=("$tt" export "$work/bad.h5" --csv "$work/csv")
    if [ "$exp" = - ]; then # this command does not read the damaged part
      n=$((n + 1))
      if timeout 120 "${args[@]}" >/dev/null 2>"$work/err"; then echo "ok: $cmd unaffected"; else
        echo "FAIL: $cmd should succeed: $(cat "$work/err")"
        fails=$((fails + 1))
      fi
    else
      check "$work/bad.h5: " "$exp" "${args[@]}"
    fi
  done
  ;;
*) echo "usage: bad_input.sh TWINTRIAL protocol|cohort|generated|results ..."; exit 2 ;;
esac
echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
