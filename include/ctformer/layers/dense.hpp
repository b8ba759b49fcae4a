// ctformer/layers/dense.hpp — the two kinds of layer in dense form (the truth every other form is
// derived from) and the reference apply: every row through a dense layer at once.
//
// Attention (the seed's AttentionLayer): q = x·Wq, k = x·Wk, v = x·Wv, causal softmax of
// q·k / √d_model, and the weighted sum of the values is added to the row (no output projection,
// as in the seed). Mlp (the seed's MLPLayer): x += GELU(x·W1 + b1)·W2 + b2.
//
// Rounding points, the same on every path: each element of q, k, v, the pre-activation, the
// score q·k, the scaled score, each softmax weight, and each element of a layer's update is
// rounded once from its exact 128-bit sum. Sums are exact, so the order of their terms and the
// terms that are zero do not change a bit: the compiled layers skip zeros and cache rows and
// still equal the dense reference bit for bit (tests/test_paths.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctformer/layers/margins.hpp"

namespace ctformer {

/// What a layer is, for a reader: set by the instruction that builds it (model/instructions.hpp)
/// and read by the tools that show it (the walkthrough's narration, the pictures' unit labels, the
/// page's "why it works"), which never look at the layer's name.
struct layer_about {
    /// How the walkthrough narrates what the layer did to one row (tools/page/narrate.cpp).
    enum class narration : std::uint8_t {
        changes,  ///< every register that changed, before → after
        read,  ///< attention: the row it chose, and what it stored from there
        column,  ///< a column table: its formula on the digits read and the carry, the digit and carry written
        clear,  ///< the registers it empties (and a carry it leaves, which travels on)
        distance,  ///< the distance to the out cursor
        flag,  ///< the match flag
        copy,  ///< out copied into final where the flag is 1
        digit_out,  ///< out ← the carry as a digit, and the out cursor's step
        end,  ///< out ← the end token, and the out cursor's step
    };
    /// What each hidden unit stands for (the pictures' labels, the page's "which unit fired").
    enum class units : std::uint8_t {
        numbered,  ///< "unit 5"
        column_pairs,  ///< column_table: unit 2·(10 i + j) + c for the digits i, j and a carry in c of 0 or 1
        column_carries,  ///< one_hot_carry_table: unit (10 i + j)·carries + c for a carry c of 0 .. carries − 1
        tokens,  ///< unit t for token t (copy_on_match)
    };
    narration narrate = narration::changes;
    units hidden = units::numbered;
    std::size_t carries = 0;  ///< column_carries: how many carry values (max_carry + 1)
    /// A column table's arithmetic on the digits x, y and the carry c, in the narration:
    /// "{x} + {y} + carry {c}"; the operators + − × between the placeholders are evaluated left to right.
    std::string_view formula;
    std::string_view explanation;  ///< why it works, a few sentences of plain text
};

template <std::size_t Dm, std::size_t Dh>
struct attention_weights {
    static constexpr bool is_attention = true;
    std::string_view name;
    layer_about about{};
    matrix<Dm, Dh> wq{}, wk{};
    matrix<Dm, Dm> wv{};
    fixed score_scale{};  ///< 1/√d_model, as the seed's norm
};

template <std::size_t Dm, std::size_t H>
struct mlp_weights {
    static constexpr bool is_attention = false;
    static constexpr std::size_t hidden = H;
    std::string_view name;
    layer_about about{};
    matrix<Dm, H> w1{};
    row_vector<H> b1{};
    matrix<H, Dm> w2{};
    row_vector<Dm> b2{};
    bool reports_decision = false;  ///< the largest pre-activation is a fire/no-fire decision
};

/// `pattern`, if given, receives the softmax weights: pattern[i·n + j] is row i's weight on row j
/// (raw Q31.32; 0 above the diagonal). `score_pattern`, if given, receives the scores the softmax
/// takes, (q_i · k_j) × score_scale, in the same layout.
template <std::size_t Dm, std::size_t Dh>
constexpr void dense_apply(attention_weights<Dm, Dh> const& w, row_vector<Dm>* rows, std::size_t n, margins* m = nullptr,
                           std::int64_t* pattern = nullptr, std::int64_t* score_pattern = nullptr) {
    constexpr std::size_t cap = max_rows;
    if (n > cap) throw domain_error("ctformer::dense_apply: more rows than the reference path holds");
    std::array<row_vector<Dh>, cap> q{}, k{};
    std::array<row_vector<Dm>, cap> v{}, update{};
    for (std::size_t i = 0; i < n; ++i) {
        q[i] = multiply(rows[i], w.wq);
        k[i] = multiply(rows[i], w.wk);
        v[i] = multiply(rows[i], w.wv);
    }
    std::array<std::int64_t, cap> scores{}, weights{};
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {  // causal: row i sees rows 0..i
            accumulator dot;
            for (std::size_t d = 0; d < Dh; ++d) dot.add(q[i][d], k[j][d]);
            scores[j] = (dot.result() * w.score_scale).raw;
        }
        softmax(scores.data(), weights.data(), i + 1, m);
        if (pattern)
            for (std::size_t j = 0; j < n; ++j) pattern[i * n + j] = j <= i ? weights[j] : 0;
        if (score_pattern)
            for (std::size_t j = 0; j < n; ++j) score_pattern[i * n + j] = j <= i ? scores[j] : 0;
        for (std::size_t c = 0; c < Dm; ++c) {
            accumulator acc;
            for (std::size_t j = 0; j <= i; ++j) acc.add(weights[j], v[j][c].raw);
            update[i][c] = acc.result();
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < Dm; ++c) rows[i][c] += update[i][c];
}

template <std::size_t Dm, std::size_t H>
constexpr void dense_apply(mlp_weights<Dm, H> const& w, row_vector<Dm>* rows, std::size_t n, margins* m = nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
        row_vector<Dm>& x = rows[i];
        row_vector<H> g{};
        fixed top = -no_margin_yet;  // below every pre-activation
        for (std::size_t h = 0; h < H; ++h) {
            accumulator acc(w.b1[h]);
            for (std::size_t c = 0; c < Dm; ++c) acc.add(x[c].raw, w.w1.data()[c * H + h]);
            fixed const pre = acc.result();
            if (w.reports_decision && pre > top && !w.w1.col_is_zero(h)) top = pre;
            g[h] = gelu(pre);
        }
        if (m && w.reports_decision) {
            fixed const a = top < fixed{} ? -top : top;
            if (a < m->copy_input) m->copy_input = a;
        }
        row_vector<Dm> update{};
        for (std::size_t c = 0; c < Dm; ++c) {
            accumulator acc(w.b2[c]);
            for (std::size_t h = 0; h < H; ++h) acc.add(g[h].raw, w.w2.data()[h * Dm + c]);
            update[c] = acc.result();
        }
        for (std::size_t c = 0; c < Dm; ++c) x[c] += update[c];
    }
}

}  // namespace ctformer
