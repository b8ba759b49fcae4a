// ctformer/model/adder.hpp — the program: the seed's layers in the seed's order.
//
//   prologue: find '+' → left_pos, find '=' → right_pos, find '=' → out_pos, step out_pos by −1
//   body ×D:  clear left/right/out, step cursors (left −1, right −1, out +1), read left digit,
//             read right digit, add with carry, diff_pos(pos, out_pos), is_zero, copy_on_match
//   epilogue: carry_out (out ← carry digit, out +1), diff_pos, is_zero, copy_on_match,
//             end_token (out ← '\n', out +1), diff_pos, is_zero, copy_on_match
//   unembed:  final register → token logits, argmax
//
// Row 2D+k (k = 1..D) matches the k-th body pass and predicts the sum's k-th digit from the right;
// row 3D+1 matches carry_out and predicts the carry-out digit, row 3D+2 matches end_token and
// predicts '\n'. The epilogue is not in the seed, which stops after the fourth digit.
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
template <class Prologue, class Body, class Epilogue, class L>
struct network_weights {
    L layout;
    Prologue prologue;
    Body body;
    Epilogue epilogue;
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
        auto epilogue = hana::make_tuple(
            carry_out(L, L[reg::carry], L[reg::out], L[reg::out_pos]),
            diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]),
            is_zero(L, L[reg::distance]),
            copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]),
            end_token(L, token::newline, L[reg::out], L[reg::out_pos]),
            diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]),
            is_zero(L, L[reg::distance]),
            copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]));
        return network_weights<decltype(prologue), decltype(body), decltype(epilogue), seed_layout_t>{
            L, prologue, body, epilogue, ctformer::unembed(L, L[reg::final])};
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
template <class Build, std::size_t I>
struct epilogue_layer {
    static constexpr auto const& dense = hana::at_c<I>(dense_of<Build>.epilogue);
};
}  // namespace detail

/// The compiled network: the same layers in sparse form.
template <class Prologue, class Body, class Epilogue, class L>
struct compiled_network {
    L layout;
    Prologue prologue;
    Body body;
    Epilogue epilogue;
    matrix<L::width, vocab_size> unembed;
};

template <class Build>
constexpr auto compile_network() {
    constexpr auto const& d = dense_of<Build>;
    constexpr std::size_t np = decltype(hana::size(d.prologue))::value;
    constexpr std::size_t nb = decltype(hana::size(d.body))::value;
    constexpr std::size_t ne = decltype(hana::size(d.epilogue))::value;
    auto prologue = []<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(compiled_layer<detail::prologue_layer<Build, I>>...);
    }(std::make_index_sequence<np>{});
    auto body = []<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(compiled_layer<detail::body_layer<Build, I>>...);
    }(std::make_index_sequence<nb>{});
    auto epilogue = []<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(compiled_layer<detail::epilogue_layer<Build, I>>...);
    }(std::make_index_sequence<ne>{});
    using L = std::remove_cvref_t<decltype(d.layout)>;
    return compiled_network<decltype(prologue), decltype(body), decltype(epilogue), L>{d.layout, prologue, body,
                                                                                       epilogue, d.unembed};
}

template <class Build>
inline constexpr auto compiled_of = compile_network<Build>();

/// Calls f(layer) for every distinct layer of a network: the prologue, the body once, the epilogue.
template <class Net, class F>
constexpr void for_each_distinct_layer(Net const& net, F&& f) {
    hana::for_each(net.prologue, f);
    hana::for_each(net.body, f);
    hana::for_each(net.epilogue, f);
}

/// Calls f(layer) for every layer a row runs through, in order: the prologue, the body `digits`
/// times, the epilogue.
template <class Net, class F>
constexpr void for_each_layer(Net const& net, std::size_t digits, F&& f) {
    hana::for_each(net.prologue, f);
    for (std::size_t r = 0; r < digits; ++r) hana::for_each(net.body, f);
    hana::for_each(net.epilogue, f);
}

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
                for_each_distinct_layer(net, [&](auto const& writer) {
                    if (writer.writes_column(c)) ok = false;
                });
            }
        }
    };
    for_each_distinct_layer(net, check_reader);
    return ok;
}

/// What the position encoding guarantees for a sequence of `rows` rows, derived from the period
/// and the instructions' constants (not assumed): the adder static_asserts each for its D.
struct position_guarantees {
    bool distinct = false;  ///< rows ≤ period: no two positions of the sequence share an angle
    fixed read_gap{};       ///< smallest score gap, the row under a cursor to any other row (read_relative)
    fixed min_distance{};   ///< smallest diff_pos distance between two different answer positions
};

/// For a sequence of `rows` rows whose rows from `first_answer_row` on predict the answer: diff_pos
/// compares a predicting row's position with the out cursor, which in the body and the epilogue
/// points at those same rows. (It does not tell every pair of positions apart: 100·Δsin + 1000·Δcos
/// nearly vanishes for pairs centred on position 1.6, such as 1 and 2 — never compared here.)
template <class L>
constexpr position_guarantees position_guarantees_for(L const&, std::size_t rows, std::size_t first_answer_row) {
    position_guarantees g{};
    g.distinct = rows <= static_cast<std::size_t>(position_period);
    g.read_gap = fixed::from_int(1 << 30);
    g.min_distance = fixed::from_int(1 << 30);
    fixed const one = fixed::from_int(1);
    fixed const scale = score_scale_for<L>();
    for (std::size_t delta = 1; delta < rows; ++delta) {
        // Cursor at p, row q = p ± delta: the score is K·cos(2π·delta/period)·scale, K·scale at q = p.
        auto const r = position_angle(static_cast<std::int64_t>(delta), position_period);
        fixed const gap = fixed::from_int(read_key_scale) * (one - r.cos) * scale;
        if (gap < g.read_gap) g.read_gap = gap;
    }
    for (std::size_t p = first_answer_row; p < rows; ++p)
        for (std::size_t q = first_answer_row; q < rows; ++q) {
            if (p == q) continue;
            auto const a = position_table[p], b = position_table[q];
            fixed const x = fixed::from_int(100) * (a.sin - b.sin) + fixed::from_int(1000) * (a.cos - b.cos);
            fixed const d = gelu(x) + gelu(-x);  // diff_pos
            if (d < g.min_distance) g.min_distance = d;
        }
    return g;
}

/// An adder: a network and the digit count D of its operands (the body runs D times).
///
/// A D-digit addition is a prompt of 2D + 2 tokens and an answer of D + 1 digits and '\n'; the
/// sequence holds at most 3D + 3 rows (the '\n' is predicted, never pushed). For that length the
/// adder proves at compile time that positions do not alias, that a cursor's read wins by a score
/// gap at which exp rounds the losers to exactly 0, and that two different answer positions (rows
/// 2D + 1 on, where the out cursor points) are far enough apart for is_zero to answer exactly 0
/// (distance ≥ 0.15).
template <std::size_t Digits, class Build = seed_weights>
struct adder {
    static_assert(Digits >= 1 && Digits <= 8, "ctformer::adder: the adder supports 1 to 8 digits");
    static constexpr std::size_t digits = Digits;
    static constexpr std::size_t prompt_length = 2 * Digits + 2;  ///< DDDD+DDDD=
    static constexpr std::size_t answer_length = Digits + 2;      ///< D + 1 digits, reversed, then '\n'
    static constexpr std::size_t longest_sequence = prompt_length + answer_length - 1;
    using build = Build;
    static constexpr auto const& dense = dense_of<Build>;
    static constexpr auto const& net = compiled_of<Build>;

    static constexpr position_guarantees positions = position_guarantees_for(dense.layout, longest_sequence, prompt_length - 1);
    static_assert(longest_sequence <= max_rows, "ctformer::adder: the sequence is longer than a forward pass holds");
    static_assert(positions.distinct, "ctformer::adder: the sequence is longer than the position period: positions alias");
    static_assert(positions.read_gap.raw > -detail::exp_zero_below,
                  "ctformer::adder: read_relative's score gap is too small for exp to round the other rows to 0");
    static_assert(positions.min_distance >= fixed::from_ratio(15, 100),
                  "ctformer::adder: two positions are too close for is_zero to tell them apart");
};

}  // namespace ctformer
