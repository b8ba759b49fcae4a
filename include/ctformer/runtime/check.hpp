// ctformer/runtime/check.hpp — is an addition right? The one predicate that proofs, tests and the
// checker share.
#pragma once

#include <cstddef>
#include <algorithm>
#include <array>
#include <memory>
#include <vector>
#include <cstdint>

#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

/// 10^d.
constexpr std::uint64_t power_of_ten(std::size_t d) {
    std::uint64_t p = 1;
    for (std::size_t i = 0; i < d; ++i) p *= 10;
    return p;
}

/// True when the network, given the prompt for a + b, generates the D + 1 digits of a + b, least
/// significant first, and then '\n' — and nothing else. The expected answer comes from integer
/// arithmetic.
template <class Model>
constexpr bool adds_correctly(std::uint64_t a, std::uint64_t b, margins* m = nullptr) {
    auto const g = generate<Model>(make_prompt<Model::digits>(a, b), Model::answer_length);
    auto const want = expected_answer<Model::digits>(a, b);
    if (m) m->merge(g.margin);
    if (g.generated != Model::answer_length) return false;
    for (std::size_t i = 0; i < Model::answer_length; ++i)
        if (g.answer()[i] != want[i]) return false;
    return true;
}

}  // namespace ctformer

namespace ctformer {

/// The result of checking one addition.
struct addition_result {
    std::uint64_t a = 0, b = 0;
    bool right = false;
    std::array<char, 16> got{};  ///< the generated answer (D + 1 digits and '\n'; fewer if it stopped early)
};

/// The order check_block visits second operands in: digits reversed, so that consecutive prompts
/// share their low digits — the ones the network reads first.
constexpr std::uint64_t reversed_digits(std::uint64_t b, std::size_t digits) {
    std::uint64_t r = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        r = r * 10 + b % 10;
        b /= 10;
    }
    return r;
}

/// Checks a + b for a fixed a and every b in [b_begin, b_end) — the same forward pass as
/// adds_correctly, with two kinds of reuse, both exact:
///  * one sequence serves every prompt: only the rows whose token differs from the previous
///    prompt's (or answer's) are replaced (sequence::set);
///  * each answer row keeps a memo of its forward passes, and a layer whose inputs did not change
///    is not run again (sequence::forward). The b are visited with their digits reversed, so that
///    consecutive prompts differ in the digits the network reads last.
/// Calls on_result(result, margins) once per pair, in visiting order; stops early (returning the
/// count done) when stop() turns true.
template <class Model, class OnResult, class Stop>
std::uint64_t check_block(std::uint64_t a, std::uint64_t b_begin, std::uint64_t b_end, OnResult&& on_result, Stop&& stop) {
    constexpr std::size_t D = Model::digits;
    constexpr std::size_t n = Model::prompt_length;
    constexpr std::size_t answer = Model::answer_length;
    using seq = sequence<Model>;
    auto s = std::make_unique<seq>();
    auto memos = std::make_unique<std::array<typename seq::memo, answer>>();
    std::vector<std::uint64_t> order;
    order.reserve(static_cast<std::size_t>(b_end - b_begin));
    for (std::uint64_t b = b_begin; b < b_end; ++b) order.push_back(b);
    std::sort(order.begin(), order.end(), [](std::uint64_t x, std::uint64_t y) { return reversed_digits(x, D) < reversed_digits(y, D); });
    std::uint64_t done = 0;
    for (std::uint64_t const b : order) {
        if (stop()) break;
        auto const p = make_prompt<D>(a, b);
        for (std::size_t i = 0; i < n; ++i) {
            if (i < s->size()) s->set(i, p.ids[i]);
            else s->push(p.ids[i]);
        }
        margins m{};
        addition_result r{a, b, true, {}};
        auto const want = expected_answer<D>(a, b);
        for (std::size_t i = 0; i < answer; ++i) {
            std::size_t const t = s->predict(n - 1 + i, &m, nullptr, &(*memos)[i]);
            r.got[i] = vocabulary[t];
            if (r.got[i] != want[i]) r.right = false;
            if (t == token::newline || i + 1 == answer) break;
            if (n + i < s->size()) s->set(n + i, t);
            else s->push(t);
        }
        on_result(r, m);
        ++done;
    }
    return done;
}

}  // namespace ctformer
