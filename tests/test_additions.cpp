#include <catch2/catch.hpp>

#include <random>

#include <ctformer/ctformer.hpp>

using namespace ctformer;
using A = adder<4>;

TEST_CASE("10,000 random 4-digit additions give the low four digits of the sum", "[additions]") {
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

TEST_CASE("the seed's generation continues with zeros after the sum", "[additions]") {
    auto const g = generate<A>("0999+0111=", 10);
    REQUIRE(g.view() == "0999+0111=0111000000");
}

TEST_CASE("the carry out of the top digit is lost, as in the seed", "[additions]") {
    REQUIRE(add<A>("9999+9999=").answer() == "8999");
    REQUIRE(add<A>("9999+0001=").answer() == "0000");
}

TEST_CASE("other digit counts run the same network with a longer or shorter loop", "[additions]") {
    REQUIRE(add<adder<1>>("7+8=").answer() == "5");
    REQUIRE(add<adder<2>>("47+38=").answer() == "58");
    REQUIRE(add<adder<6>>("123456+654321=").answer() == "777777");
}
