#!/usr/bin/env bash
# compile_bench.sh SOURCE_DIR — compile seconds and peak compiler memory per proven addition.
#
# For each compiler found, four translation units are compiled as the build compiles a proof unit
# (-c, object code discarded):
#   headers : includes ctformer.hpp and evaluates nothing
#   empty   : also builds the compiled network (what every proof unit pays once)
#   proofs  : the same plus N static_assert-proven 4-digit additions, each in its own function
#   proofs2 : the same with 2N
# Each is compiled 3 times and the fastest run is kept. The per-addition cost is
# (proofs − empty)/N; the unit's fixed cost is empty (headers included) and empty − headers.
# Memory: (proofs − empty)/N, and the growth per further addition, (proofs2 − proofs)/N. Compiled
# with -c, g++ reclaims one addition's evaluation memory before the next, so its peak does not
# grow with N (with -fsyntax-only g++ 12 reclaims nothing until the end: about 25 MB per addition).
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
n=${CTFORMER_BENCH_ADDITIONS:-16}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/headers.cpp" <<'CPP'
#include <ctformer/ctformer.hpp>
CPP
cat > "$work/empty.cpp" <<'CPP'
#include <ctformer/ctformer.hpp>
using A = ctformer::adder<4>;
static_assert(ctformer::attention_reads_only_the_embedding(A::net));
CPP
cp "$work/empty.cpp" "$work/proofs.cpp"
pairs=(1234:4321 9999:1 5678:8765 2468:1357 999:111 4999:5001 7:8000 3141:2718 1111:8889 6174:3825 9090:909 1009:9001 5000:5000 0:0 9999:9999 123:877)
for ((i = 0; i < 2 * n; ++i)); do
  IFS=: read -r a b <<< "${pairs[$((i % ${#pairs[@]}))]}"
  a=$(((a + i / ${#pairs[@]}) % 10000))  # distinct pairs past the list's end (a repeated one would be free)
  [[ $i -eq $n ]] && cp "$work/proofs.cpp" "$work/proofs_n.cpp"
  echo "void proof_$i() { constexpr bool ok = ctformer::adds_correctly<A>($a, $b); static_assert(ok); }" >> "$work/proofs.cpp"
done
mv "$work/proofs.cpp" "$work/proofs2.cpp"; mv "$work/proofs_n.cpp" "$work/proofs.cpp"

measure() {  # compiler flags... file → "seconds MB" (best of 3)
  local best_t=999999 best_m=0
  for _ in 1 2 3; do
    if ! /usr/bin/time -o "$work/t" -f "%e %M" "$@" -std=c++20 -c -o /dev/null -I"$src/include" >/dev/null 2>"$work/err"; then
      echo "FAIL"; return
    fi
    read -r t m < "$work/t"
    if awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t $((best_m / 1024))"
}

# the adder's precompiled header, as tests/proofs/CMakeLists.txt gives it to the proof units
{ echo '#define CTFORMER_PROOF_BUILD seed_weights'; echo '#define CTFORMER_PROOF_PROGRAM_HEADER <ctformer/model/addition.hpp>'
  echo '#define CTFORMER_PROOF_PRECOMPILE_RULES'; cat "$src/tests/proofs/precompiled.hpp"; } > "$work/network.hpp"
echo '#include "network.hpp"' > "$work/pch_unit.cpp"
cat "$work/empty.cpp" >> "$work/pch_unit.cpp"

pch_measure() {  # compiler flags... → "pch-build-seconds unit-seconds" with the network precompiled
  local ext=gch use=(-include "$work/network.hpp")
  case "$1" in clang*) ext=pch; use=(-include-pch "$work/network.hpp.pch");; esac
  rm -f "$work"/network.hpp.gch "$work"/network.hpp.pch
  /usr/bin/time -o "$work/t" -f "%e" "$@" -std=c++20 -I"$src/include" -x c++-header "$work/network.hpp" -o "$work/network.hpp.$ext" >/dev/null 2>"$work/err" || { echo "FAIL"; return; }
  local build; build=$(cat "$work/t")
  local unit; unit=$(measure "$@" "${use[@]}" "$work/pch_unit.cpp")
  rm -f "$work"/network.hpp.gch "$work"/network.hpp.pch
  echo "$build ${unit%% *}"
}

printf "%-44s %9s %9s %10s %11s %12s %13s %10s %9s\n" "compiler" "headers" "unit" "network" "s/addition" "MB/addition" "MB/further" "pch build" "unit+pch"
for spec in "g++" "clang++-14" "clang++-19" "clang++-19 -fexperimental-new-constant-interpreter"; do
  read -r -a cmd <<< "$spec"
  command -v "${cmd[0]}" >/dev/null || { printf "%-44s not installed\n" "$spec"; continue; }
  h=$(measure "${cmd[@]}" "$work/headers.cpp")
  e=$(measure "${cmd[@]}" "$work/empty.cpp")
  p=$(measure "${cmd[@]}" "$work/proofs.cpp")
  q=$(measure "${cmd[@]}" "$work/proofs2.cpp")
  if [[ $h == FAIL || $e == FAIL || $p == FAIL || $q == FAIL ]]; then printf "%-44s failed: %s\n" "$spec" "$(head -c 300 "$work/err" | tr '\n' ' ')"; continue; fi
  read -r ht hm <<< "$h"; read -r et em <<< "$e"; read -r pt pm <<< "$p"; read -r _ qm <<< "$q"
  c=$(pch_measure "${cmd[@]}"); [[ $c == *FAIL* ]] && c="nan nan"
  read -r cb cu <<< "$c"
  awk -v s="$spec" -v ht="$ht" -v et="$et" -v pt="$pt" -v em="$em" -v pm="$pm" -v qm="$qm" -v n="$n" -v cb="$cb" -v cu="$cu" 'BEGIN {
    printf "%-44s %8.2fs %8.2fs %9.2fs %10.3fs %12.1f %13.1f %9.2fs %8.2fs\n", s, ht, et, et - ht, (pt - et) / n, (pm - em) / n, (qm - pm) / n, cb, cu }'
done
echo "(headers: includes only; unit: a proof unit with no addition — its fixed cost; network: unit − headers;"
echo " per addition: (unit with $n additions − unit) / $n; memory is the compiler's peak RSS;"
echo " MB/further: (unit with $((2 * n)) additions − unit with $n) / $n, what each addition past the first keeps;"
echo " units compiled with -c as the build compiles them, object code discarded;"
echo " pch build: precompiling tests/proofs/precompiled.hpp (headers and compiled network) once; unit+pch: a unit using it)"
