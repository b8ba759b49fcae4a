// The tour's claims (docs/tour.md) about the seed's prompt 0999+0111=, re-derived from the network:
// if the network changes so that a sentence of the tour is no longer true, this fails. Rows are
// the reference path's (every row through every dense layer), as the tour's pictures draw them.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include <ctformer/ctformer.hpp>

using namespace ctformer;
using A = adder<4>;

namespace {

constexpr auto const& regs = A::dense.layout;
using row = row_vector<80>;

/// The digit a one-hot register holds exactly (−1: all zero, −2: not an exact one-hot).
int digit_of(row const& x, slot s) {
    int v = -1;
    for (std::size_t i = 0; i < s.width; ++i) {
        if (x[s[i]].raw == 0) continue;
        if (x[s[i]] != fixed::from_int(1) || v != -1) return -2;
        v = static_cast<int>(i);
    }
    return v;
}

/// The stream after every step of 0999+0111= followed by its answer 01110 (step 0: the embedding).
std::vector<std::array<row, max_rows>> tour_steps() {
    std::string_view const text = "0999+0111=01110";
    std::array<std::uint8_t, max_rows> tokens{};
    for (std::size_t i = 0; i < text.size(); ++i) tokens[i] = static_cast<std::uint8_t>(vocabulary.find(text[i]));
    std::vector<std::array<row, max_rows>> steps;
    std::array<row, max_rows> first{};
    for (std::size_t i = 0; i < text.size(); ++i) first[i] = embed(regs, tokens[i], i);
    steps.push_back(first);
    reference_forward<A>(tokens.data(), text.size(), nullptr, [&](auto const&, row const* rows, std::size_t n, std::int64_t const*) {
        std::array<row, max_rows> s{};
        for (std::size_t i = 0; i < n; ++i) s[i] = rows[i];
        steps.push_back(s);
    });
    return steps;
}

}  // namespace

TEST_CASE("tour: after the first add, the rows from '=' on hold 9 + 1 = 10, rows 4-8 computed 9 + 9", "[tour]") {
    auto const steps = tour_steps();
    REQUIRE(steps.size() == 45);
    auto const& s = steps[9];  // add_with_carry, pass 1
    for (std::size_t r = 9; r <= 14; ++r) {
        INFO("row " << r);
        CHECK(digit_of(s[r], regs[reg::left]) == 9);
        CHECK(digit_of(s[r], regs[reg::right]) == 1);
        CHECK(digit_of(s[r], regs[reg::out]) == 0);
        CHECK(s[r][regs[reg::carry][0]] == fixed::from_int(1));
    }
    for (std::size_t r = 4; r <= 8; ++r) {  // they cannot see '=': their right cursor is a blend
        INFO("row " << r);
        CHECK(digit_of(s[r], regs[reg::right]) == 9);
        CHECK(digit_of(s[r], regs[reg::out]) == 8);
        CHECK(s[r][regs[reg::carry][0]] == fixed::from_int(1));
    }
    CHECK(digit_of(s[3], regs[reg::left]) == -2);  // row 3 reads half a digit: 0(0.500)
}

TEST_CASE("tour: after the first copy, rows 0 and 9 hold a final digit, 0; no other row does", "[tour]") {
    auto const steps = tour_steps();
    auto const& s = steps[12];  // copy_on_match, pass 1
    for (std::size_t r = 0; r < 15; ++r) {
        INFO("row " << r);
        CHECK(digit_of(s[r], regs[reg::final]) == (r == 0 || r == 9 ? 0 : -1));
    }
}

TEST_CASE("tour: after the last layer, rows 9-14 hold 0 1 1 1 0 \\n in final", "[tour]") {
    auto const steps = tour_steps();
    auto const& s = steps.back();
    int const want[] = {0, 1, 1, 1, 0, static_cast<int>(token::newline)};
    for (std::size_t r = 9; r <= 14; ++r) CHECK(digit_of(s[r], regs[reg::final]) == want[r - 9]);
}

TEST_CASE("tour: the margins the tour quotes", "[tour]") {
    // find: score 512 against 0, scaled by 1/sqrt(80); read: K (1 - cos 2pi/100) / sqrt(80), K = 2^18
    CHECK(std::abs(512 / std::sqrt(80.0) - 57.24) < 0.005);
    CHECK(std::abs(262144 * (1 - std::cos(2 * std::numbers::pi / 100)) / std::sqrt(80.0) - 57.8) < 0.05);
    auto const g = add<A>("0999+0111=");
    CHECK(std::abs(g.margin.attention_gap.to_double() - 57.243) < 0.0005);
    CHECK(g.margin.copy_input == fixed::from_int(16));
    // exp rounds to exactly 0 below -22.9 (and not above -22.8)
    CHECK(exp_nonpositive(fixed::from_double(-22.9)) == fixed{});
    CHECK(exp_nonpositive(fixed::from_double(-22.8)) != fixed{});
}

TEST_CASE("tour: the add table fires one unit at 128; every other unit stays at or below -205", "[tour]") {
    bool found = false;
    for_each_distinct_layer(A::dense, [&](auto const& layer) {
        using L = std::remove_cvref_t<decltype(layer)>;
        if constexpr (!L::is_attention) {
            if (layer.name != std::string_view("add_with_carry")) return;
            found = true;
            constexpr std::size_t H = decltype(layer.w1)::cols;
            double highest_quiet = -1e18;
            for (int i = -1; i < 10; ++i)
                for (int j = -1; j < 10; ++j)
                    for (int c = 0; c < 2; ++c) {
                        row x{};
                        if (i >= 0) x[regs[reg::left][static_cast<std::size_t>(i)]] = fixed::from_int(1);
                        if (j >= 0) x[regs[reg::right][static_cast<std::size_t>(j)]] = fixed::from_int(1);
                        x[regs[reg::carry][0]] = fixed::from_int(c);
                        int firing = 0;
                        for (std::size_t u = 0; u < H; ++u) {
                            double pre = layer.b1[u].to_double();
                            for (std::size_t k = 0; k < 80; ++k) pre += x[k].to_double() * layer.w1(k, u).to_double();
                            if (pre == 128)
                                ++firing;
                            else
                                highest_quiet = std::max(highest_quiet, pre);
                        }
                        INFO("left " << i << " right " << j << " carry " << c);
                        CHECK(firing == (i >= 0 && j >= 0 ? 1 : 0));
                    }
            CHECK(highest_quiet == -205);  // 198 below GELU's flat zero at -7 (the carry units; the others -372, 365 below)
        }
    });
    CHECK(found);
}

TEST_CASE("tour: copy_on_match fires while |a| < 0.1268 in diff_pos", "[tour]") {
    // the tour's formulas, with the library's GELU: distance d = GELU(a) + GELU(-a); flag
    // f = d + GELU(8 - 100 d)/8 - GELU(d + 8) + 8; copy input 100 f + 100 - 184 (digit present)
    auto copy_input = [](double a) {
        fixed const x = fixed::from_double(a);
        double const d = (gelu(x) + gelu(-x)).to_double();
        double const f = d + gelu(fixed::from_double(8 - 100 * d)).to_double() / 8 - gelu(fixed::from_double(d + 8)).to_double() + 8;
        return 100 * f + 100 - 184;
    };
    CHECK(copy_input(0) == 16);
    double lo = 0, hi = 1;
    for (int k = 0; k < 50; ++k) (copy_input((lo + hi) / 2) > 0 ? lo : hi) = (lo + hi) / 2;
    CHECK(std::abs(lo - 0.1268) < 0.00005);
    CHECK(std::abs(lo / 2200 - 5.8e-5) < 0.05e-5);  // the cursor error it tolerates: a moves ≤ 1100 per unit in each position
}
