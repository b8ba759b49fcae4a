// The checker's block queue (tools/check/blocks.hpp): every block handed out exactly once, each
// worker on a run of neighbouring blocks, the spent worker taking the back half of the longest run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>
#include <vector>

#include "check/blocks.hpp"

using ctformer::tools::check::block_queue;

namespace {

std::vector<std::uint64_t> drain(block_queue& q, std::uint64_t worker) {
    std::vector<std::uint64_t> out;
    while (auto const k = q.next(worker)) out.push_back(*k);
    return out;
}

bool consecutive(std::vector<std::uint64_t> const& v, std::size_t from, std::size_t to) {
    for (std::size_t i = from + 1; i < to; ++i)
        if (v[i] != v[i - 1] + 1) return false;
    return true;
}

}  // namespace

TEST_CASE("block_queue: a lone worker takes every block in order") {
    block_queue q(1000);
    auto const got = drain(q, 7);
    REQUIRE(got.size() == 1000);
    CHECK(got.front() == 0);
    CHECK(consecutive(got, 0, got.size()));
    CHECK_FALSE(q.next(7));
    CHECK_FALSE(q.next(8));  // a newcomer finds nothing left
}

TEST_CASE("block_queue: nothing to hand out") {
    block_queue q(0);
    CHECK_FALSE(q.next(0));
    CHECK_FALSE(q.next(1));
}

TEST_CASE("block_queue: a second worker takes the back half of the first one's run") {
    block_queue q(100);
    for (std::uint64_t k = 0; k < 10; ++k) REQUIRE(q.next(0) == k);
    CHECK(q.next(1) == 55);  // 90 left, 10..99: the back half starts at 10 + 45
    CHECK(q.next(0) == 10);
    CHECK(q.next(1) == 56);
}

TEST_CASE("block_queue: workers taking turns each keep a run, and every block goes out once") {
    std::uint64_t const n = 997;
    block_queue q(n);
    std::vector<std::vector<std::uint64_t>> got(3);
    for (bool any = true; any;) {
        any = false;
        for (std::uint64_t w = 0; w < 3; ++w)
            if (auto const k = q.next(w)) got[w].push_back(*k), any = true;
    }
    std::vector<std::uint64_t> all;
    std::size_t breaks = 0;
    for (auto const& g : got) {
        all.insert(all.end(), g.begin(), g.end());
        for (std::size_t i = 1; i < g.size(); ++i) breaks += g[i] != g[i - 1] + 1;
    }
    std::sort(all.begin(), all.end());
    REQUIRE(all.size() == n);
    for (std::uint64_t k = 0; k < n; ++k) REQUIRE(all[k] == k);
    // a worker jumps only when its run is spent: about log2(n) steals each, where taking turns
    // would jump at every block
    CHECK(breaks < 3 * 12);
    CHECK(consecutive(got[0], 0, got[0].size() / 2));
}

TEST_CASE("block_queue: threads together take every block exactly once") {
    std::uint64_t const n = 20000;
    unsigned const threads = 4;
    block_queue q(n);
    std::vector<std::vector<std::uint64_t>> got(threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back([&, t] { got[t] = drain(q, t); });
    for (auto& t : pool) t.join();
    std::vector<std::uint64_t> all;
    for (auto const& g : got) all.insert(all.end(), g.begin(), g.end());
    std::sort(all.begin(), all.end());
    REQUIRE(all.size() == n);
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
    CHECK(all.front() == 0);
    CHECK(all.back() == n - 1);
}
