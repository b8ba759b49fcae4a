#!/usr/bin/env bash
# docs/tour.md shows pictures that a build target draws (docs-pictures). They must be the pictures
# the code draws today, and every picture the tour links must be among them.
# usage: docs_pictures.sh CTFORMER SOURCE_DIR WORKDIR
set -euo pipefail
ctformer=$1 source=$2 work=$3
rm -rf "$work"
"$ctformer" plot 0457+0168= -o "$work" >/dev/null
fails=0
if ! diff -r -q "$source/docs/pictures" "$work"; then
  echo "FAIL: docs/pictures is out of date: run  cmake --build build --target docs-pictures  and commit it"
  fails=$((fails + 1))
fi
links=$(grep -o '](pictures/[^)]*)' "$source/docs/tour.md" | sed 's/^](pictures\///; s/)$//' | sort -u)
[ -n "$links" ] || { echo "FAIL: docs/tour.md links no pictures"; fails=$((fails + 1)); }
for l in $links; do
  [ -f "$work/$l" ] || { echo "FAIL: docs/tour.md links pictures/$l, which ctformer plot does not draw"; fails=$((fails + 1)); }
done
[ "$fails" -eq 0 ] && echo "docs/pictures is current; the tour's $(wc -w <<< "$links") pictures exist"
exit "$fails"
