// ctformer/proof/text.hpp — a bounded text buffer for the proofs' diagnostics, written in constant
// evaluation (the failure structs a static_assert's template argument shows).
#pragma once

#include <cstddef>
#include <string_view>

namespace ctformer::detail {

/// A bounded text buffer for diagnostics written in constant evaluation.
template <std::size_t N>
struct text_writer {
    char (&buf)[N];
    std::size_t n = 0;
    /// Appends s; the arrows and minus signs of layer names become ASCII (a diagnostic prints other
    /// bytes as octal escapes), anything else outside ASCII a '?'.
    constexpr text_writer& operator<<(std::string_view s) {
        for (std::size_t i = 0; i < s.size(); ++i) {
            auto const byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
            std::string_view ascii{&s[i], 1};
            if (byte(i) >= 0x80) {
                ascii = "?";
                if (byte(i) == 0xE2 && i + 2 < s.size()) {
                    unsigned const code = byte(i + 1) << 8 | byte(i + 2);
                    ascii = code == 0x8692 ? "->" : code == 0x8690 ? "<-" : code == 0x8892 ? "-" : "?";
                    i += 2;
                } else {
                    while (i + 1 < s.size() && (byte(i + 1) & 0xC0) == 0x80) ++i;
                }
            }
            for (char c : ascii)
                if (n + 1 < N) buf[n++] = c;
        }
        return *this;
    }
    constexpr text_writer& operator<<(long long v) {
        char digits[24]{};
        std::size_t k = 0;
        bool const negative = v < 0;
        unsigned long long u = negative ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
        do digits[k++] = static_cast<char>('0' + u % 10);
        while ((u /= 10) != 0);
        if (negative) *this << "-";
        while (k > 0) *this << std::string_view{&digits[--k], 1};
        return *this;
    }
};

}  // namespace ctformer::detail
