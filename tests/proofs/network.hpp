// Precompiled for every proof unit (see CMakeLists.txt): the headers, and the compiled network
// itself — evaluating this variable builds the dense weights and derives the sparse layers, and a
// precompiled header keeps the result, so each unit pays that cost once per build, not once each.
#pragma once
#include <ctformer/ctformer.hpp>

inline constexpr bool proof_network_ready = ctformer::attention_reads_only_the_embedding(ctformer::adder<4>::net);
// The all-input proof's structural premise and the rules it learns once per unit, for each program.
inline constexpr bool all_inputs_ready = ctformer::all_inputs<ctformer::seed_weights>::dependency.holds &&
                                         ctformer::all_inputs<ctformer::seed_weights>::learnt_once_holds();
#if !defined(__clang__)  // clang++ 19 reads such values back from a precompiled header more slowly than a unit evaluates them
inline constexpr bool multiplication_all_inputs_ready =
    ctformer::all_inputs<ctformer::multiplication_weights>::dependency.holds &&
    ctformer::all_inputs<ctformer::multiplication_weights>::learnt_once_holds();
inline constexpr bool subtraction_all_inputs_ready = ctformer::all_inputs<ctformer::subtraction_weights>::dependency.holds &&
                                                     ctformer::all_inputs<ctformer::subtraction_weights>::learnt_once_holds();
#endif
