// Each approximation against <cmath> on a dense grid, in ulp of Q31.32 (2^-32). The bounds checked
// here are the ones stated beside the functions in numeric/functions.hpp.
#include <catch2/catch.hpp>

#include <cmath>

#include <ctformer/numeric/functions.hpp>

using ctformer::fixed;

namespace {
constexpr double ulp = 1.0 / 4294967296.0;
double gelu_exact(double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }
}  // namespace

TEST_CASE("exp_nonpositive: within 1 ulp on [-30, 0]", "[functions]") {
    double worst = 0;
    for (std::int64_t raw = 0; raw >= -30 * fixed::one_raw; raw -= 3037000) {  // ~42,000 points
        fixed const x = fixed::from_raw(raw);
        double const err = std::fabs(ctformer::exp_nonpositive(x).to_double() - std::exp(x.to_double()));
        worst = std::max(worst, err);
    }
    INFO("worst error " << worst / ulp << " ulp");
    REQUIRE(worst <= 1.0 * ulp);
    STATIC_REQUIRE(ctformer::exp_nonpositive(fixed{}) == fixed::from_int(1));
    STATIC_REQUIRE(ctformer::exp_nonpositive(fixed::from_int(-23)).raw == 0);
    REQUIRE_THROWS_AS(ctformer::exp_nonpositive(fixed::from_raw(1)), ctformer::domain_error);
}

TEST_CASE("gelu: within 2 ulp everywhere, exact beyond ±7", "[functions]") {
    double worst = 0;
    for (std::int64_t raw = -9 * fixed::one_raw; raw <= 9 * fixed::one_raw; raw += 1000003) {  // ~77,000 points
        fixed const x = fixed::from_raw(raw);
        double const err = std::fabs(ctformer::gelu(x).to_double() - gelu_exact(x.to_double()));
        worst = std::max(worst, err);
    }
    INFO("worst error " << worst / ulp << " ulp");
    REQUIRE(worst <= 2.0 * ulp);
    STATIC_REQUIRE(ctformer::gelu(fixed::from_int(1000)) == fixed::from_int(1000));
    STATIC_REQUIRE(ctformer::gelu(fixed::from_int(-190)).raw == 0);
    STATIC_REQUIRE(ctformer::gelu(fixed{}).raw == 0);
}

TEST_CASE("gelu: GELU(a) + GELU(-a) keeps the 0.8·a² bowl near zero", "[functions]") {
    // The copy step relies on this: for small a the sum is a·erf(a/√2) ≈ 0.798·a².
    for (double a : {1e-4, 1e-3, 0.01, 0.05, 0.112, 0.3}) {
        fixed const x = fixed::from_double(a);
        double const sum = (ctformer::gelu(x) + ctformer::gelu(-x)).to_double();
        double const exact = a * std::erf(a / std::sqrt(2.0));
        INFO("a = " << a);
        REQUIRE(std::fabs(sum - exact) <= 3 * ulp);
        REQUIRE(sum >= 0);
    }
}

TEST_CASE("position_angle: within 0.5 ulp + 1e-15 of sin and cos", "[functions]") {
    double worst = 0;
    for (std::int64_t period : {7, 50, 100, 360}) {
        for (std::int64_t p = -2 * period; p <= 2 * period; ++p) {
            auto const sc = ctformer::position_angle(p, period);
            double const angle = 2 * M_PI * static_cast<double>(p) / static_cast<double>(period);
            worst = std::max(worst, std::fabs(sc.sin.to_double() - std::sin(angle)));
            worst = std::max(worst, std::fabs(sc.cos.to_double() - std::cos(angle)));
        }
    }
    INFO("worst error " << worst / ulp << " ulp");
    REQUIRE(worst <= 0.5 * ulp + 1e-15);
    STATIC_REQUIRE(ctformer::position_angle(0, 100).cos == fixed::from_int(1));
    STATIC_REQUIRE(ctformer::position_angle(25, 100).sin == fixed::from_int(1));
    STATIC_REQUIRE(ctformer::position_angle(50, 100).cos == fixed::from_int(-1));
}
