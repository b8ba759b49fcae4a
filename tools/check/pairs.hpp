// tools/check/pairs.hpp — check_ops (check.hpp) for one program's model<P, D>: the checker's walk over a
// check's pairs and the recheck of one pair. Included only by the units tools/libraries.cmake
// generates from tools/adders/check_adder.cpp.in, one per digit count.
#pragma once

#include <algorithm>
#include <memory>

#include "check.hpp"

namespace ctformer::tools::check {

/// A wrong answer as the report records it.
template <class Model>
failure failure_of(addition_result const& res) {
    constexpr std::size_t D = Model::digits;
    using P = program_of_model<Model>;
    failure f;
    for (auto id : make_prompt<D>(res.a, res.b).ids) f.prompt += P::vocabulary[id];
    for (char c : expected_answer<D, P>(res.a, res.b)) f.expected += c;
    for (char c : res.got) {
        if (c == 0) break;
        f.got += c;
    }
    return f;
}

/// The calling thread's walker for Model: its memos, keyed by exact inputs, serve every block the
/// thread checks.
template <class Model>
exact_walker<Model>& thread_walker() {
    thread_local std::unique_ptr<exact_walker<Model>> walker;
    if (!walker) walker = std::make_unique<exact_walker<Model>>();
    return *walker;
}

template <class Model>
void check_pairs(report const& r, std::uint64_t i0, std::uint64_t i1, std::size_t max_failures, tally& out) {
    exact_walker<Model>& walker = thread_walker<Model>();
    auto on_result = [&](addition_result const& res, margins const& m) {
        ++out.checked;
        out.margin.merge(m);
        out.digest += pair_hash(res.a, res.b);
        if (res.right)
            ++out.right;
        else if (out.failures.size() < max_failures)
            out.failures.push_back(failure_of<Model>(res));
    };
    std::uint64_t const width = r.right_hi - r.right_lo + 1;
    if (r.mode == "sample") {
        for (std::uint64_t i = i0; i < i1 && !stopping(); ++i) {
            auto const [a, b] = pair_at(r, i);
            check_block<Model>(walker, a, b, b + 1, on_result, stopping);
        }
        return;
    }
    // split [i0, i1) at row boundaries: each piece is one a and a run of b
    for (std::uint64_t i = i0; i < i1 && !stopping();) {
        std::uint64_t const row = i / width, col = i % width;
        std::uint64_t const len = std::min(i1 - i, width - col);
        check_block<Model>(walker, r.left_lo + row, r.right_lo + col, r.right_lo + col + len, on_result, stopping);
        i += len;
    }
}

template <class Model>
std::pair<failure, bool> recheck_pair(std::uint64_t a, std::uint64_t b) {
    std::pair<failure, bool> out;
    check_block<Model>(
        a, b, b + 1, [&](addition_result const& res, margins const&) { out = {failure_of<Model>(res), res.right}; },
        [] { return false; });
    return out;
}

}  // namespace ctformer::tools::check

/// Defines NAME_check_ops_D(), the table entry of program NAME ("add", "sub", "mul") with D digits, MODEL
/// being its model<P, D> (tools/check/adders.cpp).
#define CTFORMER_DEFINE_CHECK_OPS(NAME, MODEL, D)                                                        \
    namespace ctformer::tools::check {                                                                  \
    check_ops const& NAME##_check_ops_##D() {                                                           \
        static constexpr check_ops ops{&check_pairs<MODEL<D>>, &recheck_pair<MODEL<D>>,                 \
                                       operation_symbol<program_of_model<MODEL<D>>>,                    \
                                       prompt_shape<program_of_model<MODEL<D>>>::second_digits(D)};     \
        return ops;                                                                                     \
    }                                                                                                   \
    }
