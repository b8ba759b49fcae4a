// Precompiled for every proof unit (see CMakeLists.txt): the headers, and the compiled network
// itself — evaluating this variable builds the dense weights and derives the sparse layers, and a
// precompiled header keeps the result, so each unit pays that cost once per build, not once each.
#pragma once
#include <ctformer/ctformer.hpp>

inline constexpr bool proof_network_ready = ctformer::attention_reads_only_the_embedding(ctformer::adder<4>::net);
