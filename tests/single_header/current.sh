#!/usr/bin/env bash
# current.sh SOURCE_DIR SCRATCH — passes when the committed single-header/ctformer.hpp is what
# tools/build/single_header.sh makes of include/ now.
set -euo pipefail
src=$1 scratch=$2
rm -f "$scratch"
bash "$src/tools/build/single_header.sh" "$src" "$scratch"
if ! cmp -s "$scratch" "$src/single-header/ctformer.hpp"; then
  diff -u "$src/single-header/ctformer.hpp" "$scratch" | head -40
  echo "single-header/ctformer.hpp is not what include/ makes now: cmake --build build --target single-header" >&2
  exit 1
fi
echo "single-header/ctformer.hpp is current ($(wc -l < "$scratch") lines)"
