// tools/digits.hpp — from a run-time digit count to the compile-time adder<D>.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <ctformer/ctformer.hpp>

namespace ctformer::tools {

inline constexpr std::size_t min_digits = 1, max_digits = 8;

/// Calls f(adder<D>{}) for the run-time d; throws std::invalid_argument outside [1, 8].
template <class F>
decltype(auto) with_digits(std::size_t d, F&& f) {
    if (d < min_digits || d > max_digits)
        throw std::invalid_argument("--digits must be between 1 and 8, got " + std::to_string(d));
    using R = decltype(f(adder<1>{}));
    return [&]<std::size_t... I>(std::index_sequence<I...>)->R {
        if constexpr (std::is_void_v<R>) {
            (void)((d == I + 1 ? (f(adder<I + 1>{}), true) : false) || ...);
        } else {
            R r{};
            (void)((d == I + 1 ? (r = f(adder<I + 1>{}), true) : false) || ...);
            return r;
        }
    }
    (std::make_index_sequence<max_digits>{});
}

/// The digit count a prompt is written for: D when its length is 2D+2 for some D in [1, 8], else
/// the seed's 4 (so that the parser reports a malformed prompt against the usual shape). A prompt
/// shaped like an addition of more digits than the tools take is an error that says so.
inline std::size_t digits_of_prompt(std::string const& prompt) {
    if (prompt.size() % 2 == 0 && prompt.size() >= 2 * min_digits + 2) {
        std::size_t const d = (prompt.size() - 2) / 2;
        if (d <= max_digits) return d;
        if (prompt[d] == '+' && prompt.back() == '=')
            throw std::invalid_argument("the prompt's operands have " + std::to_string(d) + " digits; the tools take 1 to " +
                                        std::to_string(max_digits));
    }
    return 4;
}

}  // namespace ctformer::tools
