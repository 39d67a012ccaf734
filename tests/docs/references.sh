#!/bin/bash
# Every Markdown document the sources, protocols, cohorts, tests and docs cite exists:
# a comment citing a design note that is not in the repository sends a reader nowhere. Paths are tried relative to the citing file and to the
# repository root; web addresses are not checked. Sources are cited as papers instead.
# usage: references.sh SOURCE_DIR
set -u
root=$1
cd "$root" || exit 1
fails=0 n=0
files=$(find README.md analysis cohorts include jobs protocols src tests CMakeLists.txt -type f \
  \( -name '*.md' -o -name '*.c' -o -name '*.h' -o -name '*.yaml' -o -name '*.py' -o -name '*.R' -o -name '*.sh' \
  -o -name '*.cmake' -o -name '*.txt' -o -name '*.csv' -o -name '*.cpp' -o -name 'report' -o -name 'collect' \
  -o -name '*.sbatch' \) 2>/dev/null)
for f in $files; do
  while IFS= read -r ref; do
    n=$((n + 1))
    case $ref in http* | *://*) continue ;; esac
    [ -e "$ref" ] || [ -e "./$ref" ] || [ -e "$(dirname "$f")/$ref" ] && continue
    echo "FAIL: $f cites $ref, which is not in the repository"
    fails=$((fails + 1))
  done < <(grep -oE '(https?://)?[A-Za-z0-9_./-]*[A-Za-z0-9_]\.md\b' "$f" | sort -u)
done
echo "$n citations of Markdown files checked, $fails missing"
[ $fails -eq 0 ]
