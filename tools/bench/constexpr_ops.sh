#!/usr/bin/env bash
# constexpr_ops.sh [SOURCE_DIR] — g++'s constant-evaluation operations per proven 4-digit addition.
#
# g++ stops a constant expression after -fconstexpr-ops-limit operations. The smallest limit that
# accepts one expression evaluating three additions, found by bisection (to 0.5%), divided by 3,
# is the work of one addition: a count that, unlike compile seconds, does not vary from run to run.
# (Three, because building the network itself needs about 2.7 million in one expression, and the
# bisection sees the largest expression of the unit.)
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/three.cpp" <<'CPP'
#include <ctformer/ctformer.hpp>
using A = ctformer::adder<4>;
constexpr bool ok = ctformer::adds_correctly<A>(5678, 8765) + ctformer::adds_correctly<A>(1234, 4321) +
                    ctformer::adds_correctly<A>(9999, 1);
CPP
lo=1000000 hi=100000000
compiles() { g++ -std=c++20 -fsyntax-only -fconstexpr-ops-limit="$1" -I"$src/include" "$work/three.cpp" 2>/dev/null; }
compiles "$hi" || { echo "three additions need more than $hi operations"; exit 1; }
while ((hi - lo > lo / 200)); do
  mid=$(((lo + hi) / 2))
  if compiles "$mid"; then hi=$mid; else lo=$mid; fi
done
echo "g++ $(g++ -dumpversion): $((hi / 3)) constant-evaluation operations per 4-digit addition (3 additions: $hi)"
