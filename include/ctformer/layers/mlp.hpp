// ctformer/layers/mlp.hpp — the compiled (sparse) MLP, derived from a dense layer at compile time
// (Src::dense is a constant expression naming the dense layer).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "ctformer/layers/dense.hpp"
#include "ctformer/layers/update.hpp"

namespace ctformer {

/// Mlp, sparse. A hidden unit that no input reaches is a constant: its GELU(b1)·W2 is folded into
/// the output bias at compile time, exactly (in the 128-bit accumulator's scale).
///
/// At run time the layer is driven by its inputs: only columns that hold a nonzero value are read,
/// and only the units they reach ("touched") are evaluated. An untouched unit's pre-activation is
/// its bias, so its output is GELU(b1)·W2 — a constant, also folded into the output bias (the units
/// that are evaluated add their difference from it). Every sum is exact, so this gives the same bits
/// as evaluating every unit (tests/test_paths.cpp).
/// The sizes of a compiled MLP, known at compile time from its dense weights.
struct mlp_shape {
    std::size_t width;  ///< the residual stream's width
    std::size_t units;  ///< hidden units that some input reaches
    std::size_t inputs;  ///< columns that some unit reads
    std::size_t in_weights;  ///< nonzero weights into those units
    std::size_t out_weights;  ///< nonzero weights out of them
    std::size_t outputs;  ///< columns the layer can write
    std::size_t broad;  ///< input columns that reach most units (see compiled_mlp)
};

template <mlp_shape Shape>
struct compiled_mlp {
    static constexpr mlp_shape shape = Shape;
    static constexpr std::size_t n_units = Shape.units;
    static constexpr std::size_t n_inputs = Shape.inputs;
    static constexpr std::size_t n_in_weights = Shape.in_weights;
    static constexpr std::size_t n_out_weights = Shape.out_weights;
    static constexpr std::size_t n_outputs = Shape.outputs;
    static constexpr std::size_t n_broad_columns = Shape.broad;
    static constexpr bool is_attention = false;
    static constexpr std::size_t width = Shape.width;
    struct cache_entry {};
    std::string_view name;
    bool reports_decision = false;
    std::array<std::uint16_t, n_outputs> out_cols{};
    std::array<i128, (n_outputs > 0 ? n_outputs : 1)> out_bias{};  ///< b2 plus every unit at rest (GELU(b1)·W2), scale 2^64
    std::array<std::int64_t, (n_outputs > 0 ? n_outputs : 1)> out_bias_rounded{};  ///< the update when no unit moves
    std::array<std::int64_t, (n_units > 0 ? n_units : 1)> b1{};
    std::array<std::int64_t, (n_units > 0 ? n_units : 1)> at_rest{};  ///< GELU(b1) per reached unit
    std::array<std::uint16_t, (n_inputs > 0 ? n_inputs : 1)> in_cols{};  ///< columns some unit reads
    sparse_lists<n_inputs, n_in_weights> by_input{};  ///< per read column: (unit, weight)
    sparse_lists<n_units, n_in_weights> in{};  ///< per reached unit: (input column, weight)
    sparse_lists<n_units, n_out_weights> out{};  ///< per reached unit: (output slot, weight)
    // "Broad" input columns reach most units (the add table's carry, the copy step's match flag).
    // Alone, such a column may be unable to move any unit off rest: every unit it reaches stays at
    // or below GELU's flat zero for any input in [inert_lo, inert_hi]. When it is the only nonzero
    // broad column and its value is inert, it is added only to the units other inputs touched —
    // every other unit it reaches is provably still at rest.
    std::array<std::uint16_t, (n_broad_columns > 0 ? n_broad_columns : 1)> broad{};  ///< index k into in_cols
    std::array<bool, (n_inputs > 0 ? n_inputs : 1)> is_broad{};
    std::array<std::int64_t, (n_broad_columns > 0 ? n_broad_columns : 1)> inert_lo{}, inert_hi{};
    std::array<std::int64_t, (n_broad_columns * n_units > 0 ? n_broad_columns * n_units : 1)>
        broad_weight{};  ///< [d·n_units + u], 0 where not reached

    /// The columns of the row this layer reads: its update is a function of their values.
    constexpr std::span<std::uint16_t const> read_columns() const { return {in_cols.data(), n_inputs}; }

    constexpr bool reads_column(std::size_t c) const {
        for (std::size_t i = 0; i < n_inputs; ++i)
            if (in_cols[i] == c) return true;
        return false;
    }
    constexpr bool writes_column(std::size_t c) const {
        for (auto o : out_cols)
            if (o == c) return true;
        return false;
    }
    constexpr void fill_cache(cache_entry&, row_vector<width> const&) const {}

    /// The same parameters as compiled_attention::apply; an MLP reads only `row`.
    template <class RowOf = int>
    constexpr std::uint64_t apply(row_vector<width>& row, cache_entry const*, std::size_t, margins* m, RowOf const& = {},
                                  attention_probe* = nullptr, update_sink* sink = nullptr,
                                  attention_decision* = nullptr) const {
        // Raw pointers and written-out rounding: in constant evaluation every call and every
        // operator[] costs more than the multiply-add it wraps (g++ 12: an operator[] on a local
        // array adds about 35 operations to the 28 of a read through a pointer).
        fixed* const x = row.data();
        std::array<i128, (n_outputs > 0 ? n_outputs : 1)> acc_store;  // an output's sum starts at its bias when first changed
        i128* const acc_out = acc_store.data();
        std::array<bool, (n_outputs > 0 ? n_outputs : 1)> changed_store{};
        bool* const changed = changed_store.data();
        std::array<i128, (n_units > 0 ? n_units : 1)> pre_store;  // written when a unit is first touched
        i128* const pre = pre_store.data();
        std::array<bool, (n_units > 0 ? n_units : 1)> touched_store{};
        bool* const touched = touched_store.data();
        std::array<std::uint16_t, (n_units > 0 ? n_units : 1)> touched_store_list;
        std::uint16_t* const touched_list = touched_store_list.data();
        std::size_t n_touched = 0;
        std::uint16_t const* const cols = in_cols.data();
        bool const* const broad_k = is_broad.data();
        std::uint16_t const* const bi_start = by_input.start.data();
        std::uint16_t const* const bi_unit = by_input.index.data();
        std::int64_t const* const bi_weight = by_input.weight.data();
        std::int64_t const* const bias = b1.data();
        // The columns that touch units: every nonzero one, except a lone inert broad column.
        std::array<std::uint16_t, (n_inputs > 0 ? n_inputs : 1)> touch_store;
        std::uint16_t* const to_touch = touch_store.data();
        std::size_t n_touch = 0;
        for (std::size_t k = 0; k < n_inputs; ++k) {
            if (n_broad_columns > 0 && broad_k[k]) continue;
            if (x[cols[k]].raw != 0) to_touch[n_touch++] = static_cast<std::uint16_t>(k);
        }
        // Broad columns: one nonzero and inert → add it to the touched units only; otherwise touch.
        std::size_t nonzero_broad = 0, last_broad = 0;
        for (std::size_t d = 0; d < n_broad_columns; ++d)
            if (x[cols[broad[d]]].raw != 0) ++nonzero_broad, last_broad = d;
        std::int64_t inert_value = 0;
        std::size_t inert_column = 0;
        bool inert = false;
        if (nonzero_broad == 1) {
            std::int64_t const xv = x[cols[broad[last_broad]]].raw;
            inert = xv >= inert_lo[last_broad] && xv <= inert_hi[last_broad];
            inert_value = xv;
            inert_column = last_broad;
        }
        if (!inert)
            for (std::size_t d = 0; d < n_broad_columns; ++d)
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
            std::int64_t const* w = broad_weight.data() + inert_column * n_units;
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
            std::int64_t const g = acc <= -saturated  ? 0
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
        if (m && reports_decision && n_units > 0) {
            i128 top = -(i128{1} << 126);
            for (std::size_t u = 0; u < n_units; ++u) {
                i128 p = touched[u] ? pre[u] : i128{bias[u]} << fixed::frac_bits;
                if (!touched[u] && inert) p += i128{inert_value} * broad_weight[inert_column * n_units + u];
                if (p > top) top = p;
            }
            std::int64_t const p = detail::round_shift_32(top);
            fixed const a = fixed::from_raw(p < 0 ? -p : p);
            if (a < m->copy_input) m->copy_input = a;
        }
        std::uint16_t const* const outs = out_cols.data();
        std::int64_t const* const bias_rounded = out_bias_rounded.data();
        for (std::size_t o = 0; o < n_outputs; ++o) {
            std::int64_t const update = changed[o] ? detail::round_shift_32(acc_out[o]) : bias_rounded[o];
            if (update == 0) continue;
            if (sink) sink->add(outs[o], update);
            if (__builtin_add_overflow(x[outs[o]].raw, update, &x[outs[o]].raw))
                detail::throw_overflow("ctformer: residual overflows");
        }
        return 0;
    }
};

namespace detail {
/// Per column: the output bias b2 plus GELU(b1)·W2 of every unit (reached or not), exact, and
/// whether the column is written (a reached unit has a weight into it, or that bias is nonzero).
template <std::size_t Width>
struct mlp_output_columns {
    std::array<i128, Width> bias{};
    std::array<bool, Width> written{};
};
template <class Src>
constexpr auto mlp_outputs() {
    constexpr auto const& w = Src::dense;
    constexpr std::size_t Dm = decltype(w.w1)::rows, H = std::remove_cvref_t<decltype(w)>::hidden;
    auto const p1 = profile(w.w1);
    mlp_output_columns<Dm> o{};
    for (std::size_t c = 0; c < Dm; ++c) o.bias[c] = i128{w.b2[c].raw} << fixed::frac_bits;
    for (std::size_t h = 0; h < H; ++h) {
        if (w.w2.row_nonzeros(h) == 0) continue;  // the unit writes nothing
        std::int64_t const* w2 = w.w2.data() + h * Dm;
        if (p1.col_nnz[h] != 0)
            for (std::size_t c = 0; c < Dm; ++c) o.written[c] = o.written[c] || w2[c] != 0;
        std::int64_t const g = gelu(w.b1[h]).raw;
        if (g == 0) continue;
        for (std::size_t c = 0; c < Dm; ++c) o.bias[c] += i128{g} * w2[c];
    }
    for (std::size_t c = 0; c < Dm; ++c) o.written[c] = o.written[c] || o.bias[c] != 0;
    return o;
}

/// The inert interval of broad column d, from the compiled layer's own b1, at_rest and the
/// column's weights (broad_weight): the values x with b1·2^32 + x·w ≤ −7·2^64 for every unit the
/// column reaches, which must all rest at GELU's flat zero (at_rest = 0, b1 ≤ −7); empty (lo > hi)
/// otherwise. compile_mlp sets it, and so does whoever changes a run-time copy's weights
/// (tools/mutants).
template <class Compiled>
constexpr void set_inert(Compiled& c, std::size_t d) {
    constexpr std::size_t n_units = Compiled::shape.units;
    constexpr i128 floor_zero = -(i128{detail::gelu_cutoff} << (2 * fixed::frac_bits));
    i128 lo = INT64_MIN, hi = INT64_MAX;
    for (std::size_t u = 0; u < n_units; ++u) {
        std::int64_t const wv = c.broad_weight[d * n_units + u];
        if (wv == 0) continue;
        i128 const room = floor_zero - (i128{c.b1[u]} << fixed::frac_bits);  // x·w ≤ room
        if (room < 0 || c.at_rest[u] != 0) {
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

/// Records broad column d's weights (residual column `col`) and its inert interval.
template <class Src, class Compiled, class Units>
constexpr void inert_interval(Compiled& c, std::size_t d, std::size_t col, Units const& units) {
    constexpr auto const& w = Src::dense;
    constexpr std::size_t H = std::remove_cvref_t<decltype(w)>::hidden;
    for (std::size_t u = 0; u < Compiled::shape.units; ++u) c.broad_weight[d * Compiled::shape.units + u] = w.w1.data()[col * H + units[u]];
    set_inert(c, d);
}

/// The sums must be exact in 128 bits: pre-activations (bias + inputs), and outputs (each column
/// collects at most `units` terms change·w with |change| < 2^63 onto its bias).
template <class Compiled>
constexpr void require_exact_sums(Compiled const& c) {
    constexpr auto shape = Compiled::shape;
    auto abs = [](i128 v) { return v < 0 ? -v : v; };
    i128 max_bias = 0, max_w2 = 0, max_b1 = 0;
    for (std::size_t o = 0; o < shape.outputs; ++o) max_bias = std::max(max_bias, abs(c.out_bias[o]));
    for (std::size_t e = 0; e < shape.out_weights; ++e) max_w2 = std::max(max_w2, abs(c.out.weight[e]));
    for (std::size_t u = 0; u < shape.units; ++u) max_b1 = std::max(max_b1, abs(c.b1[u]));
    if (!exact_sums_fit(c.in, max_b1 << fixed::frac_bits) || max_bias >= (i128{1} << 126) ||
        i128(shape.units) * max_w2 >= (i128{1} << 62) || max_b1 >= (i128{1} << 61))
        throw overflow_error("ctformer: an MLP layer's weights are too large for exact 128-bit sums");
}
}  // namespace detail

template <class Src>
constexpr auto compile_mlp() {
    constexpr auto const& w = Src::dense;
    using W = std::remove_cvref_t<decltype(w)>;
    constexpr std::size_t Dm = decltype(W::w1)::rows, H = W::hidden;
    constexpr auto p1 = profile(Src::dense.w1);
    constexpr auto reached = [=](std::size_t h) { return p1.col_nnz[h] != 0; };
    constexpr auto read = [=](std::size_t c) { return p1.row_nnz[c] != 0; };
    constexpr std::size_t n_units = count_where<H>(reached);
    constexpr std::size_t n_inputs = count_where<Dm>(read);
    constexpr auto units = indices_where<n_units, H>(reached);
    constexpr auto inputs = indices_where<n_inputs, Dm>(read);
    constexpr auto outputs = detail::mlp_outputs<Src>();
    constexpr auto written = [=](std::size_t c) { return outputs.written[c]; };
    constexpr std::size_t n_outputs = count_where<Dm>(written);
    constexpr auto outs = indices_where<n_outputs, Dm>(written);
    constexpr std::size_t n_in_weights = [=] {
        std::size_t n = 0;
        for (auto h : units) n += p1.col_nnz[h];
        return n;
    }();
    constexpr std::size_t n_out_weights = [=] {
        std::size_t n = 0;
        for (auto h : units) n += Src::dense.w2.row_nonzeros(h);
        return n;
    }();
    std::array<std::uint16_t, Dm> slot{};
    for (std::size_t o = 0; o < n_outputs; ++o) slot[outs[o]] = static_cast<std::uint16_t>(o);
    // Broad columns: read by more than half of at least 8 units.
    constexpr auto broad_col = [=](std::size_t k) { return n_units >= 8 && 2 * std::size_t{p1.row_nnz[inputs[k]]} > n_units; };
    constexpr std::size_t n_broad = count_where<n_inputs>(broad_col);
    compiled_mlp<mlp_shape{Dm, n_units, n_inputs, n_in_weights, n_out_weights, n_outputs, n_broad}> c{};
    constexpr auto broad_cols = indices_where<n_broad, n_inputs>(broad_col);
    for (std::size_t u = 0; u < n_units; ++u) {
        c.b1[u] = w.b1[units[u]].raw;
        c.at_rest[u] = gelu(w.b1[units[u]]).raw;
    }
    for (std::size_t d = 0; d < n_broad; ++d) c.broad[d] = broad_cols[d];
    for (std::size_t d = 0; d < n_broad; ++d) {
        c.is_broad[c.broad[d]] = true;
        detail::inert_interval<Src>(c, d, inputs[c.broad[d]], units);
    }
    c.name = w.name;
    c.reports_decision = w.reports_decision;
    c.out_cols = outs;
    c.in_cols = inputs;
    for (std::size_t o = 0; o < n_outputs; ++o) {
        c.out_bias[o] = outputs.bias[outs[o]];
        c.out_bias_rounded[o] = detail::round_shift_32(outputs.bias[outs[o]]);
    }
    c.in = by_column<n_in_weights>(w.w1, units);
    c.out = by_row<n_out_weights>(w.w2, units, slot);
    // by input column: the unit index is the unit's slot among the reached units
    std::array<std::uint16_t, H> unit_slot{};
    for (std::size_t u = 0; u < n_units; ++u) unit_slot[units[u]] = static_cast<std::uint16_t>(u);
    c.by_input = by_row<n_in_weights>(w.w1, inputs, unit_slot);
    detail::require_exact_sums(c);
    return c;
}

}  // namespace ctformer
