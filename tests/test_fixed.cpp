#include <catch2/catch.hpp>

#include <cstdint>

#include <ctformer/numeric/fixed.hpp>

using ctformer::fixed;

TEST_CASE("fixed: construction rounds to nearest, ties away from zero", "[fixed]") {
    STATIC_REQUIRE(fixed::from_int(3).raw == 3 * fixed::one_raw);
    STATIC_REQUIRE(fixed::from_ratio(1, 2).raw == fixed::one_raw / 2);
    // 1/3 · 2^32 = 1431655765.33 → 1431655765
    STATIC_REQUIRE(fixed::from_ratio(1, 3).raw == 1431655765);
    STATIC_REQUIRE(fixed::from_ratio(-1, 3).raw == -1431655765);
    // 1/100 · 2^32 = 42949672.96 → 42949673
    STATIC_REQUIRE(fixed::from_ratio(1, 100).raw == 42949673);
    STATIC_REQUIRE(fixed::from_double(0.5).raw == fixed::one_raw / 2);
    STATIC_REQUIRE(fixed::from_double(-1.25).raw == -5 * fixed::one_raw / 4);
    // a tie: 1.5 ulp rounds away from zero on both sides
    STATIC_REQUIRE(fixed::from_double(1.5 / 4294967296.0).raw == 2);
    STATIC_REQUIRE(fixed::from_double(-1.5 / 4294967296.0).raw == -2);
}

TEST_CASE("fixed: products round once and symmetrically", "[fixed]") {
    constexpr fixed third = fixed::from_ratio(1, 3);
    STATIC_REQUIRE((fixed::from_int(3) * third).raw == std::int64_t{3} * 1431655765);
    STATIC_REQUIRE((-third * third).raw == -(third * third).raw);
    STATIC_REQUIRE((fixed::from_int(7) / fixed::from_int(2)).raw == 7 * fixed::one_raw / 2);
    // 1 ulp · 0.5 = 0.5 ulp, a tie: away from zero
    STATIC_REQUIRE((fixed::from_raw(1) * fixed::from_ratio(1, 2)).raw == 1);
    STATIC_REQUIRE((fixed::from_raw(-1) * fixed::from_ratio(1, 2)).raw == -1);
}

TEST_CASE("fixed: overflow is an error, never a wrap", "[fixed]") {
    fixed const big = fixed::from_int((std::int64_t{1} << 31) - 1);
    REQUIRE_THROWS_AS(big + big, ctformer::overflow_error);
    REQUIRE_THROWS_AS(-big - big - big, ctformer::overflow_error);
    REQUIRE_THROWS_AS(big * big, ctformer::overflow_error);
    REQUIRE_THROWS_AS(big / fixed::from_ratio(1, 4), ctformer::overflow_error);
    REQUIRE_THROWS_AS(fixed::from_int(std::int64_t{1} << 31), ctformer::overflow_error);
    REQUIRE_THROWS_AS(fixed::from_double(3e9), ctformer::overflow_error);
    REQUIRE_THROWS_AS(fixed::from_int(1) / fixed{}, ctformer::overflow_error);
    REQUIRE_NOTHROW(big + fixed::from_ratio(1, 2));
}

TEST_CASE("accumulator: sums exactly and rounds once", "[fixed]") {
    ctformer::accumulator acc;
    // 100 × (1/100 rounded) would drift if each product were rounded; the exact sum does not.
    fixed const hundredth = fixed::from_ratio(1, 100);
    for (int i = 0; i < 100; ++i) acc.add(hundredth, fixed::from_int(1));
    REQUIRE(acc.result().raw == 100 * hundredth.raw);
    ctformer::accumulator start(fixed::from_int(2));
    start.add(fixed::from_ratio(1, 2), fixed::from_ratio(1, 2));
    REQUIRE(start.result() == fixed::from_ratio(9, 4));
}
