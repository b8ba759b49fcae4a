// tools/check/pairs.hpp — check_ops (check.hpp) for one program: the checker's walk over a check's
// pairs and the recheck of one pair, for every digit count the program takes, on its model with
// the digit count given at run time (any_digits<P>). Included only by the walk units
// tools/check/walk_{add,sub,mul}.cpp, one per program: they build in parallel, each once.
#pragma once

#include <algorithm>
#include <array>
#include <memory>

#include "check.hpp"
#include "common/digits.hpp"

namespace ctformer::tools::check {

/// A wrong answer as the report records it.
template <class Model>
failure failure_of(std::size_t digits, addition_result const& res) {
    using P = program_of_model<Model>;
    std::array<char, max_rows> expected{};
    write_expected_answer<P>(digits, res.a, res.b, expected.data());
    failure f;
    f.prompt = prompt_ids<P>(digits, res.a, res.b).text();
    f.expected.assign(expected.data(), prompt_shape<P>::answer_length(digits));
    for (char c : res.got) {
        if (c == 0) break;
        f.got += c;
    }
    return f;
}

/// The calling thread's walker of `digits`-digit prompts: its memos, keyed by exact inputs, serve
/// every block the thread checks (a check of another digit count gets a walker afresh).
template <class Model, std::size_t Words>
exact_walker<Model, Words>& thread_walker(std::size_t digits) {
    thread_local std::unique_ptr<exact_walker<Model, Words>> walker;
    if (!walker || walker->digits() != digits)
        walker = std::make_unique<exact_walker<Model, Words>>(digits, exact_memo<Model, Words>::default_max_states);
    return *walker;
}

template <class Model, std::size_t Words>
void check_pairs(report const& r, std::uint64_t i0, std::uint64_t i1, std::size_t max_failures, tally& out) {
    auto& walker = thread_walker<Model, Words>(r.digits);
    auto on_result = [&](addition_result const& res, margins const& m) {
        ++out.checked;
        out.margin.merge(m);
        out.digest += pair_hash(res.a, res.b);
        if (res.right)
            ++out.right;
        else if (out.failures.size() < max_failures)
            out.failures.push_back(failure_of<Model>(r.digits, res));
    };
    std::uint64_t const width = r.right_hi - r.right_lo + 1;
    if (r.mode == "sample") {
        for (std::uint64_t i = i0; i < i1 && !stopping(); ++i) {
            auto const [a, b] = pair_at(r, i);
            check_block(walker, a, b, b + 1, on_result, stopping);
        }
        return;
    }
    // split [i0, i1) at row boundaries: each piece is one a and a run of b
    for (std::uint64_t i = i0; i < i1 && !stopping();) {
        std::uint64_t const row = i / width, col = i % width;
        std::uint64_t const len = std::min(i1 - i, width - col);
        check_block(walker, r.left_lo + row, r.right_lo + col, r.right_lo + col + len, on_result, stopping);
        i += len;
    }
}

template <class Model, std::size_t Words>
std::pair<failure, bool> recheck_pair(std::size_t digits, std::uint64_t a, std::uint64_t b) {
    std::pair<failure, bool> out;
    auto walker = std::make_unique<exact_walker<Model, Words>>(digits, exact_memo<Model, Words>::default_max_states);
    check_block(
        *walker, a, b, b + 1, [&](addition_result const& res, margins const&) { out = {failure_of<Model>(digits, res), res.right}; },
        [] { return false; });
    return out;
}

/// The walk's fingerprint words: one (16 rows) where a digit count's prompts fit it, the seed's
/// 4-digit check among them, else four (64 rows, every prompt the tools take). Two walks per
/// program, not one per digit count.
inline constexpr std::size_t short_words = 1, long_words = 4;

/// check_ops of program P for each digit count 1..max_digits (tools/common/digits.hpp checks the
/// count first); throws std::invalid_argument outside them.
template <program P>
check_ops const& program_check_ops(std::size_t digits) {
    using M = any_digits<P>;
    static std::array<check_ops, max_digits> const table = [] {
        std::array<check_ops, max_digits> t{};
        for (std::size_t d = 1; d <= max_digits; ++d) {
            bool const short_prompts = exact_memo<M, short_words>::fits(d);
            t[d - 1] = {short_prompts ? &check_pairs<M, short_words> : &check_pairs<M, long_words>,
                        short_prompts ? &recheck_pair<M, short_words> : &recheck_pair<M, long_words>, operation_symbol<P>,
                        prompt_shape<P>::second_digits(d), P::noun};
        }
        return t;
    }();
    require_digits(digits);
    return table[digits - 1];
}

}  // namespace ctformer::tools::check
