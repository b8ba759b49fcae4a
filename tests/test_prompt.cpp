#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <ctformer/model/prompt.hpp>

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
