#!/usr/bin/env bash
# unit_times.sh COMPILER ARGS... — a compiler launcher that logs each unit's build: wall seconds,
# peak compiler memory (kB, GNU time) and the object file, one line per unit, appended to
# $CTFORMER_UNIT_TIMES (default: unit_times.log in the build tree's working directory). Use:
#   export CTFORMER_UNIT_TIMES=/tmp/units.log
#   cmake --preset clang -B /tmp/b -DCMAKE_CXX_COMPILER_LAUNCHER=$PWD/tools/bench/unit_times.sh
#   cmake --build /tmp/b -j2 && sort -rn /tmp/units.log | head
set -uo pipefail
log=${CTFORMER_UNIT_TIMES:-$PWD/unit_times.log}
object=? previous=
for arg in "$@"; do
  [[ $previous == -o ]] && object=$arg
  previous=$arg
done
memory=$(mktemp)
start=$(date +%s%N)
/usr/bin/time -f %M -o "$memory" "$@"
status=$?
end=$(date +%s%N)
elapsed=$(((end - start) / 1000000))
printf '%d.%03d %s %s\n' $((elapsed / 1000)) $((elapsed % 1000)) "$(tail -n 1 "$memory")" "$object" >> "$log"
rm -f "$memory"
exit $status
