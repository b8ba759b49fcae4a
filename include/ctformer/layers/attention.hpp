// ctformer/layers/attention.hpp — compiled (sparse) attention, derived from a dense layer at
// compile time (Src::dense is a constant expression naming the dense layer).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "ctformer/layers/dense.hpp"
#include "ctformer/layers/update.hpp"

namespace ctformer {

/// Attention, sparse. Only head dimensions where both Wq and Wk have a nonzero column can move a
/// score ("active"); only nonzero columns of Wv can be written. The keys of each row are kept in
/// a cache filled once per row (see runtime/sequence.hpp for why the embedding suffices); a row's
/// value is formed only when the row gets a nonzero weight — in the seed's network one row per
/// pass, where every row has a key that is read.
/// The sizes of a compiled attention layer, known at compile time from its dense weights.
struct attention_shape {
    std::size_t width;  ///< the residual stream's width
    std::size_t heads;  ///< active head dimensions: both Wq and Wk have a nonzero column there
    std::size_t query_weights;  ///< nonzero weights of Wq in those dimensions
    std::size_t key_weights;  ///< the same for Wk
    std::size_t outputs;  ///< columns the layer can write (nonzero columns of Wv)
    std::size_t value_weights;  ///< nonzero weights of Wv
};

template <attention_shape Shape>
struct compiled_attention {
    static constexpr attention_shape shape = Shape;
    static constexpr std::size_t n_query_weights = Shape.query_weights;
    static constexpr std::size_t n_key_weights = Shape.key_weights;
    static constexpr std::size_t n_outputs = Shape.outputs;
    static constexpr std::size_t n_value_weights = Shape.value_weights;
    static constexpr bool is_attention = true;
    static constexpr std::size_t width = Shape.width;
    static constexpr std::size_t heads = Shape.heads;  ///< active head dimensions
    std::string_view name;
    std::array<std::uint16_t, n_outputs> out_cols{};  ///< columns this layer writes
    sparse_lists<heads, n_query_weights> q{};  ///< per active head dim: (input column, weight)
    sparse_lists<heads, n_key_weights> k{};
    sparse_lists<n_outputs, n_value_weights> v{};  ///< per written column: (input column, weight)
    fixed score_scale{};

    struct cache_entry {
        std::array<std::int64_t, (heads > 0 ? heads : 1)> k{};
    };
    using value_type = std::array<std::int64_t, (n_outputs > 0 ? n_outputs : 1)>;  ///< a row's value, per written column

    /// The columns of the current row this layer reads (through its query; repeats possible).
    constexpr std::span<std::uint16_t const> read_columns() const { return {q.index.data(), n_query_weights}; }

    /// Columns whose value in an earlier row this layer reads (through its key or value).
    constexpr bool reads_column(std::size_t c) const {
        for (std::size_t i = 0; i < k.start[heads]; ++i)
            if (k.index[i] == c) return true;
        for (std::size_t i = 0; i < v.start[n_outputs]; ++i)
            if (v.index[i] == c) return true;
        return false;
    }
    constexpr bool writes_column(std::size_t c) const {
        for (auto o : out_cols)
            if (o == c) return true;
        return false;
    }

    constexpr void fill_cache(cache_entry& c, row_vector<width> const& x) const { fill_key(c, x); }
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
    constexpr void fill_query(row_vector<width> const& x, std::int64_t* q_a) const { fill_dots(q, heads, x.data(), q_a); }
    constexpr void fill_key(cache_entry& c, row_vector<width> const& x) const { fill_dots(k, heads, x.data(), c.k.data()); }
    constexpr value_type value_of(row_vector<width> const& x) const {
        value_type out{};
        fill_dots(v, n_outputs, x.data(), out.data());
        return out;
    }

    /// Do a row's key (value) read any of its first `columns` columns (the token block)? If not,
    /// a row's key (value) does not change when its token does.
    constexpr bool key_reads_below(std::size_t columns) const {
        for (std::size_t i = 0; i < k.start[heads]; ++i)
            if (k.index[i] < columns) return true;
        return false;
    }
    constexpr bool value_reads_below(std::size_t columns) const {
        for (std::size_t i = 0; i < v.start[n_outputs]; ++i)
            if (v.index[i] < columns) return true;
        return false;
    }

    /// x is row n−1; cache holds the keys of rows 0..n−1 (row n−1 included), and row_of(j) gives
    /// row j's input (its embedding), whose value is formed if the row gets a nonzero weight.
    /// Returns the set of rows that got a nonzero weight, as a bit mask (bit j: row j; n ≤ 64).
    static_assert(heads <= attention_probe::max_heads, "ctformer: attention_probe holds too few head dimensions");

    /// The scaled score of a row with key k_j for the query q_a (apply's scores, and the memo's check
    /// of a row one pass did not see).
    constexpr std::int64_t score_of(std::int64_t const* q_a, std::int64_t const* k_j) const {
        i128 acc = 0;
        for (std::size_t a = 0; a < heads; ++a)
            if (__builtin_add_overflow(acc, i128{q_a[a]} * k_j[a], &acc)) detail::throw_overflow("ctformer: score overflows");
        return detail::round_shift_32(i128{detail::round_shift_32(acc)} * score_scale.raw);
    }

    /// The update of a row whose softmax gave rows[0..n_used) the weights weights[0..n_used): the
    /// sum of weight · value (value_of(j) points to row j's value, per written column), rounded
    /// once per written column and added to `row`. apply ends here, forming each value from the
    /// row's input; a memo of the decision (check/exact_memo.hpp) enters here with values it
    /// formed the same way before.
    template <class ValueOf>
    constexpr void mix(std::uint8_t const* rows, std::int64_t const* weights, std::size_t n_used, ValueOf const& value_of,
                       row_vector<width>& row, update_sink* sink) const {
        fixed* const x = row.data();
        std::array<i128, (n_outputs > 0 ? n_outputs : 1)> out_store{};
        i128* const out = out_store.data();
        for (std::size_t u = 0; u < n_used; ++u) {
            std::int64_t const w = weights[u];
            std::int64_t const* const v_j = value_of(rows[u]);
            for (std::size_t o = 0; o < n_outputs; ++o)
                out[o] += i128{w} * v_j[o];  // fits: w ≤ 2^32 (a softmax weight), |v| < 2^63, n ≤ 64
        }
        std::uint16_t const* const outs = out_cols.data();
        for (std::size_t o = 0; o < n_outputs; ++o) {
            if (out[o] == 0) continue;  // most columns of a one-hot value: no rounding to do
            std::int64_t const u = detail::round_shift_32(out[o]);
            if (u == 0) continue;
            if (sink) sink->add(outs[o], u);
            if (__builtin_add_overflow(x[outs[o]].raw, u, &x[outs[o]].raw))
                detail::throw_overflow("ctformer: residual overflows");
        }
    }

    /// `sink`, if given, receives what the layer added to the row; `decision`, which rows got
    /// which weight.
    template <class RowOf>
    constexpr std::uint64_t apply(row_vector<width>& row, cache_entry const* cache, std::size_t n, margins* m,
                                  RowOf const& row_of, attention_probe* probe = nullptr, update_sink* sink = nullptr,
                                  attention_decision* decision = nullptr) const {
        constexpr std::size_t cap = max_rows;
        if (n > cap || n == 0) throw domain_error("ctformer::compiled_attention: row count out of range");
        // Pointers into local arrays, not operator[]: see compiled_mlp::apply.
        fixed* const x = row.data();
        std::array<std::int64_t, (heads > 0 ? heads : 1)> qa_store{};
        std::int64_t* const qa = qa_store.data();
        fill_dots(q, heads, x, qa);  // the query, per active head dimension
        std::array<std::int64_t, cap> score_store, weight_store;  // written before read
        std::int64_t* const scores = score_store.data();
        std::int64_t* const weights = weight_store.data();
        for (std::size_t j = 0; j < n; ++j) scores[j] = score_of(qa, cache[j].k.data());
        std::size_t const best = softmax(scores, weights, n, m);
        if (probe) {
            for (std::size_t a = 0; a < heads; ++a) probe->q[a] = qa[a];
            probe->top = scores[best];
            probe->second = INT64_MIN;
            for (std::size_t j = 0; j < n; ++j)
                if (j != best && scores[j] > probe->second) probe->second = scores[j];
        }
        // The rows that got a weight, in order: the update is Σ weight·value over them (mix).
        std::array<std::uint8_t, cap> rows_store;  // written before read
        std::uint8_t* const rows = rows_store.data();
        std::size_t n_used = 0;
        std::uint64_t used = 0;
        for (std::size_t j = 0; j < n; ++j) {
            if (weights[j] == 0) continue;
            used |= std::uint64_t{1} << j;
            rows[n_used] = static_cast<std::uint8_t>(j);
            weights[n_used++] = weights[j];  // n_used ≤ j: an entry not yet read
        }
        if (decision) {
            decision->used = used;
            decision->n = n_used;
            decision->complete = n_used <= attention_decision::max_rows_kept;
            for (std::size_t u = 0; u < n_used && u < attention_decision::max_rows_kept; ++u) {
                decision->rows[u] = rows[u];
                decision->weights[u] = weights[u];
            }
        }
        value_type v_store;  // written by fill_dots before it is read
        auto const value_of = [&](std::size_t j) {
            row_vector<width> const input = row_of(j);
            fill_dots(v, n_outputs, input.data(), v_store.data());
            return static_cast<std::int64_t const*>(v_store.data());
        };
        mix(rows, weights, n_used, value_of, row, sink);
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
    constexpr std::size_t n_heads = count_where<Dh>(active);
    constexpr std::size_t n_outputs = count_where<Dm>(written);
    constexpr auto act = indices_where<n_heads, Dh>(active);
    constexpr auto outs = indices_where<n_outputs, Dm>(written);
    constexpr std::size_t n_query_weights = [=] {
        std::size_t n = 0;
        for (auto d : act) n += pq.col_nnz[d];
        return n;
    }();
    constexpr std::size_t n_key_weights = [=] {
        std::size_t n = 0;
        for (auto d : act) n += pk.col_nnz[d];
        return n;
    }();
    constexpr std::size_t n_value_weights = pv.nnz;
    compiled_attention<attention_shape{Dm, n_heads, n_query_weights, n_key_weights, n_outputs, n_value_weights}> c{};
    c.name = w.name;
    c.out_cols = outs;
    c.q = by_column<n_query_weights>(w.wq, act);
    c.k = by_column<n_key_weights>(w.wk, act);
    c.v = by_column<n_value_weights>(w.wv, outs);
    c.score_scale = w.score_scale;
    if (!exact_sums_fit(c.q, 0) || !exact_sums_fit(c.k, 0) || !exact_sums_fit(c.v, 0))
        throw overflow_error("ctformer: an attention layer's weights are too large for exact 128-bit sums");
    return c;
}

}  // namespace ctformer
