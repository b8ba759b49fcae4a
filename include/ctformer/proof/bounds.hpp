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
//  * MLP (mlp_transfer): every combination of the values of the registers it reads
//    (≤ max_combinations) goes through the layer's apply; its hidden pre-activations are recorded.
//    Otherwise (a box among them, or too many combinations) interval arithmetic over the same
//    sparse weights: each unit's pre-activation range, GELU's range on it (GELU falls to its
//    minimum −0.17 at −0.75, then rises: the maximum is at an end, the minimum at an end or at
//    −0.75), the update's range.
//  * Attention (attention_transfer): the layer's fill_query, fill_key and value_of on every
//    combination of the registers they read, and per possible query each row's possible scores
//    (score_of on every possible key). If every row has one possible score the softmax weights are
//    computed exactly (softmax) and the output is every combination of the rows' possible values,
//    or their weighted box. If one row beats every other by more than exp's zero threshold for
//    every choice, the output is that row's value exactly. Otherwise the output lies in the convex
//    hull of the rows' values (the weights are ≥ 0 and sum to 1 up to rounding, which the hull is
//    widened for).
//
// Generated rows: a generated token is fed back, so the analysis assumes each answer row holds a
// digit (embed_valid_prompts), and then checks the assumption (answers_are_digits): the `final`
// register of every row that predicts an answer digit must, for every value it can take, unembed
// to a digit (row by row this is an induction over the causal rows). If it cannot be shown, the
// report says so.
//
// What it yields (bounds_report): per layer the largest magnitude of any residual entry over all
// rows and inputs, and the largest inner value (pre-activation, |q|, |k|, |v|, score), against the
// capacity 2^31 of Q31.32, and how many rows needed the interval fallback. tests/proofs/bounds_*.cpp
// static_assert headroom for every D; `ctformer bounds` prints the table.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "ctformer/layers/compile.hpp"
#include "ctformer/model/addition.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/prompt.hpp"
#include "ctformer/numeric/fixed.hpp"
#include "ctformer/numeric/functions.hpp"

namespace ctformer {

/// One layer's line of the table.
struct layer_bounds {
    std::string_view name;
    bool attention = false;
    std::int64_t stream = 0;  ///< largest |entry| of any row after the layer (raw Q31.32)
    i128 inner = 0;  ///< largest |pre-activation| (MLP) or |q|, |k|, |v|, |score| (attention), raw
    std::size_t fallback_rows = 0;  ///< rows that needed intervals (a box or too many combinations)
};

namespace bounds_detail {

inline constexpr std::size_t set_capacity = 16;  ///< vectors per register before it becomes a box
inline constexpr std::size_t register_width = 14;  ///< the widest register (a token block)
inline constexpr std::size_t max_registers = 12;
inline constexpr std::size_t max_combinations = 4096;  ///< MLP inputs enumerated before intervals
inline constexpr std::size_t max_candidates = 64;  ///< queries, keys or values per row
inline constexpr std::size_t max_written_registers =
    4;  ///< registers one MLP may write (their next values are kept in a fixed array)
inline constexpr std::size_t digit_tokens = 10;  ///< tokens 0 .. 9 are the digits

/// Sentinel: a combination count past max_combinations; the product saturates there, so it
/// cannot overflow, and every count above max_combinations means "too many to enumerate".
inline constexpr std::size_t too_many_combinations = max_combinations + 1;

// Widenings, in ulp of Q31.32 (raw units). Each keeps a bound formed from rounded or sampled values
// wide enough to hold every value the layer itself computes.
/// A box whose ends are rounded from exact interval sums: one ulp each way, so that the box holds
/// the layer's values however a value at an end rounds (the layer rounds each value, the analysis
/// only the ends).
inline constexpr std::int64_t rounded_end_slack = 1;
/// GELU's polynomial is monotone only up to its rounding: its values at the ends of a range may
/// miss the range's extremes by a few ulp.
inline constexpr std::int64_t gelu_rounding_slack = 4;
/// Where GELU has its minimum, −0.16997: −0.7518 in Q31.32. A range across it reaches down there.
inline constexpr std::int64_t gelu_turn = -3229000000LL;
/// The polynomial's minimum may sit a few ulp lower than its value at gelu_turn, nearby.
inline constexpr std::int64_t gelu_minimum_slack = 64;
/// The attention hull: the rounded softmax weights sum to at most 1 + 64·2^-32 (one rounding per
/// row, ≤ 64 rows), so an output can exceed the hull by 2^-26 of its magnitude; 2^-25 is taken.
inline constexpr int hull_excess_shift = 25;
/// ... plus the output's own rounding, which the relative term misses for values near 0.
inline constexpr std::int64_t hull_rounding_slack = 2;

constexpr std::int64_t abs64(std::int64_t v) { return v < 0 ? -v : v; }
constexpr i128 abs128(i128 v) { return v < 0 ? -v : v; }

/// The array extent for N entries (a zero-length std::array is avoided, as the layers do).
template <std::size_t N>
inline constexpr std::size_t at_least_one = N > 0 ? N : 1;

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

    constexpr void clear(std::size_t w) { width = w, n = 0, box = false, any = false; }
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
    /// The register called `n`, or the token block if there is none.
    constexpr std::size_t named(std::string_view n) const {
        for (std::size_t r = 0; r < count; ++r)
            if (name[r] == n) return r;
        return 0;
    }
};

/// A list of register indices (no repeats), in the order they were first added.
struct register_list {
    std::array<std::size_t, max_registers> r{};
    std::size_t n = 0;
    constexpr bool contains(std::size_t x) const {
        for (std::size_t i = 0; i < n; ++i)
            if (r[i] == x) return true;
        return false;
    }
    constexpr void add(std::size_t x) {
        if (!contains(x)) r[n++] = x;
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
/// widened for the polynomial's rounding.
constexpr void gelu_range(i128 lo, i128 hi, i128& g_lo, i128& g_hi) {
    auto round = [](i128 v) -> i128 {  // round(v / 2^32), ties away from zero, without a range check
        i128 const mag = v < 0 ? -v : v;
        i128 const q = (mag + (i128{1} << 31)) >> 32;
        return v < 0 ? -q : q;
    };
    i128 const a = round(lo), b = round(hi);
    i128 const ga = gelu_wide(a), gb = gelu_wide(b);
    g_lo = (ga < gb ? ga : gb) - gelu_rounding_slack;
    g_hi = (ga > gb ? ga : gb) + gelu_rounding_slack;
    if (a < gelu_turn && b > gelu_turn) {
        i128 const gmin = detail::gelu_raw(gelu_turn) - gelu_minimum_slack;
        if (gmin < g_lo) g_lo = gmin;
    }
}

/// The analysis's state — per row, per register, the values it can hold — and the reads and
/// writes every transfer function makes on it.
template <class Model>
struct bounds_state {
    using layout_type = std::remove_cvref_t<decltype(Model::dense.layout)>;
    using row = row_vector<layout_type::width>;
    using shape = prompt_shape<program_of_model<Model>>;
    /// The rows the arrays hold: the model's longest sequence, or for a model whose digit count is
    /// given at run time (model<P, digits_at_run_time>: `ctformer bounds`), the most a pass holds.
    static constexpr std::size_t capacity = [] {
        if constexpr (fixed_digit_count<Model>)
            return Model::longest_sequence;
        else
            return max_rows;
    }();
    std::size_t digits;  ///< the operands' digit count
    std::size_t rows;  ///< the longest sequence of `digits`-digit prompts
    /// Which rows: generation and the checker run a row through the layers only when its output
    /// is wanted — the rows from '=' on, which predict the answer — because no layer writes a
    /// column that attention reads from earlier rows (runtime/sequence.hpp, static_asserted there
    /// and in analyze_bounds): every earlier row enters only through its embedding's keys and
    /// values. The rows before '=' are analysed as embeddings. (The plain path,
    /// runtime/reference.hpp, also runs the rows before '=' through every layer; there the find
    /// layers blend positions before the sought token is visible, and this domain cannot bound
    /// those rows usefully — see docs/proof.md, No overflow for any valid input.)
    std::size_t first;

    register_map<layout_type> regs{Model::dense.layout};
    std::array<std::array<reg_values, max_registers>, capacity> state{};

    constexpr explicit bounds_state(std::size_t d)
        : digits(d), rows(shape::longest_sequence(d)), first(shape::prompt_length(d) - 1) {
        if (rows > capacity) throw std::out_of_range("ctformer::analyze_bounds: the sequence is longer than a forward pass holds");
    }

    /// The registers of the columns cols[0 .. n), in order of first appearance.
    template <class Cols>
    constexpr register_list registers_of(Cols const& cols, std::size_t n) const {
        register_list list;
        for (std::size_t e = 0; e < n; ++e) list.add(regs.of_column[cols[e]]);
        return list;
    }
    /// How many combinations of the value sets of `list` row p has, saturated at
    /// too_many_combinations; has_box: a box is among them (it counts as one).
    constexpr std::size_t combination_count(std::size_t p, register_list const& list, bool& has_box) const {
        std::size_t n = 1;
        has_box = false;
        for (std::size_t i = 0; i < list.n; ++i) {
            auto const& s = state[p][list.r[i]];
            if (s.box) has_box = true;
            n *= s.box ? 1 : s.n;
            if (n > max_combinations) n = too_many_combinations;
        }
        return n;
    }
    /// Register r's entries of x, raw (zero past its width).
    constexpr std::array<std::int64_t, register_width> block_of(row const& x, std::size_t r) const {
        std::array<std::int64_t, register_width> block{};
        for (std::size_t e = 0; e < regs.size[r]; ++e) block[e] = x[regs.offset[r] + e].raw;
        return block;
    }
    constexpr void write_block(row& x, std::size_t r, std::int64_t const* v) const {
        for (std::size_t e = 0; e < regs.size[r]; ++e) x[regs.offset[r] + e] = fixed::from_raw(v[e]);
    }
    /// Writes the combination `index` (mixed radix over the sets of `list`) of row p into x.
    constexpr void write_combination(std::size_t p, register_list const& list, std::size_t index, row& x) const {
        for (std::size_t i = 0; i < list.n; ++i) {
            std::size_t const r = list.r[i];
            auto const& s = state[p][r];
            std::size_t const k = index % s.n;
            index /= s.n;
            write_block(x, r, s.v[k].data());
        }
    }
    /// Adds to [lo, hi] the exact range of group g of `lists` (a layer's sparse (column, weight)
    /// lists) over the hulls of row p's registers: interval arithmetic on the layer's sum.
    template <class Lists>
    constexpr void add_hull_dot(std::size_t p, Lists const& lists, std::size_t g, i128& lo, i128& hi) const {
        for (std::size_t e = lists.start[g]; e < lists.start[g + 1]; ++e) {
            std::size_t const col = lists.index[e], r = regs.of_column[col];
            i128 const a = i128{state[p][r].lo[col - regs.offset[r]]} * lists.weight[e];
            i128 const b = i128{state[p][r].hi[col - regs.offset[r]]} * lists.weight[e];
            lo += a < b ? a : b, hi += a < b ? b : a;
        }
    }
    /// Adds an update set (entries for out_cols[0 .. n_out)) to the registers of those columns:
    /// every sum of an old value and an update, or their box if either is one.
    template <class Cols, class Update>
    constexpr void apply_update(std::size_t p, Cols const& out_cols, std::size_t n_out, Update const& update) {
        register_list const written = registers_of(out_cols, n_out);
        for (std::size_t w = 0; w < written.n; ++w) {
            std::size_t const r = written.r[w];
            reg_values const old = state[p][r];
            reg_values& now = state[p][r];
            now.clear(regs.size[r]);
            // the update's entries for this register's columns (0 where the layer writes none)
            auto slice = [&](std::int64_t const* u) {
                std::array<std::int64_t, register_width> out{};
                for (std::size_t o = 0; o < n_out; ++o)
                    if (regs.of_column[out_cols[o]] == r) out[out_cols[o] - regs.offset[r]] = u[o];
                return out;
            };
            if (old.box || update.box) {
                auto const ulo = slice(update.lo.data()), uhi = slice(update.hi.data());
                std::array<std::int64_t, register_width> l{}, h{};
                for (std::size_t e = 0; e < regs.size[r]; ++e) l[e] = old.lo[e] + ulo[e], h[e] = old.hi[e] + uhi[e];
                now.add_box(l.data(), h.data());
                continue;
            }
            for (std::size_t a = 0; a < old.n; ++a)
                for (std::size_t b = 0; b < update.n; ++b) {
                    auto const u = slice(update.v[b].data());
                    std::array<std::int64_t, register_width> x{};
                    for (std::size_t e = 0; e < regs.size[r]; ++e) x[e] = old.v[a][e] + u[e];
                    now.add(x.data());
                }
        }
    }
    /// The largest |entry| any row can hold.
    constexpr std::int64_t stream_magnitude() const {
        std::int64_t m = 0;
        for (std::size_t p = 0; p < rows; ++p)
            for (std::size_t r = 0; r < regs.count; ++r) m = std::max(m, state[p][r].magnitude());
        return m;
    }
};

// ---- The initial state ----------------------------------------------------------------------

/// The tokens valid prompts put in each prompt row (bit t of mask[p]: token t), read from
/// write_prompt — the code the checker and generation build prompts with — not restated here: its
/// prompts whose operands are every digit v repeated (v…v) and v at one place, zeros elsewhere
/// (v·10^k), for every v and k, which put every digit in every operand place.
template <class Model>
constexpr std::array<std::uint32_t, bounds_state<Model>::capacity> prompt_tokens_by_row(std::size_t digits) {
    using P = program_of_model<Model>;
    using shape = prompt_shape<P>;
    std::size_t const n = shape::prompt_length(digits), second = shape::second_digits(digits);
    std::array<std::uint32_t, bounds_state<Model>::capacity> mask{};
    std::array<std::uint8_t, bounds_state<Model>::capacity> ids{};
    auto operand = [](std::size_t v, std::size_t k, std::size_t places) {  // v·10^k, or v…v for k ≥ places
        if (k < places) return v * power_of_ten(k);
        return v * ((power_of_ten(places) - 1) / 9);
    };
    for (std::size_t v = 0; v < digit_tokens; ++v)
        for (std::size_t k = 0; k <= digits; ++k) {
            write_prompt<P>(digits, operand(v, k, digits), operand(v, k, second), ids.data());
            for (std::size_t p = 0; p < n; ++p) mask[p] |= std::uint32_t{1} << ids[p];
        }
    return mask;
}

/// Row p holds the embedding of every token a valid prompt can put there (prompt_tokens_by_row), and
/// each answer row after '=' a digit: the assumption answers_are_digits checks.
template <class Model>
constexpr void embed_valid_prompts(bounds_state<Model>& st) {
    auto const mask = prompt_tokens_by_row<Model>(st.digits);
    for (std::size_t p = 0; p < st.rows; ++p) {
        for (std::size_t r = 0; r < st.regs.count; ++r) st.state[p][r].clear(st.regs.size[r]);
        std::uint32_t const tokens = p <= st.first ? mask[p] : (std::uint32_t{1} << digit_tokens) - 1;
        for (std::size_t tok = 0; tok < vocab_size; ++tok) {
            if (!(tokens >> tok & 1)) continue;
            auto const x = Model::dense.embedding(tok, p);
            for (std::size_t r = 0; r < st.regs.count; ++r) st.state[p][r].add(st.block_of(x, r).data());
        }
    }
}

// ---- Attention ------------------------------------------------------------------------------

/// What an attention layer reads from every row: its possible keys and values. Computed before
/// any row changes (attention reads only the embedding's columns, which no layer writes).
template <class Model, class Layer>
struct attention_inputs {
    static constexpr std::size_t heads = Layer::heads, outputs = Layer::shape.outputs;
    static constexpr std::size_t rows = bounds_state<Model>::capacity;
    using key_set = candidates<at_least_one<heads>>;
    using val_set = value_set<at_least_one<outputs>, max_candidates>;
    std::array<key_set, rows> keys{};
    std::array<val_set, rows> values{};
    std::array<bool, rows> keys_known{};  ///< false: too many combinations, or a box, to form the keys
};

/// A row's value as a box, from the hulls of the registers it reads (too many combinations).
template <class Model, class Layer, class Values>
constexpr void add_value_box(bounds_state<Model> const& st, Layer const& layer, std::size_t j, Values& values) {
    constexpr std::size_t NO = Layer::shape.outputs;
    std::array<std::int64_t, at_least_one<NO>> l{}, h{};
    for (std::size_t o = 0; o < NO; ++o) {
        i128 lo = 0, hi = 0;
        st.add_hull_dot(j, layer.v, o, lo, hi);
        l[o] = detail::round_shift_32(lo) - rounded_end_slack, h[o] = detail::round_shift_32(hi) + rounded_end_slack;
    }
    values.add_box(l.data(), h.data());
}

/// Every row's possible keys (fill_key) and values (value_of) over every combination of the
/// registers they read; |k| and |v| go to lb.inner.
template <class Model, class Layer>
constexpr void collect_attention_inputs(bounds_state<Model> const& st, Layer const& layer, attention_inputs<Model, Layer>& in,
                                        layer_bounds& lb) {
    constexpr std::size_t NA = Layer::heads, NO = Layer::shape.outputs;
    register_list const kr = st.registers_of(layer.k.index, layer.k.start[NA]);
    register_list const vr = st.registers_of(layer.v.index, layer.v.start[NO]);
    for (std::size_t j = 0; j < st.rows; ++j) {
        auto& keys = in.keys[j];
        auto& values = in.values[j];
        keys.clear(NA), values.clear(NO);
        bool kbox = false, vbox = false;
        std::size_t const nk = st.combination_count(j, kr, kbox), nv = st.combination_count(j, vr, vbox);
        in.keys_known[j] = !kbox && nk <= max_combinations;
        typename Layer::cache_entry c{};
        if (in.keys_known[j])
            for (std::size_t k = 0; k < nk; ++k) {
                typename bounds_state<Model>::row x{};
                st.write_combination(j, kr, k, x);
                layer.fill_key(c, x);
                keys.add(c.k.data());
            }
        if (!vbox && nv <= max_combinations) {
            for (std::size_t k = 0; k < nv; ++k) {
                typename bounds_state<Model>::row x{};
                st.write_combination(j, vr, k, x);
                values.add(layer.value_of(x).data());
            }
        } else {
            add_value_box(st, layer, j, values);
        }
        for (std::size_t k = 0; k < keys.n; ++k)
            for (std::size_t a = 0; a < NA; ++a) lb.inner = std::max(lb.inner, i128{abs64(keys.v[k][a])});
        lb.inner = std::max(lb.inner, i128{values.magnitude()});
    }
}

/// Row i's possible queries (fill_query on every combination of the registers the query reads);
/// |q| goes to lb.inner. False when they are not a known set (a box, or too many combinations).
template <class Model, class Layer, class Keys>
constexpr bool collect_queries(bounds_state<Model> const& st, Layer const& layer, std::size_t i, Keys& queries,
                               layer_bounds& lb) {
    constexpr std::size_t NA = Layer::heads;
    register_list const qr = st.registers_of(layer.q.index, layer.q.start[NA]);
    bool qbox = false;
    std::size_t const nq = st.combination_count(i, qr, qbox);
    if (qbox || nq > max_combinations) return false;
    for (std::size_t k = 0; k < nq; ++k) {
        typename bounds_state<Model>::row x{};
        st.write_combination(i, qr, k, x);
        std::array<std::int64_t, at_least_one<NA>> qa{};
        layer.fill_query(x, qa.data());
        for (std::size_t a = 0; a < NA; ++a) lb.inner = std::max(lb.inner, i128{abs64(qa[a])});
        queries.add(qa.data());
    }
    return !queries.box;
}

/// The convex hull of the values of rows 0 .. i, widened for the weights' rounding.
template <class Inputs, class Update>
constexpr void add_hull(Inputs const& in, std::size_t i, Update& update) {
    std::array<std::int64_t, at_least_one<Inputs::outputs>> l{}, h{};
    for (std::size_t o = 0; o < Inputs::outputs; ++o) {
        std::int64_t lo = in.values[0].lo[o], hi = in.values[0].hi[o];
        for (std::size_t j = 1; j <= i; ++j) lo = std::min(lo, in.values[j].lo[o]), hi = std::max(hi, in.values[j].hi[o]);
        std::int64_t const slack = (std::max(abs64(lo), abs64(hi)) >> hull_excess_shift) + hull_rounding_slack;
        l[o] = lo - slack, h[o] = hi + slack;
    }
    update.add_box(l.data(), h.data());
}

/// Every visible row's score is known exactly (score[j], rows 0 .. i): softmax gives the weights,
/// and the output is every combination of the weighted rows' values, or the weighted sum of
/// their boxes when there are too many or a box among them.
template <class Inputs, class Update>
constexpr void add_exact_weights_output(Inputs const& in, std::size_t i, std::int64_t const* score, Update& update) {
    constexpr std::size_t NO = Inputs::outputs;
    std::array<std::int64_t, max_rows> scores{}, weights{};
    for (std::size_t j = 0; j <= i; ++j) scores[j] = score[j];
    softmax(scores.data(), weights.data(), i + 1, nullptr);
    std::size_t product = 1;
    bool boxed = false;
    for (std::size_t j = 0; j <= i; ++j)
        if (weights[j] != 0) {
            boxed = boxed || in.values[j].box;
            product *= in.values[j].box ? 1 : in.values[j].n;
            if (product > max_candidates) boxed = true, product = 1;
        }
    std::array<std::int64_t, at_least_one<NO>> out{}, l{}, h{};
    if (boxed) {
        for (std::size_t o = 0; o < NO; ++o) {
            i128 lo = 0, hi = 0;
            for (std::size_t j = 0; j <= i; ++j)
                lo += i128{weights[j]} * in.values[j].lo[o], hi += i128{weights[j]} * in.values[j].hi[o];
            l[o] = detail::round_shift_32(lo), h[o] = detail::round_shift_32(hi);
        }
        update.add_box(l.data(), h.data());
        return;
    }
    for (std::size_t k = 0; k < product; ++k) {  // the weighted sum of compiled_attention::apply
        std::array<i128, at_least_one<NO>> acc{};
        std::size_t index = k;
        for (std::size_t j = 0; j <= i; ++j) {
            if (weights[j] == 0) continue;
            std::size_t const c = index % in.values[j].n;
            index /= in.values[j].n;
            for (std::size_t o = 0; o < NO; ++o) acc[o] += i128{weights[j]} * in.values[j].v[c][o];
        }
        for (std::size_t o = 0; o < NO; ++o) out[o] = detail::round_shift_32(acc[o]);
        update.add(out.data());
    }
}

/// One visible row beats every other by more than exp's zero threshold for every key (score
/// ranges [smin, smax], rows 0 .. i): the output is that row's value exactly. False if none does.
template <class Inputs, class Update>
constexpr bool add_dominant_output(Inputs const& in, std::size_t i, std::int64_t const* smin, std::int64_t const* smax,
                                   Update& update) {
    std::size_t best = 0;
    for (std::size_t j = 1; j <= i; ++j)
        if (smin[j] > smin[best]) best = j;
    for (std::size_t j = 0; j <= i; ++j)
        if (j != best && !(smax[j] - smin[best] < detail::exp_zero_below)) return false;
    auto const& v = in.values[best];
    if (v.box)
        update.add_box(v.lo.data(), v.hi.data());
    else
        for (std::size_t k = 0; k < v.n; ++k) update.add(v.v[k].data());
    return true;
}

/// Row i's output for query q, added to `update`: each visible row's possible scores (score_of on
/// its possible keys), then exact weights, a dominant row, or the hull (counted as a fallback).
/// False when a visible row's keys are not known: the caller falls back to the hull.
template <class Model, class Layer, class Update>
constexpr bool add_query_output(Layer const& layer, attention_inputs<Model, Layer> const& in, std::size_t i,
                                std::int64_t const* q, Update& update, layer_bounds& lb) {
    std::array<std::int64_t, bounds_state<Model>::capacity> smin{}, smax{};
    bool single = true;
    for (std::size_t j = 0; j <= i; ++j) {
        if (!in.keys_known[j] || in.keys[j].box) return false;
        for (std::size_t k = 0; k < in.keys[j].n; ++k) {
            std::int64_t const s = layer.score_of(q, in.keys[j].v[k].data());
            lb.inner = std::max(lb.inner, i128{abs64(s)});
            if (k == 0 || s < smin[j]) smin[j] = s;
            if (k == 0 || s > smax[j]) smax[j] = s;
        }
        single = single && smin[j] == smax[j];
    }
    if (single) {
        add_exact_weights_output(in, i, smin.data(), update);
    } else if (!add_dominant_output(in, i, smin.data(), smax.data(), update)) {
        add_hull(in, i, update);
        ++lb.fallback_rows;
    }
    return true;
}

/// The attention transfer: every row from '=' on gets the union of its outputs over its possible
/// queries, or the hull of the visible rows' values when its queries or their keys are not known.
template <class Model, class Layer>
constexpr void attention_transfer(bounds_state<Model>& st, Layer const& layer, layer_bounds& lb) {
    using inputs = attention_inputs<Model, Layer>;
    inputs in{};
    collect_attention_inputs(st, layer, in, lb);
    for (std::size_t i = st.first; i < st.rows; ++i) {
        typename inputs::val_set update{};
        update.clear(inputs::outputs);
        typename inputs::key_set queries{};
        queries.clear(inputs::heads);
        bool fallback = !collect_queries(st, layer, i, queries, lb);
        for (std::size_t qi = 0; !fallback && qi < queries.n; ++qi)
            fallback = !add_query_output(layer, in, i, queries.v[qi].data(), update, lb);
        if (fallback) {
            add_hull(in, i, update);
            ++lb.fallback_rows;
        }
        st.apply_update(i, layer.out_cols, inputs::outputs, update);
    }
}

// ---- MLP --------------------------------------------------------------------------------------

/// The independent parts of an MLP's registers: registers linked by a unit that reads or writes
/// both. A written register's update depends only on the registers its part reads, so each
/// part's combinations are enumerated on their own (clear: left, right and out separately).
struct register_parts {
    std::array<std::size_t, max_registers> parent{};
    constexpr register_parts() {
        for (std::size_t r = 0; r < max_registers; ++r) parent[r] = r;
    }
    constexpr std::size_t root(std::size_t r) const {
        while (parent[r] != r) r = parent[r];
        return r;
    }
    constexpr void unite(std::size_t a, std::size_t b) { parent[root(a)] = root(b); }
    /// The registers of `list` in the part whose root is `part`.
    constexpr register_list in_part(register_list const& list, std::size_t part) const {
        register_list out;
        for (std::size_t t = 0; t < list.n; ++t)
            if (root(list.r[t]) == part) out.add(list.r[t]);
        return out;
    }
};

template <class Model, class Layer>
constexpr register_parts parts_of(bounds_state<Model> const& st, Layer const& layer) {
    constexpr std::size_t NU = Layer::shape.units;
    register_parts parts;
    for (std::size_t u = 0; u < NU; ++u) {
        if (layer.in.start[u] == layer.in.start[u + 1]) continue;  // a unit with no input links nothing
        std::size_t const first_in = st.regs.of_column[layer.in.index[layer.in.start[u]]];
        for (std::size_t e = layer.in.start[u]; e < layer.in.start[u + 1]; ++e)
            parts.unite(first_in, st.regs.of_column[layer.in.index[e]]);
        for (std::size_t e = layer.out.start[u]; e < layer.out.start[u + 1]; ++e)
            parts.unite(first_in, st.regs.of_column[layer.out_cols[layer.out.index[e]]]);
    }
    return parts;
}

/// Interval arithmetic on row i over the same sparse weights: each unit's exact pre-activation
/// range over the registers' hulls (its magnitude goes to lb.inner), GELU's range on it, and the
/// range of each output's sum (scale 2^64) into ulo, uhi.
template <class Model, class Layer, class Sums>
constexpr void mlp_interval_sums(bounds_state<Model> const& st, Layer const& layer, std::size_t i, Sums& ulo, Sums& uhi,
                                 layer_bounds& lb) {
    constexpr std::size_t NO = Layer::shape.outputs, NU = Layer::shape.units;
    for (std::size_t o = 0; o < NO; ++o) ulo[o] = uhi[o] = layer.out_bias[o];
    for (std::size_t u = 0; u < NU; ++u) {
        i128 lo = i128{layer.b1[u]} << fixed::frac_bits, hi = lo;
        st.add_hull_dot(i, layer.in, u, lo, hi);
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
}

/// Must row i's MLP update come from intervals: is a register it reads a box, or does a part
/// read more combinations than max_combinations?
template <class Model>
constexpr bool mlp_needs_intervals(bounds_state<Model> const& st, std::size_t i, register_list const& reads,
                                   register_parts const& parts, register_list const& roots) {
    for (std::size_t t = 0; t < reads.n; ++t)
        if (st.state[i][reads.r[t]].box) return true;
    for (std::size_t c = 0; c < roots.n; ++c) {
        bool box = false;
        if (st.combination_count(i, parts.in_part(reads, roots.r[c]), box) > max_combinations) return true;
    }
    return false;
}

/// One written register's next values from one run of the layer (x in, y out): y's block if the
/// layer also reads the register (x holds its value), else every old value plus the update y − x.
template <class Model>
constexpr void collect_written(bounds_state<Model> const& st, std::size_t i, register_list const& reads, std::size_t r,
                               typename bounds_state<Model>::row const& x, typename bounds_state<Model>::row const& y,
                               reg_values& next) {
    auto val = st.block_of(y, r);
    if (reads.contains(r)) {
        next.add(val.data());
        return;
    }
    auto const before = st.block_of(x, r);
    for (std::size_t e = 0; e < st.regs.size[r]; ++e) val[e] -= before[e];  // the update
    auto const& old = st.state[i][r];
    std::array<std::int64_t, register_width> l{}, h{};
    if (old.box) {
        for (std::size_t e = 0; e < st.regs.size[r]; ++e) l[e] = old.lo[e] + val[e], h[e] = old.hi[e] + val[e];
        next.add_box(l.data(), h.data());
        return;
    }
    for (std::size_t a = 0; a < old.n; ++a) {
        for (std::size_t e = 0; e < st.regs.size[r]; ++e) l[e] = old.v[a][e] + val[e];
        next.add(l.data());
    }
}

/// Row i through the layer's own apply, for every combination of each part's registers; the
/// registers no part reaches are written by the output bias alone (a unit with no input, folded
/// at compile time) and take their update from one run on a zero row.
template <class Model, class Layer>
constexpr void mlp_enumerate(bounds_state<Model>& st, Layer const& layer, std::size_t i, register_list const& reads,
                             register_list const& writes, register_parts const& parts, register_list const& roots) {
    using row = typename bounds_state<Model>::row;
    std::array<reg_values, max_written_registers> next{};
    if (writes.n > next.size())
        throw domain_error("ctformer::analyze_bounds: a layer writes more registers than the analysis holds");
    for (std::size_t w = 0; w < writes.n; ++w) next[w].clear(st.regs.size[writes.r[w]]);
    auto run = [&](row const& x, auto&& collects) {
        row y = x;
        layer.apply(y, nullptr, 1, nullptr);
        for (std::size_t w = 0; w < writes.n; ++w)
            if (collects(writes.r[w])) collect_written(st, i, reads, writes.r[w], x, y, next[w]);
    };
    for (std::size_t c = 0; c < roots.n; ++c) {
        register_list const part_reads = parts.in_part(reads, roots.r[c]);
        bool box = false;
        std::size_t const n = st.combination_count(i, part_reads, box);
        for (std::size_t k = 0; k < n; ++k) {
            row x{};
            st.write_combination(i, part_reads, k, x);
            run(x, [&](std::size_t r) { return parts.root(r) == roots.r[c]; });
        }
    }
    run(row{}, [&](std::size_t r) { return !roots.contains(parts.root(r)); });
    for (std::size_t w = 0; w < writes.n; ++w) st.state[i][writes.r[w]] = next[w];
}

/// The MLP transfer: per row from '=' on, the layer's apply on every combination of what it
/// reads, or the interval update when that is not a small known set.
template <class Model, class Layer>
constexpr void mlp_transfer(bounds_state<Model>& st, Layer const& layer, layer_bounds& lb) {
    constexpr std::size_t NI = Layer::shape.inputs, NO = Layer::shape.outputs;
    register_parts const parts = parts_of(st, layer);
    register_list const reads = st.registers_of(layer.in_cols, NI), writes = st.registers_of(layer.out_cols, NO);
    register_list roots;  // the roots of the parts that read something
    for (std::size_t t = 0; t < reads.n; ++t) roots.add(parts.root(reads.r[t]));
    for (std::size_t i = st.first; i < st.rows; ++i) {
        std::array<i128, at_least_one<NO>> ulo{}, uhi{};
        mlp_interval_sums(st, layer, i, ulo, uhi, lb);
        if (!mlp_needs_intervals(st, i, reads, parts, roots)) {
            mlp_enumerate(st, layer, i, reads, writes, parts, roots);
            continue;
        }
        ++lb.fallback_rows;
        value_set<at_least_one<NO>, 1> update{};
        update.clear(NO);
        std::array<std::int64_t, at_least_one<NO>> l{}, h{};
        for (std::size_t o = 0; o < NO; ++o)
            l[o] = detail::round_shift_32(ulo[o]) - rounded_end_slack, h[o] = detail::round_shift_32(uhi[o]) + rounded_end_slack;
        update.add_box(l.data(), h.data());
        st.apply_update(i, layer.out_cols, NO, update);
    }
}

// ---- The answer rows ----------------------------------------------------------------------------

/// The assumption about generated rows, checked: every row that predicts an answer digit — from
/// '=' on, all but the last, which predicts '\n' — unembeds to a digit for every value its `final`
/// register can hold (a box cannot be shown to).
template <class Model>
constexpr bool answers_are_digits(bounds_state<Model> const& st) {
    std::size_t const final_reg = st.regs.named("final");
    for (std::size_t p = st.first; p + 1 < st.rows; ++p) {
        auto const& f = st.state[p][final_reg];
        if (f.box) return false;
        for (std::size_t k = 0; k < f.n; ++k) {
            typename bounds_state<Model>::row x{};
            st.write_block(x, final_reg, f.v[k].data());
            if (argmax(multiply(x, Model::dense.unembed)) >= digit_tokens) return false;
        }
    }
    return true;
}

}  // namespace bounds_detail

/// The number of layers a row of Model runs through: the prologue, the body D times, the epilogue
/// (for a model whose digit count is given at run time, the most: D = its program's max_digits).
template <class Model>
inline constexpr std::size_t program_length = [] {
    if constexpr (fixed_digit_count<Model>)
        return network_shape<std::remove_cvref_t<decltype(Model::net)>>::steps(Model::digits);
    else
        return network_shape<std::remove_cvref_t<decltype(Model::net)>>::steps(program_of_model<Model>::max_digits);
}();

/// The analysis's result for a program of MaxLayers layers (program_length<Model>).
template <std::size_t MaxLayers>
struct bounds_report {
    static constexpr std::size_t max_layers = MaxLayers;
    std::size_t digits = 0, rows = 0, layers = 0;
    std::size_t first_row = 0;  ///< rows first_row .. rows − 1 go through the layers
    std::array<layer_bounds, max_layers> layer{};
    bool answers_are_digits = false;  ///< the assumption about generated rows was verified
    std::int64_t stream_max = 0;
    i128 inner_max = 0;
    std::size_t worst_layer = 0;  ///< the layer with the largest value, stream or inner

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
    /// Appends a layer's line and keeps the maxima.
    constexpr void add_layer(layer_bounds const& lb) {
        layer[layers++] = lb;
        if (lb.stream > stream_max) stream_max = lb.stream;
        if (lb.inner > inner_max) inner_max = lb.inner;
    }
    /// The first layer whose larger value, stream or inner, is the largest anywhere.
    constexpr std::size_t find_worst_layer() const {
        for (std::size_t l = 0; l < layers; ++l)
            if (std::max(i128{layer[l].stream}, layer[l].inner) == largest()) return l;
        return 0;
    }
};

/// The analysis for the adder Model over every valid prompt of `digits` digits: the initial
/// state, then each layer of the program's transfer, then the check of the answer rows. (A model
/// of run-time digit count takes any count its program does: one instantiation for every D.)
template <class Model>
constexpr bounds_report<program_length<Model>> analyze_bounds(std::size_t digits) {
    using namespace bounds_detail;
    static_assert(attention_reads_only_the_embedding(Model::net),
                  "ctformer: the bounds analysis needs attention to read only the embedding");
    require_digit_count<program_of_model<Model>>(digits);
    if constexpr (fixed_digit_count<Model>)
        if (digits != Model::digits) throw std::invalid_argument("ctformer::analyze_bounds: not the model's digit count");
    bounds_state<Model> st(digits);
    embed_valid_prompts(st);
    bounds_report<program_length<Model>> report{};
    report.digits = digits, report.rows = st.rows, report.first_row = st.first;
    for_each_layer(Model::net, digits, [&](auto const& layer) {
        layer_bounds lb{};
        lb.name = layer.name;
        lb.attention = layer.is_attention;
        if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention)
            attention_transfer(st, layer, lb);
        else
            mlp_transfer(st, layer, lb);
        lb.stream = st.stream_magnitude();
        report.add_layer(lb);
    });
    report.worst_layer = report.find_worst_layer();
    report.answers_are_digits = answers_are_digits(st);
    return report;
}

/// analyze_bounds for the model's own digit count.
template <class Model>
    requires fixed_digit_count<Model>
constexpr bounds_report<program_length<Model>> analyze_bounds() {
    return analyze_bounds<Model>(Model::digits);
}

namespace detail {
/// Instantiated with Fits = false, this names the first layer whose values do not fit the format
/// (its index in program order) and the format's integer bits in the compiler's diagnostic:
///   In instantiation of 'struct ctformer::detail::value_exceeds_format<6, 18, false>'
template <std::size_t Layer, int IntegerBits, bool Fits>
struct value_exceeds_format {
    static_assert(
        Fits,
        "ctformer: a value of layer Layer (in program order) does not fit a fixed-point format with IntegerBits integer "
        "bits (the template arguments of this instantiation); `ctformer bounds` prints the table");
    static constexpr bool fits = Fits;
};
template <bool Verified>
struct answer_rows_not_shown_to_be_digits {
    static_assert(Verified,
                  "ctformer: the bounds analysis could not show that every answer row predicts a digit, which it assumes");
    static constexpr bool verified = Verified;
};
}  // namespace detail

/// The analysis of Model, computed once per Model.
template <class Model>
inline constexpr auto bounds_of = analyze_bounds<Model>();

/// True when every value of Model, over all valid prompts, fits a signed fixed-point format with
/// IntegerBits integer bits (31: Q31.32 itself; fewer: with 31 − IntegerBits bits of headroom).
/// Otherwise the build stops at detail::value_exceeds_format<layer, IntegerBits, false>.
template <class Model, int IntegerBits = 31>
inline constexpr bool fits_format = detail::value_exceeds_format<bounds_of<Model>.first_layer_exceeding(IntegerBits), IntegerBits,
                                                                 bounds_of<Model>.fits(IntegerBits)>::fits&&
    detail::answer_rows_not_shown_to_be_digits<bounds_of<Model>.answers_are_digits>::verified;

}  // namespace ctformer
