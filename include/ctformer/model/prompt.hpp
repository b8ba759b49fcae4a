// ctformer/model/prompt.hpp — reading a prompt "DDDD+DDDD=" into token ids.
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

#include "ctformer/model/registers.hpp"

namespace ctformer {

/// A prompt that is not of the form DDDD+DDDD= (D digits, '+', D digits, '=').
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

[[noreturn]] inline void prompt_fail(prompt_error::kind k, std::string_view text, std::size_t at, std::size_t digits) {
    std::string const shape = std::string(digits, 'D') + "+" + std::string(digits, 'D') + "=";
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
            msg += "character " + describe_char(text[at]) + " at position " + std::to_string(at) + " is not one of 0123456789+=";
            break;
        case prompt_error::kind::wrong_length:
            msg += "it has " + std::to_string(text.size()) + " characters; a " + std::to_string(digits) + "-digit prompt " +
                   shape + " has " + std::to_string(2 * digits + 2);
            break;
        case prompt_error::kind::expected_digit: {
            msg += "expected a digit at position " + std::to_string(at) + ", found " + describe_char(text[at]);
            bool const first = at < digits;
            std::size_t const start = first ? 0 : digits + 1;
            if ((text[at] == '+' || text[at] == '=') && at > start)
                msg += std::string("; the ") + (first ? "first" : "second") + " operand has " + std::to_string(at - start) +
                       " digits, a " + std::to_string(digits) + "-digit prompt needs " + std::to_string(digits);
            msg += " (shape " + shape + ")";
            break;
        }
        case prompt_error::kind::expected_plus:
            msg += "expected '+' at position " + std::to_string(at) + ", found " + describe_char(text[at]) + " (shape " + shape +
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

/// Token id of a character, or vocab_size if it has none.
constexpr std::size_t token_of(char c) {
    for (std::size_t i = 0; i < vocab_size; ++i)
        if (vocabulary[i] == c) return i;
    return vocab_size;
}

/// A prompt as token ids.
template <std::size_t Digits>
struct prompt_tokens {
    std::array<std::uint8_t, 2 * Digits + 2> ids{};
};

/// Reads "DDDD+DDDD=" for the given digit count. Throws prompt_error (at run time) or stops the
/// compilation (in a constant expression) at the check that failed.
template <std::size_t Digits>
constexpr prompt_tokens<Digits> parse_prompt(std::string_view text) {
    using k = prompt_error::kind;
    constexpr std::size_t n = 2 * Digits + 2;
    if (text.empty()) detail::prompt_fail(k::empty, text, 0, Digits);  // the prompt is empty
    if (text.size() > 4096) detail::prompt_fail(k::too_long, text, text.size(), Digits);  // absurdly long
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        bool const allowed = (c >= '0' && c <= '9') || c == '+' || c == '=';
        if (!allowed) detail::prompt_fail(k::unknown_character, text, i, Digits);  // a character is not one of 0123456789+=
    }
    for (std::size_t i = 0; i < text.size() && i < n; ++i) {
        char const c = text[i];
        bool const digit = c >= '0' && c <= '9';
        if (i == Digits) {
            if (c != '+') detail::prompt_fail(k::expected_plus, text, i, Digits);  // '+' must follow the first operand's D digits
        } else if (i == n - 1) {
            if (c != '=')
                detail::prompt_fail(k::expected_equals, text, i, Digits);  // '=' must follow the second operand's D digits
        } else if (!digit) {
            detail::prompt_fail(k::expected_digit, text, i, Digits);  // operands are exactly D digits each
        }
    }
    if (text.size() != n)
        detail::prompt_fail(k::wrong_length, text, text.size(), Digits);  // a D-digit prompt has 2D+2 characters
    prompt_tokens<Digits> p{};
    for (std::size_t i = 0; i < n; ++i) p.ids[i] = static_cast<std::uint8_t>(token_of(text[i]));
    return p;
}

/// The prompt for two operands, zero-padded to D digits each.
template <std::size_t Digits>
constexpr prompt_tokens<Digits> make_prompt(std::uint64_t a, std::uint64_t b) {
    std::uint64_t limit = 1;
    for (std::size_t i = 0; i < Digits; ++i) limit *= 10;
    if (a >= limit || b >= limit) throw std::out_of_range("ctformer::make_prompt: an operand has more than D digits");
    prompt_tokens<Digits> p{};
    for (std::size_t i = 0; i < Digits; ++i) {
        p.ids[Digits - 1 - i] = static_cast<std::uint8_t>(a % 10);
        p.ids[2 * Digits - i] = static_cast<std::uint8_t>(b % 10);
        a /= 10;
        b /= 10;
    }
    p.ids[Digits] = static_cast<std::uint8_t>(token::plus);
    p.ids[2 * Digits + 1] = static_cast<std::uint8_t>(token::equals);
    return p;
}

/// 10^d.
constexpr std::uint64_t power_of_ten(std::size_t d) {
    std::uint64_t p = 1;
    for (std::size_t i = 0; i < d; ++i) p *= 10;
    return p;
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
