// ctformer/check/check.hpp — the checker's walk over many prompts on one sequence (the
// predicate it shares with proofs and tests, adds_correctly, is in runtime/generate.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "ctformer/model/prompt.hpp"
#include "ctformer/check/exact_memo.hpp"
#include "ctformer/runtime/generate.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

/// The result of checking one prompt (a + b, for the adder).
struct addition_result {
    std::uint64_t a = 0, b = 0;
    bool right = false;
    std::array<char, 24> got{};  ///< the generated answer (D + 1 digits and '\n'; fewer if it stopped early)
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

namespace detail {
/// The check of a generation against the program's answer for `digits`-digit operands.
template <class Model>
constexpr addition_result result_of(std::size_t digits, std::uint64_t a, std::uint64_t b, generation<max_rows> const& g) {
    std::array<char, max_rows> want{};
    write_expected_answer<program_of_model<Model>>(digits, a, b, want.data());
    std::size_t const answer = prompt_shape<program_of_model<Model>>::answer_length(digits);
    addition_result r{a, b, g.generated == answer, {}};
    for (std::size_t i = 0; i < g.generated; ++i) {
        r.got[i] = g.answer()[i];
        if (r.got[i] != want[i]) r.right = false;
    }
    return r;
}
}  // namespace detail

/// The run-time checker's walker: the same forward pass with exact_reuse (check/exact_memo.hpp),
/// whose memos, keyed by exact inputs, last as long as the walker (one per checker thread). Each
/// answer row first tries exact_memo::replay_row: every segment taking a chain whose whole key
/// holds (the same entry state and context, and the same value classes of the rows its attention
/// layers chose): the row's record of the previous prompt, one of its earlier chains, or a chain
/// walked lately, with no forward driver around it. Where a segment does neither, the row runs through
/// forward with exact_reuse: the sequence's rows are replaced only where a token changed, and a layer whose
/// exact inputs the memo has seen takes its recorded update (for attention: its recorded
/// weights, times the chosen rows' values); the rest run.
///
/// A walker checks prompts of one digit count: the model's own, or, for a model whose count is
/// given at run time (model<P, digits_at_run_time>: the tools' checker, one instantiation per
/// program), the count it is made with. `Words`: its memo's fingerprint words
/// (exact_memo::fits(digits) must hold).
template <class Model, std::size_t Words>
class exact_walker {
public:
    using memo_t = exact_memo<Model, Words>;

    /// A walker of the model's digit count; `max_states`: the memo starts afresh when it holds this
    /// many residual rows.
    explicit exact_walker(std::size_t max_states = memo_t::default_max_states)
        requires fixed_digit_count<Model>
        : exact_walker(Model::digits, max_states) {}
    /// A walker of `digits`-digit prompts: throws std::invalid_argument outside the program's
    /// digit counts, or where its prompts' rows do not fit Words.
    explicit exact_walker(std::size_t digits, std::size_t max_states)
        : digits_(digits), answer_(prompt_shape<program_of_model<Model>>::answer_length(digits)), s_(digits), memo_(digits, max_states) {}

    std::size_t digits() const { return digits_; }

    /// The generation for a + b (generation_loop, with a predictor that replays an answer row the
    /// memo holds whole, and otherwise runs the forward pass with exact_reuse); `digest` records
    /// every final row's bits (tests).
    generation<max_rows> generate(std::uint64_t a, std::uint64_t b, bool digest = false) {
        using P = program_of_model<Model>;
        memo_.begin_prompt();
        write_prompt<P>(digits_, a, b, prompt_.data());
        std::size_t const length = prompt_shape<P>::prompt_length(digits_);
        memo_.prefetch_rows(prompt_.data());
        // inlined, as the loop is: the checker's speed is the main job's
        auto predict = [&](std::uint8_t const* tokens, std::size_t n, generation<max_rows>& g) __attribute__((always_inline)) {
            std::uint32_t state = 0;
            std::size_t t;
            if (memo_.replay_row(tokens, n - 1, state, t, &g.margin)) {
                if (digest) {
                    typename sequence<Model>::row last;
                    memo_.load_row(state, last, tokens, n - 1, memo_.segments() - 1);
                    g.digest = detail::fnv_rows(g.digest, last);
                }
                return t;
            }
            ++memo_.rows_forward_;
            for (std::size_t j = 0; j < n; ++j) s_.place(j, tokens[j]);
            exact_reuse<Model, Words> reuse{memo_, digest};
            auto const last = forward(s_, n - 1, &g.margin, reuse, no_observer{});
            t = reuse.choose(last, &g.margin);
            if (digest) g.digest = detail::fnv_rows(g.digest, last);
            return t;
        };
        auto g = generation_loop(P::vocabulary, std::span<std::uint8_t const>(prompt_.data(), length), answer_, predict);
        memo_.end_prompt(prompt_.data());
        return g;
    }
    /// Generates the answer for a and b and compares it with the program's answer.
    addition_result check(std::uint64_t a, std::uint64_t b, margins& m) {
        auto const g = generate(a, b);
        m.merge(g.margin);
        return detail::result_of<Model>(digits_, a, b, g);
    }
    memo_t const& memo() const { return memo_; }

private:
    std::size_t digits_;
    std::size_t answer_;  ///< answer rows: D + 1 digits and '\n'
    std::array<std::uint8_t, max_rows> prompt_{};  ///< this prompt's tokens
    sequence<Model> s_;
    memo_t memo_;
};

/// Checks a (op) b for a fixed a and every b in [b_begin, b_end) on `walker`. The b are visited
/// with their digits reversed, so that consecutive prompts share their low digits — the ones the
/// network reads first. Calls on_result(result, margins) once per pair, in visiting order; stops
/// early (returning the count done) when stop() turns true.
template <class Model, std::size_t Words, class OnResult, class Stop>
std::uint64_t check_block(exact_walker<Model, Words>& walker, std::uint64_t a, std::uint64_t b_begin, std::uint64_t b_end, OnResult&& on_result,
                          Stop&& stop) {
    std::size_t const D = walker.digits();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> order;  // (reversed digits, b)
    order.reserve(static_cast<std::size_t>(b_end - b_begin));
    for (std::uint64_t b = b_begin; b < b_end; ++b) order.emplace_back(reversed_digits(b, D), b);
    std::sort(order.begin(), order.end());
    std::uint64_t done = 0;
    for (auto const& [key, b] : order) {
        if (stop()) break;
        margins m{};
        auto const r = walker.check(a, b, m);
        on_result(r, m);
        ++done;
    }
    return done;
}

/// check_block on a walker of its own (a model with a constant digit count).
template <class Model, class OnResult, class Stop>
std::uint64_t check_block(std::uint64_t a, std::uint64_t b_begin, std::uint64_t b_end, OnResult&& on_result, Stop&& stop) {
    auto walker = std::make_unique<exact_walker<Model>>();
    return check_block(*walker, a, b_begin, b_end, on_result, stop);
}

}  // namespace ctformer
