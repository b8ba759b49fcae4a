// ctformer/runtime/check.hpp — is an addition right? The one predicate that proofs, tests and the
// checker share.
#pragma once

#include <cstddef>
#include <array>
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

namespace ctformer {

/// The result of checking one addition.
struct addition_result {
    std::uint64_t a = 0, b = 0;
    bool right = false;
    std::array<char, 16> got{};  ///< the generated digits (D of them)
};

/// Checks a + b for a fixed a and every b in [b_begin, b_end), walking the prompts as a tree: the
/// sequence keeps the prompt prefix that consecutive prompts share and only pops and pushes the
/// tokens that change (push/pop, never recompute a shared prefix). Calls on_result(result, margins)
/// for each pair, in order; stops early (returning the count done) when stop() turns true.
template <class Model, class OnResult, class Stop>
std::uint64_t check_block(std::uint64_t a, std::uint64_t b_begin, std::uint64_t b_end, OnResult&& on_result, Stop&& stop) {
    constexpr std::size_t D = Model::digits;
    constexpr std::size_t n = 2 * D + 2;
    sequence<Model> s;
    prompt_tokens<D> current{};
    std::size_t valid = 0;  // how many leading tokens of `current` are in s
    std::uint64_t done = 0;
    for (std::uint64_t b = b_begin; b < b_end; ++b) {
        if (stop()) break;
        auto const p = make_prompt<D>(a, b);
        std::size_t common = 0;
        while (common < valid && p.ids[common] == current.ids[common]) ++common;
        while (s.size() > common) s.pop();
        for (std::size_t i = common; i < n; ++i) s.push(p.ids[i]);
        current = p;
        valid = n;
        margins m{};
        addition_result r{a, b, true, {}};
        auto const want = expected_answer<D>(a, b);
        for (std::size_t i = 0; i < D; ++i) {
            std::size_t const t = s.next_token(&m);
            r.got[i] = vocabulary[t];
            if (r.got[i] != want[i]) r.right = false;
            if (i + 1 < D) s.push(t);
        }
        while (s.size() > n) s.pop();
        on_result(r, m);
        ++done;
    }
    return done;
}

}  // namespace ctformer
