// ctformer/model/program.hpp — what a program is: the concept every program satisfies.
//
// A program is a type that names its vocabulary, the column rule of its schoolbook arithmetic, the
// answer integer arithmetic expects, and the network builder whose weights run it. Its weights carry
// it: network_weights<…, Program> (model/network.hpp), so a network built from a program's weights
// — broken or not — knows which program it claims to run, and the all-input proof
// (proof/all_inputs.hpp) checks it against that program's column rule and answer.
//
// The programs here share one prompt grammar: "a" OP "b" "=", a of D digits and b of D digits (or of
// one digit, applied to every column: multiplication by a digit), then D + 1 answer digits least
// significant first (the D low digits of the result and the carry or borrow out), then '\n'
// (prompt_shape below). The token ids are shared too: digits 0–9, the operation 10, '=' 11, ' ' 12,
// '\n' 13; a program names the character of token 10. The programs: model/addition.hpp (the seed's
// adder), model/subtraction.hpp and model/multiplication.hpp; docs/programs.md tells how to write
// another.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctformer/model/registers.hpp"

namespace ctformer {

/// Where things are in a program's prompt and answer, for D-digit first operands. Rows count from 0;
/// column k = 1..D counts from the right.
template <class P>
struct prompt_shape {
    /// Digits of the second operand: D, or 1 for a program whose second operand is one digit.
    static constexpr std::size_t second_digits(std::size_t d) { return P::one_digit_second ? 1 : d; }
    static constexpr std::size_t prompt_length(std::size_t d) { return d + 1 + second_digits(d) + 1; }
    static constexpr std::size_t operation_row(std::size_t d) { return d; }
    static constexpr std::size_t equals_row(std::size_t d) { return prompt_length(d) - 1; }
    /// D + 1 digits and '\n'.
    static constexpr std::size_t answer_length(std::size_t d) { return d + 2; }
    /// The rows that predict the answer: '=' predicts its first digit, the last its '\n'.
    static constexpr std::size_t first_answer_row(std::size_t d) { return equals_row(d); }
    static constexpr std::size_t last_answer_row(std::size_t d) { return equals_row(d) + d + 1; }
    /// The rows a generation of the whole answer holds (the '\n' is predicted, never pushed).
    static constexpr std::size_t longest_sequence(std::size_t d) { return prompt_length(d) + answer_length(d) - 1; }
    /// The rows column k reads: x from the first operand, y from the second (its only digit, for a
    /// one-digit second operand).
    static constexpr std::size_t x_row(std::size_t d, std::size_t k) { return d - k; }
    static constexpr std::size_t y_row(std::size_t d, std::size_t k) {
        return operation_row(d) + second_digits(d) + 1 - (second_digits(d) == 1 ? 1 : k);
    }
    /// Whether row j of a prompt holds an operand digit.
    static constexpr bool digit_row(std::size_t d, std::size_t j) { return j != operation_row(d) && j != equals_row(d); }
};

/// One column of schoolbook arithmetic: the digit written there and the carry (or borrow) passed on
/// to the next column.
struct column_result {
    int digit = 0;
    int carry = 0;
    constexpr bool operator==(column_result const&) const = default;
};

/// A program's answer for two operands, as integer arithmetic gives it: the D low digits and the
/// digit above them (the carry or borrow out).
struct answer_parts {
    std::uint64_t low = 0;
    std::uint64_t top = 0;
};

/// 10^d.
constexpr std::uint64_t power_of_ten(std::size_t d) {
    std::uint64_t p = 1;
    for (std::size_t i = 0; i < d; ++i) p *= 10;
    return p;
}

namespace detail {
/// The token ids every program shares: digits 0–9 at ids 0–9, then the operation, '=', ' ', '\n'.
constexpr bool shares_token_ids(std::string_view v) {
    if (v.size() != vocab_size) return false;
    for (std::size_t i = 0; i < 10; ++i)
        if (v[i] != static_cast<char>('0' + i)) return false;
    char const op = v[token::operation];
    bool const op_is_new = op != '=' && op != ' ' && op != '\n' && !(op >= '0' && op <= '9') && op > 0x20 && op < 0x7f;
    return op_is_new && v[token::equals] == '=' && v[token::space] == ' ' && v[token::newline] == '\n';
}

/// Every column the rule can meet (digits 0–9, a carry 0..max_carry) gives a digit 0–9 and a carry
/// 0..max_carry.
template <class P>
constexpr bool column_rule_closed() {
    for (int x = 0; x < 10; ++x)
        for (int y = 0; y < 10; ++y)
            for (int c = 0; c <= P::max_carry; ++c) {
                column_result const r = P::column(x, y, c);
                if (r.digit < 0 || r.digit > 9 || r.carry < 0 || r.carry > P::max_carry) return false;
            }
    return true;
}

/// The column rule, applied digit by digit from the right, gives integer arithmetic's answer (checked
/// for every pair of operands of 2 digits — one for a one-digit second operand —, where every column
/// case and every carry path of a longer prompt occurs too).
template <class P>
constexpr bool column_rule_agrees_with_answer() {
    for (std::uint64_t a = 0; a < 100; ++a)
        for (std::uint64_t b = 0; b < (P::one_digit_second ? 10u : 100u); ++b) {
            int carry = 0;
            std::uint64_t low = 0;
            std::uint64_t x = a, y = b, place = 1;
            for (int k = 0; k < 2; ++k) {
                column_result const r = P::column(static_cast<int>(x % 10), static_cast<int>(y % 10), carry);
                low += static_cast<std::uint64_t>(r.digit) * place;
                carry = r.carry;
                x /= 10, place *= 10;
                if (!P::one_digit_second) y /= 10;
            }
            answer_parts const want = P::answer(a, b, 2);
            if (want.low != low || want.top != static_cast<std::uint64_t>(carry)) return false;
        }
    return true;
}
}  // namespace detail

/// A program: `name` (what the tools call it), `vocabulary` (the character of each token id, the
/// shared ids above), `one_digit_second` (whether the second operand is one digit, applied to every
/// column), `column(x, y, carry)` (one column of its schoolbook arithmetic, from the right: x from
/// the first operand, y from the second), `max_carry` (the carry runs 0..max_carry),
/// `answer(a, b, D)` (integer arithmetic's answer), `max_digits`
/// (the most digits its encoding supports, proven in tests/proofs), `carry_name` (what the top
/// answer digit is called: "carry", "borrow"), `noun` (what one of its prompts is called in
/// messages: "addition", "subtraction") and `build` (its network).
template <class P>
concept program = requires(int x, std::uint64_t a, std::size_t d) {
    { P::name } -> std::convertible_to<std::string_view>;
    { P::vocabulary } -> std::convertible_to<std::string_view>;
    { P::column(x, x, x) } -> std::same_as<column_result>;
    { P::max_carry } -> std::convertible_to<int>;
    { P::answer(a, a, d) } -> std::same_as<answer_parts>;
    { P::max_digits } -> std::convertible_to<std::size_t>;
    { P::carry_name } -> std::convertible_to<std::string_view>;
    { P::noun } -> std::convertible_to<std::string_view>;
    { P::one_digit_second } -> std::convertible_to<bool>;
    typename P::build;
} && detail::shares_token_ids(P::vocabulary);

/// What the compiler checks of a program's arithmetic before any network runs it (a program that
/// fails one gets the message of the static_assert).
template <program P>
constexpr bool arithmetic_checked() {
    static_assert(P::max_carry >= 1 && P::max_carry <= 9, "ctformer: a program's carry runs 0..max_carry, max_carry 1 to 9");
    static_assert(detail::column_rule_closed<P>(), "ctformer: the program's column rule gives a digit outside 0–9 or a carry outside 0..max_carry");
    static_assert(detail::column_rule_agrees_with_answer<P>(),
                  "ctformer: the program's column rule, applied from the right, does not give its answer()");
    return true;
}

/// The character of the operation token in a program's prompts ('+' for addition).
template <program P>
inline constexpr char operation_symbol = P::vocabulary[token::operation];

/// The token id of a character in a program's vocabulary, or vocab_size if it has none.
template <program P>
constexpr std::size_t token_in(char c) {
    for (std::size_t i = 0; i < vocab_size; ++i)
        if (P::vocabulary[i] == c) return i;
    return vocab_size;
}

}  // namespace ctformer
