// tools/page/registers.cpp — decoding a register into words.
#include "registers.hpp"

#include <cmath>
#include <numbers>

#include <fmt/core.h>

namespace ctformer::tools {

namespace {

std::string decode_cursor(fixed const* x) {  // sin/cos of 2π·p/100
    double const sn = x[0].to_double(), cs = x[1].to_double();
    double const r = std::sqrt(sn * sn + cs * cs);
    if (r < 0.5) return "·";
    double p = std::atan2(sn, cs) * 100.0 / (2 * std::numbers::pi);
    if (p < -0.5) p += 100;
    long const whole = std::lround(p);
    bool const exact = std::fabs(p - static_cast<double>(whole)) < 1e-6 && std::fabs(r - 1) < 1e-6;
    return exact ? fmt::format("@{}", whole) : fmt::format("@{:.2f}", p);
}

std::string decode_scalar(fixed x) {
    double const v = x.to_double();
    if (v == 0) return "0";
    if (v == 1) return "1";
    return fmt::format("{:.4g}", v);
}

std::string decode_tokens(fixed const* x, std::size_t width, std::string_view vocabulary) {  // which token is hot, and how hot
    std::size_t best = 0, nonzero = 0;
    for (std::size_t i = 0; i < width; ++i) {
        if (x[i].raw != 0) ++nonzero;
        if (x[i] > x[best]) best = i;
    }
    if (nonzero == 0) return "·";
    std::string const tok = token_text(vocabulary[best]);
    if (nonzero == 1 && x[best] == fixed::from_int(1)) return tok;
    return fmt::format("{}({:.3f})", tok, x[best].to_double());
}

}  // namespace

std::string decode(slot s, fixed const* row, std::string_view vocabulary) {
    if (s.width == 2) return decode_cursor(row + s.offset);
    if (s.width == 1) return decode_scalar(row[s.offset]);
    return decode_tokens(row + s.offset, s.width, vocabulary);
}

std::vector<double> values_of(slot s, fixed const* row) {
    std::vector<double> out;
    for (std::size_t c = s.offset; c < s.offset + s.width; ++c) out.push_back(row[c].to_double());
    return out;
}

}  // namespace ctformer::tools
