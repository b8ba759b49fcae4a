// ctformer/numeric/functions.hpp — integer-only exp, GELU, and the sin/cos of position angles.
//
// Every function here is constexpr and, at run time, uses integer arithmetic only (the tables
// are computed once, in constexpr double, and stored as integers), so the compiler and the CPU
// produce the same bits. Error bounds are in ulp of Q31.32 (1 ulp = 2^-32 ≈ 2.33e-10) against the
// exact function; tests/test_functions.cpp checks each bound against <cmath> on a dense grid.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "ctformer/numeric/fixed.hpp"

namespace ctformer {

/// Thrown when a function gets an argument outside its domain.
struct domain_error : std::domain_error {
    using std::domain_error::domain_error;
};

namespace detail {

inline constexpr double pi = 3.14159265358979323846;

/// exp in constexpr double for table building only (range reduction by ln 2, Taylor series);
/// relative error below 1e-15 on [−60, 60].
constexpr double exp_double(double x) {
    constexpr double ln2 = 0.69314718055994530942;
    int k = 0;
    while (x > ln2 / 2) {
        x -= ln2;
        ++k;
    }
    while (x < -ln2 / 2) {
        x += ln2;
        --k;
    }
    double term = 1, sum = 1;
    for (int n = 1; n < 20; ++n) {
        term *= x / n;
        sum += term;
    }
    for (; k > 0; --k) sum *= 2;
    for (; k < 0; ++k) sum /= 2;
    return sum;
}

/// √x in constexpr double (Newton's method), correctly rounded or within 1 ulp, for x > 0.
constexpr double sqrt_double(double x) {
    double r = x > 1 ? x : 1;
    for (int i = 0; i < 200; ++i) {
        double const next = (r + x / r) / 2;
        if (next == r) break;
        r = next;
    }
    return r;
}

/// sin(2π·turns) in constexpr double for turns in [−1/2, 1/2]; absolute error below 1e-15.
constexpr double sin_turns(double turns) {
    double const x = 2 * pi * turns;
    double term = x, sum = x;
    for (int n = 1; n < 20; ++n) {
        term *= -x * x / ((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}

// --- exp ------------------------------------------------------------------------------------
inline constexpr int exp_q = 62;  // the reduced argument and the polynomial live in Q1.62
inline constexpr std::int64_t ln2_q62 = 3196577161300663808;  // round(ln 2 · 2^62)
inline constexpr int exp_degree = 16;
/// e^x < 2^-33 for x < −22.875: such x round to exactly 0.
inline constexpr std::int64_t exp_zero_below =
    -(std::int64_t{22} * fixed::one_raw + (std::int64_t{7} << 29));  // 0.7^17/17! < 2^-62

constexpr std::array<std::int64_t, exp_degree + 1> exp_coefficients() {
    std::array<std::int64_t, exp_degree + 1> c{};
    i128 fact = 1;
    for (int n = 0; n <= exp_degree; ++n) {
        if (n > 0) fact *= n;
        c[static_cast<std::size_t>(n)] = static_cast<std::int64_t>(((i128{1} << exp_q) + fact / 2) / fact);
    }
    return c;
}
inline constexpr auto exp_c = exp_coefficients();

/// (a·b) / 2^62 rounded, for Q1.62 operands of magnitude below 2.
constexpr std::int64_t mul_q62(std::int64_t a, std::int64_t b) { return round_shift(i128{a} * b, exp_q); }

// --- GELU -----------------------------------------------------------------------------------
// Φ (the normal CDF) on [0, 7) in 112 intervals of width 1/16; on each, a degree-5 Taylor
// polynomial around the interval's midpoint, coefficients in Q1.62. The truncation error is
// |Φ^(6)|/720 · (1/32)^6 < 4e-12; coefficient rounding adds < 1e-18.
inline constexpr int gelu_q = 62;
inline constexpr int gelu_intervals_per_unit = 16;
inline constexpr int gelu_cutoff = 7;  // |x| ≥ 7: GELU(x) = max(x, 0) to within |x|·Φ(−|x|) < 1e-11
inline constexpr int gelu_intervals = gelu_cutoff * gelu_intervals_per_unit;
inline constexpr int gelu_degree = 5;

/// The Taylor coefficients of Φ around x: c_0 = Φ(x), c_n = φ(x)·(−1)^(n−1)·He_(n−1)(x)/n!.
template <std::size_t N>
constexpr std::array<double, N> phi_taylor(double x, double cdf) {
    std::array<double, N> c{};
    c[0] = cdf;
    double const pdf = exp_double(-x * x / 2) / 2.50662827463100050242;  // √(2π)
    double he_prev = 0, he = 1;  // He_{-1} (unused), He_0
    double fact = 1;
    for (std::size_t n = 1; n < N; ++n) {
        fact *= static_cast<double>(n);
        double const sign = (n % 2 == 1) ? 1.0 : -1.0;
        c[n] = pdf * sign * he / fact;
        double const next = x * he - static_cast<double>(n - 1) * he_prev;  // He_n
        he_prev = he;
        he = next;
    }
    return c;
}

constexpr double taylor_eval(auto const& c, double h) {
    double s = 0;
    for (std::size_t n = c.size(); n-- > 0;) s = s * h + c[n];
    return s;
}

struct gelu_table_t {
    std::array<std::int64_t, gelu_intervals*(gelu_degree + 1)> c{};  ///< interval i at [i·(degree+1)]
};

constexpr gelu_table_t make_gelu_table() {
    gelu_table_t t{};
    double const h = 1.0 / gelu_intervals_per_unit;
    double x = 0, cdf = 0.5;  // Φ(0) = 1/2; Φ is carried from knot to knot by 24-term Taylor steps
    for (int i = 0; i < gelu_intervals; ++i) {
        auto const at_knot = phi_taylor<24>(x, cdf);
        double const mid_cdf = taylor_eval(at_knot, h / 2);
        auto const at_mid = phi_taylor<gelu_degree + 1>(x + h / 2, mid_cdf);
        for (std::size_t n = 0; n <= gelu_degree; ++n) {
            double const scaled = at_mid[n] * 4611686018427387904.0;  // 2^62
            double const mag = scaled < 0 ? -scaled : scaled;
            auto const r = static_cast<std::int64_t>(mag + 0.5);
            t.c[static_cast<std::size_t>(i) * (gelu_degree + 1) + n] = scaled < 0 ? -r : r;
        }
        cdf = taylor_eval(at_knot, h);
        x += h;
    }
    return t;
}
inline constexpr gelu_table_t gelu_table = make_gelu_table();

}  // namespace detail

/// e^x for x ≤ 0. Error ≤ 1 ulp (the result is rounded once from a Q1.62 value whose own error is
/// below 2^-55). Returns exactly 0 for x < −22.87 (e^x < 2^-33), exactly 1 for x = 0.
constexpr fixed exp_nonpositive(fixed x) {
    if (x.raw > 0) throw domain_error("ctformer::exp_nonpositive: argument must be ≤ 0");
    if (x.raw == 0) return fixed::from_int(1);
    if (x.raw < detail::exp_zero_below) return fixed{};
    // x = −k·ln2 + r with r ∈ (−ln2, 0]. The loop below is written out, not called: in constant
    // evaluation a function call costs far more than the arithmetic it does.
    i128 const xq = i128{x.raw} << (detail::exp_q - fixed::frac_bits);
    i128 const ln2 = detail::ln2_q62;
    auto const k = static_cast<int>((-xq) / ln2);
    i128 const r = xq + ln2 * k;  // ≤ 0
    std::int64_t const* c = detail::exp_c.data();
    i128 p = c[detail::exp_degree];
    constexpr i128 half = i128{1} << (detail::exp_q - 1);
    for (int n = detail::exp_degree; n-- > 0;) {
        i128 const t = p * r;  // ≤ 0: p > 0 throughout
        p = c[n] - ((-t + half) >> detail::exp_q);
    }
    // p = e^r in Q1.62; the result is p / 2^(k + 30) in Q31.32.
    int const shift = detail::exp_q - fixed::frac_bits + k;
    return fixed::from_raw(static_cast<std::int64_t>((p + (i128{1} << (shift - 1))) >> shift));
}

/// GELU(x) = x·Φ(x), Φ the standard normal CDF (PyTorch's exact GELU, as the seed uses).
/// Error ≤ 1 ulp + |x|·4e-12 ≤ 2 ulp for |x| < 7; exact (x or 0) outside, where the true value
/// differs from max(x, 0) by less than 1e-11. Symmetric by construction: GELU(a) + GELU(−a) is
/// a·(2Φ(|a|) − 1) computed from one polynomial, so the 0.8·a² bowl near 0 that the copy step
/// relies on is kept exactly.
constexpr fixed gelu(fixed x) {
    constexpr std::int64_t cutoff = std::int64_t{detail::gelu_cutoff} * fixed::one_raw;
    if (x.raw >= cutoff) return x;
    if (x.raw <= -cutoff) return fixed{};
    if (x.raw == 0) return x;
    // Written out rather than called, for the speed of constant evaluation (see exp_nonpositive).
    std::int64_t const mag = x.raw < 0 ? -x.raw : x.raw;
    constexpr int interval_shift = fixed::frac_bits - 4;  // intervals of 1/16
    auto const i = static_cast<std::size_t>(mag >> interval_shift);
    std::int64_t const mid = (static_cast<std::int64_t>(i) << interval_shift) + (std::int64_t{1} << (interval_shift - 1));
    i128 const u = i128{mag - mid} << (detail::gelu_q - fixed::frac_bits);  // |u| ≤ 1/32 in Q1.62
    std::int64_t const* c = detail::gelu_table.c.data() + i * (detail::gelu_degree + 1);
    constexpr i128 half = i128{1} << (detail::gelu_q - 1);
    i128 p = c[detail::gelu_degree];
    for (std::size_t n = detail::gelu_degree; n-- > 0;) {
        i128 const t = p * u;
        p = c[n] + (t < 0 ? -((-t + half) >> detail::gelu_q) : (t + half) >> detail::gelu_q);
    }
    // p = Φ(|x|) in Q1.62. GELU(x) = |x|·Φ(|x|) for x > 0 and −|x|·(1 − Φ(|x|)) for x < 0.
    i128 const cdf = x.raw < 0 ? (i128{1} << detail::gelu_q) - p : p;
    auto const g = static_cast<std::int64_t>((mag * cdf + half) >> detail::gelu_q);
    return fixed::from_raw(x.raw < 0 ? -g : g);
}

namespace detail {
/// gelu on raw Q31.32 values, with the cases that need no polynomial answered first.
constexpr std::int64_t gelu_raw(std::int64_t x) {
    constexpr std::int64_t cutoff = std::int64_t{gelu_cutoff} * fixed::one_raw;
    if (x >= cutoff) return x;
    if (x <= -cutoff || x == 0) return 0;
    return gelu(fixed::from_raw(x)).raw;
}
}  // namespace detail

/// sin and cos of the angle 2π·p/period, for the integer positions of the embedding and the
/// whole-step rotations of the cursors. Each is the correctly rounded Q31.32 value of a double
/// that is within 1e-15 of the exact one: error ≤ 0.5 ulp + 1e-15.
struct sin_cos {
    fixed sin, cos;
};

constexpr sin_cos position_angle(std::int64_t p, std::int64_t period) {
    if (period <= 0) throw domain_error("ctformer::position_angle: period must be positive");
    std::int64_t m = p % period;
    if (m < 0) m += period;
    // Reduce to a quarter turn around 0 so the series stays short and accurate.
    double const turns = static_cast<double>(m) / static_cast<double>(period);  // [0, 1)
    double const t = turns > 0.5 ? turns - 1.0 : turns;  // [−1/2, 1/2]
    double const s = detail::sin_turns(t > 0.25 ? 0.5 - t : (t < -0.25 ? -0.5 - t : t));
    double const c_t = t + 0.25 > 0.5 ? t + 0.25 - 1.0 : t + 0.25;  // cos x = sin(x + π/2)
    double const c = detail::sin_turns(c_t > 0.25 ? 0.5 - c_t : (c_t < -0.25 ? -0.5 - c_t : c_t));
    return {fixed::from_double(s), fixed::from_double(c)};
}

}  // namespace ctformer
