// ctformer/proof/bounds.hpp — no overflow for any valid input: a constexpr analysis of the values
// every register entry, hidden unit, query, key, value and attention score can take, over all
// valid prompts of D digits, layer by layer, compared with what Q31.32 holds.
//
// The domain. Per row (position) and per register — the token block and each named register — the
// set of vectors the register can hold (up to set_capacity of them), or, when there are more, a box
// (an interval per entry). Registers are independent of each other in this domain (a row's `left`
// and `right` are combined as every pair of their possible values), which over-approximates and
// keeps the sets small: the digit registers hold one of ≤ 14 one-hot vectors, the cursors one value
// per row.
//
// The transfer functions run the library's own compiled layers on concrete rows wherever they can,
// so the bounds are the values the network computes, bit for bit, not a model of them:
//  * MLP: every combination of the values of the registers it reads (≤ max_combinations) goes
//    through the layer's apply; its hidden pre-activations are recorded. Otherwise (a box among
//    them, or too many combinations) interval arithmetic over the same sparse weights: each unit's
//    pre-activation range, GELU's range on it (GELU falls to its minimum −0.17 at −0.75, then
//    rises: the maximum is at an end, the minimum at an end or at −0.75), the update's range.
//  * Attention: per possible query, each row's possible scores (score_of on every possible key).
//    If every row has one possible score the softmax weights are computed exactly (softmax) and
//    the output is every combination of the rows' possible values, or their weighted box. If one
//    row beats every other by more than exp's zero threshold for every choice, the output is that
//    row's value exactly. Otherwise the output lies in the convex hull of the rows' values (the
//    weights are ≥ 0 and sum to 1 up to rounding, which the hull is widened for).
//
// Generated rows: a generated token is fed back, so the analysis assumes each answer row holds a
// digit, and then checks the assumption: the `final` register of every row that predicts an
// answer digit must, for every value it can take, unembed to a digit (row by row this is an
// induction over the causal rows). If it cannot be shown, the report says so.
//
// What it yields (bounds_report): per layer the largest magnitude of any residual entry over all
// rows and inputs, and the largest inner value (pre-activation, |q|, |k|, |v|, score), against the
// capacity 2^31 of Q31.32, and how many rows needed the interval fallback. tests/proofs/bounds_*.cpp
// static_assert headroom for every D; `ctformer bounds` prints the table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctformer/model/adder.hpp"
#include "ctformer/layers/compile.hpp"
#include "ctformer/numeric/fixed.hpp"
#include "ctformer/numeric/functions.hpp"

namespace ctformer {

namespace bounds_detail {

inline constexpr std::size_t set_capacity = 16;       ///< vectors per register before it becomes a box
inline constexpr std::size_t register_width = 14;     ///< the widest register (a token block)
inline constexpr std::size_t max_registers = 12;
inline constexpr std::size_t max_combinations = 4096;  ///< MLP inputs enumerated before intervals
inline constexpr std::size_t max_candidates = 64;      ///< queries, keys or values per row

constexpr std::int64_t abs64(std::int64_t v) { return v < 0 ? -v : v; }
constexpr i128 abs128(i128 v) { return v < 0 ? -v : v; }

/// The values a block of `width` entries can hold: a set of vectors, or a box once it has more
/// than Capacity. The hull (lo, hi) is kept in both cases.
template <std::size_t Width, std::size_t Capacity>
struct value_set {
    std::size_t width = 0;
    std::size_t n = 0;
    bool box = false;
    bool any = false;
    std::array<std::array<std::int64_t, Width>, Capacity> v{};
    std::array<std::int64_t, Width> lo{}, hi{};

    constexpr void clear(std::size_t w) {
        width = w, n = 0, box = false, any = false;
    }
    constexpr void widen(std::int64_t const* l, std::int64_t const* h) {
        for (std::size_t i = 0; i < width; ++i) {
            if (!any || l[i] < lo[i]) lo[i] = l[i];
            if (!any || h[i] > hi[i]) hi[i] = h[i];
        }
        any = true;
    }
    constexpr void add(std::int64_t const* x) {
        widen(x, x);
        if (box) return;
        for (std::size_t k = 0; k < n; ++k) {
            bool same = true;
            for (std::size_t i = 0; i < width && same; ++i) same = v[k][i] == x[i];
            if (same) return;
        }
        if (n == Capacity) {
            box = true;
            return;
        }
        for (std::size_t i = 0; i < width; ++i) v[n][i] = x[i];
        ++n;
    }
    constexpr void add_box(std::int64_t const* l, std::int64_t const* h) {
        widen(l, h);
        box = true;
    }
    constexpr std::int64_t magnitude() const {
        std::int64_t m = 0;
        for (std::size_t i = 0; i < width; ++i) m = std::max(m, std::max(abs64(lo[i]), abs64(hi[i])));
        return m;
    }
};

using reg_values = value_set<register_width, set_capacity>;

/// The registers of a layout, the token block first, and the register of each column.
template <class Layout>
struct register_map {
    static constexpr std::size_t width = Layout::width;
    std::size_t count = 0;
    std::array<std::size_t, max_registers> offset{}, size{};
    std::array<std::string_view, max_registers> name{};
    std::array<std::size_t, width> of_column{};

    constexpr explicit register_map(Layout const& layout) {
        name[0] = "token", offset[0] = 0, size[0] = vocab_size;
        count = 1;
        for (auto const& [n, s] : layout.entries()) {
            name[count] = n, offset[count] = s.offset, size[count] = s.width;
            ++count;
        }
        for (std::size_t r = 0; r < count; ++r)
            for (std::size_t c = offset[r]; c < offset[r] + size[r]; ++c) of_column[c] = r;
    }
};

/// A list of register indices (no repeats).
struct register_list {
    std::array<std::size_t, max_registers> r{};
    std::size_t n = 0;
    constexpr void add(std::size_t x) {
        for (std::size_t i = 0; i < n; ++i)
            if (r[i] == x) return;
        r[n++] = x;
    }
};

/// Sorted-by-nothing small set of int64 vectors of fixed width (queries, keys, values).
template <std::size_t Width>
using candidates = value_set<Width, max_candidates>;

/// GELU on a raw value that may be out of the Q31.32 range in the analysis (then it is the identity
/// or 0, as the compiled layer decides on the exact sum).
constexpr i128 gelu_wide(i128 x_raw) {
    constexpr i128 cutoff = i128{detail::gelu_cutoff} * fixed::one_raw;
    if (x_raw >= cutoff) return x_raw;
    if (x_raw <= -cutoff) return 0;
    return detail::gelu_raw(static_cast<std::int64_t>(x_raw));
}

/// The range of GELU over the exact pre-activation range [lo, hi] (scale 2^64), in raw Q31.32,
/// widened by a few ulp for the polynomial's rounding.
constexpr void gelu_range(i128 lo, i128 hi, i128& g_lo, i128& g_hi) {
    auto round = [](i128 v) -> i128 {  // round(v / 2^32), ties away from zero, without a range check
        i128 const mag = v < 0 ? -v : v;
        i128 const q = (mag + (i128{1} << 31)) >> 32;
        return v < 0 ? -q : q;
    };
    i128 const a = round(lo), b = round(hi);
    i128 const ga = gelu_wide(a), gb = gelu_wide(b);
    g_lo = (ga < gb ? ga : gb) - 4;
    g_hi = (ga > gb ? ga : gb) + 4;
    constexpr std::int64_t turn = -3229000000LL;  // −0.7518 in Q31.32: GELU's minimum, −0.16997
    if (a < turn && b > turn) {
        i128 const gmin = detail::gelu_raw(turn) - 64;  // the polynomial's minimum may sit a few ulp lower, nearby
        if (gmin < g_lo) g_lo = gmin;
    }
}

}  // namespace bounds_detail

/// One layer's line of the table.
struct layer_bounds {
    std::string_view name;
    bool attention = false;
    std::int64_t stream = 0;    ///< largest |entry| of any row after the layer (raw Q31.32)
    i128 inner = 0;             ///< largest |pre-activation| (MLP) or |q|, |k|, |v|, |score| (attention), raw
    std::size_t fallback_rows = 0;  ///< rows that needed intervals (a box or too many combinations)
};

struct bounds_report {
    static constexpr std::size_t max_layers = 4 + 8 * 8 + 8;
    std::size_t digits = 0, rows = 0, layers = 0;
    std::size_t first_row = 0;        ///< rows first_row .. rows − 1 go through the layers
    std::array<layer_bounds, max_layers> layer{};
    bool answers_are_digits = false;  ///< the assumption about generated rows was verified
    std::int64_t stream_max = 0;
    i128 inner_max = 0;
    std::size_t worst_layer = 0;      ///< the layer with the largest value, stream or inner

    /// The largest value anywhere, raw.
    constexpr i128 largest() const { return stream_max > inner_max ? i128{stream_max} : inner_max; }
    /// Does every value fit a signed fixed-point format with `integer_bits` integer bits (and the
    /// same 32 fractional bits)? Q31.32 is integer_bits = 31.
    constexpr bool fits(int integer_bits) const { return largest() < (i128{1} << (integer_bits + fixed::frac_bits)); }
    /// The first layer with a value that does not fit `integer_bits` integer bits, or `layers`.
    constexpr std::size_t first_layer_exceeding(int integer_bits) const {
        i128 const cap = i128{1} << (integer_bits + fixed::frac_bits);
        for (std::size_t l = 0; l < layers; ++l)
            if (i128{layer[l].stream} >= cap || layer[l].inner >= cap) return l;
        return layers;
    }
    /// log2 of capacity / largest value, rounded down: the headroom in bits.
    constexpr int headroom_bits(int integer_bits = 31) const {
        i128 const cap = i128{1} << (integer_bits + fixed::frac_bits);
        int b = 0;
        i128 v = largest();
        if (v <= 0) return 63;
        while ((v << (b + 1)) < cap) ++b;
        return b;
    }
};

/// The analysis for the adder Model over every valid prompt of Model::digits digits.
template <class Model>
constexpr bounds_report analyze_bounds() {
    using namespace bounds_detail;
    auto const& net = Model::net;
    auto const& layout = Model::dense.layout;
    using Layout = std::remove_cvref_t<decltype(Model::dense.layout)>;
    constexpr std::size_t W = Layout::width;
    constexpr std::size_t D = Model::digits;
    constexpr std::size_t rows = Model::longest_sequence;
    register_map<Layout> const regs(layout);

    // Which rows: generation and the checker run a row through the layers only when its output is
    // wanted — the rows from '=' on, which predict the answer — because no layer writes a column
    // that attention reads from earlier rows (runtime/sequence.hpp, static_asserted there and
    // here): every earlier row enters only through its embedding's keys and values. The rows
    // before '=' are analysed as embeddings. (The plain path, runtime/reference.hpp, also runs the
    // rows before '=' through every layer; there the find layers blend positions before the sought
    // token is visible, and this domain cannot bound those rows usefully — see the README.)
    static_assert(attention_reads_only_the_embedding(Model::net), "ctformer: the bounds analysis needs attention to read only the embedding");
    constexpr std::size_t first = Model::prompt_length - 1;

    bounds_report report{};
    report.digits = D, report.rows = rows, report.first_row = first;

    // The state: per row, per register, the values it can hold.
    std::array<std::array<reg_values, max_registers>, rows> state{};
    for (std::size_t p = 0; p < rows; ++p) {
        for (std::size_t r = 0; r < regs.count; ++r) state[p][r].clear(regs.size[r]);
        auto add_token = [&](std::size_t tok) {
            auto const x = embed(layout, tok, p);
            for (std::size_t r = 0; r < regs.count; ++r) {
                std::array<std::int64_t, register_width> block{};
                for (std::size_t i = 0; i < regs.size[r]; ++i) block[i] = x[regs.offset[r] + i].raw;
                state[p][r].add(block.data());
            }
        };
        if (p == D) add_token(token::plus);
        else if (p == 2 * D + 1) add_token(token::equals);
        else
            for (std::size_t d = 0; d < 10; ++d) add_token(d);  // operand digits; answer rows: checked below
    }

    // Writes the combination `index` (mixed radix over the sets of `list`) of row p into x.
    auto combination_count = [&](std::size_t p, register_list const& list, bool& has_box) {
        std::size_t n = 1;
        has_box = false;
        for (std::size_t i = 0; i < list.n; ++i) {
            auto const& s = state[p][list.r[i]];
            if (s.box) has_box = true;
            n *= s.box ? 1 : s.n;
            if (n > max_combinations) n = max_combinations + 1;
        }
        return n;
    };
    auto write_combination = [&](std::size_t p, register_list const& list, std::size_t index, row_vector<W>& x) {
        for (std::size_t i = 0; i < list.n; ++i) {
            std::size_t const r = list.r[i];
            auto const& s = state[p][r];
            std::size_t const k = index % s.n;
            index /= s.n;
            for (std::size_t e = 0; e < regs.size[r]; ++e) x[regs.offset[r] + e] = fixed::from_raw(s.v[k][e]);
        }
    };
    // new value sets of the registers a layer writes, from an update set over its written columns
    auto apply_update = [&](std::size_t p, auto const& out_cols, std::size_t n_out, auto const& update) {
        register_list written;
        for (std::size_t o = 0; o < n_out; ++o) written.add(regs.of_column[out_cols[o]]);
        for (std::size_t w = 0; w < written.n; ++w) {
            std::size_t const r = written.r[w];
            reg_values const old = state[p][r];
            reg_values& now = state[p][r];
            now.clear(regs.size[r]);
            // the update's entries for this register's columns (0 where the layer writes none)
            auto slice = [&](std::int64_t const* u, std::int64_t* out) {
                for (std::size_t e = 0; e < regs.size[r]; ++e) out[e] = 0;
                for (std::size_t o = 0; o < n_out; ++o)
                    if (regs.of_column[out_cols[o]] == r) out[out_cols[o] - regs.offset[r]] = u[o];
            };
            if (old.box || update.box) {
                std::array<std::int64_t, register_width> ulo{}, uhi{}, l{}, h{};
                slice(update.lo.data(), ulo.data());
                slice(update.hi.data(), uhi.data());
                for (std::size_t e = 0; e < regs.size[r]; ++e) l[e] = old.lo[e] + ulo[e], h[e] = old.hi[e] + uhi[e];
                now.add_box(l.data(), h.data());
                continue;
            }
            for (std::size_t a = 0; a < old.n; ++a)
                for (std::size_t b = 0; b < update.n; ++b) {
                    std::array<std::int64_t, register_width> u{}, x{};
                    slice(update.v[b].data(), u.data());
                    for (std::size_t e = 0; e < regs.size[r]; ++e) x[e] = old.v[a][e] + u[e];
                    now.add(x.data());
                }
        }
    };

    std::size_t li = 0;
    auto step = [&](auto const& layer) {
        using L = std::remove_cvref_t<decltype(layer)>;
        layer_bounds lb{};
        lb.name = layer.name;
        lb.attention = L::is_attention;
        if constexpr (L::is_attention) {
            constexpr std::size_t NA = std::tuple_size_v<decltype(layer.k.start)> - 1;
            constexpr std::size_t NO = std::tuple_size_v<decltype(layer.out_cols)>;
            register_list qr, kr, vr;
            for (std::size_t e = 0; e < layer.q.start[NA]; ++e) qr.add(regs.of_column[layer.q.index[e]]);
            for (std::size_t e = 0; e < layer.k.start[NA]; ++e) kr.add(regs.of_column[layer.k.index[e]]);
            for (std::size_t e = 0; e < layer.v.start[NO]; ++e) vr.add(regs.of_column[layer.v.index[e]]);
            using key_set = candidates<(NA > 0 ? NA : 1)>;
            using val_set = value_set<(NO > 0 ? NO : 1), max_candidates>;
            // every row's possible keys and values (the layer's input: computed before any row changes)
            std::array<key_set, rows> keys{};
            std::array<val_set, rows> values{};
            std::array<bool, rows> keys_known{};
            for (std::size_t j = 0; j < rows; ++j) {
                keys[j].clear(NA), values[j].clear(NO);
                bool kbox = false, vbox = false;
                std::size_t const nk = combination_count(j, kr, kbox), nv = combination_count(j, vr, vbox);
                keys_known[j] = !kbox && nk <= max_combinations;
                typename L::cache_entry c{};
                if (keys_known[j])
                    for (std::size_t k = 0; k < nk; ++k) {
                        row_vector<W> x{};
                        write_combination(j, kr, k, x);
                        layer.fill_key(c, x);
                        keys[j].add(c.k.data());
                    }
                if (!vbox && nv <= max_combinations) {
                    for (std::size_t k = 0; k < nv; ++k) {
                        row_vector<W> x{};
                        write_combination(j, vr, k, x);
                        values[j].add(layer.value_of(x).data());
                    }
                } else {  // the value's box, entry by entry, from the registers' hulls
                    std::array<std::int64_t, (NO > 0 ? NO : 1)> l{}, h{};
                    for (std::size_t o = 0; o < NO; ++o) {
                        i128 lo = 0, hi = 0;
                        for (std::size_t e = layer.v.start[o]; e < layer.v.start[o + 1]; ++e) {
                            std::size_t const col = layer.v.index[e], r = regs.of_column[col];
                            i128 const a = i128{state[j][r].lo[col - regs.offset[r]]} * layer.v.weight[e];
                            i128 const b = i128{state[j][r].hi[col - regs.offset[r]]} * layer.v.weight[e];
                            lo += a < b ? a : b, hi += a < b ? b : a;
                        }
                        l[o] = detail::round_shift_32(lo) - 1, h[o] = detail::round_shift_32(hi) + 1;
                    }
                    values[j].add_box(l.data(), h.data());
                }
                for (std::size_t k = 0; k < keys[j].n; ++k)
                    for (std::size_t a = 0; a < NA; ++a) lb.inner = std::max(lb.inner, i128{abs64(keys[j].v[k][a])});
                lb.inner = std::max(lb.inner, i128{values[j].magnitude()});
            }
            // each row's output
            for (std::size_t i = first; i < rows; ++i) {
                val_set update{};
                update.clear(NO);
                bool qbox = false;
                std::size_t const nq = combination_count(i, qr, qbox);
                bool fallback = qbox || nq > max_combinations;
                key_set queries{};
                queries.clear(NA);
                if (!fallback)
                    for (std::size_t k = 0; k < nq; ++k) {
                        row_vector<W> x{};
                        write_combination(i, qr, k, x);
                        std::array<std::int64_t, (NA > 0 ? NA : 1)> qa{};
                        for (std::size_t a = 0; a < NA; ++a) {
                            i128 acc = 0;
                            for (std::size_t e = layer.q.start[a]; e < layer.q.start[a + 1]; ++e) acc += i128{x[layer.q.index[e]].raw} * layer.q.weight[e];
                            qa[a] = detail::round_shift_32(acc);
                            lb.inner = std::max(lb.inner, i128{abs64(qa[a])});
                        }
                        queries.add(qa.data());
                    }
                if (queries.box) fallback = true;
                auto hull = [&] {  // the convex hull of every visible row's values, widened for rounding
                    std::array<std::int64_t, (NO > 0 ? NO : 1)> l{}, h{};
                    for (std::size_t o = 0; o < NO; ++o) {
                        std::int64_t lo = values[0].lo[o], hi = values[0].hi[o];
                        for (std::size_t j = 1; j <= i; ++j) lo = std::min(lo, values[j].lo[o]), hi = std::max(hi, values[j].hi[o]);
                        std::int64_t const slack = (std::max(abs64(lo), abs64(hi)) >> 25) + 2;  // Σ weights ≤ 1 + 64·2^-32
                        l[o] = lo - slack, h[o] = hi + slack;
                    }
                    update.add_box(l.data(), h.data());
                };
                for (std::size_t qi = 0; !fallback && qi < queries.n; ++qi) {
                    std::int64_t const* q = queries.v[qi].data();
                    std::array<std::int64_t, rows> smin{}, smax{};
                    bool single = true;
                    for (std::size_t j = 0; j <= i && !fallback; ++j) {
                        if (!keys_known[j] || keys[j].box) {
                            fallback = true;
                            break;
                        }
                        for (std::size_t k = 0; k < keys[j].n; ++k) {
                            std::int64_t const s = layer.score_of(q, keys[j].v[k].data());
                            lb.inner = std::max(lb.inner, i128{abs64(s)});
                            if (k == 0 || s < smin[j]) smin[j] = s;
                            if (k == 0 || s > smax[j]) smax[j] = s;
                        }
                        single = single && smin[j] == smax[j];
                    }
                    if (fallback) break;
                    if (single) {  // the weights are known exactly
                        std::array<std::int64_t, max_rows> scores{}, weights{};
                        for (std::size_t j = 0; j <= i; ++j) scores[j] = smin[j];
                        softmax(scores.data(), weights.data(), i + 1, nullptr);
                        std::size_t product = 1;
                        bool boxed = false;
                        for (std::size_t j = 0; j <= i; ++j)
                            if (weights[j] != 0) {
                                boxed = boxed || values[j].box;
                                product *= values[j].box ? 1 : values[j].n;
                                if (product > max_candidates) boxed = true, product = 1;
                            }
                        if (!boxed) {
                            for (std::size_t k = 0; k < product; ++k) {
                                std::array<i128, (NO > 0 ? NO : 1)> acc{};
                                std::size_t index = k;
                                for (std::size_t j = 0; j <= i; ++j) {
                                    if (weights[j] == 0) continue;
                                    std::size_t const c = index % values[j].n;
                                    index /= values[j].n;
                                    for (std::size_t o = 0; o < NO; ++o) acc[o] += i128{weights[j]} * values[j].v[c][o];
                                }
                                std::array<std::int64_t, (NO > 0 ? NO : 1)> out{};
                                for (std::size_t o = 0; o < NO; ++o) out[o] = detail::round_shift_32(acc[o]);
                                update.add(out.data());
                            }
                        } else {
                            std::array<std::int64_t, (NO > 0 ? NO : 1)> l{}, h{};
                            for (std::size_t o = 0; o < NO; ++o) {
                                i128 lo = 0, hi = 0;
                                for (std::size_t j = 0; j <= i; ++j) lo += i128{weights[j]} * values[j].lo[o], hi += i128{weights[j]} * values[j].hi[o];
                                l[o] = detail::round_shift_32(lo), h[o] = detail::round_shift_32(hi);
                            }
                            update.add_box(l.data(), h.data());
                        }
                        continue;
                    }
                    // one row beats every other by more than exp's zero threshold, for every choice
                    std::size_t best = 0;
                    for (std::size_t j = 1; j <= i; ++j)
                        if (smin[j] > smin[best]) best = j;
                    bool dominates = true;
                    for (std::size_t j = 0; j <= i; ++j)
                        if (j != best && !(smax[j] - smin[best] < detail::exp_zero_below)) dominates = false;
                    if (dominates) {
                        if (values[best].box) update.add_box(values[best].lo.data(), values[best].hi.data());
                        else
                            for (std::size_t k = 0; k < values[best].n; ++k) update.add(values[best].v[k].data());
                    } else {
                        hull();
                        ++lb.fallback_rows;
                    }
                }
                if (fallback) {
                    hull();
                    ++lb.fallback_rows;
                }
                apply_update(i, layer.out_cols, NO, update);
            }
        } else {
            constexpr std::size_t NI = std::tuple_size_v<decltype(layer.in_cols)>;
            constexpr std::size_t NO = std::tuple_size_v<decltype(layer.out_cols)>;
            constexpr std::size_t NU = std::tuple_size_v<decltype(layer.b1)>;
            // Independent parts: registers linked by a unit that reads or writes both. A written
            // register's update depends only on the registers its part reads, so each part's
            // combinations are enumerated on their own (clear: left, right and out separately).
            std::array<std::size_t, max_registers> part{};
            for (std::size_t r = 0; r < max_registers; ++r) part[r] = r;
            auto root = [&](std::size_t r) {
                while (part[r] != r) r = part[r];
                return r;
            };
            auto unite = [&](std::size_t a, std::size_t b) { part[root(a)] = root(b); };
            for (std::size_t u = 0; u < NU; ++u) {
                std::size_t const first_in = layer.in.start[u] < layer.in.start[u + 1] ? regs.of_column[layer.in.index[layer.in.start[u]]] : max_registers;
                if (first_in == max_registers) continue;
                for (std::size_t e = layer.in.start[u]; e < layer.in.start[u + 1]; ++e) unite(first_in, regs.of_column[layer.in.index[e]]);
                for (std::size_t e = layer.out.start[u]; e < layer.out.start[u + 1]; ++e) unite(first_in, regs.of_column[layer.out_cols[layer.out.index[e]]]);
            }
            register_list rr, wr;
            for (std::size_t k = 0; k < NI; ++k) rr.add(regs.of_column[layer.in_cols[k]]);
            for (std::size_t o = 0; o < NO; ++o) wr.add(regs.of_column[layer.out_cols[o]]);
            auto is_read = [&](std::size_t r) {
                for (std::size_t t = 0; t < rr.n; ++t)
                    if (rr.r[t] == r) return true;
                return false;
            };
            for (std::size_t i = first; i < rows; ++i) {
                // every unit's pre-activation range over the registers' hulls (also the fallback's)
                std::array<i128, (NO > 0 ? NO : 1)> ulo{}, uhi{};
                for (std::size_t o = 0; o < NO; ++o) ulo[o] = uhi[o] = layer.out_bias[o];
                for (std::size_t u = 0; u < NU; ++u) {
                    i128 lo = i128{layer.b1[u]} << fixed::frac_bits, hi = lo;
                    for (std::size_t e = layer.in.start[u]; e < layer.in.start[u + 1]; ++e) {
                        std::size_t const col = layer.in.index[e], r = regs.of_column[col];
                        i128 const a = i128{state[i][r].lo[col - regs.offset[r]]} * layer.in.weight[e];
                        i128 const b = i128{state[i][r].hi[col - regs.offset[r]]} * layer.in.weight[e];
                        lo += a < b ? a : b, hi += a < b ? b : a;
                    }
                    lb.inner = std::max(lb.inner, std::max(abs128(lo), abs128(hi)) >> fixed::frac_bits);
                    i128 g_lo = 0, g_hi = 0;
                    gelu_range(lo, hi, g_lo, g_hi);
                    g_lo -= layer.at_rest[u], g_hi -= layer.at_rest[u];
                    for (std::size_t e = layer.out.start[u]; e < layer.out.start[u + 1]; ++e) {
                        std::size_t const o = layer.out.index[e];
                        i128 const a = g_lo * layer.out.weight[e], b = g_hi * layer.out.weight[e];
                        ulo[o] += a < b ? a : b, uhi[o] += a < b ? b : a;
                    }
                }
                bool fallback = false;
                for (std::size_t t = 0; t < rr.n && !fallback; ++t) {
                    register_list one;
                    one.add(rr.r[t]);
                    bool box = false;
                    combination_count(i, one, box);
                    fallback = box;
                }
                register_list parts;  // the roots of the parts that read something
                for (std::size_t t = 0; t < rr.n; ++t) parts.add(root(rr.r[t]));
                for (std::size_t c = 0; c < parts.n && !fallback; ++c) {
                    register_list reads;
                    for (std::size_t t = 0; t < rr.n; ++t)
                        if (root(rr.r[t]) == parts.r[c]) reads.add(rr.r[t]);
                    bool box = false;
                    fallback = combination_count(i, reads, box) > max_combinations;
                }
                if (fallback) {  // intervals over the same sparse weights
                    ++lb.fallback_rows;
                    value_set<(NO > 0 ? NO : 1), 1> update{};
                    update.clear(NO);
                    std::array<std::int64_t, (NO > 0 ? NO : 1)> l{}, h{};
                    for (std::size_t o = 0; o < NO; ++o) l[o] = detail::round_shift_32(ulo[o]) - 1, h[o] = detail::round_shift_32(uhi[o]) + 1;
                    update.add_box(l.data(), h.data());
                    apply_update(i, layer.out_cols, NO, update);
                    continue;
                }
                // every combination of each part's registers through the layer itself
                std::array<reg_values, 4> next{};
                static_assert(max_registers >= 4);
                if (wr.n > next.size()) throw domain_error("ctformer::analyze_bounds: a layer writes more registers than the analysis holds");
                for (std::size_t w = 0; w < wr.n; ++w) next[w].clear(regs.size[wr.r[w]]);
                auto collect = [&](row_vector<W> const& x, row_vector<W> const& y, std::size_t w) {
                    std::size_t const r = wr.r[w];
                    std::array<std::int64_t, register_width> val{};
                    for (std::size_t e = 0; e < regs.size[r]; ++e) val[e] = y[regs.offset[r] + e].raw;
                    if (is_read(r)) {
                        next[w].add(val.data());
                        return;
                    }
                    for (std::size_t e = 0; e < regs.size[r]; ++e) val[e] -= x[regs.offset[r] + e].raw;  // the update
                    auto const& old = state[i][r];
                    if (old.box) {
                        std::array<std::int64_t, register_width> l{}, h{};
                        for (std::size_t e = 0; e < regs.size[r]; ++e) l[e] = old.lo[e] + val[e], h[e] = old.hi[e] + val[e];
                        next[w].add_box(l.data(), h.data());
                        return;
                    }
                    for (std::size_t a = 0; a < old.n; ++a) {
                        std::array<std::int64_t, register_width> sum{};
                        for (std::size_t e = 0; e < regs.size[r]; ++e) sum[e] = old.v[a][e] + val[e];
                        next[w].add(sum.data());
                    }
                };
                for (std::size_t c = 0; c < parts.n; ++c) {
                    register_list reads;
                    for (std::size_t t = 0; t < rr.n; ++t)
                        if (root(rr.r[t]) == parts.r[c]) reads.add(rr.r[t]);
                    bool box = false;
                    std::size_t const n = combination_count(i, reads, box);
                    for (std::size_t k = 0; k < n; ++k) {
                        row_vector<W> x{};
                        write_combination(i, reads, k, x);
                        row_vector<W> y = x;
                        layer.apply(y, nullptr, 1, nullptr);
                        for (std::size_t w = 0; w < wr.n; ++w)
                            if (root(wr.r[w]) == parts.r[c]) collect(x, y, w);
                    }
                }
                {  // registers only the output bias writes (a unit with no input, folded at compile time)
                    row_vector<W> const x{};
                    row_vector<W> y = x;
                    layer.apply(y, nullptr, 1, nullptr);
                    for (std::size_t w = 0; w < wr.n; ++w) {
                        bool in_part = false;
                        for (std::size_t c = 0; c < parts.n; ++c) in_part = in_part || root(wr.r[w]) == parts.r[c];
                        if (!in_part) collect(x, y, w);
                    }
                }
                for (std::size_t w = 0; w < wr.n; ++w) state[i][wr.r[w]] = next[w];
            }
        }
        for (std::size_t p = 0; p < rows; ++p)
            for (std::size_t r = 0; r < regs.count; ++r) lb.stream = std::max(lb.stream, state[p][r].magnitude());
        report.layer[li] = lb;
        if (lb.stream > report.stream_max) report.stream_max = lb.stream;
        if (lb.inner > report.inner_max) report.inner_max = lb.inner;
        ++li;
    };
    for_each_layer(net, D, step);
    report.layers = li;
    for (std::size_t l = 0; l < li; ++l) {
        i128 const v = std::max(i128{report.layer[l].stream}, report.layer[l].inner);
        if (v == report.largest()) {
            report.worst_layer = l;
            break;
        }
    }

    // The assumption about generated rows: rows 2D+1 .. 3D (they predict the answer's digits and
    // feed them to rows 2D+2 .. 3D+1) unembed to a digit for every value their `final` can hold.
    std::size_t const final_reg = [&] {
        for (std::size_t r = 0; r < regs.count; ++r)
            if (regs.name[r] == "final") return r;
        return std::size_t{0};
    }();
    bool ok = true;
    for (std::size_t p = 2 * D + 1; p + 1 < rows && ok; ++p) {
        auto const& f = state[p][final_reg];
        if (f.box) {
            ok = false;
            break;
        }
        for (std::size_t k = 0; k < f.n; ++k) {
            row_vector<W> x{};
            for (std::size_t e = 0; e < regs.size[final_reg]; ++e) x[regs.offset[final_reg] + e] = fixed::from_raw(f.v[k][e]);
            std::size_t const t = argmax(multiply(x, Model::dense.unembed));
            if (t >= 10) ok = false;
        }
    }
    report.answers_are_digits = ok;
    return report;
}

namespace detail {
/// Instantiated with Fits = false, this names the first layer whose values do not fit the format
/// (its index in program order) and the format's integer bits in the compiler's diagnostic:
///   In instantiation of 'struct ctformer::detail::value_exceeds_format<6, 18, false>'
template <std::size_t Layer, int IntegerBits, bool Fits>
struct value_exceeds_format {
    static_assert(Fits, "ctformer: a value of layer Layer (in program order) does not fit a fixed-point format with IntegerBits integer "
                        "bits (the template arguments of this instantiation); `ctformer bounds` prints the table");
    static constexpr bool fits = Fits;
};
template <bool Verified>
struct answer_rows_not_shown_to_be_digits {
    static_assert(Verified, "ctformer: the bounds analysis could not show that every answer row predicts a digit, which it assumes");
    static constexpr bool verified = Verified;
};
}  // namespace detail

/// The analysis of Model, computed once per Model.
template <class Model>
inline constexpr bounds_report bounds_of = analyze_bounds<Model>();

/// True when every value of Model, over all valid prompts, fits a signed fixed-point format with
/// IntegerBits integer bits (31: Q31.32 itself; fewer: with 31 − IntegerBits bits of headroom).
/// Otherwise the build stops at detail::value_exceeds_format<layer, IntegerBits, false>.
template <class Model, int IntegerBits = 31>
inline constexpr bool fits_format =
    detail::value_exceeds_format<bounds_of<Model>.first_layer_exceeding(IntegerBits), IntegerBits, bounds_of<Model>.fits(IntegerBits)>::fits &&
    detail::answer_rows_not_shown_to_be_digits<bounds_of<Model>.answers_are_digits>::verified;

}  // namespace ctformer
