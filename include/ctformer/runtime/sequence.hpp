// ctformer/runtime/sequence.hpp — the decoding state: the rows' tokens and the attention layers'
// cached keys; push, set, pop.
//
// Attention reads earlier rows only through their keys and values, and
// attention_reads_only_the_embedding() (model/premises.hpp) proves at compile time that no layer
// writes a column that a key or value reads. So an earlier row's keys and values at every layer
// are those of its embedding: push(token) embeds the row and fills every attention layer's cache
// from the embedding — nothing more. The layers run for a row only when its output is asked for
// (runtime/forward.hpp); prompt rows never run through them, since nothing reads their outputs.
// tests/test_paths.cpp shows this bit-identical to the reference, which runs every row.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

#include "ctformer/detail/hana.hpp"

#include "ctformer/model/model.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/premises.hpp"

namespace ctformer {

/// Thrown when a sequence grows past max_rows, pops an empty sequence or names a row it lacks.
struct sequence_error : std::length_error {
    using std::length_error::length_error;
};

/// Reads the embedding of row j of a sequence: the input attention forms a row's value from. Its type
/// is the network's, not the model's, so a layer's code (apply, templated on what reads the rows) is
/// compiled once for every digit count of a network, not once per adder<D>.
template <class Net>
struct embedding_reader {
    Net const* net;
    std::uint8_t const* tokens;
    constexpr auto operator()(std::size_t j) const { return net->embedding(tokens[j], j); }
};

template <class Model>
class sequence {
public:
    static constexpr auto const& net = Model::net;
    using net_type = std::remove_cvref_t<decltype(net)>;
    static constexpr std::size_t width = std::remove_cvref_t<decltype(net.layout)>::width;
    static constexpr std::size_t capacity = max_rows;
    using row = row_vector<width>;

    static_assert(attention_reads_only_the_embedding(model_structure<Model>()),
                  "ctformer::sequence: a layer writes a column that attention reads from earlier rows; "
                  "the cached-embedding shortcut would be wrong for this network");

    /// A sequence of a model with a constant digit count.
    constexpr sequence()
        requires fixed_digit_count<Model>
        : digits_(Model::digits) {}
    /// A sequence of `digits`-digit prompts (a model whose digit count is given at run time, or
    /// the model's own count); throws std::invalid_argument outside 1..the program's max_digits.
    explicit constexpr sequence(std::size_t digits) : digits_(digits) {
        if constexpr (requires { Model::any_digit_count; }) {  // a proof's walk model (proof/positions.hpp)
            if (digits == 0) throw std::invalid_argument("ctformer::sequence: an operand has at least one digit");
        } else {
            require_digit_count<program_of_model<Model>>(digits);
        }
        if constexpr (fixed_digit_count<Model>)
            if (digits != Model::digits) throw std::invalid_argument("ctformer::sequence: not the model's digit count");
    }
    /// The digit count of the prompts it holds: the number of body passes forward runs.
    constexpr std::size_t digits() const { return digits_; }
    constexpr std::size_t size() const { return n_; }
    constexpr std::uint8_t token(std::size_t i) const { return tokens_[i]; }
    /// Every row's token, rows 0..size() − 1 (beyond them: earlier rows' tokens, or 0).
    constexpr std::uint8_t const* tokens() const { return tokens_.data(); }
    /// A counter that grows whenever a row gets a token (push, or set with a different token).
    constexpr std::uint64_t version() const { return version_; }
    /// The version at which row i last got its token.
    constexpr std::uint64_t stamp(std::size_t i) const { return stamps_[i]; }
    /// Have rows 0..last all kept their tokens since `version`?
    constexpr bool unchanged_since(std::size_t last, std::uint64_t version) const {
        std::uint64_t const* const stamps = stamps_.data();
        for (std::size_t j = 0; j <= last; ++j)
            if (stamps[j] > version) return false;
        return true;
    }

    constexpr void push(std::size_t tok) {
        if (n_ >= capacity) throw sequence_error("ctformer::sequence::push: the sequence is full (64 rows)");
        if (tok >= vocab_size) throw sequence_error("ctformer::sequence::push: token id outside the vocabulary");
        fill_row(n_, tok);
        ++n_;
    }

    /// Replaces the token of row j (< size()). Nothing but row j's embedding and cache entries
    /// depend on it (the cached-embedding shortcut), so this equals popping back to j, pushing the
    /// new token and pushing the old rows after it again.
    constexpr void set(std::size_t j, std::size_t tok) {
        if (j >= n_) throw sequence_error("ctformer::sequence::set: no such row");
        if (tok >= vocab_size) throw sequence_error("ctformer::sequence::set: token id outside the vocabulary");
        if (tokens_[j] != tok) fill_row(j, tok);
    }

    /// Row j gets `tok`: set if the row exists, push if it is the next one.
    constexpr void place(std::size_t j, std::size_t tok) {
        if (j < n_)
            set(j, tok);
        else if (j == n_)
            push(tok);
        else
            throw sequence_error("ctformer::sequence::place: rows must be placed in order");
    }

    constexpr void pop() {
        if (n_ == 0) throw sequence_error("ctformer::sequence::pop: the sequence is empty");
        --n_;
    }

    /// The cached keys of the distinct layer at `slot` (see for_each_step), one entry per row.
    template <class Slot>
    constexpr auto const& cache(Slot slot) const {
        return caches_[slot];
    }

    /// Row j's embedding: the input attention forms a row's value from.
    constexpr row embedding(std::size_t j) const { return net.embedding(tokens_[j], j); }
    /// What attention reads rows' embeddings through (of the network's type, not the model's).
    constexpr embedding_reader<net_type> embedding_of() const { return {&net, tokens_.data()}; }

private:
    static constexpr auto all_layers() { return hana::concat(net.prologue, hana::concat(net.body, net.epilogue)); }
    template <class Tuple>
    static constexpr auto make_caches(Tuple const& t) {
        return hana::transform(t, [](auto const& layer) {
            return std::array<typename std::remove_cvref_t<decltype(layer)>::cache_entry, capacity>{};
        });
    }

    /// Row j holds `tok`: its embedding fills every attention layer's cache entry j.
    constexpr void fill_row(std::size_t j, std::size_t tok) {
        row const e = net.embedding(tok, j);
        hana::for_each(hana::make_range(hana::size_c<0>, hana::size(caches_)), [&](auto slot) {
            auto const& layer = distinct_layer(slot);
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) layer.fill_cache(caches_[slot].data()[j], e);
        });
        tokens_[j] = static_cast<std::uint8_t>(tok);
        stamps_[j] = ++version_;
    }

public:
    /// The distinct layer at `slot`: the prologue's, then the body's, then the epilogue's.
    template <class Slot>
    static constexpr auto const& distinct_layer(Slot slot) {
        using shape = network_shape<net_type>;
        constexpr std::size_t s = Slot::value;
        if constexpr (s < shape::prologue)
            return net.prologue[slot];
        else if constexpr (s < shape::prologue + shape::body)
            return net.body[hana::size_c<s - shape::prologue>];
        else
            return net.epilogue[hana::size_c<s - shape::prologue - shape::body>];
    }

private:
    std::size_t digits_;
    std::array<std::uint8_t, capacity> tokens_{};
    std::array<std::uint64_t, capacity> stamps_{};
    std::size_t n_ = 0;
    std::uint64_t version_ = 0;
    decltype(make_caches(all_layers())) caches_{};
};

}  // namespace ctformer
