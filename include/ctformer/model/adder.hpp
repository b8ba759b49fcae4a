// ctformer/model/adder.hpp — the program: the seed's layers in the seed's order.
//
//   prologue: find '+' → left_pos, find '=' → right_pos, find '=' → out_pos, step out_pos by −1
//   body ×D:  clear left/right/out, step cursors (left −1, right −1, out +1), read left digit,
//             read right digit, add with carry, diff_pos(pos, out_pos), is_zero, copy_on_match
//   unembed:  final register → token logits, argmax
//
// The body is one set of weights applied D times (the seed's `for i in range(4)`), so the loop is
// a weight-shared block. Layers differ in type and size, so prologue and body are hana::tuples.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include <boost/hana.hpp>

#include "ctformer/model/instructions.hpp"
#include "ctformer/model/layers.hpp"
#include "ctformer/model/registers.hpp"

namespace ctformer {

/// The dense network: the truth that every other form is derived from.
template <class Prologue, class Body, class L>
struct network_weights {
    L layout;
    Prologue prologue;
    Body body;
    matrix<L::width, vocab_size> unembed;
};

/// Builds the seed's network on the seed's layout.
struct seed_weights {
    constexpr auto operator()() const {
        auto const& L = seed_layout;
        auto prologue = hana::make_tuple(
            find_and_store(L, token::plus, L[reg::left_pos], "find_and_store('+' → left_pos)"),
            find_and_store(L, token::equals, L[reg::right_pos], "find_and_store('=' → right_pos)"),
            find_and_store(L, token::equals, L[reg::out_pos], "find_and_store('=' → out_pos)"),
            step_position(L, std::array{std::pair{L[reg::out_pos], std::int64_t{-1}}}, "step_position(out −1)"));
        auto body = hana::make_tuple(
            clear(L, L[reg::left], L[reg::right], L[reg::out]),
            step_position(L,
                          std::array{std::pair{L[reg::left_pos], std::int64_t{-1}},
                                     std::pair{L[reg::right_pos], std::int64_t{-1}},
                                     std::pair{L[reg::out_pos], std::int64_t{1}}},
                          "step_position(left −1, right −1, out +1)"),
            read_relative(L, L[reg::left_pos], 0, L[reg::left], "read_relative(left_pos → left)"),
            read_relative(L, L[reg::right_pos], 0, L[reg::right], "read_relative(right_pos → right)"),
            add_with_carry(L, L[reg::left], L[reg::right], L[reg::carry], L[reg::out]),
            diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]),
            is_zero(L, L[reg::distance]),
            copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]));
        return network_weights<decltype(prologue), decltype(body), seed_layout_t>{
            L, prologue, body, ctformer::unembed(L, L[reg::final])};
    }
};

/// The dense weights a builder makes, evaluated once per translation unit.
template <class Build>
inline constexpr auto dense_of = Build{}();

namespace detail {
template <class Build, std::size_t I>
struct prologue_layer {
    static constexpr auto const& dense = hana::at_c<I>(dense_of<Build>.prologue);
};
template <class Build, std::size_t I>
struct body_layer {
    static constexpr auto const& dense = hana::at_c<I>(dense_of<Build>.body);
};
}  // namespace detail

/// The compiled network: the same layers in sparse form.
template <class Prologue, class Body, class L>
struct compiled_network {
    L layout;
    Prologue prologue;
    Body body;
    matrix<L::width, vocab_size> unembed;
};

template <class Build>
constexpr auto compile_network() {
    constexpr auto const& d = dense_of<Build>;
    constexpr std::size_t np = decltype(hana::size(d.prologue))::value;
    constexpr std::size_t nb = decltype(hana::size(d.body))::value;
    auto prologue = []<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(compile_layer<detail::prologue_layer<Build, I>>()...);
    }(std::make_index_sequence<np>{});
    auto body = []<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(compile_layer<detail::body_layer<Build, I>>()...);
    }(std::make_index_sequence<nb>{});
    using L = std::remove_cvref_t<decltype(d.layout)>;
    return compiled_network<decltype(prologue), decltype(body), L>{d.layout, prologue, body, d.unembed};
}

template <class Build>
inline constexpr auto compiled_of = compile_network<Build>();

/// Does any layer write a column that some attention layer reads from earlier rows? If none does,
/// an earlier row's keys and values at every layer equal those of its embedding, and a row's layers
/// need to run only when its own output is wanted (runtime/sequence.hpp relies on this).
template <class Net>
constexpr bool attention_reads_only_the_embedding(Net const& net) {
    constexpr std::size_t W = std::remove_cvref_t<decltype(net.layout)>::width;
    bool ok = true;
    auto check_reader = [&](auto const& reader) {
        if constexpr (std::remove_cvref_t<decltype(reader)>::is_attention) {
            for (std::size_t c = 0; c < W; ++c) {
                if (!reader.reads_column(c)) continue;
                auto check_writer = [&](auto const& writer) {
                    if (writer.writes_column(c)) ok = false;
                };
                hana::for_each(net.prologue, check_writer);
                hana::for_each(net.body, check_writer);
            }
        }
    };
    hana::for_each(net.prologue, check_reader);
    hana::for_each(net.body, check_reader);
    return ok;
}

/// An adder: a network and the digit count D of its operands (the body runs D times).
template <std::size_t Digits, class Build = seed_weights>
struct adder {
    static_assert(Digits >= 1 && Digits <= 8, "ctformer::adder: the seed's adder supports 1 to 8 digits");
    static constexpr std::size_t digits = Digits;
    static constexpr std::size_t prompt_length = 2 * Digits + 2;  ///< DDDD+DDDD=
    using build = Build;
    static constexpr auto const& dense = dense_of<Build>;
    static constexpr auto const& net = compiled_of<Build>;
};

}  // namespace ctformer
