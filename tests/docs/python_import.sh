#!/bin/bash
# The Python reader imports the two documented ways, with no sys.path edit, from a
# directory that is not the repository: (1) PYTHONPATH=analysis/python; (2) installed
# with pip (`pip install analysis/python`): into a fresh virtual environment that sees
# Debian's h5py and pandas (--system-site-packages), or, where python3-venv is missing,
# with the system pip into a --target directory; no network (--no-index
# --no-build-isolation --no-deps). The package is built from a copy, so the source tree
# stays clean. Exit 77 (skipped) after (1) when pip or setuptools is not installed.
# usage: python_import.sh SOURCE_DIR PYTHON
set -u
root=$1 py=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
check='import twintrial; assert callable(twintrial.read); print(twintrial.__file__)'
if out=$(PYTHONPATH="$root/analysis/python" "$py" -c "$check" 2>&1); then
  echo "ok: PYTHONPATH=analysis/python: $out"
else
  echo "FAIL: PYTHONPATH=analysis/python: $out"
  exit 1
fi
if ! "$py" -c 'import setuptools' 2>/dev/null || ! "$py" -m pip --version >/dev/null 2>&1; then
  echo "SKIP: pip or setuptools is not installed (Debian: python3-pip python3-setuptools); pip install not checked"
  exit 77
fi
cp -r "$root/analysis/python" "$work/src"
flags="--quiet --no-index --no-build-isolation --no-deps"
if "$py" -m venv --system-site-packages "$work/env" >"$work/venv.log" 2>&1; then
  how="a virtual environment" python="$work/env/bin/python" prefix="$work/env/"
  "$python" -m pip install $flags "$work/src" >"$work/pip.log" 2>&1
else
  how="--target (no python3-venv)" python=$py prefix="$work/site/"
  "$py" -m pip install $flags --target "$work/site" "$work/src" >"$work/pip.log" 2>&1
fi
rc=$?
out=$(PYTHONPATH=$([ "$prefix" = "$work/site/" ] && echo "$work/site") "$python" -c "$check" 2>&1)
if [ $rc -eq 0 ] && [[ "$out" == "$prefix"* ]]; then
  echo "ok: pip install analysis/python, into $how: $out"
else
  echo "FAIL: pip install analysis/python into $how (exit $rc): $out"
  tail -n 5 "$work/venv.log" "$work/pip.log"
  exit 1
fi
