#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <ctformer/ctformer.hpp>

using namespace ctformer;
using A = adder<4>;

TEST_CASE("10,000 random 4-digit additions give all five digits of the sum and the end token", "[additions]") {
    std::mt19937_64 rng(12345);
    margins m{};
    int wrong = 0;
    for (int i = 0; i < 10000; ++i) {
        auto const a = rng() % 10000, b = rng() % 10000;
        if (!adds_correctly<A>(a, b, &m)) {
            ++wrong;
            UNSCOPED_INFO("wrong: " << a << " + " << b);
        }
    }
    REQUIRE(wrong == 0);
    // The decisions are far from their edges (numbers in the README and instructions.hpp).
    CHECK(m.attention_weight == fixed::from_int(1));
    CHECK(m.attention_gap.to_double() > 50);
    CHECK(m.copy_input.to_double() > 5);
    CHECK(m.logit_gap.to_double() > 0.9);
}

TEST_CASE("generation stops at the end token", "[additions]") {
    auto const g = generate<A>("0999+0111=", 20);
    REQUIRE(g.view() == "0999+0111=01110\n");
    REQUIRE(g.generated == 6);
    // asked for fewer tokens, it stops there
    REQUIRE(generate<A>("0999+0111=", 3).view() == "0999+0111=011");
}

TEST_CASE("the carry out of the top digit is written by the network", "[additions]") {
    REQUIRE(add<A>("9999+9999=").answer() == "89991\n");  // 19998
    REQUIRE(add<A>("9999+0001=").answer() == "00001\n");  // 10000
    REQUIRE(add<A>("5000+5000=").answer() == "00001\n");
    REQUIRE(add<A>("4999+5000=").answer() == "99990\n");  // no carry out
    REQUIRE(add<A>("0000+0000=").answer() == "00000\n");
}

TEST_CASE("the low four digits agree with the seed's answer", "[additions]") {
    // The seed generates the low four digits of the sum; the first four answer digits are those.
    std::mt19937_64 rng(4);
    for (int i = 0; i < 1000; ++i) {
        auto const a = rng() % 10000, b = rng() % 10000;
        auto const g = generate<A>(make_prompt<4>(a, b), 4);
        std::string seed_digits;
        for (std::uint64_t s = (a + b) % 10000, k = 0; k < 4; ++k, s /= 10) seed_digits += static_cast<char>('0' + s % 10);
        REQUIRE(g.answer() == seed_digits);
    }
}

namespace {
/// Random, edge (all zeros, all nines, longest carry chains, one carry in each place) prompts for
/// D digits; each must give the D + 1 digits of the sum and '\n'.
template <std::size_t D>
void check_digits(std::uint64_t seed) {
    using M = adder<D>;
    std::uint64_t const top = power_of_ten(D) - 1;  // 99…9
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs = {
        {0, 0}, {top, top}, {top, 1}, {1, top}, {top, 0}, {0, top}, {top / 9 * 5, top / 9 * 5}, {top / 9 * 4, top / 9 * 5 + 1}};
    for (std::uint64_t p = 1; p <= top; p *= 10) pairs.push_back({p * 5, p * 5});  // one carry at each place
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 300; ++i) pairs.push_back({rng() % (top + 1), rng() % (top + 1)});
    for (auto const& [a, b] : pairs) {
        INFO(D << " digits: " << a << " + " << b);
        auto const g = generate<M>(make_prompt<D>(a, b), M::answer_length + 3);  // asks for more than the answer
        auto const want = expected_answer<D>(a, b);
        REQUIRE(g.answer() == std::string_view(want.data(), want.size()));
    }
}
}  // namespace

TEST_CASE("every digit count from 1 to 8: random prompts, zeros, nines, longest carry chains", "[additions][digits]") {
    check_digits<1>(1);
    check_digits<2>(2);
    check_digits<3>(3);
    check_digits<4>(4);
    check_digits<5>(5);
    check_digits<6>(6);
    check_digits<7>(7);
    check_digits<8>(8);
}

TEST_CASE("the position premise on the compiled network: every D up to max_digits, not one more", "[additions][digits]") {
    // position_premise at run time: the same constexpr function tests/proofs/positions.cpp evaluates
    auto show = [](auto digits) {
        constexpr std::size_t D = decltype(digits)::value;
        auto p = position_premise<seed_weights, D>();  // not const: clang++ would also evaluate it at compile time (tests/run_time.hpp)
        UNSCOPED_INFO(D << " digits: " << p.decisions << " decisions; smallest attention gap " << p.margin.attention_gap.to_double()
                        << ", smallest copy pre-activation " << p.margin.copy_input.to_double() << "; " << p.failure.what);
        CHECK(p.holds == (D <= max_digits));
        if (p.holds) {
            CHECK(p.margin.attention_gap.to_double() > 22.9);  // exp rounds every loser to 0 from 22.9
            CHECK(p.margin.copy_input.to_double() > 7);
        }
    };
    [&]<std::size_t... K>(std::index_sequence<K...>) { (show(std::integral_constant<std::size_t, K + 1>{}), ...); }(
        std::make_index_sequence<max_digits + 1>{});
    STATIC_REQUIRE(adder<8>::longest_sequence == 27);
    STATIC_REQUIRE(adder<4>::answer_length == 6);
}
