// ctformer/model/subtraction.hpp — subtraction with borrow, a program on the seed's network with one
// table changed. "0999-0111=" → "88800\n" (0888 reversed, then the borrow out 0, then '\n';
// 0888 is 999 − 111). Where a < b the D digits are those of 10^D + a − b (ten's complement) and the
// borrow out is 1: "0111-0999=" → "21191\n" is 9112 with a borrow: 111 − 999 = −888 = 9112 − 10^4.
//
// The network: the seed's prologue, body and epilogue (model/network.hpp, column_network) with the
// subtract_with_borrow table in place of add_with_carry: the same 200 units, each writing the digit
// of x − y − borrow and setting the borrow where that is negative. The carry register holds the
// borrow, and carry_out writes it as the answer's last digit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctformer/model/instructions.hpp"
#include "ctformer/model/model.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/program.hpp"

namespace ctformer {

struct subtraction_weights;

/// Subtraction (model/program.hpp).
struct subtraction {
    static constexpr std::string_view name = "sub";
    static constexpr std::string_view vocabulary = "0123456789-= \n";
    static constexpr int max_carry = 1;  ///< the borrow
    static constexpr std::string_view carry_name = "borrow";
    static constexpr std::string_view noun = "subtraction";
    /// Its positions are the adder's (the same layers but one table, which reads and writes no
    /// position): proven for every D = 1..16 (tests/proofs/all_inputs), failing at 17
    /// (tests/proofs/positions.cpp).
    static constexpr std::size_t max_digits = 16;
    static constexpr bool one_digit_second = false;
    using build = subtraction_weights;
    static constexpr column_result column(int x, int y, int borrow) {
        int const d = x - y - borrow;
        return d < 0 ? column_result{d + 10, 1} : column_result{d, 0};
    }
    static constexpr answer_parts answer(std::uint64_t a, std::uint64_t b, std::size_t digits) {
        if (a >= b) return {a - b, 0};
        return {power_of_ten(digits) + a - b, 1};  // ten's complement, and the borrow out
    }
};

/// The column table of subtraction::column: digit (x − y − b) mod 10, borrow out 1 where x − y − b < 0.
template <class L>
constexpr mlp_for<L, 200> subtract_with_borrow(L const&, slot left, slot right, slot borrow, slot out) {
    return column_table<L>(left, right, borrow, out, &subtraction::column, "subtract_with_borrow", "{x} − {y} − borrow {c}",
                           "The subtractor: the adder's 200 hidden units with other entries, two per pair of digits (i, j). "
                           "Unit (i, j, no borrow) reaches 128 only when left = i, right = j and the borrow is 0 (at most "
                           "−372 otherwise, far below GELU's zero at −7): it writes (i − j) mod 10 into out and, "
                           "when i < j, sets the borrow. Unit (i, j, borrow in) reaches 128 only when the borrow is 1 as well "
                           "(at most −205 otherwise): it writes (i − j − 1) mod 10 and clears the borrow when i > j "
                           "(else the borrow stays 1). Exactly one unit fires; the table is the whole subtraction, borrow "
                           "included. The borrow lives in the adder's carry register.");
}

/// Builds the subtraction network: the seed's with the subtract_with_borrow table.
struct subtraction_weights {
    constexpr auto operator()() const {
        auto const& L = seed_layout;
        return column_network<subtraction>(subtract_with_borrow(L, L[reg::left], L[reg::right], L[reg::carry], L[reg::out]),
                                           "find_and_store('-' → left_pos)");
    }
};

static_assert(program<subtraction>);

/// Subtraction of D-digit operands.
template <std::size_t Digits, class Build = subtraction_weights>
using subtractor = model<subtraction, Digits, Build>;

}  // namespace ctformer
