#!/usr/bin/env bash
# consumer_bench.sh [SOURCE_DIR] — what a library user's first proofs cost: compile seconds and the
# compiler's peak memory of one translation unit, as an outside project builds it (-O2, -c, object
# code discarded; best of CTFORMER_BENCH_RUNS runs, 3 by default), for the light header
# ctformer/core.hpp beside the whole library ctformer/ctformer.hpp:
#   include     : the header alone
#   one proof   : plus static_assert(adds_correctly<adder<4>>(4999, 5001))
#   all 10^8    : plus static_assert(proven_for_all_inputs<seed_weights, 4>), with the flags the
#                 exported target ctformer::proof_budget carries
# for g++ and, when installed, clang++-19; then the same proofs in a unit that starts from the
# precompiled header a target linking ctformer::precompiled builds once (ctformer/precompiled.hpp). The issue's figures for ctformer.hpp on landed main
# 1ddb72f (g++ 12, this kind of machine): include 0.8 s; one proof 2.5 s, 402 MB; all 10^8 4.7 s,
# 686 MB. Targets: one proof ≤ 1 s; all 10^8 ≤ 3 s and ≤ 500 MB.
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
runs=${CTFORMER_BENCH_RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for header in core ctformer; do
  printf '#include <ctformer/%s.hpp>\n' "$header" > "$work/${header}_include.cpp"
  { cat "$work/${header}_include.cpp"
    echo 'static_assert(ctformer::adds_correctly<ctformer::adder<4>>(4999, 5001));'; } > "$work/${header}_one.cpp"
  { cat "$work/${header}_include.cpp"
    echo 'static_assert(ctformer::proven_for_all_inputs<ctformer::seed_weights, 4>);'; } > "$work/${header}_all.cpp"
done

measure() {  # file compiler flags... → "seconds MB" (best of $runs), or FAIL
  local file=$1 best_t=999999 best_m=0; shift
  for ((i = 0; i < runs; ++i)); do
    if ! /usr/bin/time -o "$work/t" -f "%e %M" "$@" -std=c++20 -O2 -c -o /dev/null -I"$src/include" "$file" >/dev/null 2>"$work/err"; then
      echo FAIL; return
    fi
    read -r t m < "$work/t"
    if awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t $((best_m / 1024))"
}

printf "%-12s %-20s %16s %16s %16s\n" compiler header include "one proof" "all 10^8"
for compiler in g++ clang++-19; do
  command -v "$compiler" >/dev/null || { printf "%-12s not installed\n" "$compiler"; continue; }
  case $compiler in clang*) budget=-fconstexpr-steps=2147483647 ;; *) budget=-fconstexpr-ops-limit=4294967296 ;; esac
  for header in core ctformer; do
    row=()
    for what in include one all; do
      flags=()
      [[ $what == all ]] && flags=("$budget")
      r=$(measure "$work/${header}_$what.cpp" "$compiler" "${flags[@]}")
      if [[ $r == FAIL ]]; then row+=("FAILED"); head -c 400 "$work/err" >&2; else read -r t m <<< "$r"; row+=("$(printf '%.2f s %4d MB' "$t" "$m")"); fi
    done
    printf "%-12s %-20s %16s %16s %16s\n" "$compiler" "ctformer/$header.hpp" "${row[@]}"
  done
done

# With the precompiled header (ctformer::precompiled: ctformer/precompiled.hpp, precompiled once per
# target with the target's flags): its build, once, then each unit that proves with it.
precompile() {  # compiler name flags... → "seconds MB" of building $work/NAME.hpp's precompiled header
  local compiler=$1 name=$2 ext=gch; shift 2
  [[ $compiler == clang* ]] && ext=pch
  cp "$src/include/ctformer/precompiled.hpp" "$work/$name.hpp"
  if ! /usr/bin/time -o "$work/t" -f "%e %M" "$compiler" -std=c++20 -O2 "$@" -I"$src/include" -x c++-header "$work/$name.hpp" \
       -o "$work/$name.hpp.$ext" 2>"$work/err"; then echo FAIL; return; fi
  read -r t m < "$work/t"
  echo "$t $((m / 1024))"
}
cell() { if [[ $1 == FAIL ]]; then head -c 400 "$work/err" >&2; echo FAILED; else read -r t m <<< "$1"; printf '%.2f s %4d MB' "$t" "$m"; fi; }
printf '\n%-12s %-26s %16s %16s %16s\n' compiler "precompiled header" "its build, once" "one proof" "all 10^8"
for compiler in g++ clang++-19; do
  command -v "$compiler" >/dev/null || continue
  case $compiler in clang*) budget=-fconstexpr-steps=2147483647 ;; *) budget=-fconstexpr-ops-limit=4294967296 ;; esac
  use() { if [[ $compiler == clang* ]]; then echo "-include-pch $work/$1.hpp.pch"; else echo "-include $work/$1.hpp"; fi; }
  # built with the budget, which ctformer::precompiled carries: the header's own evaluation needs it,
  # and a unit's flags must match its precompiled header's
  built=$(precompile "$compiler" pch "$budget")
  # shellcheck disable=SC2046
  one=$(measure "$work/core_one.cpp" "$compiler" "$budget" $(use pch))
  # shellcheck disable=SC2046
  all=$(measure "$work/core_all.cpp" "$compiler" "$budget" $(use pch))
  printf "%-12s %-26s %16s %16s %16s\n" "$compiler" "ctformer/precompiled.hpp" "$(cell "$built")" "$(cell "$one")" "$(cell "$all")"
done
echo "(one translation unit, -std=c++20 -O2 -c; seconds of wall time and the compiler's peak memory, best of $runs;"
echo " before: ctformer.hpp on 1ddb72f with g++ 12: include 0.8 s, one proof 2.5 s and 402 MB, all 10^8 4.7 s and 686 MB)"
