#include <catch2/catch.hpp>

#include <ctformer/model/registers.hpp>

using namespace ctformer;

TEST_CASE("the seed's layout: offsets and width as measured on the seed", "[registers]") {
    constexpr auto const& L = seed_layout;
    STATIC_REQUIRE(L.width == 80);
    STATIC_REQUIRE(L[reg::pos] == slot{14, 2});
    STATIC_REQUIRE(L[reg::left_pos] == slot{16, 2});
    STATIC_REQUIRE(L[reg::right_pos] == slot{18, 2});
    STATIC_REQUIRE(L[reg::out_pos] == slot{20, 2});
    STATIC_REQUIRE(L[reg::left] == slot{22, 14});
    STATIC_REQUIRE(L[reg::right] == slot{36, 14});
    STATIC_REQUIRE(L[reg::out] == slot{50, 14});
    STATIC_REQUIRE(L[reg::carry] == slot{64, 1});
    STATIC_REQUIRE(L[reg::distance] == slot{65, 1});
    STATIC_REQUIRE(L[reg::final] == slot{66, 14});
}

TEST_CASE("entries() lists registers in offset order with their names", "[registers]") {
    auto const e = seed_layout.entries();
    REQUIRE(e.size() == 10);
    REQUIRE(e[0].first == "pos");
    REQUIRE(e[4].first == "left");
    REQUIRE(e[9].first == "final");
    for (std::size_t i = 1; i < e.size(); ++i) REQUIRE(e[i].second.offset == e[i - 1].second.offset + e[i - 1].second.width);
}

TEST_CASE("a custom layout computes its own offsets", "[registers]") {
    constexpr auto a = BOOST_HANA_STRING("a");
    constexpr auto b = BOOST_HANA_STRING("b");
    constexpr auto L = make_layout(declare<3>(a), declare<5>(b));
    STATIC_REQUIRE(L.width == vocab_size + 8);
    STATIC_REQUIRE(L[a] == slot{vocab_size, 3});
    STATIC_REQUIRE(L[b] == slot{vocab_size + 3, 5});
    // L[BOOST_HANA_STRING("c")] does not compile: "the layout has no register of this name".
}
