// The program concept (model/program.hpp), and the subtraction and multiplication programs
// (model/subtraction.hpp, model/multiplication.hpp) at run time: every D-digit prompt for D = 1..3
// on the checker's walk (exact_walker) against integer arithmetic, the walk bit for bit with
// generation as users run it on a sample, the prompt errors name the program's operation, and the
// adder's answers are unchanged by the concept.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include <ctformer/check/check.hpp>
#include <ctformer/ctformer.hpp>

#include "run_time.hpp"

using namespace ctformer;

namespace {
/// The checker's walker of program P for `digits` digits (the tools' walker: the digit count given
/// at run time, one fingerprint word).
template <class P>
std::unique_ptr<exact_walker<any_digits<P>, 1>> walker_of(std::size_t digits) {
    return std::make_unique<exact_walker<any_digits<P>, 1>>(digits, exact_memo<any_digits<P>, 1>::default_max_states);
}

/// Every pair of D-digit operands through the checker's walk; the count of wrong answers.
template <class P>
std::uint64_t wrong_over_every_input(std::size_t digits) {
    auto walker = walker_of<P>(digits);
    std::uint64_t wrong = 0;
    std::size_t const second = prompt_shape<P>::second_digits(digits);
    for (std::uint64_t a = 0; a < power_of_ten(digits); ++a)
        for (std::uint64_t b = 0; b < power_of_ten(second); ++b) {
            margins m{};
            if (!walker->check(a, b, m).right) ++wrong;
        }
    return wrong;
}
}  // namespace

TEST_CASE("every subtraction of 1, 2 and 3 digits is right on the checker's walk", "[programs]") {
    for (std::size_t d = 1; d <= 3; ++d) {
        INFO(d << " digits");
        CHECK(wrong_over_every_input<subtraction>(d) == 0);
    }
}

TEST_CASE("every multiplication of a 1-, 2-, 3- and 4-digit number by a digit is right on the checker's walk", "[programs]") {
    for (std::size_t d = 1; d <= 4; ++d) {
        INFO(d << " digits");
        CHECK(wrong_over_every_input<multiplication>(d) == 0);
    }
}

namespace {
/// Random prompts through the checker's walk and through generation as users run it; the count
/// that differ in text, final rows (digest) or margins.
template <class P>
std::size_t walk_differs(std::size_t digits, std::uint64_t second_limit) {
    auto w = walker_of<P>(digits);
    std::mt19937_64 rng(7);
    std::size_t differ = 0;
    std::size_t const answer = prompt_shape<P>::answer_length(digits);
    for (int i = 0; i < 2000; ++i) {
        std::uint64_t const a = rng() % power_of_ten(digits), b = rng() % second_limit;
        auto const got = w->generate(a, b, true);
        auto const want = generate<any_digits<P>>(digits, prompt_ids<P>(digits, a, b).view(), answer);
        if (got.view() != want.view() || got.digest != want.digest || !(got.margin == want.margin)) ++differ;
    }
    return differ;
}
}  // namespace

TEST_CASE("the checker's walk gives generation's bits for subtraction and multiplication", "[programs]") {
    // (multiplication with 6 and 16 digits, on four fingerprint words: test_any_digits.cpp)
    CHECK(walk_differs<subtraction>(4, 10000) == 0);
    CHECK(walk_differs<multiplication>(4, 10) == 0);
}

TEST_CASE("multiplication's answers: the D + 1 digits of a · k, least significant first", "[programs]") {
    CHECK(run<multiplier<4>>(at_run_time<std::string>("0999*7=")).answer() == "39960\n");
    CHECK(run<multiplier<4>>(at_run_time<std::string>("9999*9=")).answer() == "19998\n");
    CHECK(run<multiplier<1>>(at_run_time<std::string>("0*0=")).answer() == "00\n");
    CHECK(answers_correctly<multiplier<16>>(at_run_time<std::uint64_t>(9999999999999999), 9));
    try {
        (void)run<multiplier<4>>(at_run_time<std::string>("0999*07="));
        FAIL("a two-digit multiplier was accepted");
    } catch (prompt_error const& e) {
        CHECK(std::string(e.what()).find("shape DDDD*D=") != std::string::npos);
    }
}

TEST_CASE("subtraction's answers: the D digits of a − b (ten's complement below zero), then the borrow", "[programs]") {
    CHECK(run<subtractor<4>>(at_run_time<std::string>("0999-0111=")).answer() == "88800\n");
    CHECK(run<subtractor<4>>(at_run_time<std::string>("0111-0999=")).answer() == "21191\n");
    CHECK(run<subtractor<4>>(at_run_time<std::string>("0000-0001=")).answer() == "99991\n");
    CHECK(run<subtractor<4>>(at_run_time<std::string>("5000-5000=")).answer() == "00000\n");
    CHECK(run<subtractor<1>>(at_run_time<std::string>("3-4=")).answer() == "91\n");
    CHECK(answers_correctly<subtractor<8>>(at_run_time<std::uint64_t>(10000000), 1));
    CHECK(run<adder<4>>(at_run_time<std::string>("0999+0111=")).answer() == "01110\n");
}

TEST_CASE("a prompt with another program's operation is refused, naming the expected one", "[programs]") {
    try {
        (void)run<subtractor<4>>(at_run_time<std::string>("0999+0111="));
        FAIL("a '+' prompt was accepted by the subtractor");
    } catch (prompt_error const& e) {
        CHECK(e.what_kind() == prompt_error::kind::unknown_character);
        CHECK(std::string(e.what()).find("is not one of 0123456789-=") != std::string::npos);
    }
    try {
        (void)run<adder<4>>(at_run_time<std::string>("0999-0111="));
        FAIL("a '-' prompt was accepted by the adder");
    } catch (prompt_error const& e) {
        CHECK(std::string(e.what()).find("is not one of 0123456789+=") != std::string::npos);
    }
}

TEST_CASE("the expected answers come from integer arithmetic", "[programs]") {
    auto const sub = expected_answer<4, subtraction>(111, 999);
    CHECK(std::string(sub.begin(), sub.end()) == "21191\n");
    auto const add = expected_answer<4, addition>(9999, 1);
    CHECK(std::string(add.begin(), add.end()) == "00001\n");
    STATIC_REQUIRE(operation_symbol<subtraction> == '-');
    STATIC_REQUIRE(operation_symbol<addition> == '+');
}

TEST_CASE("a column table's formula names only x, y and c, closed", "[programs]") {
    STATIC_REQUIRE(detail::column_formula_ok("{x} + {y} + carry {c}"));
    STATIC_REQUIRE(detail::column_formula_ok("{x} × {y} + carry {c}"));
    STATIC_REQUIRE_FALSE(detail::column_formula_ok("{x} + {z}"));
    STATIC_REQUIRE_FALSE(detail::column_formula_ok("{x} + {y"));
    STATIC_REQUIRE_FALSE(detail::column_formula_ok("x} + {y}"));
    auto const& L = seed_layout;
    using layout_t = std::remove_cvref_t<decltype(L)>;
    auto const table = [&](std::string_view formula) {
        return std::make_unique<mlp_for<layout_t, 200>>(
            column_table<layout_t>(L[reg::left], L[reg::right], L[reg::carry], L[reg::out], &subtraction::column, "t", formula));
    };
    REQUIRE(table("{x} − {y} − borrow {c}")->about.formula == "{x} − {y} − borrow {c}");
    REQUIRE_THROWS_AS(table("{x} − {w}"), std::invalid_argument);
}
