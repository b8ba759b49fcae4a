// ctformer/runtime/check.hpp — is an addition right? The one predicate that proofs, tests and the
// checker share.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

/// 10^d.
constexpr std::uint64_t power_of_ten(std::size_t d) {
    std::uint64_t p = 1;
    for (std::size_t i = 0; i < d; ++i) p *= 10;
    return p;
}

/// True when the network, given the prompt for a + b, generates the low D digits of a + b,
/// least significant first (the seed's task). The expected digits come from integer arithmetic.
template <class Model>
constexpr bool adds_correctly(std::uint64_t a, std::uint64_t b, margins* m = nullptr) {
    auto const g = generate<Model>(make_prompt<Model::digits>(a, b), Model::digits);
    auto const want = expected_answer<Model::digits>(a, b);
    if (m) m->merge(g.margin);
    for (std::size_t i = 0; i < Model::digits; ++i)
        if (g.answer()[i] != want[i]) return false;
    return true;
}

}  // namespace ctformer
