// ctformer/runtime/generate.hpp — greedy generation: push the prompt, predict, push the prediction,
// until the end token; run() (add(), for the seed's adder), the task itself; and answers_correctly, the
// predicate that proofs, tests and the checker share.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ctformer/model/prompt.hpp"
#include "ctformer/runtime/forward.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

/// A prompt of a model's program.
template <class Model>
using model_prompt = prompt_tokens<Model::digits, program_of_model<Model>>;

/// A prompt of program P as token ids, its digit count given at run time (prompt_tokens<D, P> is a
/// constant count's): what generate(digits, ids, count) and the tools take. Throws
/// std::invalid_argument for no digits or a prompt longer than a forward pass holds (a proof's
/// walk may take more digits than P's max_digits), prompt_error for text that is not a prompt.
template <class P = addition>
struct prompt_ids {
    std::array<std::uint8_t, max_rows> ids{};
    std::size_t length = 0;

    /// The prompt of a and b, each zero-padded (write_prompt).
    constexpr prompt_ids(std::size_t digits, std::uint64_t a, std::uint64_t b) : length(length_of(digits)) {
        write_prompt<P>(digits, a, b, ids.data());
    }
    /// The prompt `text` reads as (read_prompt).
    constexpr prompt_ids(std::size_t digits, std::string_view text) : length(length_of(digits)) {
        read_prompt<P>(digits, text, ids.data());
    }
    constexpr std::span<std::uint8_t const> view() const { return {ids.data(), length}; }
    /// The prompt as text, in P's vocabulary.
    constexpr std::string text() const {
        std::string out;
        for (std::size_t i = 0; i < length; ++i) out += P::vocabulary[ids[i]];
        return out;
    }

private:
    static constexpr std::size_t length_of(std::size_t digits) {
        if (digits == 0 || prompt_shape<P>::prompt_length(digits) > max_rows)
            throw std::invalid_argument("ctformer::prompt_ids: a prompt has 1 to as many digits as a forward pass holds");
        return prompt_shape<P>::prompt_length(digits);
    }
};

/// What a generation produced.
template <std::size_t Capacity>
struct generation {
    std::array<char, Capacity> text{};  ///< prompt and generated tokens
    std::size_t length = 0;
    std::size_t generated = 0;
    std::uint64_t digest = 0xcbf29ce484222325ull;  ///< FNV-1a of every bit of every final residual row computed
    margins margin{};

    constexpr std::string_view view() const { return {text.data(), length}; }
    constexpr std::string_view answer() const { return {text.data() + (length - generated), generated}; }
};

namespace detail {
/// FNV-1a over the 64-bit words of a row (a digest to compare rows bit for bit).
template <std::size_t W>
constexpr std::uint64_t fnv_rows(std::uint64_t h, row_vector<W> const& x) {
    for (auto v : x) {
        h ^= static_cast<std::uint64_t>(v.raw);
        h *= 0x100000001b3ull;
    }
    return h;
}
}  // namespace detail

/// The one generation loop: greedy decoding. The prompt's tokens are written (to the text and the
/// token rows), then `predict(tokens, n, g)` gives the token after row n − 1 of tokens[0 .. n) (and
/// may add to g's margins and digest), which is written as the next row, until it is the end token
/// '\n' (included in the text) or `count` tokens have been predicted. Every generation runs it: the
/// users' (generate, on the plain forward pass), the reference path's (reference_generate) and the
/// checker's walk (ctformer/check/check.hpp, exact_walker); each is a predictor of its own.
template <class Predict>
[[gnu::always_inline]] constexpr generation<max_rows> generation_loop(std::string_view vocabulary, std::span<std::uint8_t const> prompt, std::size_t count,
                                               Predict&& predict) {
    std::array<std::uint8_t, max_rows> tokens{};
    generation<max_rows> g{};
    if (prompt.size() > max_rows) throw std::invalid_argument("ctformer::generate: a prompt longer than a forward pass");
    std::size_t n = 0;
    for (auto id : prompt) {
        tokens[n++] = id;
        g.text[g.length++] = vocabulary[id];
    }
    for (std::size_t i = 0; i < count; ++i) {
        std::size_t const t = predict(static_cast<std::uint8_t const*>(tokens.data()), n, g);
        g.text[g.length++] = vocabulary[t];
        ++g.generated;
        if (t == token::newline || i + 1 == count) break;  // the last prediction needs no row of its own
        if (n >= max_rows) throw domain_error("ctformer::generate: the sequence is longer than a forward pass holds");
        tokens[n++] = static_cast<std::uint8_t>(t);
    }
    return g;
}

/// The predictor that keeps sequence `s` in step with the loop's tokens: the rows not yet placed
/// are placed (set where `s` has the row, pushed where not), then `next(s, n, g)` gives the token
/// after row n − 1. generate_with's, and the probe of the all-input proof's feedback premise
/// (proof/feedback.hpp), which runs it with a `next` that checks the rows and names each token.
template <class Model, class Next>
constexpr auto placing_predictor(sequence<Model>& s, Next next) {
    return [&s, next, placed = std::size_t{0}](std::uint8_t const* tokens, std::size_t n, generation<max_rows>& g) mutable -> std::size_t {
        for (; placed < n; ++placed) s.place(placed, tokens[placed]);
        return next(s, n, g);
    };
}

/// The predictor of the forward pass on a sequence (placing_predictor): the network predicts after
/// the last row. `reuse_for(i)` gives the reuse policy of the i-th prediction's pass; `observe`
/// sees every layer of every pass (forward's observer); `digest` records every final row's bits.
template <class Model, class ReuseFor, class Observe = no_observer>
constexpr generation<max_rows> generate_with(sequence<Model>& s, std::span<std::uint8_t const> prompt, std::size_t count,
                                             bool digest, ReuseFor&& reuse_for, Observe&& observe = {}) {
    std::size_t passes = 0;
    auto predict = [&](sequence<Model>& seq, std::size_t n, generation<max_rows>& g) {
        auto reuse = reuse_for(passes++);
        auto const last = forward(seq, n - 1, &g.margin, reuse, observe);
        std::size_t t;
        if constexpr (requires { reuse.choose(last, &g.margin); })
            t = reuse.choose(last, &g.margin);  // the same choose, memoized by the policy
        else
            t = choose<Model>(last, &g.margin);
        if (digest) g.digest = detail::fnv_rows(g.digest, last);
        return t;
    };
    return generation_loop(program_of_model<Model>::vocabulary, prompt, count, placing_predictor(s, predict));
}

/// Generation as users run it (add, adds_correctly, the tools): every pass is the plain forward
/// pass, every layer run — the path the all-input proof walks beside (proof/all_inputs.hpp,
/// premise path). `observe` sees every layer of every pass. The prompt: a `digits`-digit one as
/// token ids (prompt_ids<P>::view(); for a model whose digit count is given at run time, the
/// tools' generation, one instantiation per program), or the model's own count's prompt_tokens.
template <class Model, class Observe = no_observer>
constexpr generation<max_rows> generate(std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count,
                                        Observe&& observe = {}) {
    sequence<Model> s(digits);
    if (prompt.size() != prompt_shape<program_of_model<Model>>::prompt_length(digits))
        throw std::invalid_argument("ctformer::generate: the prompt is not one of the digit count's");
    return generate_with(s, prompt, count, true, [](std::size_t) { return no_reuse{}; }, observe);
}

/// (generate of the model's own digit count: the same loop)
template <class Model, class Observe = no_observer>
constexpr generation<max_rows> generate(model_prompt<Model> const& prompt, std::size_t count, Observe&& observe = {}) {
    return generate<Model>(Model::digits, std::span<std::uint8_t const>(prompt.ids), count, observe);
}

template <class Model>
constexpr generation<max_rows> generate(std::string_view prompt, std::size_t count) {
    return generate<Model>(parse_prompt<Model::digits, program_of_model<Model>>(prompt), count);
}

/// The task: the answer's D + 1 digits, least significant first, then '\n' (for a prompt in the
/// model's program: "0999-0111=" for a subtractor).
template <class Model>
constexpr generation<max_rows> run(std::string_view prompt) {
    return generate<Model>(prompt, Model::answer_length);
}

/// The seed's task: the sum's D + 1 digits, least significant first, then '\n'.
template <class Model>
    requires std::same_as<program_of_model<Model>, addition>
constexpr generation<max_rows> add(std::string_view prompt) {
    return run<Model>(prompt);
}

/// True when the network, given the prompt for a and b, generates the D + 1 digits its program's
/// answer() gives (least significant first) and then '\n' — and nothing else: generation as
/// ctformer::run runs it (the plain forward pass). The expected answer comes from integer arithmetic.
template <class Model>
constexpr bool answers_correctly(std::uint64_t a, std::uint64_t b, margins* m = nullptr) {
    auto const g = generate<Model>(make_prompt<Model::digits, program_of_model<Model>>(a, b), Model::answer_length);
    auto const want = expected_answer<Model::digits, program_of_model<Model>>(a, b);
    if (m) m->merge(g.margin);
    if (g.generated != Model::answer_length) return false;
    for (std::size_t i = 0; i < Model::answer_length; ++i)
        if (g.answer()[i] != want[i]) return false;
    return true;
}

/// answers_correctly, for the seed's adder: the D + 1 digits of a + b and '\n'.
template <class Model>
    requires std::same_as<program_of_model<Model>, addition>
constexpr bool adds_correctly(std::uint64_t a, std::uint64_t b, margins* m = nullptr) {
    return answers_correctly<Model>(a, b, m);
}

}  // namespace ctformer
