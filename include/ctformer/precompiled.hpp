// ctformer/precompiled.hpp — ctformer/core.hpp with the seed network already compiled and the
// all-input proof's shared part already done: a header to precompile. A precompiled header keeps
// what the compiler evaluated while building it, so a unit built with it starts from the compiled
// network (the dense weights built, the sparse layers derived, the code of a generation
// instantiated) and from the all-input proof's structural premise and the rules it learns once,
// instead of doing that work itself. With CMake, link ctformer::precompiled (it carries the
// constant-evaluation budget, as ctformer::proof_budget): each of your targets then precompiles
// this header once, with the target's own flags, and every unit of it uses the result.
// docs/benchmarks.md (A consumer's proofs) has the figures; tools/bench/consumer_bench.sh measures
// them. Evaluating this header takes the budget (g++: -fconstexpr-ops-limit=4294967296).
//
// Nothing here is assumed by a proof: a unit that uses the precompiled header evaluates the same
// constant expressions over the same values as one that does not, only not again.
#pragma once

#include "ctformer/core.hpp"

namespace ctformer::detail {

/// Evaluated while the header is precompiled: the seed network, compiled, and a first addition
/// generated with it (adder<1>: 1 + 2), so that the code a generation runs is instantiated too.
inline constexpr bool precompiled_network_ready = adds_correctly<adder<1>>(1, 2);
static_assert(precompiled_network_ready, "ctformer/precompiled.hpp: the seed network does not add 1 + 2");

#if !defined(__clang__)
/// Evaluated while the header is precompiled, with g++: what every all-input proof of the seed
/// network shares (proof/all_inputs.hpp: the dependency analysis, and the rules learnt once per
/// network). Not with clang++ 19, which reads these values back from a precompiled header more
/// slowly than a unit evaluates them (a first proof took 4.1 s with them precompiled, 1.9 s
/// without: docs/benchmarks.md, A consumer's proofs).
inline constexpr bool precompiled_all_inputs_ready =
    all_inputs<seed_weights>::dependency.holds && all_inputs<seed_weights>::learnt_once_holds();
#endif

}  // namespace ctformer::detail
