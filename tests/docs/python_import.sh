#!/bin/bash
# The Python reader imports the two documented ways, with no sys.path edit, from a
# directory that is not the repository: (1) PYTHONPATH=analysis/python; (2) installed
# with pip into a fresh virtual environment (Debian's h5py and pandas through
# --system-site-packages, no network: --no-index --no-build-isolation). The package is
# built from a copy, so the source tree stays clean.
# usage: python_import.sh SOURCE_DIR PYTHON
set -u
root=$1 py=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fails=0
check='import twintrial, inspect; assert callable(twintrial.read); print(twintrial.__file__)'
if out=$(PYTHONPATH="$root/analysis/python" "$py" -c "$check" 2>&1); then
  echo "ok: PYTHONPATH=analysis/python: $out"
else
  echo "FAIL: PYTHONPATH=analysis/python: $out"
  fails=$((fails + 1))
fi
if ! "$py" -c 'import setuptools, venv' 2>/dev/null || ! "$py" -m pip --version >/dev/null 2>&1; then
  echo "pip, setuptools or venv missing: the pip install is not checked"
else
  cp -r "$root/analysis/python" "$work/src"
  "$py" -m venv --system-site-packages "$work/env" >"$work/venv.log" 2>&1 &&
    "$work/env/bin/python" -m pip install --quiet --no-index --no-build-isolation --no-deps "$work/src" \
      >"$work/pip.log" 2>&1
  rc=$?
  out=$("$work/env/bin/python" -c "$check" 2>&1)
  if [ $rc -eq 0 ] && [[ "$out" == "$work/env/"* ]]; then
    echo "ok: pip install analysis/python: $out"
  else
    echo "FAIL: pip install analysis/python (exit $rc): $out"
    tail -n 5 "$work/venv.log" "$work/pip.log"
    fails=$((fails + 1))
  fi
fi
[ $fails -eq 0 ]
