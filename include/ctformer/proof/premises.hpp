// ctformer/proof/premises.hpp — premises the shortcuts rest on, checked by the compiler on the real
// network: attention reads only the embedding of earlier rows (the cached-embedding shortcut), and
// what the position encoding guarantees for a sequence of a given length.
#pragma once

#include <cstddef>
#include <type_traits>

#include "ctformer/model/network.hpp"

namespace ctformer {

/// Does any layer write a column that some attention layer reads from earlier rows? If none does,
/// an earlier row's keys and values at every layer equal those of its embedding, and a row's layers
/// need to run only when its own output is wanted (runtime/sequence.hpp relies on this).
template <class Net>
constexpr bool attention_reads_only_the_embedding(Net const& net) {
    constexpr std::size_t W = std::remove_cvref_t<decltype(net.layout)>::width;
    bool ok = true;
    auto check_reader = [&](auto const& reader) {
        if constexpr (std::remove_cvref_t<decltype(reader)>::is_attention) {
            for (std::size_t c = 0; c < W; ++c) {
                if (!reader.reads_column(c)) continue;
                for_each_distinct_layer(net, [&](auto const& writer) {
                    if (writer.writes_column(c)) ok = false;
                });
            }
        }
    };
    for_each_distinct_layer(net, check_reader);
    return ok;
}

/// What the position encoding guarantees for a sequence of `rows` rows, derived from the period
/// and the instructions' constants (not assumed): the adder static_asserts each for its D.
struct position_guarantees {
    bool distinct = false;  ///< rows ≤ period: no two positions of the sequence share an angle
    fixed read_gap{};  ///< smallest score gap, the row under a cursor to any other row (read_relative)
    fixed min_distance{};  ///< smallest diff_pos distance between two different answer positions
};

/// For a sequence of `rows` rows whose rows from `first_answer_row` on predict the answer: diff_pos
/// compares a predicting row's position with the out cursor, which in the body and the epilogue
/// points at those same rows. (It does not tell every pair of positions apart: 100·Δsin + 1000·Δcos
/// nearly vanishes for pairs centred on position 1.6, such as 1 and 2 — never compared here.)
template <class L>
constexpr position_guarantees position_guarantees_for(L const&, std::size_t rows, std::size_t first_answer_row) {
    position_guarantees g{};
    g.distinct = rows <= static_cast<std::size_t>(position_period);
    g.read_gap = no_margin_yet;
    g.min_distance = no_margin_yet;
    fixed const one = fixed::from_int(1);
    fixed const scale = score_scale_for<L>();
    for (std::size_t delta = 1; delta < rows; ++delta) {
        // Cursor at p, row q = p ± delta: the score is K·cos(2π·delta/period)·scale, K·scale at q = p.
        auto const r = position_angle(static_cast<std::int64_t>(delta), position_period);
        fixed const gap = fixed::from_int(read_key_scale) * (one - r.cos) * scale;
        if (gap < g.read_gap) g.read_gap = gap;
    }
    for (std::size_t p = first_answer_row; p < rows; ++p)
        for (std::size_t q = first_answer_row; q < rows; ++q) {
            if (p == q) continue;
            auto const a = position_table[p], b = position_table[q];
            fixed const x = fixed::from_int(100) * (a.sin - b.sin) + fixed::from_int(1000) * (a.cos - b.cos);
            fixed const d = gelu(x) + gelu(-x);  // diff_pos
            if (d < g.min_distance) g.min_distance = d;
        }
    return g;
}

}  // namespace ctformer
