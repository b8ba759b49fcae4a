// A program's model with the digit count given at run time (any_digits<P>, model/model.hpp): what
// the tools instantiate once per program. Its checker's walk (exact_walker<any_digits<P>, Words>)
// against generation as users run it, pair by pair — text, every final row (digest), margins —
// and generation of the run-time count against the constant count's (adder<D>), for several counts
// (1, 3, 4, 8, 9, 16; the checker's walk order and random pairs) and programs (subtraction's and
// multiplication's smaller counts: test_programs.cpp); and the counts it refuses. (A unit of its own: each walker is a large instantiation.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include <ctformer/check/check.hpp>
#include <ctformer/ctformer.hpp>

using namespace ctformer;

namespace {
/// Random operand pairs for `digits` digits (the second one digit for multiplication by a digit).
template <class P>
std::vector<std::pair<std::uint64_t, std::uint64_t>> random_pairs(std::size_t digits, std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (std::size_t i = 0; i < n; ++i)
        out.emplace_back(rng() % power_of_ten(digits), rng() % power_of_ten(prompt_shape<P>::second_digits(digits)));
    return out;
}

/// Pairs in check_block's order for `digits` digits: a fixed, b over [b0, b1) by its reversed digits.
std::vector<std::pair<std::uint64_t, std::uint64_t>> walk_order(std::size_t digits, std::uint64_t a, std::uint64_t b0, std::uint64_t b1) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> order;
    for (std::uint64_t b = b0; b < b1; ++b) order.emplace_back(reversed_digits(b, digits), b);
    std::sort(order.begin(), order.end());
    for (auto& [key, b] : order) key = a;
    return order;
}

/// Pairs where the walker and generation differ (text, digest, margins, the verdict against the
/// program's answer); `wrong`: pairs whose answer is wrong.
template <class P, std::size_t Words>
std::size_t walk_differs(std::size_t digits, std::vector<std::pair<std::uint64_t, std::uint64_t>> const& pairs) {
    using M = any_digits<P>;
    exact_walker<M, Words> w(digits, 1u << 17);
    std::size_t const answer = prompt_shape<P>::answer_length(digits);
    std::size_t differ = 0;
    for (auto const& [a, b] : pairs) {
        auto const got = w.generate(a, b, true);
        auto const want = generate<M>(digits, prompt_ids<P>(digits, a, b).view(), answer);
        std::array<char, max_rows> expected{};
        write_expected_answer<P>(digits, a, b, expected.data());
        margins m{};
        bool const right = w.check(a, b, m).right;
        bool const want_right = want.answer() == std::string_view(expected.data(), answer);
        if (got.view() != want.view() || got.digest != want.digest || !(got.margin == want.margin) || right != want_right ||
            !(m == want.margin))
            ++differ;
    }
    return differ;
}
}  // namespace

TEST_CASE("the walker of a run-time digit count gives generation's bits", "[any_digits]") {
    // one fingerprint word: the seed's 4-digit check, in the walk's own order and at random
    CHECK(walk_differs<addition, 1>(4, walk_order(4, 4321, 0, 1000)) == 0);
    CHECK(walk_differs<addition, 1>(1, walk_order(1, 7, 0, 10)) == 0);
    CHECK(walk_differs<addition, 1>(1, random_pairs<addition>(1, 100, 1)) == 0);
    CHECK(walk_differs<addition, 1>(3, walk_order(3, 999, 0, 1000)) == 0);
    CHECK(walk_differs<addition, 1>(3, walk_order(3, 456, 0, 1000)) == 0);
    CHECK(walk_differs<addition, 1>(3, random_pairs<addition>(3, 500, 11)) == 0);
    CHECK(walk_differs<addition, 1>(4, random_pairs<addition>(4, 300, 2)) == 0);
    // four words: every count the tools take
    CHECK(walk_differs<addition, 4>(8, walk_order(8, 99999999, 12340000, 12341000)) == 0);
    CHECK(walk_differs<addition, 4>(8, random_pairs<addition>(8, 200, 12)) == 0);
    CHECK(walk_differs<addition, 4>(9, random_pairs<addition>(9, 100, 3)) == 0);
    CHECK(walk_differs<addition, 4>(16, walk_order(16, 9999999999999999, 1234567890120000, 1234567890120300)) == 0);
    CHECK(walk_differs<addition, 4>(16, random_pairs<addition>(16, 100, 4)) == 0);
    CHECK(walk_differs<multiplication, 4>(6, random_pairs<multiplication>(6, 300, 5)) == 0);
    CHECK(walk_differs<multiplication, 4>(16, random_pairs<multiplication>(16, 2000, 6)) == 0);
}

TEST_CASE("generation of a run-time digit count is the constant count's, bit for bit", "[any_digits]") {
    for (auto const& [a, b] : random_pairs<addition>(4, 50, 7)) {
        auto const fixed = generate<adder<4>>(make_prompt<4>(a, b), adder<4>::answer_length);
        auto const any = generate<any_digits<addition>>(4, prompt_ids<addition>(4, a, b).view(), adder<4>::answer_length);
        CHECK(any.view() == fixed.view());
        CHECK(any.digest == fixed.digest);
        CHECK(any.margin == fixed.margin);
    }
}

TEST_CASE("a run-time digit count its program or a walker's fingerprint does not take is refused", "[any_digits]") {
    using walker = exact_walker<any_digits<addition>, 1>;
    CHECK_THROWS_AS(walker(0, 1000), std::invalid_argument);
    CHECK_THROWS_AS(walker(5, 1000), std::invalid_argument);  // 5 digits: 18 rows, more than one word's 16
    CHECK_THROWS_AS((exact_walker<any_digits<addition>, 4>(17, 1000)), std::invalid_argument);
    CHECK(exact_memo<any_digits<addition>, 1>::fits(4));
    CHECK_FALSE(exact_memo<any_digits<addition>, 1>::fits(5));
    CHECK(exact_memo<any_digits<addition>, 4>::fits(16));
    CHECK_THROWS_AS(sequence<any_digits<addition>>(17), std::invalid_argument);
    CHECK_THROWS_AS(sequence<adder<4>>(5), std::invalid_argument);  // not the model's own count
    prompt_ids<addition> const p(4, 1234, 5678);
    CHECK_THROWS_AS(generate<any_digits<addition>>(3, p.view(), 5), std::invalid_argument);  // a 4-digit prompt
}

TEST_CASE("prompt_ids: a prompt of a run-time digit count as token ids", "[any_digits]") {
    prompt_ids<subtraction> const p(4, 999, 111);
    CHECK(p.text() == "0999-0111=");
    CHECK(p.view().size() == 10);
    prompt_ids<multiplication> const m(3, "123*7=");
    CHECK(m.text() == "123*7=");
    std::vector<std::uint8_t> const ids(m.view().begin(), m.view().end());
    CHECK(ids == std::vector<std::uint8_t>{1, 2, 3, token::operation, 7, token::equals});
    STATIC_REQUIRE(prompt_ids<addition>(4, 999, 111).view().size() == 10);
    CHECK_THROWS_AS(prompt_ids<addition>(0, 1, 2), std::invalid_argument);
    CHECK_THROWS_AS(prompt_ids<addition>(40, 1, 2), std::invalid_argument);  // 82 rows: more than a pass holds
    CHECK_THROWS_AS(prompt_ids<addition>(4, "0999-0111="), prompt_error);
    CHECK_THROWS_AS(prompt_ids<addition>(4, 10000, 1), std::out_of_range);
}
