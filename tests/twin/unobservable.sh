#!/bin/bash
# Observations the model gives no density for are refused where they stand: a derived
# variable (pk_1cmt_oral's css_avg, never measured) and a censored relapse count (counts
# are exact). Each: exit status 1 and one located message.
# Usage: unobservable.sh TWINTRIAL SOURCE_DIR
set -u
tt=$1 src=$2 d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
f=0
check() { # protocol obs cov expected-location expected-text
  "$tt" personalise "$1" --observations "$2" --covariates "$3" -o "$d/t.h5" --force --progress none >"$d/out" 2>&1
  rc=$?
  if [ $rc -ne 1 ] || [ "$(grep -c '^twintrial: ' "$d/out")" -ne 1 ] || ! grep -q "^twintrial: error: $2:$4: $5" "$d/out"; then
    echo "FAIL: $2: exit $rc"; cat "$d/out"; f=1
  fi
  [ -e "$d/t.h5" ] && { echo "FAIL: $2 left an output"; f=1; }
}
printf 'id,time,variable,value,arm\nP1,0.1,concentration,0.5,metformin_850mg_tid\nP1,0.2,css_avg,0.9,metformin_850mg_tid\n' >"$d/pk.csv"
printf 'id,weight\nP1,70\n' >"$d/pk_cov.csv"
check "$src/protocols/pk_metformin_dosing.yaml" "$d/pk.csv" "$d/pk_cov.csv" "3:8" "variable: expected a variable the model gives"
printf 'id,time,variable,value,arm\nP1,0,cumulative_relapses,0,placebo\nP1,12,cumulative_relapses,<2,placebo\n' >"$d/ms.csv"
printf 'id,prior_relapses\nP1,1\n' >"$d/ms_cov.csv"
check "$src/protocols/ms_relapse.yaml" "$d/ms.csv" "$d/ms_cov.csv" "3:27" "value: expected an exact value"
[ $f -eq 0 ] && echo "ok: unobservable variables and censored counts refused"
exit $f
