#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <ctformer/model/addition.hpp>
#include <ctformer/model/multiplication.hpp>
#include <ctformer/model/prompt.hpp>
#include <ctformer/model/subtraction.hpp>

using ctformer::prompt_error;
using kind = prompt_error::kind;

TEST_CASE("well-formed prompts become token ids", "[prompt]") {
    constexpr auto p = ctformer::parse_prompt<4>("0999+0111=");
    STATIC_REQUIRE(p.ids[0] == 0);
    STATIC_REQUIRE(p.ids[1] == 9);
    STATIC_REQUIRE(p.ids[4] == ctformer::token::plus);
    STATIC_REQUIRE(p.ids[9] == ctformer::token::equals);
    STATIC_REQUIRE(ctformer::make_prompt<4>(999, 111).ids == p.ids);
    STATIC_REQUIRE(ctformer::parse_prompt<1>("7+8=").ids[2] == 8);
}

TEST_CASE("malformed prompts are typed errors that say what and where", "[prompt]") {
    struct bad {
        std::string text;
        kind expected;
        std::size_t position;
        std::string message_part;
    };
    std::vector<bad> const cases = {
        {"", kind::empty, 0, "empty"},
        {"0999+0111", kind::wrong_length, 9, "it has 9 characters"},
        {"0999+01110=", kind::expected_equals, 9, "expected '=' at position 9"},
        {"099+0111=", kind::expected_digit, 3, "the first operand has 3 digits"},
        {"0999+011=", kind::expected_digit, 8, "the second operand has 3 digits"},
        {"09999+0111=", kind::expected_plus, 4, "expected '+' at position 4, found '9'"},
        {"0999-0111=", kind::unknown_character, 4, "character '-' at position 4"},
        {"0999+0111=5", kind::wrong_length, 11, "it has 11 characters"},
        {"0999+0111= ", kind::unknown_character, 10, "' ' (space)"},
        {"a999+0111=", kind::unknown_character, 0, "character 'a' at position 0"},
        {"0999++111=", kind::expected_digit, 5, "expected a digit at position 5, found '+'"},
        {"0999=0111=", kind::expected_plus, 4, "found '='"},
        {"0999+0111+", kind::expected_equals, 9, "found '+'"},
        {"+0999+0111", kind::expected_digit, 0, "expected a digit at position 0"},
        {"0999+=0111", kind::expected_digit, 5, "expected a digit at position 5"},
        {std::string("09\xc3\xa9") + "9+0111=", kind::unknown_character, 2, "byte 0xc3 at position 2"},
        {"0999+0111=\n", kind::unknown_character, 10, "newline"},
        {std::string(5000, '1'), kind::too_long, 5000, "5000 characters"},
        {"=", kind::expected_digit, 0, "found '='"},
        {"0999 0111=", kind::unknown_character, 4, "' ' (space)"},
        {"0999+0111==", kind::wrong_length, 11, "a 4-digit prompt DDDD+DDDD= has 10"},
    };
    for (auto const& c : cases) {
        INFO("prompt: \"" << c.text.substr(0, 40) << "\"");
        try {
            (void)ctformer::parse_prompt<4>(c.text);
            FAIL("no error for a malformed prompt");
        } catch (prompt_error const& e) {
            CHECK(e.what_kind() == c.expected);
            CHECK(e.position() == c.position);
            CHECK_THAT(e.what(), Catch::Contains(c.message_part));
        }
    }
}

TEST_CASE("make_prompt rejects operands wider than D digits", "[prompt]") {
    REQUIRE_THROWS_AS(ctformer::make_prompt<4>(10000, 1), std::out_of_range);
    REQUIRE_THROWS_AS(ctformer::make_prompt<2>(5, 100), std::out_of_range);
}

// The text path (read_prompt: the tools, parse_prompt) and the number path (write_prompt: the
// checker, generation of a and b, and the bounds analysis's initial state, proof/bounds.hpp) give
// the same token ids for every program and digit count.
template <class P>
void check_paths_agree(std::uint64_t seed) {
    std::uint64_t x = seed;
    auto next = [&x] { return x = x * 6364136223846793005u + 1442695040888963407u, x >> 11; };
    for (std::size_t d = 1; d <= 16; ++d)
        for (int trial = 0; trial < 50; ++trial) {
            std::size_t const second = ctformer::prompt_shape<P>::second_digits(d);
            std::uint64_t const a = next() % ctformer::power_of_ten(d), b = next() % ctformer::power_of_ten(second);
            std::string sa = std::to_string(a), sb = std::to_string(b);
            std::string const text = std::string(d - sa.size(), '0') + sa + ctformer::operation_symbol<P> +
                                     std::string(second - sb.size(), '0') + sb + "=";
            std::vector<std::uint8_t> from_text(text.size()), from_numbers(text.size());
            ctformer::read_prompt<P>(d, text, from_text.data());
            ctformer::write_prompt<P>(d, a, b, from_numbers.data());
            INFO(P::name << " " << text);
            REQUIRE(from_text == from_numbers);
        }
}

TEST_CASE("the text path and the number path give the same prompt", "[prompt]") {
    check_paths_agree<ctformer::addition>(1);
    check_paths_agree<ctformer::subtraction>(2);
    check_paths_agree<ctformer::multiplication>(3);
}
