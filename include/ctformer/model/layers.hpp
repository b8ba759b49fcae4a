// ctformer/model/layers.hpp — the two kinds of layer, dense (the truth) and compiled (sparse).
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
#include <span>
#include <string_view>

#include "ctformer/numeric/fixed.hpp"
#include "ctformer/numeric/functions.hpp"
#include "ctformer/tensor/matrix.hpp"

namespace ctformer {

/// The longest sequence a forward pass holds (positions repeat every 100 in the seed's encoding).
inline constexpr std::size_t max_rows = 64;

/// The closest the network came to a different decision; smaller is closer. Merged by min.
struct margins {
    fixed attention_weight = fixed::from_int(1);     ///< smallest winning softmax weight
    fixed attention_gap = fixed::from_int(1 << 30);  ///< smallest score gap, winner to runner-up
    fixed copy_input = fixed::from_int(1 << 30);     ///< smallest |pre-activation| of a copy decision
    fixed logit_gap = fixed::from_int(1 << 30);      ///< smallest gap, chosen token to runner-up

    constexpr void merge(margins const& o) {
        if (o.attention_weight < attention_weight) attention_weight = o.attention_weight;
        if (o.attention_gap < attention_gap) attention_gap = o.attention_gap;
        if (o.copy_input < copy_input) copy_input = o.copy_input;
        if (o.logit_gap < logit_gap) logit_gap = o.logit_gap;
    }
};

// ------------------------------------------------------------------------------------------
// Dense weights
// ------------------------------------------------------------------------------------------

template <std::size_t Dm, std::size_t Dh>
struct attention_weights {
    static constexpr bool is_attention = true;
    std::string_view name;
    matrix<Dm, Dh> wq{}, wk{};
    matrix<Dm, Dm> wv{};
    fixed score_scale{};  ///< 1/√d_model, as the seed's norm
};

template <std::size_t Dm, std::size_t H>
struct mlp_weights {
    static constexpr bool is_attention = false;
    static constexpr std::size_t hidden = H;
    std::string_view name;
    matrix<Dm, H> w1{};
    row_vector<H> b1{};
    matrix<H, Dm> w2{};
    row_vector<Dm> b2{};
    bool reports_decision = false;  ///< the largest pre-activation is a fire/no-fire decision
};

/// Index of the largest element, the first one on ties (as torch.argmax).
template <std::size_t N>
constexpr std::size_t argmax(row_vector<N> const& v) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < N; ++i)
        if (v[i] > v[best]) best = i;
    return best;
}

/// Softmax weights of raw scores[0..n): exp(s − max) / Σ, in Q31.32. Returns the index of the
/// largest score (the first, on ties).
constexpr std::size_t softmax(std::int64_t const* scores, std::int64_t* weights, std::size_t n, margins* m) {
    std::size_t best = 0;
    std::int64_t second = INT64_MIN;  // the largest score of the other rows
    for (std::size_t j = 1; j < n; ++j) {
        if (scores[j] > scores[best]) {
            second = scores[best];
            best = j;
        } else if (scores[j] > second) {
            second = scores[j];
        }
    }
    std::int64_t const top = scores[best];
    std::int64_t total = 0;
    bool one_hot = true;  // only the best row has a nonzero exp: its weight is exactly 1, the rest 0
    for (std::size_t j = 0; j < n; ++j) {
        std::int64_t const d = scores[j] - top;
        std::int64_t const e = d == 0 ? fixed::one_raw : d < detail::exp_zero_below ? 0 : exp_nonpositive(fixed::from_raw(d)).raw;
        weights[j] = e;
        total += e;  // each e ≤ 1 and n ≤ 64: no overflow
        if (j != best && e != 0) one_hot = false;
    }
    if (!one_hot)
        for (std::size_t j = 0; j < n; ++j) weights[j] = (fixed::from_raw(weights[j]) / fixed::from_raw(total)).raw;
    if (m) {
        if (weights[best] < m->attention_weight.raw) m->attention_weight = fixed::from_raw(weights[best]);
        if (n > 1 && top - second < m->attention_gap.raw) m->attention_gap = fixed::from_raw(top - second);
    }
    return best;
}

// ------------------------------------------------------------------------------------------
// The plain path: every row through a dense layer at once. Used by tests as the reference.
// ------------------------------------------------------------------------------------------

/// `pattern`, if given, receives the softmax weights: pattern[i·n + j] is row i's weight on row j
/// (raw Q31.32; 0 above the diagonal).
template <std::size_t Dm, std::size_t Dh>
constexpr void dense_apply(attention_weights<Dm, Dh> const& w, row_vector<Dm>* rows, std::size_t n, margins* m = nullptr,
                           std::int64_t* pattern = nullptr) {
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
        fixed top = fixed::from_int(-(1 << 30));
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

// ------------------------------------------------------------------------------------------
// Compiled layers: derived from a dense layer at compile time.
//   Src::dense is a constant expression naming the dense layer.
// ------------------------------------------------------------------------------------------

/// Where a layer reports what it added to a row: the columns it changed, and by how much (a layer
/// adds nothing to the columns it leaves out).
struct update_sink {
    std::uint16_t* col = nullptr;
    std::int64_t* val = nullptr;
    std::size_t n = 0;
    constexpr void add(std::uint16_t c, std::int64_t u) {
        col[n] = c;
        val[n] = u;
        ++n;
    }
};

/// What an attention layer's pass decided, so that a pass that sees one more row can reuse it:
/// the query (per active head dimension), the top score and the runner-up score.
struct attention_probe {
    static constexpr std::size_t max_heads = 4;
    std::array<std::int64_t, max_heads> q{};
    std::int64_t top = 0;
    std::int64_t second = INT64_MIN;  ///< INT64_MIN: a single row
};

/// Attention, sparse. Only head dimensions where both Wq and Wk have a nonzero column can move a
/// score ("active"); only nonzero columns of Wv can be written. The keys of each row are kept in
/// a cache filled once per row (see runtime/sequence.hpp for why the embedding suffices); a row's
/// value is formed only when the row gets a nonzero weight — in the seed's network one row per
/// pass, where every row has a key that is read.
template <std::size_t Dm, std::size_t NA, std::size_t NQ, std::size_t NK, std::size_t NO, std::size_t NV>
struct compiled_attention {
    static constexpr bool is_attention = true;
    static constexpr std::size_t width = Dm;
    static constexpr std::size_t heads = NA;  ///< active head dimensions
    std::string_view name;
    std::array<std::uint16_t, NO> out_cols{};  ///< columns this layer writes
    sparse_lists<NA, NQ> q{};                  ///< per active head dim: (input column, weight)
    sparse_lists<NA, NK> k{};
    sparse_lists<NO, NV> v{};                  ///< per written column: (input column, weight)
    fixed score_scale{};

    struct cache_entry {
        std::array<std::int64_t, (NA > 0 ? NA : 1)> k{};
    };
    using value_type = std::array<std::int64_t, (NO > 0 ? NO : 1)>;  ///< a row's value, per written column

    /// The columns of the current row this layer reads (through its query; repeats possible).
    constexpr std::span<std::uint16_t const> read_columns() const { return {q.index.data(), NQ}; }

    /// Columns whose value in an earlier row this layer reads (through its key or value).
    constexpr bool reads_column(std::size_t c) const {
        for (std::size_t i = 0; i < k.start[NA]; ++i)
            if (k.index[i] == c) return true;
        for (std::size_t i = 0; i < v.start[NO]; ++i)
            if (v.index[i] == c) return true;
        return false;
    }
    constexpr bool writes_column(std::size_t c) const {
        for (auto o : out_cols)
            if (o == c) return true;
        return false;
    }

    constexpr void fill_cache(cache_entry& c, row_vector<Dm> const& x) const { fill_key(c, x); }
    // Per group g of `lists`: out[g] = round(Σ x·w), the sum exact. Queries, keys and values are
    // all formed this way; written out with pointers (see compiled_mlp::apply). The sums fit in
    // 128 bits (exact_sums_fit, checked in compile_attention).
    static constexpr void fill_dots(auto const& lists, std::size_t groups, fixed const* x, std::int64_t* out) {
        std::uint16_t const* const start = lists.start.data();
        std::uint16_t const* const index = lists.index.data();
        std::int64_t const* const weight = lists.weight.data();
        for (std::size_t g = 0; g < groups; ++g) {
            i128 acc = 0;
            for (std::size_t e = start[g]; e < start[g + 1]; ++e) acc += i128{x[index[e]].raw} * weight[e];
            out[g] = detail::round_shift_32(acc);
        }
    }
    constexpr void fill_query(row_vector<Dm> const& x, std::int64_t* q_a) const { fill_dots(q, NA, x.data(), q_a); }
    constexpr void fill_key(cache_entry& c, row_vector<Dm> const& x) const { fill_dots(k, NA, x.data(), c.k.data()); }
    constexpr value_type value_of(row_vector<Dm> const& x) const {
        value_type out{};
        fill_dots(v, NO, x.data(), out.data());
        return out;
    }

    /// Do a row's key (value) read any of its first `columns` columns (the token block)? If not,
    /// a row's key (value) does not change when its token does.
    constexpr bool key_reads_below(std::size_t columns) const {
        for (std::size_t i = 0; i < k.start[NA]; ++i)
            if (k.index[i] < columns) return true;
        return false;
    }
    constexpr bool value_reads_below(std::size_t columns) const {
        for (std::size_t i = 0; i < v.start[NO]; ++i)
            if (v.index[i] < columns) return true;
        return false;
    }

    /// x is row n−1; cache holds the keys of rows 0..n−1 (row n−1 included), and row_of(j) gives
    /// row j's input (its embedding), whose value is formed if the row gets a nonzero weight.
    /// Returns the set of rows that got a nonzero weight, as a bit mask (bit j: row j; n ≤ 64).
    static_assert(NA <= attention_probe::max_heads, "ctformer: attention_probe holds too few head dimensions");

    /// The scaled score of a row with key k_j for the query q_a (apply's scores, and the memo's check
    /// of a row one pass did not see).
    constexpr std::int64_t score_of(std::int64_t const* q_a, std::int64_t const* k_j) const {
        i128 acc = 0;
        for (std::size_t a = 0; a < NA; ++a)
            if (__builtin_add_overflow(acc, i128{q_a[a]} * k_j[a], &acc)) detail::throw_overflow("ctformer: score overflows");
        return detail::round_shift_32(i128{detail::round_shift_32(acc)} * score_scale.raw);
    }

    /// `sink`, if given, receives what the layer added to the row.
    template <class RowOf>
    constexpr std::uint64_t apply(row_vector<Dm>& row, cache_entry const* cache, std::size_t n, margins* m, RowOf const& row_of,
                                  attention_probe* probe = nullptr, update_sink* sink = nullptr) const {
        constexpr std::size_t cap = max_rows;
        if (n > cap || n == 0) throw domain_error("ctformer::compiled_attention: row count out of range");
        // Pointers into local arrays, not operator[]: see compiled_mlp::apply.
        fixed* const x = row.data();
        std::array<std::int64_t, (NA > 0 ? NA : 1)> qa_store{};
        std::int64_t* const qa = qa_store.data();
        fill_dots(q, NA, x, qa);  // the query, per active head dimension
        std::array<std::int64_t, cap> score_store, weight_store;  // written before read
        std::int64_t* const scores = score_store.data();
        std::int64_t* const weights = weight_store.data();
        for (std::size_t j = 0; j < n; ++j) scores[j] = score_of(qa, cache[j].k.data());
        std::size_t const best = softmax(scores, weights, n, m);
        if (probe) {
            for (std::size_t a = 0; a < NA; ++a) probe->q[a] = qa[a];
            probe->top = scores[best];
            probe->second = INT64_MIN;
            for (std::size_t j = 0; j < n; ++j)
                if (j != best && scores[j] > probe->second) probe->second = scores[j];
        }
        std::array<i128, (NO > 0 ? NO : 1)> out_store{};
        i128* const out = out_store.data();
        std::uint64_t used = 0;
        for (std::size_t j = 0; j < n; ++j) {
            std::int64_t const w = weights[j];
            if (w == 0) continue;
            used |= std::uint64_t{1} << j;
            row_vector<Dm> const input = row_of(j);
            value_type v_store;  // written by fill_dots
            std::int64_t* const v_j = v_store.data();
            fill_dots(v, NO, input.data(), v_j);
            for (std::size_t o = 0; o < NO; ++o)
                out[o] += i128{w} * v_j[o];  // fits: w ≤ 2^32 (a softmax weight), |v| < 2^63, n ≤ 64
        }
        std::uint16_t const* const outs = out_cols.data();
        for (std::size_t o = 0; o < NO; ++o) {
            std::int64_t const u = detail::round_shift_32(out[o]);
            if (u == 0) continue;
            if (sink) sink->add(outs[o], u);
            std::int64_t& dst = x[outs[o]].raw;
            if (__builtin_add_overflow(dst, u, &dst)) detail::throw_overflow("ctformer: residual overflows");
        }
        return used;
    }
};

template <class Src>
constexpr auto compile_attention() {
    constexpr auto const& w = Src::dense;
    using W = std::remove_cvref_t<decltype(w)>;
    constexpr std::size_t Dm = decltype(W::wv)::rows, Dh = decltype(W::wq)::cols;
    constexpr auto pq = profile(Src::dense.wq);
    constexpr auto pk = profile(Src::dense.wk);
    constexpr auto pv = profile(Src::dense.wv);
    constexpr auto active = [=](std::size_t d) { return pq.col_nnz[d] != 0 && pk.col_nnz[d] != 0; };
    constexpr auto written = [=](std::size_t c) { return pv.col_nnz[c] != 0; };
    constexpr std::size_t NA = count_where<Dh>(active);
    constexpr std::size_t NO = count_where<Dm>(written);
    constexpr auto act = indices_where<NA, Dh>(active);
    constexpr auto outs = indices_where<NO, Dm>(written);
    constexpr std::size_t NQ = [=] { std::size_t n = 0; for (auto d : act) n += pq.col_nnz[d]; return n; }();
    constexpr std::size_t NK = [=] { std::size_t n = 0; for (auto d : act) n += pk.col_nnz[d]; return n; }();
    constexpr std::size_t NV = pv.nnz;
    compiled_attention<Dm, NA, NQ, NK, NO, NV> c{};
    c.name = w.name;
    c.out_cols = outs;
    c.q = by_column<NQ>(w.wq, act);
    c.k = by_column<NK>(w.wk, act);
    c.v = by_column<NV>(w.wv, outs);
    c.score_scale = w.score_scale;
    if (!exact_sums_fit(c.q, 0) || !exact_sums_fit(c.k, 0) || !exact_sums_fit(c.v, 0))
        throw overflow_error("ctformer: an attention layer's weights are too large for exact 128-bit sums");
    return c;
}

/// Mlp, sparse. A hidden unit that no input reaches is a constant: its GELU(b1)·W2 is folded into
/// the output bias at compile time, exactly (in the 128-bit accumulator's scale).
///
/// At run time the layer is driven by its inputs: only columns that hold a nonzero value are read,
/// and only the units they reach ("touched") are evaluated. An untouched unit's pre-activation is
/// its bias, so its output is GELU(b1)·W2 — a constant, also folded into the output bias (the units
/// that are evaluated add their difference from it). Every sum is exact, so this gives the same bits
/// as evaluating every unit (tests/test_paths.cpp).
template <std::size_t Dm, std::size_t NU, std::size_t NI, std::size_t N1, std::size_t N2, std::size_t NO, std::size_t ND>
struct compiled_mlp {
    static constexpr bool is_attention = false;
    static constexpr std::size_t width = Dm;
    struct cache_entry {};
    std::string_view name;
    bool reports_decision = false;
    std::array<std::uint16_t, NO> out_cols{};
    std::array<i128, (NO > 0 ? NO : 1)> out_bias{};   ///< b2 plus every unit at rest (GELU(b1)·W2), scale 2^64
    std::array<std::int64_t, (NO > 0 ? NO : 1)> out_bias_rounded{};  ///< the update when no unit moves
    std::array<std::int64_t, (NU > 0 ? NU : 1)> b1{};
    std::array<std::int64_t, (NU > 0 ? NU : 1)> at_rest{};  ///< GELU(b1) per reached unit
    std::array<std::uint16_t, (NI > 0 ? NI : 1)> in_cols{};  ///< columns some unit reads
    sparse_lists<NI, N1> by_input{};  ///< per read column: (unit, weight)
    sparse_lists<NU, N1> in{};        ///< per reached unit: (input column, weight)
    sparse_lists<NU, N2> out{};       ///< per reached unit: (output slot, weight)
    // "Broad" input columns reach most units (the add table's carry, the copy step's match flag).
    // Alone, such a column may be unable to move any unit off rest: every unit it reaches stays at
    // or below GELU's flat zero for any input in [inert_lo, inert_hi]. When it is the only nonzero
    // broad column and its value is inert, it is added only to the units other inputs touched —
    // every other unit it reaches is provably still at rest.
    std::array<std::uint16_t, (ND > 0 ? ND : 1)> broad{};         ///< index k into in_cols
    std::array<bool, (NI > 0 ? NI : 1)> is_broad{};
    std::array<std::int64_t, (ND > 0 ? ND : 1)> inert_lo{}, inert_hi{};
    std::array<std::int64_t, (ND * NU > 0 ? ND * NU : 1)> broad_weight{};  ///< [d·NU + u], 0 where not reached

    /// The columns of the row this layer reads: its update is a function of their values.
    constexpr std::span<std::uint16_t const> read_columns() const { return {in_cols.data(), NI}; }

    constexpr bool reads_column(std::size_t c) const {
        for (std::size_t i = 0; i < NI; ++i)
            if (in_cols[i] == c) return true;
        return false;
    }
    constexpr bool writes_column(std::size_t c) const {
        for (auto o : out_cols)
            if (o == c) return true;
        return false;
    }
    constexpr void fill_cache(cache_entry&, row_vector<Dm> const&) const {}

    /// The same parameters as compiled_attention::apply; an MLP reads only `row`.
    template <class RowOf = int>
    constexpr std::uint64_t apply(row_vector<Dm>& row, cache_entry const*, std::size_t, margins* m, RowOf const& = {},
                                  attention_probe* = nullptr, update_sink* sink = nullptr) const {
        // Raw pointers and written-out rounding: in constant evaluation every call and every
        // operator[] costs more than the multiply-add it wraps (g++ 12: an operator[] on a local
        // array adds about 35 operations to the 28 of a read through a pointer).
        fixed* const x = row.data();
        std::array<i128, (NO > 0 ? NO : 1)> acc_store;  // an output's sum starts at its bias when first changed
        i128* const acc_out = acc_store.data();
        std::array<bool, (NO > 0 ? NO : 1)> changed_store{};
        bool* const changed = changed_store.data();
        std::array<i128, (NU > 0 ? NU : 1)> pre_store;  // written when a unit is first touched
        i128* const pre = pre_store.data();
        std::array<bool, (NU > 0 ? NU : 1)> touched_store{};
        bool* const touched = touched_store.data();
        std::array<std::uint16_t, (NU > 0 ? NU : 1)> touched_store_list;
        std::uint16_t* const touched_list = touched_store_list.data();
        std::size_t n_touched = 0;
        std::uint16_t const* const cols = in_cols.data();
        bool const* const broad_k = is_broad.data();
        std::uint16_t const* const bi_start = by_input.start.data();
        std::uint16_t const* const bi_unit = by_input.index.data();
        std::int64_t const* const bi_weight = by_input.weight.data();
        std::int64_t const* const bias = b1.data();
        // The columns that touch units: every nonzero one, except a lone inert broad column.
        std::array<std::uint16_t, (NI > 0 ? NI : 1)> touch_store;
        std::uint16_t* const to_touch = touch_store.data();
        std::size_t n_touch = 0;
        for (std::size_t k = 0; k < NI; ++k) {
            if (ND > 0 && broad_k[k]) continue;
            if (x[cols[k]].raw != 0) to_touch[n_touch++] = static_cast<std::uint16_t>(k);
        }
        // Broad columns: one nonzero and inert → add it to the touched units only; otherwise touch.
        std::size_t n_broad = 0, last_broad = 0;
        for (std::size_t d = 0; d < ND; ++d)
            if (x[cols[broad[d]]].raw != 0) ++n_broad, last_broad = d;
        std::int64_t inert_value = 0;
        std::size_t inert_column = 0;
        bool inert = false;
        if (n_broad == 1) {
            std::int64_t const xv = x[cols[broad[last_broad]]].raw;
            inert = xv >= inert_lo[last_broad] && xv <= inert_hi[last_broad];
            inert_value = xv;
            inert_column = last_broad;
        }
        if (!inert)
            for (std::size_t d = 0; d < ND; ++d)
                if (x[cols[broad[d]]].raw != 0) to_touch[n_touch++] = broad[d];
        for (std::size_t t = 0; t < n_touch; ++t) {  // written out, not a lambda: see above
            std::size_t const k = to_touch[t];
            std::int64_t const xv = x[cols[k]].raw;
            for (std::size_t e = bi_start[k]; e < bi_start[k + 1]; ++e) {
                std::size_t const u = bi_unit[e];
                if (!touched[u]) {
                    touched[u] = true;
                    touched_list[n_touched++] = static_cast<std::uint16_t>(u);
                    pre[u] = i128{bias[u]} << fixed::frac_bits;
                }
                pre[u] += i128{xv} * bi_weight[e];  // fits: exact_sums_fit, checked in compile_mlp
            }
        }
        if (inert) {
            std::int64_t const* w = broad_weight.data() + inert_column * NU;
            for (std::size_t t = 0; t < n_touched; ++t) {
                std::size_t const u = touched_list[t];
                pre[u] += i128{inert_value} * w[u];
            }
        }
        // GELU is 0 at or below −7 and the identity at or above 7 (numeric/functions.hpp): decided
        // on the exact sum, before rounding, these cases need neither the rounding nor the call.
        constexpr i128 saturated = i128{detail::gelu_cutoff} << (2 * fixed::frac_bits);
        std::uint16_t const* const out_start = out.start.data();
        std::uint16_t const* const out_index = out.index.data();
        std::int64_t const* const out_weight = out.weight.data();
        std::int64_t const* const rest = at_rest.data();
        for (std::size_t t = 0; t < n_touched; ++t) {
            std::size_t const u = touched_list[t];
            i128 const acc = pre[u];
            std::int64_t const g = acc <= -saturated ? 0
                                   : acc >= saturated ? detail::round_shift_32(acc)
                                                      : detail::gelu_raw(detail::round_shift_32(acc));
            std::int64_t const change = g - rest[u];  // |g|, |at_rest| < 2^62: no overflow
            if (change == 0) continue;
            for (std::size_t e = out_start[u]; e < out_start[u + 1]; ++e) {
                std::size_t const o = out_index[e];
                if (!changed[o]) {
                    changed[o] = true;
                    acc_out[o] = out_bias[o];
                }
                acc_out[o] += i128{change} * out_weight[e];  // fits: checked in compile_mlp
            }
        }
        if (m && reports_decision && NU > 0) {
            i128 top = -(i128{1} << 126);
            for (std::size_t u = 0; u < NU; ++u) {
                i128 p = touched[u] ? pre[u] : i128{bias[u]} << fixed::frac_bits;
                if (!touched[u] && inert) p += i128{inert_value} * broad_weight[inert_column * NU + u];
                if (p > top) top = p;
            }
            std::int64_t const p = detail::round_shift_32(top);
            fixed const a = fixed::from_raw(p < 0 ? -p : p);
            if (a < m->copy_input) m->copy_input = a;
        }
        std::uint16_t const* const outs = out_cols.data();
        std::int64_t const* const bias_rounded = out_bias_rounded.data();
        for (std::size_t o = 0; o < NO; ++o) {
            std::int64_t const update = changed[o] ? detail::round_shift_32(acc_out[o]) : bias_rounded[o];
            if (update == 0) continue;
            if (sink) sink->add(outs[o], update);
            std::int64_t& dst = x[outs[o]].raw;
            if (__builtin_add_overflow(dst, update, &dst)) detail::throw_overflow("ctformer: residual overflows");
        }
        return 0;
    }
};

template <class Src>
constexpr auto compile_mlp() {
    constexpr auto const& w = Src::dense;
    using W = std::remove_cvref_t<decltype(w)>;
    constexpr std::size_t Dm = decltype(W::w1)::rows, H = W::hidden;
    constexpr auto p1 = profile(Src::dense.w1);
    constexpr auto reached = [=](std::size_t h) { return p1.col_nnz[h] != 0; };
    constexpr auto read = [=](std::size_t c) { return p1.row_nnz[c] != 0; };
    constexpr std::size_t NU = count_where<H>(reached);
    constexpr std::size_t NI = count_where<Dm>(read);
    constexpr auto units = indices_where<NU, H>(reached);
    constexpr auto inputs = indices_where<NI, Dm>(read);
    // Output bias per column: b2 plus GELU(b1)·W2 of every unit (reached or not), exact. A column is
    // written if a reached unit has a weight into it or that bias is nonzero.
    struct outputs_t {
        std::array<i128, Dm> bias{};
        std::array<bool, Dm> written{};
    };
    constexpr outputs_t outputs = [=] {
        outputs_t o{};
        for (std::size_t c = 0; c < Dm; ++c) o.bias[c] = i128{Src::dense.b2[c].raw} << fixed::frac_bits;
        for (std::size_t h = 0; h < H; ++h) {
            if (Src::dense.w2.row_nonzeros(h) == 0) continue;  // the unit writes nothing
            std::int64_t const* w2 = Src::dense.w2.data() + h * Dm;
            if (p1.col_nnz[h] != 0)
                for (std::size_t c = 0; c < Dm; ++c) o.written[c] = o.written[c] || w2[c] != 0;
            std::int64_t const g = gelu(Src::dense.b1[h]).raw;
            if (g == 0) continue;
            for (std::size_t c = 0; c < Dm; ++c) o.bias[c] += i128{g} * w2[c];
        }
        for (std::size_t c = 0; c < Dm; ++c) o.written[c] = o.written[c] || o.bias[c] != 0;
        return o;
    }();
    constexpr auto written = [=](std::size_t c) { return outputs.written[c]; };
    constexpr std::size_t NO = count_where<Dm>(written);
    constexpr auto outs = indices_where<NO, Dm>(written);
    constexpr std::size_t N1 = [=] { std::size_t n = 0; for (auto h : units) n += p1.col_nnz[h]; return n; }();
    constexpr std::size_t N2 = [=] {
        std::size_t n = 0;
        for (auto h : units) n += Src::dense.w2.row_nonzeros(h);
        return n;
    }();
    std::array<std::uint16_t, Dm> slot{};
    for (std::size_t o = 0; o < NO; ++o) slot[outs[o]] = static_cast<std::uint16_t>(o);
    // Broad columns: read by more than half of at least 8 units.
    constexpr auto broad_col = [=](std::size_t k) { return NU >= 8 && 2 * std::size_t{p1.row_nnz[inputs[k]]} > NU; };
    constexpr std::size_t ND = count_where<NI>(broad_col);
    compiled_mlp<Dm, NU, NI, N1, N2, NO, ND> c{};
    constexpr auto broad_cols = indices_where<ND, NI>(broad_col);
    for (std::size_t d = 0; d < ND; ++d) c.broad[d] = broad_cols[d];
    for (std::size_t d = 0; d < ND; ++d) {
        c.is_broad[c.broad[d]] = true;
        std::size_t const col = inputs[c.broad[d]];
        // the inert interval: b1·2^32 + x·w ≤ −7·2^64 for every unit u the column reaches, which
        // must be at rest at GELU's flat zero (at_rest = 0, b1 ≤ −7); empty (lo > hi) otherwise
        i128 lo = INT64_MIN, hi = INT64_MAX;
        constexpr i128 floor_zero = -(i128{detail::gelu_cutoff} << (2 * fixed::frac_bits));
        for (std::size_t u = 0; u < NU; ++u) {
            std::int64_t const wv = Src::dense.w1.data()[col * H + units[u]];
            c.broad_weight[d * NU + u] = wv;
            if (wv == 0) continue;
            i128 const room = floor_zero - (i128{w.b1[units[u]].raw} << fixed::frac_bits);  // x·w ≤ room
            if (room < 0 || gelu(w.b1[units[u]]).raw != 0) {
                lo = 1;
                hi = 0;
                continue;
            }
            if (wv > 0) {
                i128 const bound = room / wv;  // floor (room ≥ 0)
                if (bound < hi) hi = bound;
            } else {
                i128 const bound = -(room / -i128{wv});  // ceil of room / wv for wv < 0
                if (bound > lo) lo = bound;
            }
        }
        c.inert_lo[d] = static_cast<std::int64_t>(lo);
        c.inert_hi[d] = static_cast<std::int64_t>(hi);
    }
    c.name = w.name;
    c.reports_decision = w.reports_decision;
    c.out_cols = outs;
    c.in_cols = inputs;
    for (std::size_t o = 0; o < NO; ++o) {
        c.out_bias[o] = outputs.bias[outs[o]];
        c.out_bias_rounded[o] = detail::round_shift_32(outputs.bias[outs[o]]);
    }
    for (std::size_t u = 0; u < NU; ++u) {
        c.b1[u] = w.b1[units[u]].raw;
        c.at_rest[u] = gelu(w.b1[units[u]]).raw;
    }
    c.in = by_column<N1>(w.w1, units);
    c.out = by_row<N2>(w.w2, units, slot);
    // by input column: the unit index is the unit's slot among the reached units
    std::array<std::uint16_t, H> unit_slot{};
    for (std::size_t u = 0; u < NU; ++u) unit_slot[units[u]] = static_cast<std::uint16_t>(u);
    c.by_input = by_row<N1>(w.w1, inputs, unit_slot);
    // The sums must be exact in 128 bits: pre-activations (bias + inputs), and outputs (each column
    // collects at most NU terms change·w with |change| < 2^63 onto its bias).
    i128 max_bias = 0, max_w2 = 0, max_b1 = 0;
    for (std::size_t o = 0; o < NO; ++o) {
        i128 const b = c.out_bias[o] < 0 ? -c.out_bias[o] : c.out_bias[o];
        if (b > max_bias) max_bias = b;
    }
    for (std::size_t e = 0; e < N2; ++e) {
        i128 const v = c.out.weight[e] < 0 ? -i128{c.out.weight[e]} : i128{c.out.weight[e]};
        if (v > max_w2) max_w2 = v;
    }
    for (std::size_t u = 0; u < NU; ++u) {
        i128 const b = c.b1[u] < 0 ? -i128{c.b1[u]} : i128{c.b1[u]};
        if (b > max_b1) max_b1 = b;
    }
    if (!exact_sums_fit(c.in, max_b1 << fixed::frac_bits) || max_bias >= (i128{1} << 126) || i128(NU) * max_w2 >= (i128{1} << 62) ||
        max_b1 >= (i128{1} << 61))
        throw overflow_error("ctformer: an MLP layer's weights are too large for exact 128-bit sums");
    return c;
}

template <class Src>
constexpr auto compile_layer() {
    if constexpr (std::remove_cvref_t<decltype(Src::dense)>::is_attention)
        return compile_attention<Src>();
    else
        return compile_mlp<Src>();
}

/// One compiled layer, evaluated as a constant of its own: each layer gets the compiler's whole
/// constant-evaluation budget (clang counts steps per evaluation), not a share of the network's.
template <class Src>
inline constexpr auto compiled_layer = compile_layer<Src>();

}  // namespace ctformer
