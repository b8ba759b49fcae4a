// ctformer/runtime/sequence.hpp — the decoding state: cached rows, push, pop, greedy generation.
//
// Which work is done: attention reads earlier rows only through their keys and values, and
// attention_reads_only_the_embedding() proves at compile time that no layer writes a column that
// a key or value reads. So an earlier row's keys and values at every layer are those of its
// embedding: push(token) embeds the row and fills every attention layer's cache from the
// embedding — nothing more — and the layers run for a row only when its output is asked for
// (next_token). Prompt rows are never run through the layers: nothing reads their outputs.
// tests/test_paths.cpp shows this bit-identical to running every row through every layer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include <boost/hana.hpp>

#include "ctformer/model/adder.hpp"
#include "ctformer/model/prompt.hpp"

namespace ctformer {

/// Thrown when a sequence grows past max_rows or pops an empty sequence.
struct sequence_error : std::length_error {
    using std::length_error::length_error;
};

template <class Model>
class sequence {
public:
    static constexpr auto const& net = Model::net;
    static constexpr std::size_t width = std::remove_cvref_t<decltype(net.layout)>::width;
    static constexpr std::size_t capacity = max_rows;
    using row = row_vector<width>;

    static_assert(attention_reads_only_the_embedding(Model::net),
                  "ctformer::sequence: a layer writes a column that attention reads from earlier rows; "
                  "the cached-embedding shortcut would be wrong for this network");

    constexpr std::size_t size() const { return n_; }
    constexpr std::uint8_t token(std::size_t i) const { return tokens_[i]; }

    constexpr void push(std::size_t tok) {
        if (n_ >= capacity) throw sequence_error("ctformer::sequence::push: the sequence is full (64 rows)");
        if (tok >= vocab_size) throw sequence_error("ctformer::sequence::push: token id outside the vocabulary");
        row const e = embed(net.layout, tok, n_);
        auto fill = [&](auto const& layer, auto& cache) { layer.fill_cache(cache[n_], e); };
        for_each_layer_with_cache(fill);
        tokens_[n_] = static_cast<std::uint8_t>(tok);
        ++n_;
    }

    constexpr void pop() {
        if (n_ == 0) throw sequence_error("ctformer::sequence::pop: the sequence is empty");
        --n_;
    }

    static constexpr std::size_t prologue_layers = decltype(hana::size(net.prologue))::value;
    static constexpr std::size_t body_layers = decltype(hana::size(net.body))::value;
    static constexpr std::size_t epilogue_layers = decltype(hana::size(net.epilogue))::value;
    static constexpr std::size_t layers = prologue_layers + body_layers * Model::digits + epilogue_layers;

    /// What one forward pass of a row computed, layer by layer, so that the next pass of the same
    /// row can reuse every layer whose inputs provably did not change (see forward). Run-time only:
    /// it holds a row per layer.
    struct memo {
        bool valid = false;
        std::size_t row = 0;
        std::array<std::uint8_t, capacity> tokens{};      ///< rows 0..row when recorded
        std::array<typename sequence::row, layers + 1> states{};  ///< input of each layer; the output last
        std::array<std::uint64_t, layers> used_rows{};    ///< attention: rows that got a nonzero weight
        std::array<margins, layers> layer_margins{};
    };

    /// Runs row i (rows 0..i must be present) through every layer; returns its final residual.
    /// `observe(name, row, used)` is called after each layer, for tracing; `used` is, for an
    /// attention layer, the set of rows that got a nonzero weight (bit j: row j), 0 for an MLP.
    ///
    /// With a memo of an earlier pass of the same row, the layers whose inputs are unchanged are
    /// not run again: a layer's output is a function of its input row and, for attention, of the
    /// cached keys and values of rows 0..i. Starting from the same embedding, each layer is
    /// reused while (MLP) nothing before it changed, or (attention) every row whose token changed
    /// has the same key as before and either the same value or a zero weight in the recorded
    /// pass — then the scores, the weights and the sum are the same numbers. From the first layer
    /// that fails this, everything is computed again. The result is the same bits either way
    /// (tests/test_paths.cpp); the checker walks the prompts in an order that makes long reuses.
    template <class Observe>
    constexpr row forward(std::size_t i, margins* m, Observe&& observe, memo* mem = nullptr) const {
        if (i >= n_) throw sequence_error("ctformer::sequence::forward: no such row");
        row x = embed(net.layout, tokens_[i], i);
        if (!mem) {  // the plain pass: every layer, in order (what the proofs evaluate)
            auto step = [&](auto const& layer, auto const& cache) {
                std::uint64_t const used = layer.apply(x, cache.data(), i + 1, m);
                observe(layer.name, x, used);
            };
            hana::for_each(indices(net.prologue), [&](auto l) { step(net.prologue[l], prologue_cache_[l]); });
            for (std::size_t r = 0; r < Model::digits; ++r)
                hana::for_each(indices(net.body), [&](auto l) { step(net.body[l], body_cache_[l]); });
            hana::for_each(indices(net.epilogue), [&](auto l) { step(net.epilogue[l], epilogue_cache_[l]); });
            return x;
        }
        bool reusing = mem->valid && mem->row == i && mem->tokens[i] == tokens_[i];
        // The rows whose token changed since the recorded pass, and what each attention layer's
        // cache held for them then (computed once here, not once per layer application).
        constexpr std::size_t max_changed = 4;
        std::array<std::size_t, max_changed> changed{};
        std::size_t n_changed = 0;
        if (reusing)
            for (std::size_t j = 0; j < i && reusing; ++j)
                if (mem->tokens[j] != tokens_[j]) {
                    if (n_changed == max_changed) reusing = false;
                    else changed[n_changed++] = j;
                }
        auto before_entries = [&](auto const& layers_tuple) {
            return hana::transform(layers_tuple, [&](auto const& layer) {
                std::array<typename std::remove_cvref_t<decltype(layer)>::cache_entry, max_changed> before{};
                if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention)
                    if (reusing)
                        for (std::size_t c = 0; c < n_changed; ++c)
                            layer.fill_cache(before[c], embed(net.layout, mem->tokens[changed[c]], changed[c]));
                return before;
            });
        };
        auto const before_prologue = before_entries(net.prologue);
        auto const before_body = before_entries(net.body);
        auto const before_epilogue = before_entries(net.epilogue);
        std::size_t k = 0;  // layer index
        auto step = [&](auto const& layer, auto const& cache, auto const& before) {
            if (reusing) {
                if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
                    for (std::size_t c = 0; c < n_changed && reusing; ++c) {
                        std::size_t const j = changed[c];
                        bool const used = (mem->used_rows[k] >> j) & 1u;
                        if (before[c].k != cache[j].k || (used && before[c].v != cache[j].v)) reusing = false;
                    }
                }
                if (reusing) {
                    if (m) m->merge(mem->layer_margins[k]);
                    observe(layer.name, mem->states[k + 1], mem->used_rows[k]);
                    ++k;
                    return;
                }
                x = mem->states[k];
            }
            margins lm{};
            mem->states[k] = x;
            mem->used_rows[k] = layer.apply(x, cache.data(), i + 1, &lm);
            mem->layer_margins[k] = lm;
            if (m) m->merge(lm);
            observe(layer.name, x, mem->used_rows[k]);
            ++k;
        };
        hana::for_each(indices(net.prologue), [&](auto l) { step(net.prologue[l], prologue_cache_[l], before_prologue[l]); });
        for (std::size_t r = 0; r < Model::digits; ++r)
            hana::for_each(indices(net.body), [&](auto l) { step(net.body[l], body_cache_[l], before_body[l]); });
        hana::for_each(indices(net.epilogue), [&](auto l) { step(net.epilogue[l], epilogue_cache_[l], before_epilogue[l]); });
        if (reusing) x = mem->states[layers];
        mem->states[layers] = x;
        for (std::size_t j = 0; j <= i; ++j) mem->tokens[j] = tokens_[j];
        mem->row = i;
        mem->valid = true;
        return x;
    }
    constexpr row forward(std::size_t i, margins* m = nullptr) const {
        return forward(i, m, [](std::string_view, row const&, std::uint64_t) {});
    }

    /// Logits of the unembedding for a final residual row (only its nonzero rows are read; the
    /// sums are exact, so this equals the dense product).
    static constexpr row_vector<vocab_size> logits(row const& x) {
        row_vector<vocab_size> l{};
        for (std::size_t t = 0; t < vocab_size; ++t) {
            i128 acc = 0;
            for (std::size_t e = unembed_lists.start[t]; e < unembed_lists.start[t + 1]; ++e)
                acc += i128{x[unembed_lists.index[e]].raw} * unembed_lists.weight[e];
            l[t] = fixed::from_raw(detail::round_shift_32(acc));
        }
        return l;
    }

    /// The token the network predicts after the last row (greedy: argmax of the logits).
    constexpr std::size_t next_token(margins* m = nullptr, row* last = nullptr, memo* mem = nullptr) const {
        row const x = forward(n_ - 1, m, [](std::string_view, row const&, std::uint64_t) {}, mem);
        if (last) *last = x;
        auto const l = logits(x);
        std::size_t const best = argmax(l);
        if (m) {
            for (std::size_t t = 0; t < vocab_size; ++t) {
                if (t == best) continue;
                fixed const gap = l[best] - l[t];
                if (gap < m->logit_gap) m->logit_gap = gap;
            }
        }
        return best;
    }

private:
    static constexpr auto unembed_profile = profile(net.unembed);
    static constexpr auto unembed_lists = [] {
        std::array<std::uint16_t, vocab_size> all{};
        for (std::size_t t = 0; t < vocab_size; ++t) all[t] = static_cast<std::uint16_t>(t);
        return by_column<unembed_profile.nnz>(net.unembed, all);
    }();
    static_assert(exact_sums_fit(unembed_lists, 0), "ctformer: the unembedding's weights are too large for exact sums");

    template <class Tuple>
    static constexpr auto indices(Tuple const& t) {
        return hana::to_tuple(hana::make_range(hana::size_c<0>, hana::size(t)));
    }
    template <class Tuple>
    static constexpr auto make_caches(Tuple const& t) {
        return hana::transform(t, [](auto const& layer) {
            return std::array<typename std::remove_cvref_t<decltype(layer)>::cache_entry, capacity>{};
        });
    }
    template <class F>
    constexpr void for_each_layer_with_cache(F&& f) {
        hana::for_each(indices(net.prologue), [&](auto k) { f(net.prologue[k], prologue_cache_[k]); });
        hana::for_each(indices(net.body), [&](auto k) { f(net.body[k], body_cache_[k]); });
        hana::for_each(indices(net.epilogue), [&](auto k) { f(net.epilogue[k], epilogue_cache_[k]); });
    }

    std::array<std::uint8_t, capacity> tokens_{};
    std::size_t n_ = 0;
    decltype(make_caches(net.prologue)) prologue_cache_{};
    decltype(make_caches(net.body)) body_cache_{};
    decltype(make_caches(net.epilogue)) epilogue_cache_{};
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
    for (std::size_t i = 0; i < count; ++i) {
        typename sequence<Model>::row last{};
        std::size_t const t = s.next_token(&g.margin, &last);
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

/// The expected answer for a + b: the D + 1 digits of the sum, least significant first, then '\n'.
template <std::size_t Digits>
constexpr std::array<char, Digits + 2> expected_answer(std::uint64_t a, std::uint64_t b) {
    std::array<char, Digits + 2> out{};
    std::uint64_t s = a + b;
    for (std::size_t i = 0; i <= Digits; ++i) {
        out[i] = static_cast<char>('0' + s % 10);
        s /= 10;
    }
    out[Digits + 1] = '\n';
    return out;
}

}  // namespace ctformer
