#!/bin/bash
# A bad personalisation input (tests/data/twin/bad/): reading it as the command line does
# must end with exit status 1 and exactly one message line
# "twintrial: error: FIXTURE:LINE:COL: KEY: TEXT..." matching the fixture's first line
# "# expect: LINE:COL: KEY: TEXT" (a comment before the header, which the reader skips).
# obs_*.csv fixtures are read as OBS.csv of tests/data/twin/t2d.yaml (with t2d_cov.csv),
# cov_*.csv fixtures as COV.csv of tests/data/twin/ad.yaml (with ad_obs.csv).
# usage: twin_obs_expect.sh READER FIXTURE
set -u
reader=$1 f=$2
data=$(cd "$(dirname "$0")/../data/twin" && pwd)
err=$(mktemp)
trap 'rm -f "$err"' EXIT
case $(basename "$f") in
obs_*) "$reader" "$data/t2d.yaml" "$f" "$data/t2d_cov.csv" >/dev/null 2>"$err" ;;
cov_*) "$reader" "$data/ad.yaml" "$data/ad_obs.csv" "$f" >/dev/null 2>"$err" ;;
*) echo "FAIL: $f: a fixture is named obs_* or cov_*"; exit 1 ;;
esac
rc=$?
expect=$(head -1 "$f" | tr -d '\r' | sed -n 's/^# expect: //p')
msg=$(grep -a '^twintrial: ' "$err")
lines=$(grep -a -c '^twintrial: ' "$err")
if [ -z "$expect" ] || [ $rc -ne 1 ] || [ "$lines" -ne 1 ] || [[ "$msg" != "twintrial: error: $f:$expect"* ]]; then
  echo "FAIL: $f: exit $rc, $lines message line(s): $msg"
  echo "      expected exit 1 and one line starting 'twintrial: error: $f:$expect'"
  exit 1
fi
echo "ok: $msg"
