// The fast paths against the reference, bit for bit: the compiled, cached, row-skipping sequence
// against the dense reference that runs every row through every layer; incremental decoding
// against recomputation; compile time against run time.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>

#include <ctformer/check/check.hpp>
#include <ctformer/ctformer.hpp>

using namespace ctformer;
using A = adder<4>;

namespace {
std::uint64_t digest_of(row_vector<80> const& x) { return detail::fnv_rows(0xcbf29ce484222325ull, x); }

}  // namespace

TEST_CASE("compiled layers equal dense layers, bit for bit, on every row of random prompts", "[paths]") {
    std::mt19937_64 rng(20261126);
    for (int trial = 0; trial < 40; ++trial) {
        auto const a = rng() % 10000, b = rng() % 10000;
        auto const prompt = make_prompt<4>(a, b);
        // the reference generation gives the tokens to compare on (prompt + the answer up to '\n')
        auto const g = reference_generate<A>(prompt, A::answer_length);
        std::array<std::uint8_t, max_rows> tokens{};
        std::size_t n = 0;
        for (char c : g.view().substr(0, g.length - 1)) tokens[n++] = static_cast<std::uint8_t>(token_of(c));
        auto const ref = reference_forward<A>(tokens.data(), n);
        sequence<A> s;
        for (std::size_t i = 0; i < n; ++i) s.push(tokens[i]);
        for (std::size_t i = 0; i < n; ++i) {
            INFO("prompt " << a << "+" << b << ", row " << i);
            REQUIRE(digest_of(forward(s, i)) == digest_of(ref.rows[i]));
        }
    }
}

TEST_CASE("incremental generation equals the seed's recompute-everything loop", "[paths]") {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 60; ++trial) {
        auto const prompt = make_prompt<4>(rng() % 10000, rng() % 10000);
        auto const fast = generate<A>(prompt, 8);
        auto const slow = reference_generate<A>(prompt, 8);
        REQUIRE(fast.generated == A::answer_length);
        REQUIRE(fast.view() == slow.view());
        REQUIRE(fast.digest == slow.digest);
    }
}

TEST_CASE("pop undoes push: a shared prefix gives the same rows as a fresh sequence", "[paths]") {
    sequence<A> shared;
    auto const p = make_prompt<4>(1234, 5678);
    for (std::size_t i = 0; i < 8; ++i) shared.push(p.ids[i]);  // 1234+567
    for (std::uint8_t last = 0; last < 10; ++last) {
        auto q = p;
        q.ids[8] = last;
        shared.push(last);
        shared.push(token::equals);
        sequence<A> fresh;
        for (auto id : q.ids) fresh.push(id);
        REQUIRE(digest_of(forward(shared, 9)) == digest_of(forward(fresh, 9)));
        shared.pop();
        shared.pop();
    }
    REQUIRE(shared.size() == 8);
    sequence<A> empty;
    REQUIRE_THROWS_AS(empty.pop(), sequence_error);
}

namespace {
// Computed by the compiler: the digest of every final residual row of these generations.
constexpr auto ct_demo = add<A>("0999+0111=");
constexpr auto ct_chain = generate<A>(make_prompt<4>(9999, 1), A::answer_length);
constexpr auto ct_mixed = generate<A>(make_prompt<4>(2718, 3141), A::answer_length);
}  // namespace

TEST_CASE("compile time and run time compute the same bits", "[paths]") {
    std::string demo = "0999+0111=";  // a run-time string: nothing here is constant-folded
    REQUIRE(add<A>(demo).digest == ct_demo.digest);
    REQUIRE(add<A>(demo).view() == ct_demo.view());
    volatile std::uint64_t a = 9999, b = 1, c = 2718, d = 3141;
    REQUIRE(generate<A>(make_prompt<4>(a, b), A::answer_length).digest == ct_chain.digest);
    REQUIRE(generate<A>(make_prompt<4>(c, d), A::answer_length).digest == ct_mixed.digest);
    STATIC_REQUIRE(ct_demo.answer() == "01110\n");
}

TEST_CASE("the checker's prompt-tree walk gives each pair the answer and margins of generation without reuse", "[paths]") {
    std::mt19937_64 rng(99);
    for (int trial = 0; trial < 5; ++trial) {
        std::uint64_t const a = rng() % 10000, b0 = rng() % 9700;
        std::set<std::uint64_t> seen;
        check_block<A>(
            a, b0, b0 + 300,
            [&](addition_result const& r, margins const& m) {
                REQUIRE(r.a == a);
                REQUIRE(seen.insert(r.b).second);
                auto const g = generate<A>(make_prompt<4>(a, r.b), A::answer_length);
                REQUIRE(std::string_view(r.got.data(), A::answer_length) == g.answer());
                REQUIRE(r.right == adds_correctly<A>(a, r.b));
                REQUIRE(m.logit_gap == g.margin.logit_gap);
                REQUIRE(m.copy_input == g.margin.copy_input);
                REQUIRE(m.attention_gap == g.margin.attention_gap);
                REQUIRE(m.attention_weight == g.margin.attention_weight);
            },
            [] { return false; });
        REQUIRE(seen.size() == 300);
        REQUIRE(*seen.begin() == b0);
        REQUIRE(*seen.rbegin() == b0 + 299);
    }
}

namespace {
/// check_block's walk (memos of the previous prompt and of the previous answer row) against the
/// generation, pair by pair: the same answer and the same margins.
template <std::size_t D>
void walk_equals_generation(std::uint64_t seed, std::uint64_t count) {
    using M = adder<D>;
    std::mt19937_64 rng(seed);
    std::uint64_t const top = power_of_ten(D);
    for (int trial = 0; trial < 3; ++trial) {
        std::uint64_t const a = rng() % top, b0 = rng() % (top - std::min(top, count) + 1);
        check_block<M>(
            a, b0, std::min(top, b0 + count),
            [&](addition_result const& r, margins const& m) {
                auto const g = generate<M>(make_prompt<D>(a, r.b), M::answer_length);
                INFO(D << " digits: " << a << " + " << r.b);
                REQUIRE(std::string_view(r.got.data(), g.generated) == g.answer());
                REQUIRE(m.logit_gap == g.margin.logit_gap);
                REQUIRE(m.copy_input == g.margin.copy_input);
                REQUIRE(m.attention_gap == g.margin.attention_gap);
                REQUIRE(m.attention_weight == g.margin.attention_weight);
            },
            [] { return false; });
    }
}
}  // namespace

TEST_CASE("the walk equals generation without reuse for every digit count", "[paths]") {
    walk_equals_generation<1>(11, 10);
    walk_equals_generation<2>(12, 100);
    walk_equals_generation<3>(13, 200);
    walk_equals_generation<5>(15, 200);
    walk_equals_generation<8>(18, 100);
}

TEST_CASE("the checker's walk stops when asked and reports only what it finished", "[paths]") {
    int calls = 0;
    auto const done = check_block<A>(
        1234, 0, 1000, [&](addition_result const&, margins const&) { ++calls; }, [&] { return calls >= 7; });
    REQUIRE(done == 7);
    REQUIRE(calls == 7);
}

namespace {
/// generate() without reuse: every answer row's forward pass from scratch.
template <class M>
generation<max_rows> generate_without_reuse(prompt_tokens<M::digits> const& prompt, std::size_t count) {
    sequence<M> s;
    generation<max_rows> g{};
    for (auto id : prompt.ids) {
        s.push(id);
        g.text[g.length++] = vocabulary[id];
    }
    for (std::size_t i = 0; i < count; ++i) {
        auto const last = forward(s, s.size() - 1, &g.margin);
        std::size_t const t = choose<M>(last, &g.margin);
        g.digest = detail::fnv_rows(g.digest, last);
        g.text[g.length++] = vocabulary[t];
        ++g.generated;
        if (t == token::newline || i + 1 == count) break;
        s.push(t);
    }
    return g;
}

template <class M>
void require_same_generation(generation<max_rows> const& a, generation<max_rows> const& b) {
    REQUIRE(a.view() == b.view());
    REQUIRE(a.digest == b.digest);
    REQUIRE(a.margin.attention_weight == b.margin.attention_weight);
    REQUIRE(a.margin.attention_gap == b.margin.attention_gap);
    REQUIRE(a.margin.copy_input == b.margin.copy_input);
    REQUIRE(a.margin.logit_gap == b.margin.logit_gap);
}
}  // namespace
