// tools/common/option_checks.hpp — checks of the tools' option values that CLI11 does not make itself.
//
// Whole numbers: CLI11 2.1 reads an unsigned option with strtoull, which takes "-4" as 2^64 − 4 and clamps 2^64
// and beyond to 2^64 − 1: `--digits -18446744073709551612` was D = 4, `--sample -1` a sample of
// 2^64 − 1. Every unsigned option of the tools checks its text with `whole_number` first, so such a
// value is a usage error (exit status 2) that names the option and the value.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>

#include <CLI/CLI.hpp>

namespace ctformer::tools {

/// The text is decimal digits only (no sign, space, point or exponent) and fits in 64 bits.
inline std::string whole_number_error(std::string const& text) {
    std::uint64_t value = 0;
    char const* const first = text.data();
    char const* const last = first + text.size();
    auto const [end, ec] = std::from_chars(first, last, value);
    if (ec == std::errc::result_out_of_range) return "\"" + text + "\" is larger than 18446744073709551615 (2^64 − 1)";
    if (text.empty() || ec != std::errc{} || end != last) return "\"" + text + "\" is not a whole number (the digits 0-9 only)";
    return {};
}

inline CLI::Validator const whole_number{[](std::string& text) { return whole_number_error(text); }, "", "WHOLE_NUMBER"};

/// A file or directory name that is not empty: `plot -o ''` wrote into the current directory.
inline CLI::Validator const non_empty{[](std::string& text) { return text.empty() ? std::string("the value is empty") : std::string(); },
                                      "", "NON_EMPTY"};

}  // namespace ctformer::tools
