// ctformer/numeric/fixed.hpp — the one value type of the network: Q31.32 fixed point.
//
// Storage: std::int64_t, 32 fractional bits. Resolution 2^-32 ≈ 2.33e-10, range ±2^31 ≈ ±2.1e9.
//
// Why these bits (facts from the seed, see docs/tour.md and instructions.hpp):
//  * Largest magnitudes: the MLP pre-activations reach −18336 (IsZero, D = 4; −100 × the
//    largest distance) and 1000 (StepPosition's bias); the re-derived attention key scale is
//    2^18, the largest value of all. The bounds analysis (proof/bounds.hpp) derives these over
//    every valid prompt and static_asserts that every value fits 23 integer bits (tests/proofs:
//    D = 1 in the default build, D = 2..8 in ctformer_proofs_bounds; `ctformer bounds` any D),
//    so 31 leave a headroom factor of 2^13 (`ctformer bounds` prints the table).
//  * Smallest decisions: the copy step fires only while the DiffPos input |a| < 0.1268, with
//    a = 100·Δsin + 1000·Δcos, so the position registers must be right to 0.1268/2200 ≈ 5.8e-5.
//    Each cursor step rounds once per coordinate and uses a rotation whose entries are rounded:
//    after the longest run (16 digits, 19 rotations of the out cursor) every cursor is within
//    3 ulp ≈ 7e-10 of its exact position (tests/test_tour.cpp measures it), four orders of
//    magnitude inside the budget.
//  * Attention: exp(s) < 2^-33 for s < −22.9, so a score gap above 23 makes every losing row's
//    weight exactly 0 and the winner's exactly 1 — the read is then bit-exact. The re-derived
//    scales give gaps of 57 (find) and 57.8 (relative read).
//
// Arithmetic: products are formed exactly in 128 bits and rounded once, to nearest with ties
// away from zero (symmetric, so f(−x) = −f(x) survives rounding). Sums of products accumulate
// exactly in 128 bits (accumulator) and are rounded once per output element; an exact sum does
// not depend on the order of its terms, which is why the sparse, skipping and cached paths give
// the same bits as the plain dense one.
//
// Overflow is never a silent wrap: every operation checks, and throws ctformer::overflow_error.
// In a constant expression a throw is not allowed, so the same check stops the compilation at the
// throw below with "expression '<throw-expression>' is not a constant expression".
#pragma once

#include <compare>
#include <cstdint>
#include <stdexcept>

namespace ctformer {

__extension__ using i128 = __int128;

/// Thrown when a fixed-point result does not fit its format.
struct overflow_error : std::overflow_error {
    using std::overflow_error::overflow_error;
};

namespace detail {

[[noreturn]] inline void throw_overflow(char const* what) { throw overflow_error(what); }

/// round(v / 2^shift), ties away from zero; never right-shifts a negative number (clang's
/// experimental constant interpreter shifts negative values logically).
constexpr std::int64_t round_shift(i128 v, int shift) {
    i128 const half = i128{1} << (shift - 1);
    i128 const mag = v < 0 ? -v : v;
    i128 const q = (mag + half) >> shift;
    if (q > i128{INT64_MAX}) throw overflow_error("ctformer::fixed: result does not fit in Q31.32");
    return v < 0 ? -static_cast<std::int64_t>(q) : static_cast<std::int64_t>(q);
}

/// round(v / 2^32), ties away from zero, written out for the hot loops.
constexpr std::int64_t round_shift_32(i128 v) {
    i128 const mag = v < 0 ? -v : v;
    i128 const q = (mag + (i128{1} << 31)) >> 32;
    if (q > i128{INT64_MAX}) throw overflow_error("ctformer::fixed: result does not fit in Q31.32");
    return v < 0 ? -static_cast<std::int64_t>(q) : static_cast<std::int64_t>(q);
}

}  // namespace detail

struct fixed {
    static constexpr int frac_bits = 32;
    static constexpr std::int64_t one_raw = std::int64_t{1} << frac_bits;

    std::int64_t raw = 0;

    static constexpr fixed from_raw(std::int64_t r) { return fixed{r}; }

    static constexpr fixed from_int(std::int64_t v) {
        if (v >= (std::int64_t{1} << 31) || v < -(std::int64_t{1} << 31))
            throw overflow_error("ctformer::fixed::from_int: integer outside ±2^31");
        return fixed{v * one_raw};
    }

    /// num/den rounded to nearest (ties away from zero).
    static constexpr fixed from_ratio(std::int64_t num, std::int64_t den) {
        bool const neg = (num < 0) != (den < 0);
        i128 const n = num < 0 ? -i128{num} : i128{num};
        i128 const d = den < 0 ? -i128{den} : i128{den};
        i128 const q = ((n << frac_bits) * 2 + d) / (2 * d);
        if (q > i128{INT64_MAX}) throw overflow_error("ctformer::fixed::from_ratio: outside Q31.32");
        return fixed{neg ? -static_cast<std::int64_t>(q) : static_cast<std::int64_t>(q)};
    }

    /// Nearest fixed value to a double (used for constants computed in constexpr double, such as
    /// the sin/cos of position angles); exact for every double that is a multiple of 2^-32.
    static constexpr fixed from_double(double v) {
        double const scaled = v * static_cast<double>(one_raw);
        if (!(scaled < 9.2e18 && scaled > -9.2e18)) throw overflow_error("ctformer::fixed::from_double: outside Q31.32");
        double const mag = scaled < 0 ? -scaled : scaled;
        auto const whole = static_cast<std::int64_t>(mag);
        std::int64_t const r = (mag - static_cast<double>(whole)) >= 0.5 ? whole + 1 : whole;
        return fixed{scaled < 0 ? -r : r};
    }

    constexpr double to_double() const { return static_cast<double>(raw) / static_cast<double>(one_raw); }

    friend constexpr auto operator<=>(fixed, fixed) = default;

    friend constexpr fixed operator+(fixed a, fixed b) {
        std::int64_t r{};
        if (__builtin_add_overflow(a.raw, b.raw, &r)) throw overflow_error("ctformer::fixed: sum overflows Q31.32");
        return fixed{r};
    }
    friend constexpr fixed operator-(fixed a, fixed b) {
        std::int64_t r{};
        if (__builtin_sub_overflow(a.raw, b.raw, &r)) throw overflow_error("ctformer::fixed: difference overflows Q31.32");
        return fixed{r};
    }
    friend constexpr fixed operator-(fixed a) { return fixed{} - a; }
    friend constexpr fixed operator*(fixed a, fixed b) { return fixed{detail::round_shift(i128{a.raw} * b.raw, frac_bits)}; }
    /// a / b rounded to nearest (ties away from zero).
    friend constexpr fixed operator/(fixed a, fixed b) {
        if (b.raw == 0) throw overflow_error("ctformer::fixed: division by zero");
        bool const neg = (a.raw < 0) != (b.raw < 0);
        i128 const n = a.raw < 0 ? -i128{a.raw} : i128{a.raw};
        i128 const d = b.raw < 0 ? -i128{b.raw} : i128{b.raw};
        i128 const q = ((n << frac_bits) * 2 + d) / (2 * d);
        if (q > i128{INT64_MAX}) throw overflow_error("ctformer::fixed: quotient overflows Q31.32");
        return fixed{neg ? -static_cast<std::int64_t>(q) : static_cast<std::int64_t>(q)};
    }
    constexpr fixed& operator+=(fixed b) { return *this = *this + b; }
    constexpr fixed& operator-=(fixed b) { return *this = *this - b; }
};

/// Exact sum of products of fixed values (scale 2^64), rounded once by result().
struct accumulator {
    i128 sum = 0;

    constexpr accumulator() = default;
    /// Starts from a fixed value (a bias).
    constexpr explicit accumulator(fixed start) : sum(i128{start.raw} << fixed::frac_bits) {}

    constexpr void add(std::int64_t a_raw, std::int64_t b_raw) {
        if (__builtin_add_overflow(sum, i128{a_raw} * b_raw, &sum))
            throw overflow_error("ctformer::accumulator: sum of products overflows 128 bits");
    }
    constexpr void add(fixed a, fixed b) { add(a.raw, b.raw); }
    constexpr fixed result() const { return fixed::from_raw(detail::round_shift(sum, fixed::frac_bits)); }
};

}  // namespace ctformer
