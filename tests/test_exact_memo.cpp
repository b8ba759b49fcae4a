// exact_reuse, the checker's memo keyed by exact inputs (check/exact_memo.hpp), against generation
// as users run it (the plain forward pass the all-input proof walks beside), bit for bit: the generated text, every final row (digest) and the
// margins, on the checker's walk order and on random pairs, for networks that add wrongly, and with a
// memo so small that it starts afresh again and again. (Other digit counts, on the walkers of a run-time
// count the tools run: test_any_digits.cpp.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include <ctformer/check/check.hpp>
#include <ctformer/ctformer.hpp>

#include "twins/all_inputs_twins.hpp"

using namespace ctformer;

namespace {
/// Pairs in check_block's order: a fixed, b over [b0, b1) with its digits reversed.
template <std::size_t D>
std::vector<std::pair<std::uint64_t, std::uint64_t>> walk(std::uint64_t a, std::uint64_t b0, std::uint64_t b1) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> order;
    for (std::uint64_t b = b0; b < b1; ++b) order.emplace_back(reversed_digits(b, D), b);
    std::sort(order.begin(), order.end());
    for (auto& [key, b] : order) key = a;
    return order;
}

template <std::size_t D>
std::vector<std::pair<std::uint64_t, std::uint64_t>> random_pairs(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uint64_t top = 1;
    for (std::size_t i = 0; i < D; ++i) top *= 10;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(rng() % top, rng() % top);
    return out;
}

struct tally {
    std::size_t pairs = 0, differ = 0, wrong = 0;
};

/// Each pair through the walker twice (with rows written out, then as the checker runs it) and
/// through a fresh generation; counts the pairs where anything differs.
template <class M>
tally compare(exact_walker<M>& w, std::vector<std::pair<std::uint64_t, std::uint64_t>> const& pairs) {
    tally t;
    for (auto const& [a, b] : pairs) {
        ++t.pairs;
        auto const got = w.generate(a, b, true);
        auto const want = generate<M>(make_prompt<M::digits>(a, b), M::answer_length);
        margins m{};
        auto const checked = w.check(a, b, m);
        margins want_m{};
        bool const right = adds_correctly<M>(a, b, &want_m);
        bool const same = got.view() == want.view() && got.digest == want.digest && got.margin == want.margin &&
                          checked.right == right && m == want_m;
        if (!same) ++t.differ;
        if (!right) ++t.wrong;
    }
    return t;
}

/// A body layer that reads the row's own token: diff_pos weighs the token '5' by 1/1024 in its first
/// unit, which changes the bits of the rows holding a 5 (the answers may stay right). The memo must
/// keep whole rows through the body passes (blind_segment); the epilogue has a diff_pos of its own.
template <bool Broken>
struct body_reads_token {
    constexpr auto operator()() const {
        auto w = seed_weights{}();
        if constexpr (Broken) seed_body_layer<"diff_pos">(w).w1.set(5, 0, fixed::from_ratio(1, 1024));
        return w;
    }
};
}  // namespace

TEST_CASE("exact_reuse gives the plain pass's bits on the checker's walk and on random pairs", "[exact_memo]") {
    // adder<4>'s own walker (a model of constant digit count); the walkers the tools run, of a digit
    // count given at run time, are compared for D = 1, 3, 4, 8, 9, 16 in test_any_digits.cpp.
    exact_walker<adder<4>> w;
    auto const t = compare(w, walk<4>(9999, 0, 2000));
    CHECK(t.pairs == 2000);
    CHECK(t.differ == 0);
    CHECK(t.wrong == 0);
    // Both ways of a row were compared: replay_row alone, and forward where a segment was new.
    auto const sizes = w.memo().size();
    CHECK(sizes.rows_replayed > 2 * sizes.rows_forward);
    CHECK(sizes.rows_forward > 0);
    CHECK(compare(w, walk<4>(1234, 5000, 7000)).differ == 0);
    CHECK(compare(w, random_pairs<4>(500, 3)).differ == 0);
}

TEST_CASE("exact_reuse gives the plain pass's bits on networks that add wrongly", "[exact_memo]") {
    // One add-table unit wrong: (3, 4) with a carry in writes 9. In the walk below, every b whose
    // digit under a's 3 is 4 after a carry is wrong; the walker must agree with the generation.
    exact_walker<adder<4, twins::carry_unit<true>>> carry;
    auto const t = compare(carry, walk<4>(3333, 0, 3000));
    CHECK(t.differ == 0);
    CHECK(t.wrong > 0);
    CHECK(compare(carry, random_pairs<4>(300, 6)).differ == 0);
    // A cursor that a carry moves: the reads miss their digits from the second pass on.
    exact_walker<adder<3, twins::cursor_reads_digit<true>>> cursor;
    auto const c = compare(cursor, walk<3>(555, 0, 1000));
    CHECK(c.differ == 0);
    CHECK(c.wrong > 0);
    // find_and_store('+') spread over every row: decisions of more rows than a memo entry holds,
    // which are never recorded, and blended cursors.
    exact_walker<adder<4, twins::weak_choice<true>>> weak;
    CHECK(compare(weak, walk<4>(2468, 0, 300)).differ == 0);
    CHECK(compare(weak, random_pairs<4>(100, 7)).differ == 0);
}

TEST_CASE("exact_reuse keeps states without the token block only where no later layer reads it", "[exact_memo]") {
    // The seed: only the prologue's attention queries read the token block.
    STATIC_REQUIRE(exact_memo<adder<4>>::blind_kind == 1);
    STATIC_REQUIRE(exact_memo<adder<4>>::blind_segment_of(4) == 1);
    STATIC_REQUIRE(exact_memo<adder<16>>::blind_segment_of(16) == 1);
    STATIC_REQUIRE(exact_memo<adder<4, body_reads_token<false>>>::blind_segment_of(4) == 1);
    // A body layer that reads it: whole rows up to the epilogue (segment D + 1), and still the
    // generation's bits.
    using reads = adder<4, body_reads_token<true>>;
    STATIC_REQUIRE(exact_memo<reads>::blind_kind == 2);
    STATIC_REQUIRE(exact_memo<reads>::blind_segment_of(4) == 5);
    exact_walker<reads> w;
    CHECK(w.memo().blind_segment() == w.memo().segments() - 1);
    auto const t = compare(w, walk<4>(5555, 0, 1000));
    CHECK(t.differ == 0);
    CHECK(compare(w, random_pairs<4>(200, 8)).differ == 0);
    // The seed's rows after the prologue no longer differ by their own token: the walk of above
    // needs fewer states than that network's.
    exact_walker<adder<4>> seed;
    CHECK(compare(seed, walk<4>(5555, 0, 1000)).differ == 0);
    CHECK(2 * seed.memo().size().states < w.memo().size().states);
}

TEST_CASE("exact_reuse starts afresh when its memo is full, and still gives the same bits", "[exact_memo]") {
    exact_walker<adder<4>> small(300);  // a few prompts' states
    CHECK(compare(small, walk<4>(5678, 0, 1500)).differ == 0);
    CHECK(small.memo().size().restarts > 10);
    CHECK(small.memo().size().states <= 300 + 200);
}

TEST_CASE("exact_reuse replays a prompt it has seen without a new state", "[exact_memo]") {
    exact_walker<adder<4>> w;
    (void)w.generate(1234, 5678);
    (void)w.generate(1234, 5679);
    auto const before = w.memo().size();
    auto const again = w.generate(1234, 5678);
    CHECK(again.answer() == "21960\n");
    CHECK(w.memo().size().states == before.states);
    CHECK(w.memo().size().transitions == before.transitions);
}
