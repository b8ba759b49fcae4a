// ctformer/model/multiplication.hpp — multiplication by one digit, a program whose carry runs 0..8.
// "0999*7=" → "39960\n": 999 · 7 = 6993, its four digits least significant first (3996), then the
// carry out 0, then '\n'; "9999*9=" → "19998\n": 9999 · 9 = 89991, digits 1999 and the carry out 8.
//
// The network is the seed's with three changes, each a layer of the instruction library:
// - the second operand is one digit, under a cursor that stays: the prologue steps right_pos once,
//   to the digit before '=', and the body steps only left_pos and out_pos;
// - the carry is a one-hot register of ten columns (the seed's is one column, 0 or 1): the prologue
//   sets it to 0 (set_digit), and the table moves it (one_hot_carry_table, 900 units: a digit pair
//   and a carry each);
// - the epilogue writes the carry's digit (carry_digit_out) instead of the carry bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctformer/detail/hana.hpp"

#include "ctformer/model/instructions.hpp"
#include "ctformer/model/model.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/program.hpp"
#include "ctformer/model/registers.hpp"

namespace ctformer {

struct multiplication_weights;

/// Multiplication by a digit (model/program.hpp): a·k for a D-digit a and a digit k.
struct multiplication {
    static constexpr std::string_view name = "mul";
    static constexpr std::string_view vocabulary = "0123456789*= \n";
    static constexpr int max_carry = 8;  ///< 9 · 9 + 8 = 89
    static constexpr std::string_view carry_name = "carry";
    static constexpr std::string_view noun = "multiplication";
    static constexpr bool one_digit_second = true;
    /// The most digits proven (tests/proofs/all_inputs) and taken by the tools. The encoding's
    /// positions support more: tests/proofs/positions.cpp shows the position premise holding for 24
    /// digits (a prompt and answer of 2D + 4 rows) and failing for 25; proving 17 to 24 needs walks
    /// longer than max_walk_digits (20, the adder's 3D + 3 rows in a pass).
    static constexpr std::size_t max_digits = 16;
    using build = multiplication_weights;
    static constexpr column_result column(int x, int k, int carry) { return {(x * k + carry) % 10, (x * k + carry) / 10}; }
    static constexpr answer_parts answer(std::uint64_t a, std::uint64_t k, std::size_t digits) {
        std::uint64_t const p = a * k;
        return {p % power_of_ten(digits), p / power_of_ten(digits)};
    }
};

/// The seed's registers, with a carry of ten columns (a one-hot digit).
inline constexpr auto multiplication_layout =
    make_layout(declare<2>(reg::pos), declare<2>(reg::left_pos), declare<2>(reg::right_pos), declare<2>(reg::out_pos),
                declare<vocab_size>(reg::left), declare<vocab_size>(reg::right), declare<vocab_size>(reg::out),
                declare<10>(reg::carry), declare<1>(reg::distance), declare<vocab_size>(reg::final));
using multiplication_layout_t = std::remove_const_t<decltype(multiplication_layout)>;

/// The column table of multiplication::column, carry one-hot 0..8.
template <class L>
constexpr auto multiply_with_carry(L const&, slot left, slot right, slot carry, slot out) {
    return one_hot_carry_table<L, multiplication::max_carry>(
        left, right, carry, out, &multiplication::column, "multiply_with_carry", "{x} × {y} + carry {c}",
        "The multiplier: 900 hidden units, one per digit i of the first operand, digit k of the second and carry c (0 to "
        "8). The carry register is one-hot, so unit (i, k, c) reaches 128 only when left = i, right = k and the carry is "
        "c (333 from each, less 871; at most −205 with one of them missing, far below GELU's zero at −7). It "
        "writes (i·k + c) mod 10 into out and moves the carry's one-hot from c to (i·k + c) div 10. Exactly one "
        "unit fires; the table is the whole column, carry included.");
}

/// Builds the multiplication network.
struct multiplication_weights {
    constexpr auto operator()() const {
        auto const& L = multiplication_layout;
        auto prologue = hana::make_tuple(
            find_and_store(L, token::operation, L[reg::left_pos], "find_and_store('*' → left_pos)"),
            find_and_store(L, token::equals, L[reg::right_pos], "find_and_store('=' → right_pos)"),
            find_and_store(L, token::equals, L[reg::out_pos], "find_and_store('=' → out_pos)"),
            step_position(L, std::array{std::pair{L[reg::right_pos], std::int64_t{-1}}, std::pair{L[reg::out_pos], std::int64_t{-1}}},
                          "step_position(right −1, out −1)"),
            set_digit(L, L[reg::carry], 0, "set_digit(carry ← 0)"));
        auto body = hana::make_tuple(
            clear(L, L[reg::left], L[reg::right], L[reg::out]),
            step_position(L, std::array{std::pair{L[reg::left_pos], std::int64_t{-1}}, std::pair{L[reg::out_pos], std::int64_t{1}}},
                          "step_position(left −1, out +1)"),
            read_relative(L, L[reg::left_pos], 0, L[reg::left], "read_relative(left_pos → left)"),
            read_relative(L, L[reg::right_pos], 0, L[reg::right], "read_relative(right_pos → right)"),
            multiply_with_carry(L, L[reg::left], L[reg::right], L[reg::carry], L[reg::out]),
            diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]), is_zero(L, L[reg::distance]),
            copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]));
        auto epilogue = hana::make_tuple(carry_digit_out<multiplication_layout_t, 10>(L, L[reg::carry], L[reg::out], L[reg::out_pos]),
                                         diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]), is_zero(L, L[reg::distance]),
                                         copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]),
                                         end_token(L, token::newline, L[reg::out], L[reg::out_pos]),
                                         diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]), is_zero(L, L[reg::distance]),
                                         copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]));
        return network_weights<decltype(prologue), decltype(body), decltype(epilogue), multiplication_layout_t, multiplication>{
            L, seed_embedding(L), prologue, body, epilogue, ctformer::unembed(L, L[reg::final])};
    }
};

static_assert(program<multiplication>);

/// Multiplication of a D-digit operand by a digit. With clang++, compiling its network (the 900-unit
/// table) takes more than clang's default 2^20 constant-evaluation steps: link ctformer::proof_budget
/// (or ctformer::precompiled), or pass -fconstexpr-steps=2147483647.
template <std::size_t Digits, class Build = multiplication_weights>
using multiplier = model<multiplication, Digits, Build>;

}  // namespace ctformer
