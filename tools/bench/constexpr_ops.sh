#!/usr/bin/env bash
# constexpr_ops.sh [SOURCE_DIR] — g++'s constant-evaluation operations per proven 4-digit addition.
#
# g++ stops a constant expression after -fconstexpr-ops-limit operations. The smallest limit that
# accepts one expression evaluating 32 additions, found by bisection (to 0.5%), divided by 32, is
# the work of one addition: a count that, unlike compile seconds, does not vary from run to run.
# (32, because the bisection sees the largest expression of the unit, and building one layer of
# the network needs up to about 2.7 million in one expression.)
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/many.cpp" <<'CPP'
#include <ctformer/ctformer.hpp>
using A = ctformer::adder<4>;
constexpr int proven() {  // 32 distinct pairs (a repeated one could be answered from a cache)
    int ok = 0;
    for (std::uint64_t i = 0; i < 32; ++i) ok += ctformer::adds_correctly<A>((1234 + 2791 * i) % 10000, (8765 + 4127 * i) % 10000);
    return ok;
}
static_assert(proven() == 32);
CPP
lo=1000000 hi=100000000
compiles() { g++ -std=c++20 -fsyntax-only -fconstexpr-ops-limit="$1" -I"$src/include" "$work/many.cpp" 2>/dev/null; }
compiles "$hi" || { echo "32 additions need more than $hi operations"; exit 1; }
while ((hi - lo > lo / 200)); do
  mid=$(((lo + hi) / 2))
  if compiles "$mid"; then hi=$mid; else lo=$mid; fi
done
echo "g++ $(g++ -dumpversion): $((hi / 32)) constant-evaluation operations per 4-digit addition (32 additions: $hi)"
