#!/usr/bin/env bash
# Compile seconds and peak memory of the all-input proof, per digit count, for one compiler:
#   bash tools/bench/all_inputs_compile.sh g++ [FIRST_D [LAST_D [ROWS]]]
#   bash tools/bench/all_inputs_compile.sh clang++-19 1 16 18
# Each D's answer rows are split evenly into the fewest units of at most ROWS rows (default 10, as
# the gcc preset's target ctformer_proofs_all_inputs_add builds it), compiled one unit at a time, without the precompiled header; "network" is a unit that only
# builds the compiled network and the proof's tables, the cost every unit pays before its rows (the
# precompiled header of the real target pays it once). Prints, per D: the units' total seconds, the
# seconds above the network's, and the largest peak memory of a unit.
set -euo pipefail
cxx=${1:-g++}
first=${2:-1}
last=${3:-16}
most=${4:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $("$cxx" --version | head -1) in
    *clang*) budget="-fconstexpr-steps=2147483647" ;;
    *) budget="-fconstexpr-ops-limit=4294967296" ;;
esac
compile() {  # file → "seconds peak_kb"
    /usr/bin/time -f "%e %M" -o "$work/time" "$cxx" -std=c++20 $budget -I"$root/include" -fsyntax-only "$1"
    cat "$work/time"
}
printf '#include <ctformer/proof/all_inputs.hpp>\nstatic_assert(ctformer::all_inputs<ctformer::seed_weights>::learnt_once_holds());\n' > "$work/network.cpp"
read -r base_s base_kb < <(compile "$work/network.cpp")
printf '%-8s %10s %10s %12s\n' "D" "seconds" "rows_s" "peak_MB"
printf '%-8s %10.1f %10s %12.0f\n' "network" "$base_s" "-" "$((base_kb / 1024))"
total=0
for ((d = first; d <= last; ++d)); do
    lo=$((2 * d + 1)); rows=$((d + 2)); n=$(((rows + most - 1) / most)); secs=0; peak=0; units=0; r=$lo
    for ((k = 1; k <= n; ++k)); do
        e=$((lo + k * rows / n - 1))
        printf '#include <ctformer/proof/all_inputs.hpp>\nstatic_assert(ctformer::proven_rows_for_all_inputs<ctformer::seed_weights, %d, %d, %d>);\n' "$d" "$r" "$e" > "$work/unit.cpp"
        read -r s kb < <(compile "$work/unit.cpp")
        secs=$(echo "$secs + $s" | bc); units=$((units + 1))
        ((kb > peak)) && peak=$kb
        r=$((e + 1))
    done
    rows=$(echo "$secs - $units * $base_s" | bc)
    total=$(echo "$total + $secs" | bc)
    printf '%-8s %10.1f %10.1f %12.0f\n' "$d" "$secs" "$rows" "$((peak / 1024))"
done
printf '%-8s %10.1f\n' "total" "$total"
