// ctformer/model/instructions.hpp — one weight builder per instruction of the seed.
//
// Each function takes the layout and the registers it works on and returns one layer's dense
// weights. Constants are the seed's wherever fixed point can hold them; the three places where it
// cannot are marked "DIVERGENCE" with their reason and margin.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "ctformer/layers/dense.hpp"
#include "ctformer/model/program.hpp"
#include "ctformer/model/registers.hpp"
#include "ctformer/numeric/fixed.hpp"
#include "ctformer/numeric/functions.hpp"

namespace ctformer {

/// The seed's position encoding: sin and cos of 2π·p/100 in the pos register. A program may choose
/// another period (`static constexpr std::int64_t position_period` in the program, period_of):
/// the embedding and every instruction that moves a cursor take it (docs/exercises.md, exercise 4).
inline constexpr std::int64_t position_period = 100;

/// The position period of program P: its own `position_period`, or the seed's 100.
template <class P>
constexpr std::int64_t period_of() {
    if constexpr (requires { P::position_period; })
        return P::position_period;
    else
        return position_period;
}

/// DIVERGENCE (find_and_store): the seed's query is −1e10 everywhere except +1e10 in the token's
/// column, and its key is the whole row, so a score is ±1e10 times the sum of the whole row —
/// it depends on that sum's sign and breaks past position ~43. Here the query is rank 1: every
/// token column maps to +find_score in the sought token's head dimension (a row holds exactly one
/// token, so the query is the same for every row), and the key is the token block only. A row
/// holding the token scores find_score/√80 = 57.2, any other row 0: the losing weight is
/// exp(−57.2) = 1e-25, which rounds to exactly 0 (it would take a gap of only 22.9).
inline constexpr std::int64_t find_score = 512;

/// DIVERGENCE (read_relative): the seed scales the position key by 1e10, which Q31.32 cannot hold.
/// The score gap between the row under the cursor and its neighbour is
/// K·(1 − cos 2π/100)/√80 = 57.8 for K = 2^18 (the seed's: 2.2e6); exp(−57.8) rounds to 0, so the
/// read copies the token one-hot exactly. Cursor errors (< 1e-8) move a score by < 5e-4.
inline constexpr std::int64_t read_key_scale = std::int64_t{1} << 18;

template <class L>
using attention_for = attention_weights<L::width, L::width>;
template <class L, std::size_t H>
using mlp_for = mlp_weights<L::width, H>;

template <class L>
constexpr fixed score_scale_for() {
    return fixed::from_double(1.0 / detail::sqrt_double(static_cast<double>(L::width)));
}

/// sin/cos of every position a sequence can hold, computed once (the same bits as position_angle).
inline constexpr auto position_table = [] {
    std::array<sin_cos, max_rows> t{};
    for (std::size_t p = 0; p < max_rows; ++p) t[p] = position_angle(static_cast<std::int64_t>(p), position_period);
    return t;
}();

/// An embedding: the row a token starts from at a position, as two tables a reader can print and a
/// mutant can change — a row per token, a row per position — added: e(t, p) = token[t] + position[p].
/// A network holds its embedding as a value (network_weights::embedding); any type with
/// `row_vector<W> operator()(std::size_t token, std::size_t position) const` serves, and the all-input
/// proof checks what it gives for every row and token a prompt may hold (proof/all_inputs.hpp,
/// premise start), whatever it is.
template <std::size_t W>
struct additive_embedding {
    std::array<row_vector<W>, vocab_size> token{};
    std::array<row_vector<W>, max_rows> position{};
    constexpr row_vector<W> operator()(std::size_t tok, std::size_t p) const {
        if (tok >= vocab_size) throw std::out_of_range("ctformer::embedding: token id outside the vocabulary");
        if (p >= max_rows) throw std::out_of_range("ctformer::embedding: position past the longest sequence");
        // Through raw pointers, writing only the nonzero sums: in constant evaluation a call per
        // element costs more than the addition, and a row written sparsely stays cheap to copy.
        row_vector<W> x{};
        fixed* const xp = x.data();
        fixed const* const tp = token[tok].data();
        fixed const* const pp = position[p].data();
        for (std::size_t c = 0; c < W; ++c)
            if (tp[c].raw != 0 || pp[c].raw != 0) xp[c] = tp[c] + pp[c];
        return x;
    }
};

/// The seed's embedding: the one-hot token, and sin/cos of 2π·p/100 in the pos register.
template <class L>
constexpr additive_embedding<L::width> seed_embedding(L const& layout, std::int64_t period = position_period) {
    additive_embedding<L::width> e{};
    for (std::size_t t = 0; t < vocab_size; ++t) e.token[t][t] = fixed::from_int(1);
    for (std::size_t p = 0; p < max_rows; ++p) {
        sin_cos const a = period == position_period ? position_table[p] : position_angle(static_cast<std::int64_t>(p), period);
        e.position[p][layout[reg::pos][0]] = a.sin;
        e.position[p][layout[reg::pos][1]] = a.cos;
    }
    return e;
}

/// The seed's embedding, for a reader (the walkthrough's step 0).
inline constexpr std::string_view embedding_explanation =
    "Each row starts as the embedding of its token: a one-hot block over the 14 tokens, and the row's position as sin "
    "and cos of 2π·p/100 in the pos register. Every other register is empty.";

/// FindAndStore: every row attends to the row holding `tok` and stores that row's position.
template <class L>
constexpr attention_for<L> find_and_store(L const& layout, std::size_t tok, slot dst, std::string_view name) {
    attention_for<L> w{};
    w.name = name;
    w.about = {layer_about::narration::read, layer_about::units::numbered, 0, {},
               "Attention with a constant query. The key is the token block, and the query asks for one token (the operation or "
    "'='), so the row that holds it scores 57.2 and every other row 0; exp(−57.2) rounds to exactly 0 in fixed point, "
    "so the softmax puts weight 1 on that row. The value copies that row's pos into a cursor register: every row from "
    "that token on now knows where the operand (or the answer) starts. Attention is causal, so a row before the token "
    "sees no row that holds it: it scores 0 on every row it sees and averages their positions (the grey rows' blended "
    "cursors)."};
    for (std::size_t t = 0; t < vocab_size; ++t) {
        w.wq.set(t, tok, fixed::from_int(find_score));
        w.wk.set(t, t, fixed::from_int(1));
    }
    slot const pos = layout[reg::pos];
    w.wv.set(pos[0], dst[0], fixed::from_int(1));
    w.wv.set(pos[1], dst[1], fixed::from_int(1));
    w.score_scale = score_scale_for<L>();
    return w;
}

/// GetRelativeToken: read the token `steps` after the position held in `cursor` into `dst`.
/// The query rotates the cursor by −steps; the score is K·cos(angle between cursor and row).
template <class L>
constexpr attention_for<L> read_relative(L const& layout, slot cursor, std::int64_t steps, slot dst, std::string_view name,
                                         std::int64_t period = position_period) {
    attention_for<L> w{};
    w.name = name;
    w.about = {layer_about::narration::read, layer_about::units::numbered, 0, {},
               "Attention that reads the token under a cursor. The query is the cursor (rotated by the read's offset), the key is "
    "each row's position; the score is K·cos(angle between them), largest at the row the cursor points at, and the "
    "gap to any other row (57.8) makes its softmax weight exactly 1. The value copies that row's token into a digit "
    "register."};
    slot const pos = layout[reg::pos];
    auto const r = position_angle(-steps, period);
    w.wq.set(cursor[0], pos[0], r.cos);
    w.wq.set(cursor[1], pos[0], -r.sin);
    w.wq.set(cursor[0], pos[1], r.sin);
    w.wq.set(cursor[1], pos[1], r.cos);
    w.wk.set(pos[0], pos[0], fixed::from_int(read_key_scale));
    w.wk.set(pos[1], pos[1], fixed::from_int(read_key_scale));
    for (std::size_t t = 0; t < vocab_size; ++t) w.wv.set(t, dst[t], fixed::from_int(1));
    w.score_scale = score_scale_for<L>();
    return w;
}

namespace detail {
/// A column formula's placeholders are {x}, {y} and {c}, each closed (layer_about::formula).
constexpr bool column_formula_ok(std::string_view formula) {
    for (std::size_t i = 0; i < formula.size(); ++i) {
        if (formula[i] == '}') return false;
        if (formula[i] != '{') continue;
        std::size_t const close = formula.find('}', i);
        if (close == std::string_view::npos) return false;
        std::string_view const key = formula.substr(i + 1, close - i - 1);
        if (key != "x" && key != "y" && key != "c") return false;
        i = close;
    }
    return true;
}
}  // namespace detail

/// Why a column table works, said of any column rule (a program passes its own words: add_with_carry).
inline constexpr std::string_view column_table_explanation =
    "A column table: 200 hidden units, two per pair of digits (i, j). Unit (i, j, no carry) reaches 128 only when left "
    "= i, right = j and the carry is 0 (at most −372 otherwise, far below GELU's zero at −7): it writes the "
    "column's digit for i, j and no carry into out, and sets the carry when that column passes one on. Unit (i, j, "
    "carry in) reaches 128 only when the carry is 1 as well (at most −205 otherwise): it writes the column's digit "
    "for i, j and a carry in, and clears the carry when that column passes none on. Exactly one unit fires; the table "
    "is the whole column rule, carry included.";

/// A column table (the seed's "Multiply", generalised): 200 hidden units, two per digit pair, that
/// write one column of schoolbook arithmetic. `rule(i, j, c)` gives the column's digit and carry
/// (0 or 1) for digits i, j and a carry c in {0, 1} (model/program.hpp, column_result).
/// Unit (i, j, no carry): 500·left_i + 500·right_j − 1000·carry − 872 is 128 exactly when both
/// digits are present and carry is 0, and ≤ −372 otherwise (GELU → 0). It writes rule(i, j, 0)'s
/// digit and sets carry when its carry is 1. Unit (i, j, carry): 333·(left_i + right_j + carry) − 871
/// is 128 with all three set (≤ −205 with two); it writes rule(i, j, 1)'s digit and clears the carry
/// when its carry is 0.
///
/// DIVERGENCE (exact digits): the seed fires these units at 100 and 99 and scales them back with
/// 0.01 and 0.01/0.99, which binary fixed point cannot hold (100 × round(0.01) = 1 + 4 ulp). Here
/// the biases (−872, −871 instead of −900) make both fire at 128, and 1/128 is exact: the out and
/// carry registers hold exact 0s and 1s, and so does every digit register after Clear. The
/// margins to GELU's flat zero (pre ≤ −7) are 365 and 198 instead of the seed's 393 and 227 (its bias −900
/// leaves −400 and −234).
/// `formula` and `explanation` are what a reader is told of it (layer_about): the column's arithmetic
/// as the walkthrough narrates it ("{x} + {y} + carry {c}") and why the table works.
template <class L, class Rule>
constexpr mlp_for<L, 200> column_table(slot left, slot right, slot carry, slot out, Rule rule, std::string_view name,
                                       std::string_view formula = "{x}, {y}, carry {c}",
                                       std::string_view explanation = column_table_explanation) {
    if (!detail::column_formula_ok(formula))
        throw std::invalid_argument("ctformer::column_table: a formula's placeholders are {x}, {y} and {c}");
    mlp_for<L, 200> w{};
    w.name = name;
    w.about = {layer_about::narration::column, layer_about::units::column_pairs, 2, formula, explanation};
    std::size_t u = 0;
    fixed const back = fixed::from_ratio(1, 128);  // 128 → 1, exactly
    for (int i = 0; i < 10; ++i) {
        for (int j = 0; j < 10; ++j) {
            auto const [digit0, carry0] = rule(i, j, 0);
            w.w1.set(left[static_cast<std::size_t>(i)], u, fixed::from_int(500));
            w.w1.set(right[static_cast<std::size_t>(j)], u, fixed::from_int(500));
            w.w1.set(carry[0], u, fixed::from_int(-1000));
            w.b1[u] = fixed::from_int(-872);
            w.w2.set(u, out[static_cast<std::size_t>(digit0)], back);
            if (carry0 == 1) w.w2.set(u, carry[0], back);
            ++u;
            auto const [digit1, carry1] = rule(i, j, 1);
            w.w1.set(left[static_cast<std::size_t>(i)], u, fixed::from_int(333));
            w.w1.set(right[static_cast<std::size_t>(j)], u, fixed::from_int(333));
            w.w1.set(carry[0], u, fixed::from_int(333));
            w.b1[u] = fixed::from_int(-871);
            w.w2.set(u, out[static_cast<std::size_t>(digit1)], back);
            if (carry1 == 0) w.w2.set(u, carry[0], -back);  // no carry any more: clear it
            ++u;
        }
    }
    return w;
}

/// The seed's digit-add-with-carry table: the column table of i + j + c (a digit and a carry).
template <class L>
constexpr mlp_for<L, 200> add_with_carry(L const&, slot left, slot right, slot carry, slot out) {
    auto const sum = [](int i, int j, int c) { return column_result{(i + j + c) % 10, (i + j + c) / 10}; };
    return column_table<L>(left, right, carry, out, sum, "add_with_carry", "{x} + {y} + carry {c}",
                           "The adder: 200 hidden units, two per pair of digits (i, j). Unit (i, j, no carry) reaches 128 only "
                           "when left = i, right = j and carry = 0 (at most −372 otherwise, far below GELU's zero at "
                           "−7): it writes the digit (i + j) mod 10 into out and, when i + j ≥ 10, sets the carry. "
                           "Unit (i, j, carry in) reaches 128 only when the carry is 1 as well (at most −205 otherwise): "
                           "it writes (i + j + 1) mod 10 and clears the carry when i + j + 1 < 10 (else the carry stays 1). "
                           "Exactly one unit fires; the table is the whole addition, carry included.");
}

/// Why a column table with a one-hot carry works, said of any column rule.
inline constexpr std::string_view one_hot_carry_table_explanation =
    "A column table with a one-hot carry: one hidden unit per digit i, digit j and carry c. Unit (i, j, c) reaches 128 "
    "only when left = i, right = j and the carry's column c is 1 (333 from each, less 871; at most −205 with one "
    "of them missing, far below GELU's zero at −7). It writes the column's digit into out and moves the carry's "
    "one-hot from c to the carry the column passes on. Exactly one unit fires; the table is the whole column rule, "
    "carry included.";

/// A column table with a one-hot carry (multiplication by a digit, whose carry runs 0..8): 10 · 10 ·
/// (MaxCarry + 1) hidden units, one per digit pair (i, j) and carry c. Unit (i, j, c):
/// 333·(left_i + right_j + carry_c) − 871 is 128 with all three set, ≤ −205 with two (GELU → 0). It
/// writes rule(i, j, c)'s digit into out and moves the carry's one-hot from c to rule(i, j, c)'s
/// carry. The carry register must hold an exact one-hot (set_digit starts it at 0), so exactly one
/// unit fires. Exact for the reason column_table is: 128 and 1/128.
/// `formula` and `explanation` as for column_table.
template <class L, std::size_t MaxCarry, class Rule>
constexpr mlp_for<L, 100 * (MaxCarry + 1)> one_hot_carry_table(slot left, slot right, slot carry, slot out, Rule rule,
                                                                std::string_view name, std::string_view formula = "{x}, {y}, carry {c}",
                                                                std::string_view explanation = one_hot_carry_table_explanation) {
    static_assert(MaxCarry >= 1 && MaxCarry <= 9, "a one-hot carry runs 0..MaxCarry, at most 9");
    if (!detail::column_formula_ok(formula))
        throw std::invalid_argument("ctformer::one_hot_carry_table: a formula's placeholders are {x}, {y} and {c}");
    mlp_for<L, 100 * (MaxCarry + 1)> w{};
    w.name = name;
    w.about = {layer_about::narration::column, layer_about::units::column_carries, MaxCarry + 1, formula, explanation};
    fixed const back = fixed::from_ratio(1, 128);
    std::size_t u = 0;
    for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 10; ++j)
            for (int c = 0; c <= static_cast<int>(MaxCarry); ++c, ++u) {
                auto const [digit, next] = rule(i, j, c);
                w.w1.set(left[static_cast<std::size_t>(i)], u, fixed::from_int(333));
                w.w1.set(right[static_cast<std::size_t>(j)], u, fixed::from_int(333));
                w.w1.set(carry[static_cast<std::size_t>(c)], u, fixed::from_int(333));
                w.b1[u] = fixed::from_int(-871);
                w.w2.set(u, out[static_cast<std::size_t>(digit)], back);
                if (next != c) {
                    w.w2.set(u, carry[static_cast<std::size_t>(c)], -back);
                    w.w2.set(u, carry[static_cast<std::size_t>(next)], back);
                }
            }
    return w;
}

namespace detail {
/// Units [u, u + out.width): out −= GELU(128·out)/128, which clears a one-hot register exactly.
template <class W>
constexpr void clear_units(W& w, std::size_t u, slot out) {
    for (std::size_t i = 0; i < out.width; ++i) {
        w.w1.set(out[i], u + i, fixed::from_int(128));
        w.w2.set(u + i, out[i], -fixed::from_ratio(1, 128));
    }
}
/// Units u, u + 1: rotate a cursor by `offset` positions, as step_position does.
template <class W>
constexpr void step_units(W& w, std::size_t u, slot cursor, std::int64_t offset, std::int64_t period) {
    auto const r = position_angle(-offset, period);
    fixed const one = fixed::from_int(1);
    w.w1.set(cursor[0], u, r.cos - one);
    w.w1.set(cursor[1], u, -r.sin);
    w.w1.set(cursor[0], u + 1, r.sin);
    w.w1.set(cursor[1], u + 1, r.cos - one);
    for (std::size_t k = 0; k < 2; ++k) {
        w.b1[u + k] = fixed::from_int(1000);
        w.w2.set(u + k, cursor[k], fixed::from_int(1));
        w.b2[cursor[k]] = fixed::from_int(-1000);
    }
}
}  // namespace detail

/// Clear: x −= GELU(128·x)/128 on each column of the registers; for x ∈ {0, 1} that is exactly 0.
/// DIVERGENCE (exact digits): the seed uses 100 and −0.01; 100 × round(−0.01) leaves −4 ulp behind
/// in binary fixed point, 128 and −1/128 leave nothing.
template <class L, class... Slots>
constexpr mlp_for<L, L::width> clear(L const&, Slots... regs) {
    mlp_for<L, L::width> w{};
    w.name = "clear";
    w.about = {layer_about::narration::clear, layer_about::units::numbered, 0, {},
               "An MLP that empties digit registers: x −= GELU(128·x)/128, which for x ∈ {0, 1} is exactly x (GELU(0) = "
    "0, and GELU is the identity above 7). In the rows from '=' on these registers hold exact 0s and 1s, so nothing is "
    "left behind. It has no unit for the carry: the carry the last pass's column table left there must reach this "
    "pass's."};
    (detail::clear_units(w, regs.offset, regs), ...);  // unit c clears column c
    return w;
}

/// StepPosition: rotate each cursor by its offset (in positions). Hidden unit c computes
/// GELU(1000 + x·(R − I)) − 1000 = x·(R − I) exactly, because GELU is the identity above 7 here.
/// Units of columns that are not cursors have no input: GELU(1000) − 1000 = 0 is folded at compile
/// time (see compile_mlp).
template <class L, std::size_t N>
constexpr mlp_for<L, L::width> step_position(L const&, std::array<std::pair<slot, std::int64_t>, N> const& moves,
                                             std::string_view name, std::int64_t period = position_period) {
    mlp_for<L, L::width> w{};
    w.name = name;
    w.about = {layer_about::narration::changes, layer_about::units::numbered, 0, {},
               "An MLP that moves cursors. A cursor is (sin, cos) of an angle; moving it k positions is a rotation, a linear "
    "map R. Each hidden unit computes GELU(1000 + x·(R − I)) − 1000, and GELU is the identity that far "
    "from 0, so the update is exactly x·(R − I) and the cursor becomes x·R."};
    for (auto const& [s, offset] : moves) detail::step_units(w, s[0], s, offset, period);  // units s[0], s[1] move the cursor
    for (std::size_t c = 0; c < L::width; ++c) {  // every other unit: GELU(1000) − 1000 = 0, folded at compile time
        w.b1[c] = fixed::from_int(1000);
        w.w2.set(c, c, fixed::from_int(1));
        w.b2[c] = fixed::from_int(-1000);
    }
    return w;
}

/// DiffPos: distance += GELU(a) + GELU(−a), a = 100·Δsin + 1000·Δcos between two positions.
/// Near a = 0 this is a·(2Φ(a) − 1) ≈ 0.8·a²: tiny cursor errors are squashed quadratically.
/// (The two factors differ so that Δsin and Δcos cannot cancel: with equal factors a vanishes
/// whenever sin + cos agree, as at positions 12 and 13, two answer rows of a 4-digit addition.)
template <class L>
constexpr mlp_for<L, 2> diff_pos(L const&, slot a, slot b, slot distance) {
    mlp_for<L, 2> w{};
    w.name = "diff_pos";
    w.about = {layer_about::narration::distance, layer_about::units::numbered, 0, {},
               "An MLP that measures how far the out cursor is from this row: distance += GELU(a) + GELU(−a) with a = "
    "100·Δsin + 1000·Δcos. That is about 0.8·a² near 0 and large elsewhere."};
    for (std::size_t u = 0; u < 2; ++u) {
        fixed const sign = fixed::from_int(u == 0 ? 1 : -1);
        w.w1.set(a[0], u, sign * fixed::from_int(100));
        w.w1.set(a[1], u, sign * fixed::from_int(1000));
        w.w1.set(b[0], u, sign * fixed::from_int(-100));
        w.w1.set(b[1], u, sign * fixed::from_int(-1000));
        w.w2.set(u, distance[0], fixed::from_int(1));
    }
    return w;
}

/// IsZero: d ↦ d + GELU(8 − 100·d)/8 − GELU(d + 8) + 8, which is 1 for d = 0 and exactly 0 for
/// d ≥ 0.15 (there GELU(8 − 100·d) = 0 and GELU(d + 8) = d + 8).
/// The seed's first bias has one element, broadcast by PyTorch to both hidden units; the
/// construction needs it on both (unit 1 must cancel the constant), so here it is written out twice.
/// DIVERGENCE (exact digits): the seed's constant is 10 with 0.1 on unit 0; 8 with 1/8 is exact.
template <class L>
constexpr mlp_for<L, 2> is_zero(L const&, slot z) {
    mlp_for<L, 2> w{};
    w.name = "is_zero";
    w.about = {layer_about::narration::flag, layer_about::units::numbered, 0, {},
               "An MLP that turns the distance into a flag: exactly 1 when the distance is 0 and exactly 0 once it is 0.15 or "
    "more (every other answer row is at least 7.57 away)."};
    w.w1.set(z[0], 0, fixed::from_int(-100));
    w.w1.set(z[0], 1, fixed::from_int(1));
    w.b1[0] = fixed::from_int(8);
    w.b1[1] = fixed::from_int(8);  // the seed's broadcast bias, made explicit
    w.w2.set(0, z[0], fixed::from_ratio(1, 8));
    w.w2.set(1, z[0], fixed::from_int(-1));
    w.b2[z[0]] = fixed::from_int(8);
    return w;
}

/// CopyOnMatch: dst_i += GELU(100·match + 100·src_i − 184)/16: fires (GELU(16) = 16 → 1) only when
/// both the match flag and the digit are 1; otherwise the input is ≤ −84 and GELU gives exactly 0.
/// It fires while match > 0.84, i.e. while the DiffPos input |a| < 0.1268 (tests/test_tour.cpp).
/// DIVERGENCE (exact digits): the seed fires at 10 and scales by 0.1; 16 and 1/16 are exact.
template <class L>
constexpr mlp_for<L, vocab_size> copy_on_match(L const&, slot match, slot src, slot dst) {
    mlp_for<L, vocab_size> w{};
    w.name = "copy_on_match";
    w.about = {layer_about::narration::copy, layer_about::units::tokens, 0, {},
               "An MLP that writes the output: final_i += GELU(100·match + 100·out_i − 184)/16 fires only when the "
    "flag and digit i are both 1, so only the row the out cursor points at gets the digit. The unembedding reads "
    "final: that row predicts this digit."};
    w.reports_decision = true;
    for (std::size_t i = 0; i < src.width; ++i) {
        w.w1.set(match[0], i, fixed::from_int(100));
        w.w1.set(src[i], i, fixed::from_int(100));
        w.b1[i] = fixed::from_int(-184);
        w.w2.set(i, dst[i], fixed::from_ratio(1, 16));
    }
    return w;
}

/// CarryOut (not in the seed, which loses the fifth digit of 9999+9999): after the D body passes
/// the carry register holds the sum's top digit, 0 or 1. One MLP clears `out`, writes that digit
/// into it as a one-hot — out_1 += GELU(128·carry)/128, out_0 += GELU(128 − 128·carry)/128, exact
/// for carry ∈ {0, 1} — and steps out_pos one position on, so the copy step that follows writes
/// the digit at the row after the last sum digit.
template <class L>
constexpr mlp_for<L, vocab_size + 4> carry_out(L const&, slot carry, slot out, slot out_pos, std::int64_t period = position_period) {
    mlp_for<L, vocab_size + 4> w{};
    w.name = "carry_out(out ← carry digit, out +1)";
    w.about = {layer_about::narration::digit_out, layer_about::units::numbered, 0, {},
               "After the last digit pair the carry register holds the answer's top digit. This MLP clears out, writes the "
    "carry there as a one-hot digit (0 or 1) and steps the out cursor, so the copy that follows writes it one row "
    "further on."};
    detail::clear_units(w, 0, out);
    w.w1.set(carry[0], vocab_size, fixed::from_int(128));
    w.w2.set(vocab_size, out[1], fixed::from_ratio(1, 128));
    w.w1.set(carry[0], vocab_size + 1, fixed::from_int(-128));
    w.b1[vocab_size + 1] = fixed::from_int(128);
    w.w2.set(vocab_size + 1, out[0], fixed::from_ratio(1, 128));
    detail::step_units(w, vocab_size + 2, out_pos, 1, period);
    return w;
}

/// EndToken (not in the seed): clears `out`, writes the token `tok` into it (a unit with no input,
/// GELU(128)/128 = 1, which compile_mlp folds into the output bias) and steps out_pos on, so the
/// copy step that follows writes `tok` at the row after the carry digit: the end of the answer.
template <class L>
constexpr mlp_for<L, vocab_size + 3> end_token(L const&, std::size_t tok, slot out, slot out_pos, std::int64_t period = position_period) {
    mlp_for<L, vocab_size + 3> w{};
    w.name = "end_token(out ← '\\n', out +1)";
    w.about = {layer_about::narration::end, layer_about::units::numbered, 0, {},
               "The answer's end: clear out, write the end token there with a unit that has no input (GELU(128)/128 = 1), "
    "and step the out cursor, so the next copy puts the end token on the row after the carry digit and generation "
    "stops."};
    detail::clear_units(w, 0, out);
    w.b1[vocab_size] = fixed::from_int(128);
    w.w2.set(vocab_size, out[tok], fixed::from_ratio(1, 128));
    detail::step_units(w, vocab_size + 1, out_pos, 1, period);
    return w;
}

/// SetDigit (not in the seed): a one-hot register ← the digit `value`: its columns cleared (as clear
/// does), then a unit with no input (GELU(128)/128 = 1, folded by compile_mlp into the output bias)
/// writes the one-hot. It starts a one-hot carry at 0.
template <class L>
constexpr mlp_for<L, vocab_size + 1> set_digit(L const&, slot dst, std::size_t value, std::string_view name) {
    mlp_for<L, vocab_size + 1> w{};
    w.name = name;
    w.about = {layer_about::narration::changes, layer_about::units::numbered, 0, {},
               "An MLP that sets a one-hot register to a digit: it clears the register's columns (as clear does), and a unit "
    "with no input (GELU(128)/128 = 1) writes the digit's column. It starts a one-hot carry at 0."};
    detail::clear_units(w, 0, dst);
    w.b1[vocab_size] = fixed::from_int(128);
    w.w2.set(vocab_size, dst[value], fixed::from_ratio(1, 128));
    return w;
}

/// CarryDigitOut: carry_out for a one-hot carry. Clears `out`, copies the carry's digit into it —
/// out_d += GELU(128·carry_d)/128, exact for a one-hot carry — and steps out_pos one position on.
template <class L, std::size_t CarryWidth>
constexpr mlp_for<L, vocab_size + CarryWidth + 2> carry_digit_out(L const&, slot carry, slot out, slot out_pos,
                                                                  std::int64_t period = position_period) {
    mlp_for<L, vocab_size + CarryWidth + 2> w{};
    w.name = "carry_digit_out(out ← carry digit, out +1)";
    w.about = {layer_about::narration::digit_out, layer_about::units::numbered, 0, {},
               "After the last column the one-hot carry register holds the answer's top digit. This MLP clears out, copies "
    "the carry's digit there (out_d += GELU(128·carry_d)/128, exact for a one-hot carry) and steps the out "
    "cursor, so the copy that follows writes it one row further on."};
    detail::clear_units(w, 0, out);
    for (std::size_t d = 0; d < CarryWidth; ++d) {
        w.w1.set(carry[d], vocab_size + d, fixed::from_int(128));
        w.w2.set(vocab_size + d, out[d], fixed::from_ratio(1, 128));
    }
    detail::step_units(w, vocab_size + CarryWidth, out_pos, 1, period);
    return w;
}

/// The final projection (unembedding): the final register onto the token logits. The seed's is
/// 80×80 with the 66 non-token columns zero; only the 14 token columns are kept here.
template <class L>
constexpr matrix<L::width, vocab_size> unembed(L const&, slot final_digit) {
    matrix<L::width, vocab_size> m{};
    for (std::size_t i = 0; i < final_digit.width; ++i) m.set(final_digit[i], i, fixed::from_int(1));
    return m;
}

}  // namespace ctformer
