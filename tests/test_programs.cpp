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

#include <ctformer/ctformer.hpp>

#include "run_time.hpp"

using namespace ctformer;

namespace {
/// Every pair of D-digit operands through the checker's walk; the count of wrong answers.
template <class M>
std::uint64_t wrong_over_every_input() {
    auto walker = std::make_unique<exact_walker<M>>();
    std::uint64_t wrong = 0;
    constexpr std::size_t second = prompt_shape<program_of_model<M>>::second_digits(M::digits);
    for (std::uint64_t a = 0; a < power_of_ten(M::digits); ++a)
        for (std::uint64_t b = 0; b < power_of_ten(second); ++b) {
            margins m{};
            if (!walker->check(a, b, m).right) ++wrong;
        }
    return wrong;
}
}  // namespace

TEST_CASE("every subtraction of 1, 2 and 3 digits is right on the checker's walk", "[programs]") {
    CHECK(wrong_over_every_input<subtractor<1>>() == 0);
    CHECK(wrong_over_every_input<subtractor<2>>() == 0);
    CHECK(wrong_over_every_input<subtractor<3>>() == 0);
}

TEST_CASE("every multiplication of a 1-, 2-, 3- and 4-digit number by a digit is right on the checker's walk", "[programs]") {
    CHECK(wrong_over_every_input<multiplier<1>>() == 0);
    CHECK(wrong_over_every_input<multiplier<2>>() == 0);
    CHECK(wrong_over_every_input<multiplier<3>>() == 0);
    CHECK(wrong_over_every_input<multiplier<4>>() == 0);
}

namespace {
/// Random prompts through the checker's walk and through generation as users run it; the count
/// that differ in text, final rows (digest) or margins.
template <class M>
std::size_t walk_differs(std::uint64_t second_limit) {
    exact_walker<M> w;
    std::mt19937_64 rng(7);
    std::size_t differ = 0;
    for (int i = 0; i < 2000; ++i) {
        std::uint64_t const a = rng() % power_of_ten(M::digits), b = rng() % second_limit;
        auto const got = w.generate(a, b, true);
        auto const want = generate<M>(make_prompt<M::digits, program_of_model<M>>(a, b), M::answer_length);
        if (got.view() != want.view() || got.digest != want.digest || !(got.margin == want.margin)) ++differ;
    }
    return differ;
}
}  // namespace

TEST_CASE("the checker's walk gives generation's bits for subtraction and multiplication", "[programs]") {
    CHECK(walk_differs<subtractor<4>>(10000) == 0);
    CHECK(walk_differs<multiplier<4>>(10) == 0);
    CHECK(walk_differs<multiplier<16>>(10) == 0);
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
