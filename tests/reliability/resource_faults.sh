#!/bin/bash
# Resource faults while writing results.
#   unwritable_output  -o into a missing directory, onto an existing directory, into a
#                      read-only file system: exit 1 at start, one message naming the path
#                      (of the lock file, the first thing a run creates)
#   disk_full          a 64 MB tmpfs, 2 ranks: nearly full at the start (exit 2, one
#                      message naming OUT.tmp, nothing left); filled up mid-run (the run
#                      completes, bitwise identical to an uninterrupted run: all space
#                      is allocated or reserved at the start); a stopped run resumed
#                      after the disk filled (completes, bitwise identical)
# Mounting needs root: without it the tmpfs parts exit 77 (skipped).
# usage: resource_faults.sh TWINTRIAL unwritable_output|disk_full
set -u
tt=$1 what=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
protocol=$root/protocols/alzheimers_procova.yaml
work=$(mktemp -d)
mnt=$work/mnt
mkdir -p "$mnt"
trap 'kill $(jobs -p) 2>/dev/null; wait; mountpoint -q "$mnt" && umount "$mnt"; rm -rf "$work"' EXIT
fails=0 n=0
check() { n=$((n + 1)); if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
one_message() { # FILE PATTERN: exactly one "twintrial: " line, matching PATTERN
  [ "$(grep -a -c '^twintrial: ' "$1")" -eq 1 ] && grep -a "^twintrial: " "$1" | grep -q -E -e "$2"
}

case $what in
unwritable_output)
  "$tt" run "$protocol" -o "$work/missing/r.h5" --replicates 5 --progress none >/dev/null 2>"$work/e1"; rc=$?
  check '[ $rc -eq 1 ] && one_message "$work/e1" "cannot create the lock file $work/missing/r.h5.lock .*writable"' \
    "missing directory: exit $rc, $(grep -a '^twintrial: ' "$work/e1")"
  mkdir "$work/dir.h5"
  start=$(date +%s)
  "$tt" run "$protocol" -o "$work/dir.h5" --replicates 2000 --progress none >/dev/null 2>"$work/e2"; rc=$?
  took=$(($(date +%s) - start))
  check '[ $rc -eq 1 ] && one_message "$work/e2" "-o $work/dir.h5: expected the path of a results file, found a directory" && [ $took -lt 30 ] && [ ! -e "$work/dir.h5.tmp" ]' \
    "output is a directory: exit $rc after $took s (at start), $(grep -a '^twintrial: ' "$work/e2")"
  if mount -t tmpfs -o ro,size=1m tmpfs "$mnt" 2>/dev/null; then
    mpirun -n 2 "$tt" run "$protocol" -o "$mnt/r.h5" --replicates 5 --progress none >/dev/null 2>"$work/e3"; rc=$?
    check '[ $rc -eq 1 ] && one_message "$work/e3" "cannot create the lock file $mnt/r.h5.lock .*writable"' \
      "read-only file system, 2 ranks: exit $rc, $(grep -a '^twintrial: ' "$work/e3")"
    umount "$mnt"
  else
    echo "skip: read-only tmpfs (mount not permitted)"
  fi
  ;;
disk_full)
  mount -t tmpfs -o size=64m tmpfs "$mnt" 2>/dev/null || { echo "mount not permitted: skipped"; exit 77; }
  R=10000
  fill() { dd if=/dev/zero of="$mnt/filler" bs=1K ${1:+count=$1} >/dev/null 2>&1; } # fill [KiB]; none: all
  same() { # A B: every result group bitwise identical
    for g in /design /subjects /outcomes /counterfactual /endpoints /analyses /replicates /summary; do
      h5diff -r "$1" "$2" $g $g >"$work/diff" 2>&1 || { echo "  $g differs"; head -5 "$work/diff"; return 1; }
    done
  }
  "$tt" run "$protocol" -o "$work/ref.h5" --replicates $R --progress none >/dev/null 2>&1

  # At the start: 300 KiB free (the datasets cannot be created), then 3.5 MiB free (they
  # can, the reservation for the close cannot): exit 2, one message, nothing left behind.
  for free in 300 3500; do
    fill $((65536 - free))
    timeout 300 mpirun -n 2 "$tt" run "$protocol" -o "$mnt/r.h5" --replicates $R --progress none >/dev/null 2>"$work/e"
    rc=$?
    check '[ $rc -eq 2 ] && one_message "$work/e" "^twintrial: error: $mnt/r.h5.tmp: cannot (create|reserve) .*is the disk full\? Free space and rerun$" && [ ! -e "$mnt/r.h5" ] && [ ! -e "$mnt/r.h5.tmp" ]' \
      "full disk at the start ($free KiB free): exit $rc, $(grep -a '^twintrial: ' "$work/e" | cut -c1-160)"
    rm -f "$mnt"/*
  done

  # Mid-run: the file system fills up while 2 ranks run. Every dataset was allocated at
  # the start and the close's space reserved, so the run completes, bitwise identical.
  timeout 300 mpirun -n 2 "$tt" run "$protocol" -o "$mnt/r.h5" --replicates $R --progress none >/dev/null 2>"$work/e" &
  pid=$!
  for _ in $(seq 600); do [ -f "$mnt/r.h5.tmp" ] && break; sleep 0.05; done
  sleep 0.3
  fill
  left=$(df -k --output=avail "$mnt" | tail -1 | tr -d ' ')
  running=0
  kill -0 $pid 2>/dev/null && [ ! -e "$mnt/r.h5" ] && running=1
  wait $pid; rc=$?
  check '[ $running -eq 1 ]' "the disk was full while the run was still going"
  check '[ $rc -eq 0 ] && [ -f "$mnt/r.h5" ] && same "$work/ref.h5" "$mnt/r.h5"' \
    "disk filled mid-run ($left KiB left): exit $rc, results complete and bitwise identical (0 lost)"
  rm -f "$mnt"/*

  # A stopped run resumed on a disk that has filled up since: its reservation is kept.
  mpirun -n 2 "$tt" run "$protocol" -o "$mnt/r.h5" --replicates $R --progress none -tt_stop_after 3000 >/dev/null 2>&1
  fill
  timeout 300 mpirun -n 2 "$tt" run "$protocol" -o "$mnt/r.h5" --replicates $R --progress none --resume >/dev/null 2>"$work/e"
  rc=$?
  check '[ $rc -eq 0 ] && same "$work/ref.h5" "$mnt/r.h5"' "resume on a full disk: exit $rc, bitwise identical"
  ;;
*) echo "usage: resource_faults.sh TWINTRIAL unwritable_output|disk_full"; exit 2 ;;
esac
echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
