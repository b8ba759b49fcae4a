// ctformer/model/prompt.hpp — reading a prompt "DDDD+DDDD=" (the operation its program's:
// model/program.hpp) into token ids, and the answer a program expects.
//
// A malformed prompt is a prompt_error that says what is wrong and at which character. In a
// constant expression the error cannot be thrown, so compilation stops at the line that would
// throw it, and that line carries the message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ctformer/model/program.hpp"
#include "ctformer/model/registers.hpp"

namespace ctformer {

struct addition;

/// A prompt that is not of the form DDDD+DDDD= (D digits, the operation, D digits, '=');
/// expected_plus is the operation's place, whatever the program's operation is.
class prompt_error : public std::invalid_argument {
public:
    enum class kind { empty, too_long, unknown_character, wrong_length, expected_digit, expected_plus, expected_equals };

    prompt_error(kind k, std::size_t position, std::string const& message)
        : std::invalid_argument(message), kind_(k), position_(position) {}

    kind what_kind() const noexcept { return kind_; }
    /// The 0-based index of the offending character (the length, for length errors).
    std::size_t position() const noexcept { return position_; }

private:
    kind kind_;
    std::size_t position_;
};

namespace detail {

inline std::string describe_char(char c) {
    auto const u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
    if (c == ' ') return "' ' (space)";
    if (c == '\n') return "'\\n' (newline)";
    char buf[8] = {'b', 'y', 't', 'e', ' ', '0', 'x', 0};
    std::string s(buf);
    constexpr char hex[] = "0123456789abcdef";
    s += hex[u >> 4];
    s += hex[u & 15];
    return s;
}

/// The prompt's shape for the messages: D digits, the operation, `second` digits, '='.
struct prompt_form {
    std::size_t digits;
    std::size_t second;
    char op;
};

[[noreturn]] inline void prompt_fail(prompt_error::kind k, std::string_view text, std::size_t at, prompt_form form) {
    std::size_t const digits = form.digits;
    char const op = form.op;
    std::string const shape = std::string(digits, 'D') + op + std::string(form.second, 'D') + "=";
    std::string msg = "malformed prompt \"";
    for (char c : text.substr(0, 64))
        msg += (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f) ? c : '?';
    if (text.size() > 64) msg += "...";
    msg += "\": ";
    switch (k) {
        case prompt_error::kind::empty:
            msg += "the prompt is empty; expected " + shape;
            break;
        case prompt_error::kind::too_long:
            msg += "the prompt has " + std::to_string(text.size()) + " characters; expected " + shape;
            break;
        case prompt_error::kind::unknown_character:
            msg += "character " + describe_char(text[at]) + " at position " + std::to_string(at) + " is not one of 0123456789" + op + "=";
            break;
        case prompt_error::kind::wrong_length:
            msg += "it has " + std::to_string(text.size()) + " characters; a " + std::to_string(digits) + "-digit prompt " +
                   shape + " has " + std::to_string(digits + form.second + 2);
            break;
        case prompt_error::kind::expected_digit: {
            msg += "expected a digit at position " + std::to_string(at) + ", found " + describe_char(text[at]);
            bool const first = at < digits;
            std::size_t const start = first ? 0 : digits + 1;
            if ((text[at] == op || text[at] == '=') && at > start)
                msg += std::string("; the ") + (first ? "first" : "second") + " operand has " + std::to_string(at - start) +
                       " digits, a " + std::to_string(digits) + "-digit prompt needs " + std::to_string(first ? digits : form.second);
            msg += " (shape " + shape + ")";
            break;
        }
        case prompt_error::kind::expected_plus:
            msg += std::string("expected '") + op + "' at position " + std::to_string(at) + ", found " + describe_char(text[at]) + " (shape " + shape +
                   ")";
            break;
        case prompt_error::kind::expected_equals:
            msg += "expected '=' at position " + std::to_string(at) + ", found " + describe_char(text[at]) + " (shape " + shape +
                   ")";
            break;
    }
    throw prompt_error(k, at, msg);
}

}  // namespace detail

/// Token id of a character in the seed's vocabulary, or vocab_size if it has none (a program's:
/// token_in<P>, model/program.hpp).
constexpr std::size_t token_of(char c) {
    for (std::size_t i = 0; i < vocab_size; ++i)
        if (vocabulary[i] == c) return i;
    return vocab_size;
}

/// A prompt of program P (the seed's addition by default) as token ids.
template <std::size_t Digits, class P = addition>
struct prompt_tokens {
    std::array<std::uint8_t, prompt_shape<P>::prompt_length(Digits)> ids{};
};

/// Reads "DDDD+DDDD=" for `digits` digits, with program P's operation in place of '+' and its
/// second operand's digit count, into ids[0 .. prompt_length(digits)): the digit count known at
/// run time (parse_prompt, below, is this for a constant one). Throws prompt_error (at run time) or
/// stops the compilation (in a constant expression) at the check that failed.
template <class P = addition>
constexpr void read_prompt(std::size_t digits, std::string_view text, std::uint8_t* ids) {
    constexpr char op = operation_symbol<P>;
    detail::prompt_form const form{digits, prompt_shape<P>::second_digits(digits), op};
    using k = prompt_error::kind;
    std::size_t const n = prompt_shape<P>::prompt_length(digits);
    if (text.empty()) detail::prompt_fail(k::empty, text, 0, form);  // the prompt is empty
    if (text.size() > 4096) detail::prompt_fail(k::too_long, text, text.size(), form);  // absurdly long
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        bool const allowed = (c >= '0' && c <= '9') || c == op || c == '=';
        if (!allowed) detail::prompt_fail(k::unknown_character, text, i, form);  // a character is not one of 0123456789+=
    }
    for (std::size_t i = 0; i < text.size() && i < n; ++i) {
        char const c = text[i];
        bool const digit = c >= '0' && c <= '9';
        if (i == digits) {
            if (c != op) detail::prompt_fail(k::expected_plus, text, i, form);  // the operation must follow the first operand's D digits
        } else if (i == n - 1) {
            if (c != '=')
                detail::prompt_fail(k::expected_equals, text, i, form);  // '=' must follow the second operand's D digits
        } else if (!digit) {
            detail::prompt_fail(k::expected_digit, text, i, form);  // operands are exactly D digits each
        }
    }
    if (text.size() != n)
        detail::prompt_fail(k::wrong_length, text, text.size(), form);  // a D-digit prompt has its shape's length
    for (std::size_t i = 0; i < n; ++i) ids[i] = static_cast<std::uint8_t>(token_in<P>(text[i]));
}

/// Reads "DDDD+DDDD=" for the given digit count, with program P's operation in place of '+' and its
/// second operand's digit count (the seed's addition by default). Throws prompt_error (at run time)
/// or stops the compilation (in a constant expression) at the check that failed.
template <std::size_t Digits, class P = addition>
constexpr prompt_tokens<Digits, P> parse_prompt(std::string_view text) {
    prompt_tokens<Digits, P> p{};
    read_prompt<P>(Digits, text, p.ids.data());
    return p;
}

/// Program P's prompt for two operands, each zero-padded to its digit count (`digits`, and
/// `digits` or 1 for the second), written as token ids to ids[0 .. prompt_length(digits)): the
/// digit count known at run time (make_prompt, below, is this for a constant one).
template <class P = addition>
constexpr void write_prompt(std::size_t digits, std::uint64_t a, std::uint64_t b, std::uint8_t* ids) {
    using shape = prompt_shape<P>;
    std::size_t const second = shape::second_digits(digits);
    if (a >= power_of_ten(digits) || b >= power_of_ten(second))
        throw std::out_of_range("ctformer::make_prompt: an operand has more digits than the prompt holds");
    for (std::size_t i = 0; i < digits; ++i) {
        ids[digits - 1 - i] = static_cast<std::uint8_t>(a % 10);
        a /= 10;
    }
    for (std::size_t i = 0; i < second; ++i) {
        ids[digits + second - i] = static_cast<std::uint8_t>(b % 10);
        b /= 10;
    }
    ids[shape::operation_row(digits)] = static_cast<std::uint8_t>(token::operation);
    ids[shape::equals_row(digits)] = static_cast<std::uint8_t>(token::equals);
}

/// Program P's prompt for two operands, each zero-padded to its digit count: D, and D or 1 for the
/// second (token ids: every program's are the same, model/program.hpp).
template <std::size_t Digits, class P = addition>
constexpr prompt_tokens<Digits, P> make_prompt(std::uint64_t a, std::uint64_t b) {
    prompt_tokens<Digits, P> p{};
    write_prompt<P>(Digits, a, b, p.ids.data());
    return p;
}

/// The answer program P expects for a and b with `digits`-digit operands, written to
/// out[0 .. digits + 2): the low digits of its result, least significant first, the digit above
/// them (the carry or borrow out), then '\n' — from integer arithmetic (P::answer), not from the
/// column rule the network and the proof follow.
template <class P = addition>
constexpr void write_expected_answer(std::size_t digits, std::uint64_t a, std::uint64_t b, char* out) {
    answer_parts const r = P::answer(a, b, digits);
    std::uint64_t low = r.low;
    for (std::size_t i = 0; i < digits; ++i) {
        out[i] = static_cast<char>('0' + low % 10);
        low /= 10;
    }
    out[digits] = static_cast<char>('0' + r.top);
    out[digits + 1] = '\n';
}

/// write_expected_answer for a constant digit count.
template <std::size_t Digits, class P = addition>
constexpr std::array<char, Digits + 2> expected_answer(std::uint64_t a, std::uint64_t b) {
    std::array<char, Digits + 2> out{};
    write_expected_answer<P>(Digits, a, b, out.data());
    return out;
}

}  // namespace ctformer
