// The tour's claims (docs/tour.md) about its worked example 0457+0168=, re-derived from the network:
// if the network changes so that a sentence of the tour is no longer true, this fails. Rows are
// the reference path's (every row through every dense layer), as the tour's pictures draw them.
#include <catch2/catch.hpp>

#include <array>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>
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

/// The stream after every step of a prompt followed by its answer (step 0: the embedding), and each
/// attention step's softmax weights (pattern[step][i·n + j], raw; empty for an MLP step).
struct traced {
    std::vector<std::array<row, max_rows>> steps;
    std::vector<std::vector<std::int64_t>> pattern;
};

template <class Model = A>
traced trace_of(std::string_view text) {
    std::array<std::uint8_t, max_rows> tokens{};
    for (std::size_t i = 0; i < text.size(); ++i) tokens[i] = static_cast<std::uint8_t>(vocabulary.find(text[i]));
    traced t;
    std::array<row, max_rows> first{};
    for (std::size_t i = 0; i < text.size(); ++i) first[i] = A::dense.embedding(tokens[i], i);
    t.steps.push_back(first);
    t.pattern.emplace_back();
    reference_forward<Model>(tokens.data(), text.size(), nullptr, [&](auto const&, row const* rows, std::size_t n, std::int64_t const* p) {
        std::array<row, max_rows> s{};
        for (std::size_t i = 0; i < n; ++i) s[i] = rows[i];
        t.steps.push_back(s);
        t.pattern.push_back(p ? std::vector<std::int64_t>(p, p + n * n) : std::vector<std::int64_t>{});
    });
    return t;
}

/// The stream after every step of 0457+0168= followed by its answer 52600.
std::vector<std::array<row, max_rows>> tour_steps() { return trace_of("0457+0168=52600").steps; }

/// How far, in ulp, a cursor (sin, cos) is from the nearest exact position.
std::int64_t cursor_error(row const& x, slot s) {
    std::int64_t best = INT64_MAX;
    for (std::int64_t p = 0; p < position_period; ++p) {
        auto const a = position_angle(p, position_period);
        best = std::min(best, std::max(std::abs(x[s[0]].raw - a.sin.raw), std::abs(x[s[1]].raw - a.cos.raw)));
    }
    return best;
}

}  // namespace

TEST_CASE("tour: after the first add, the rows from '=' on hold 7 + 8 = 15, rows 4, 6, 8 computed 7 + 4, 7 + 5, 7 + 7, rows 5 and 7 nothing", "[tour]") {
    auto const steps = tour_steps();
    REQUIRE(steps.size() == 45);
    auto const& s = steps[9];  // add_with_carry, pass 1
    for (std::size_t r = 9; r <= 14; ++r) {
        INFO("row " << r);
        CHECK(digit_of(s[r], regs[reg::left]) == 7);
        CHECK(digit_of(s[r], regs[reg::right]) == 8);
        CHECK(digit_of(s[r], regs[reg::out]) == 5);
        CHECK(s[r][regs[reg::carry][0]] == fixed::from_int(1));
    }
    for (std::size_t r = 4; r <= 8; ++r) {  // they see '+' (row 4): their left cursor is on row 3, '7'
        INFO("row " << r);
        CHECK(digit_of(s[r], regs[reg::left]) == 7);
    }
    // they cannot see '=': their right cursor is a blend, at position r/2 - 1
    CHECK(digit_of(s[4], regs[reg::right]) == 4);  // @1: row 1, '4'; 7 + 4 = 11
    CHECK(digit_of(s[4], regs[reg::out]) == 1);
    CHECK(s[4][regs[reg::carry][0]] == fixed::from_int(1));
    CHECK(digit_of(s[6], regs[reg::right]) == 5);  // @2: row 2, '5'; 7 + 5 = 12
    CHECK(digit_of(s[6], regs[reg::out]) == 2);
    CHECK(s[6][regs[reg::carry][0]] == fixed::from_int(1));
    CHECK(digit_of(s[8], regs[reg::right]) == 7);  // @3: row 3, '7'; 7 + 7 = 14
    CHECK(digit_of(s[8], regs[reg::out]) == 4);
    CHECK(s[8][regs[reg::carry][0]] == fixed::from_int(1));
    // @1.50 and @2.50: half of one digit and half of the next, so no add unit fires
    CHECK(digit_of(s[5], regs[reg::right]) == -2);
    CHECK(std::abs(s[5][regs[reg::right][4]].to_double() - 0.5) < 1e-6);  // row 1's '4'
    CHECK(std::abs(s[5][regs[reg::right][5]].to_double() - 0.5) < 1e-6);  // row 2's '5'
    CHECK(digit_of(s[5], regs[reg::out]) == -1);
    CHECK(s[5][regs[reg::carry][0]] == fixed{});
    CHECK(digit_of(s[7], regs[reg::right]) == -2);
    CHECK(std::abs(s[7][regs[reg::right][5]].to_double() - 0.5) < 1e-6);  // row 2's '5'
    CHECK(std::abs(s[7][regs[reg::right][7]].to_double() - 0.5) < 1e-6);  // row 3's '7'
    CHECK(digit_of(s[7], regs[reg::out]) == -1);
    CHECK(s[7][regs[reg::carry][0]] == fixed{});
    // row 3 reads a blend too, 0(0.500): half of digit 0 (row 0) and half of digit 4 (row 1)
    CHECK(digit_of(s[3], regs[reg::left]) == -2);
    CHECK(std::abs(s[3][regs[reg::left][0]].to_double() - 0.5) < 1e-6);
    CHECK(std::abs(s[3][regs[reg::left][4]].to_double() - 0.5) < 1e-6);
}

TEST_CASE("tour: pass by pass, the rows from '=' on add 7 + 8, 5 + 6, 4 + 1, 0 + 0, and the carry goes 1, 1, 0, 0", "[tour]") {
    auto const steps = tour_steps();
    int const want_left[] = {7, 5, 4, 0};
    int const want_right[] = {8, 6, 1, 0};
    int const want_out[] = {5, 2, 6, 0};
    int const want_carry[] = {1, 1, 0, 0};
    for (std::size_t k = 0; k < 4; ++k) {
        auto const& s = steps[9 + 8 * k];  // add_with_carry, pass k + 1: steps 9, 17, 25, 33
        for (std::size_t r = 9; r <= 14; ++r) {
            INFO("pass " << k + 1 << ", row " << r);
            CHECK(digit_of(s[r], regs[reg::left]) == want_left[k]);
            CHECK(digit_of(s[r], regs[reg::right]) == want_right[k]);
            CHECK(digit_of(s[r], regs[reg::out]) == want_out[k]);
            CHECK(s[r][regs[reg::carry][0]] == fixed::from_int(want_carry[k]));
        }
    }
}

TEST_CASE("tour: after the first copy, row 9 holds the final digit 5, row 0 holds 0, and no other row holds one", "[tour]") {
    auto const steps = tour_steps();
    auto const& s = steps[12];  // copy_on_match, pass 1
    for (std::size_t r = 0; r < 15; ++r) {
        INFO("row " << r);
        CHECK(digit_of(s[r], regs[reg::final]) == (r == 0 ? 0 : r == 9 ? 5 : -1));
    }
}

TEST_CASE("tour: after the last layer, rows 9-14 hold 5 2 6 0 0 \\n in final", "[tour]") {
    auto const steps = tour_steps();
    auto const& s = steps.back();
    int const want[] = {5, 2, 6, 0, 0, static_cast<int>(token::newline)};
    for (std::size_t r = 9; r <= 14; ++r) CHECK(digit_of(s[r], regs[reg::final]) == want[r - 9]);
}

TEST_CASE("tour: the margins the tour quotes", "[tour]") {
    // find: score 512 against 0, scaled by 1/sqrt(80); read: K (1 - cos 2pi/100) / sqrt(80), K = 2^18
    CHECK(std::abs(512 / std::sqrt(80.0) - 57.24) < 0.005);
    CHECK(std::abs(262144 * (1 - std::cos(2 * std::numbers::pi / 100)) / std::sqrt(80.0) - 57.8) < 0.05);
    auto const g = add<A>("0457+0168=");
    CHECK(std::abs(g.margin.attention_gap.to_double() - 57.243) < 0.0005);
    CHECK(g.margin.copy_input == fixed::from_int(16));
    CHECK(g.margin.attention_weight == fixed::from_int(1));  // every attention row picks one row, weight exactly 1
    CHECK(g.margin.logit_gap == fixed::from_int(1));
    // exp rounds to exactly 0 below -22.9 (and not above -22.8)
    CHECK(exp_nonpositive(fixed::from_double(-22.9)) == fixed{});
    CHECK(exp_nonpositive(fixed::from_double(-22.8)) != fixed{});
}

TEST_CASE("tour: the add table fires one unit at 128, and every other unit stays at or below -205", "[tour]") {
    bool found = false;
    for_each_distinct_layer(A::dense, [&](auto const& layer) {
        using L = std::remove_cvref_t<decltype(layer)>;
        if constexpr (!L::is_attention) {
            if (layer.name != std::string_view("add_with_carry")) return;
            found = true;
            constexpr std::size_t H = decltype(layer.w1)::cols;
            double highest_quiet = -1e18, highest_quiet_no_carry = -1e18;  // even units: no carry in
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
                            else {
                                highest_quiet = std::max(highest_quiet, pre);
                                if (u % 2 == 0) highest_quiet_no_carry = std::max(highest_quiet_no_carry, pre);
                            }
                        }
                        INFO("left " << i << " right " << j << " carry " << c);
                        CHECK(firing == (i >= 0 && j >= 0 ? 1 : 0));
                    }
            CHECK(highest_quiet == -205);  // 198 below GELU's flat zero at -7: the carry-in units
            CHECK(highest_quiet_no_carry == -372);  // 365 below it: the no-carry units
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

TEST_CASE("tour: the find layer's weights: rows 0-3 spread evenly, every row from 4 on on row 4 ('+'), exactly", "[tour]") {
    auto const t = trace_of("0457+0168=52600");
    auto const& w = t.pattern[1];  // step 1: find '+'
    std::size_t const n = 15;
    REQUIRE(w.size() == n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j <= i; ++j) {
            INFO("row " << i << " on row " << j);
            if (i < 4)
                CHECK(std::abs(fixed::from_raw(w[i * n + j]).to_double() - 1.0 / static_cast<double>(i + 1)) < 1e-9);
            else
                CHECK(w[i * n + j] == (j == 4 ? fixed::one_raw : 0));
        }
}

TEST_CASE("tour: row 0's out cursor sits at @0, and row 9's distance is 1 + 30.12 in pass 2", "[tour]") {
    auto const steps = tour_steps();
    // after the first copy (step 12) the out cursor has wrapped from @99 to @0 in row 0
    auto const p0 = position_angle(0, position_period);
    CHECK(std::abs(steps[12][0][regs[reg::out_pos][0]].raw - p0.sin.raw) < 64);
    CHECK(std::abs(steps[12][0][regs[reg::out_pos][1]].raw - p0.cos.raw) < 64);
    // step 18 is pass 2's diff_pos: the pass-1 flag 1 plus the distance from @10 to @9
    double const d = steps[18][9][regs[reg::distance][0]].to_double();
    CHECK(std::abs(d - 31.12) < 0.005);
}

TEST_CASE("tour: the largest residual entry in the rows from '=' on is distance, 183.4", "[tour]") {
    auto const steps = tour_steps();
    double largest = 0;
    std::size_t where = 0;
    for (auto const& s : steps)
        for (std::size_t r = 9; r < 15; ++r)
            for (std::size_t c = 0; c < 80; ++c)
                if (std::abs(s[r][c].to_double()) > largest) largest = std::abs(s[r][c].to_double()), where = c;
    CHECK(std::abs(largest - 183.4) < 0.05);
    CHECK(where == regs[reg::distance][0]);
}

namespace {
/// The distance the compiled diff_pos writes for a row at position p and the output cursor at q,
/// smallest over the answer positions of a D-digit addition (rows 2D + 1 to 3D + 2).
double smallest_answer_distance(std::size_t D) {
    auto const& diff = hana::at_c<5>(A::net.body);  // the body's diff_pos
    auto const pos = regs[reg::pos], out_pos = regs[reg::out_pos], distance = regs[reg::distance];
    double smallest = 1e9;
    for (std::size_t p = 2 * D + 1; p <= 3 * D + 2; ++p)
        for (std::size_t q = 2 * D + 1; q <= 3 * D + 2; ++q) {
            if (p == q) continue;
            row x{};
            auto const at_p = A::net.embedding(0, p), at_q = A::net.embedding(0, q);
            x[pos[0]] = at_p[pos[0]], x[pos[1]] = at_p[pos[1]];
            x[out_pos[0]] = at_q[pos[0]], x[out_pos[1]] = at_q[pos[1]];
            diff.apply(x, nullptr, 0, nullptr);
            smallest = std::min(smallest, x[distance[0]].to_double());
        }
    return smallest;
}
}  // namespace

TEST_CASE("tour: is_zero's smallest distance between answer positions is 7.57, at D = 1", "[tour]") {
    REQUIRE(hana::at_c<5>(A::net.body).name == "diff_pos");
    double const at_1 = smallest_answer_distance(1);
    CHECK(std::abs(at_1 - 7.57) < 0.005);
    for (std::size_t D : {2, 4, 8, 12, 16}) CHECK(smallest_answer_distance(D) >= at_1);
    CHECK(smallest_answer_distance(17) < 0.15);  // positions 51 and 52: is_zero needs 0.15
}

TEST_CASE("tour: after the longest run (16 digits, 19 rotations of out_pos) every cursor is within 3 ulp", "[tour]") {
    using L = adder<16>;
    std::string_view const text = "9999999999999999+0000000000000001=00000000000000001";  // the answer row's ones
    auto const t = trace_of<L>(text);
    std::int64_t worst = 0;
    for (std::size_t k = 4; k < t.steps.size(); ++k)  // from the prologue's last step on, every cursor is whole
        for (std::size_t r = L::prompt_length - 1; r < text.size(); ++r)
            for (slot c : {regs[reg::left_pos], regs[reg::right_pos], regs[reg::out_pos]}) worst = std::max(worst, cursor_error(t.steps[k][r], c));
    INFO("worst cursor error: " << worst << " ulp");
    CHECK(worst <= 3);  // cursors do not depend on the digits (the all-input proof's premise): one prompt shows it
    CHECK(static_cast<double>(worst) / 4294967296.0 < 5.8e-5);  // far inside the copy step's tolerance
}
