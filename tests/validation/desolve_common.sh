# shellcheck shell=bash disable=SC2034 # here and out are the caller's
# Sourced by the comparisons with R deSolve (t2d_vs_desolve.sh, t2d_switch_vs_desolve.sh,
# modellang_vs_desolve.sh, modellang_events_vs_desolve.sh), with exe=$1 and rscript=${2:-}
# set: skips (77) without R or
# deSolve, else sets here (this directory) and out (a temporary directory removed at exit).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core and r-cran-desolve to run this validation"; exit 77
fi
if ! "$rscript" -e 'quit(status = !requireNamespace("deSolve", quietly = TRUE))' >/dev/null 2>&1; then
  echo "SKIP: R package deSolve is not installed (Debian: r-cran-desolve)"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
