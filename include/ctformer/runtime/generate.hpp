// ctformer/runtime/generate.hpp — greedy generation: push the prompt, predict, push the prediction,
// until the end token; and add(), the task itself.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctformer/model/prompt.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

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

/// Greedy generation: push the prompt, then predict and push tokens until the network predicts
/// the end token '\n' (included in the text) or `count` tokens have been predicted.
template <class Model>
constexpr generation<max_rows> generate(prompt_tokens<Model::digits> const& prompt, std::size_t count) {
    sequence<Model> s;
    generation<max_rows> g{};
    for (auto id : prompt.ids) {
        s.push(id);
        g.text[g.length++] = vocabulary[id];
    }
    typename sequence<Model>::pass_record rec{};  // each answer row reuses the one before's pass
    for (std::size_t i = 0; i < count; ++i) {
        typename sequence<Model>::row last{};
        std::size_t const t = s.predict(s.size() - 1, &g.margin, &last, rec);
        g.digest = detail::fnv_rows(g.digest, last);
        g.text[g.length++] = vocabulary[t];
        ++g.generated;
        if (t == token::newline || i + 1 == count) break;  // the last prediction needs no row of its own
        s.push(t);
    }
    return g;
}

template <class Model>
constexpr generation<max_rows> generate(std::string_view prompt, std::size_t count) {
    return generate<Model>(parse_prompt<Model::digits>(prompt), count);
}

/// The task: the sum's D + 1 digits, least significant first, then '\n'.
template <class Model>
constexpr generation<max_rows> add(std::string_view prompt) {
    return generate<Model>(prompt, Model::answer_length);
}

}  // namespace ctformer
