// Precompiled for the proof units of one program (see CMakeLists.txt): the headers, the program's
// compiled network, and, with g++, the all-input proof's structural premise and the rules it learns
// once. Evaluating these variables builds the dense weights, derives the sparse layers and learns the
// rules; a precompiled header keeps the results, so each unit pays that cost once per build, not
// once each. A precompiled header keeps values the compiler evaluated, not answers: a unit's proof
// evaluates the same expressions over the same values.
// The target defines CTFORMER_PROOF_PROGRAM_HEADER (<ctformer/model/addition.hpp>, ...) and
// CTFORMER_PROOF_BUILD (seed_weights, ...); one header per program keeps each target's precompiled
// header small (a unit reads it whole) and lets the programs' headers build in parallel.
#pragma once
#include <ctformer/ctformer.hpp>
#include CTFORMER_PROOF_PROGRAM_HEADER

inline constexpr bool proof_network_ready =
    ctformer::attention_reads_only_the_embedding(ctformer::network_of<ctformer::CTFORMER_PROOF_BUILD>);
// clang++ 19 reads the learnt rules of subtraction and multiplication back from a precompiled header
// more slowly than a unit evaluates them (docs/benchmarks.md), so with clang++ only the adder's are kept.
#if !defined(__clang__) || defined(CTFORMER_PROOF_PRECOMPILE_RULES)
inline constexpr bool all_inputs_ready = ctformer::all_inputs<ctformer::CTFORMER_PROOF_BUILD>::dependency.holds &&
                                         ctformer::all_inputs<ctformer::CTFORMER_PROOF_BUILD>::learnt_once_holds();
#endif
