// ctformer/proof/all_inputs.hpp — the proof that a program's network is right for every input: all
// 10^(2D) prompts of D-digit operands, from premises the compiler checks on the real compiled network.
// The program (model/program.hpp) is the one the network's weights claim to run; its column rule
// and grammar say what each answer row must hold.
//
// The idea (docs/proof.md tells it at length). Generation runs the forward pass on the rows from '='
// on, one per answer token. Follow one such row through the program, layer by layer, holding its
// residual as
//   * a position part — pos, the cursors, distance: the same numbers for every input, and
//   * digit registers — token, left, right, out, carry, final — each an exact one-hot (or zero, or
//     for the one-column carry an exact 0 or 1) whose value is a *symbol*: the token of row j, the
//     column digit or carry (the program's column rule) of three other symbols, a constant.
// At each layer the walk enumerates every value the digit registers the layer reads or writes can
// hold (ten digits for a token of a digit row, two for a carry, ...), runs the real compiled layer
// on each case, and checks that the position part comes out the same in every case, that each
// written digit register is again an exact one-hot, and that its new value is one rule of the
// cases — unchanged, a copy of one of the inputs, the column digit or carry of three inputs, a
// constant. Attention is checked to choose the same row with weight exactly 1 whatever the digits
// (its queries and keys are evaluated for every token a row may hold). At the end the final
// register's symbol must be the k-th digit of the program's schoolbook answer (built here from its
// column rule, independently of the network), and
// the unembedding must turn every value it can take into that token.
//
// Because a compiled layer's update is a function of the columns it reads (its sparse lists name
// them), the cases enumerated cover every input; and every value met is the value of the real
// fixed-point arithmetic, so nothing overflows on any input's path (an overflow throws, which in a
// constant expression stops the build).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ctformer/detail/hana.hpp"

#include "ctformer/layers/margins.hpp"
#include "ctformer/model/addition.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/prompt.hpp"
#include "ctformer/runtime/forward.hpp"
#include "ctformer/proof/feedback.hpp"
#include "ctformer/proof/positions.hpp"
#include "ctformer/proof/text.hpp"
#include "ctformer/runtime/generate.hpp"

namespace ctformer {

/// The premises of the all-input proof (docs/proof.md). (The walk meets start first and checks path
/// after every layer; they come last so that the numbers clang++ prints for the others stay.)
enum class premise : std::uint8_t {
    dependency,  ///< (a) only digit registers can depend on the digits; queries and keys read none
    selection,  ///< (b) every attention chooses one row with weight exactly 1, whatever the digits
    pass,  ///< (c) a body layer maps every case of its digit registers by one rule, exactly
    copy,  ///< (d) copy_on_match writes out into final in the matching row only
    epilogue,  ///< (e) the epilogue's layers and the unembedding: carry digit, '\n', the token
    answer,  ///< the final register holds the k-th digit of the program's answer, for every input
    start,  ///< (s) every row's embedding, for every token it may hold, is what the walk starts from
    path,  ///< (p) generation as users run it goes through the walk's states, layer by layer
    feedback,  ///< (f) generation feeds each predicted token back as the next row, for every digit and row
};
inline constexpr std::size_t premise_count = 9;

constexpr std::string_view premise_name(premise p) {
    constexpr std::string_view names[] = {"dependency", "selection", "pass", "copy", "epilogue", "answer", "start", "path", "feedback"};
    return names[static_cast<std::size_t>(p)];
}

/// What a premise claims, in one line (the prove command's table, docs/proof.md).
constexpr std::string_view premise_claim(premise p) {
    constexpr std::string_view claims[] = {
        "positions, cursors, queries and keys do not depend on the digits",
        "each attention gives one row weight exactly 1, the others 0, for every input",
        "each body layer maps every case of its digit registers by one exact rule",
        "copy_on_match copies out into final in the matching row, leaves it elsewhere",
        "carry_out, end_token and the unembedding give the carry digit, '\\n', the token",
        "the final register holds the answer's digit of its row, for every input",
        "each row's embedding: its token one-hot, digit registers empty, position part token-free",
        "ctformer::generate's own forward pass matches the walk after every layer",
        "generation feeds each token given or predicted back as the row forward reads, every digit in every row",
    };
    return claims[static_cast<std::size_t>(p)];
}

/// Where the proof failed: a structural value, so that the diagnostic can show it as a template
/// argument (see proven_for_all_inputs).
struct proof_failure {
    premise which = premise::dependency;
    std::uint16_t digits = 0;
    std::uint16_t row = 0;  ///< the answer row whose walk failed (0 for the structural analysis)
    std::uint16_t pass = 0;  ///< 0 the prologue, 1..D the body passes, D + 1 the epilogue (feedback: the prediction)
    std::uint16_t column = 0;  ///< the column concerned, where there is one
    char layer[48]{};
    char what[160]{};
};

/// Cases checked and the smallest margin met, for one premise. `cases` were evaluated by this walk;
/// `credited` were covered by a rule learnt from cases evaluated before (docs/proof.md, Lemma R).
struct premise_tally {
    std::uint64_t cases = 0;
    std::uint64_t credited = 0;
    fixed margin = no_margin_yet;  ///< no_margin_yet: the premise has no margin
    constexpr void note(fixed m) {
        if (m < margin) margin = m;
    }
};

/// The outcome of the all-input proof for one digit count (or one of its rows).
struct all_inputs_report {
    bool holds = true;
    proof_failure failure{};
    std::array<premise_tally, premise_count> tally{};
    std::uint64_t rows = 0;  ///< answer rows walked
    constexpr premise_tally& operator[](premise p) { return tally[static_cast<std::size_t>(p)]; }
    constexpr premise_tally const& operator[](premise p) const { return tally[static_cast<std::size_t>(p)]; }
    constexpr void merge(all_inputs_report const& o) {
        if (holds && !o.holds) holds = false, failure = o.failure;
        for (std::size_t k = 0; k < premise_count; ++k) {
            tally[k].cases += o.tally[k].cases;
            tally[k].credited += o.tally[k].credited;
            tally[k].note(o.tally[k].margin);
        }
        rows += o.rows;
    }
};

namespace detail {

/// What a symbol is: how a digit register's value is made from the operands' digits.
enum class symbol_kind : std::uint8_t { zero, token_of, column_digit, column_carry, constant };

struct symbol {
    symbol_kind kind = symbol_kind::zero;
    std::uint16_t a = 0, b = 0, c = 0;  ///< token_of: a = row; constant: a = value; column: three symbols, x y carry
                                        ///< (canonical: the least order the column rule cannot tell apart)
    constexpr bool operator==(symbol const&) const = default;
};

/// Values a register can hold, as a bit set: bit v + 1 for value v, v = −1 meaning "all zero".
using value_set = std::uint32_t;
inline constexpr int no_value = -1;  ///< a one-hot register that holds nothing
inline constexpr int bad_value = -2;  ///< not an exact one-hot, zero, 0 or 1
constexpr value_set value_bit(int v) { return value_set{1} << (v + 1); }
inline constexpr value_set digit_values = 0x3FFu << 1;  // 0..9

/// The name of the distinct layer at `slot` (prologue, body, epilogue).
template <class Net>
constexpr std::string_view distinct_layer_name(Net const& net, std::size_t slot) {
    std::string_view name{};
    std::size_t k = 0;
    for_each_distinct_layer(net, [&](auto const& layer) {
        if (k++ == slot) name = layer.name;
    });
    return name;
}

/// The orders of three arguments: order k reads (args[perm[k][0]], args[perm[k][1]], args[perm[k][2]]).
inline constexpr std::array<std::array<std::uint8_t, 3>, 6> argument_orders = {
    {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}};

/// Which argument orders program P's column rule cannot tell apart: f(permuted) = f(args), digit and
/// carry, for every three values 0–9 (a superset of what the rule meets). Symbols are interned in
/// the least such order, so that equal functions of the same symbols are one symbol (addition's
/// rule is symmetric in all three, subtraction's in the two it subtracts).
template <class P>
constexpr std::array<bool, 6> rule_symmetries() {
    std::array<bool, 6> same{};
    for (std::size_t k = 0; k < 6; ++k) {
        same[k] = true;
        for (int x = 0; x < 10 && same[k]; ++x)
            for (int y = 0; y < 10 && same[k]; ++y)
                for (int z = 0; z < 10 && same[k]; ++z) {
                    int const v[3] = {x, y, z};
                    auto const& o = argument_orders[k];
                    if (!(P::column(v[o[0]], v[o[1]], v[o[2]]) == P::column(x, y, z))) same[k] = false;
                }
    }
    return same;
}

constexpr int popcount(std::uint64_t x) {
    int n = 0;
    for (; x; x &= x - 1) ++n;
    return n;
}

}  // namespace detail

/// The most digits a walk takes: the 3D + 3 rows of a D-digit addition fit a forward pass.
inline constexpr std::size_t max_walk_digits = (max_rows - 3) / 3;

/// The all-input prover for a network builder. Every function is constexpr: the compiler runs it
/// in static_asserts (tests/proofs), the prove command at run time.
template <class Build>
class all_inputs {
public:
    static constexpr auto const& net = network_of<Build>;  ///< the weights the walk evaluates
    using program_type = program_of<Build>;  ///< the program the weights claim to run: what the walk checks
    using shape_of = prompt_shape<program_type>;  ///< where its operands and answer rows are
    /// The same network as a constant, for what depends on structure alone (a runtime_build's
    /// weights change, its structure does not).
    static constexpr auto const& structure = structure_of<Build>;
    using layout_type = std::remove_cvref_t<decltype(net.layout)>;
    static constexpr std::size_t width = layout_type::width;
    static constexpr std::size_t n_regs = layout_type::count + 1;  ///< the token block, then the layout's registers
    using row = row_vector<width>;
    using shape = network_shape<std::remove_cvref_t<decltype(net)>>;
    static constexpr std::size_t max_steps = shape::steps(max_walk_digits);
    /// The values a column carry takes: 0..max_carry.
    static constexpr detail::value_set carry_values = [] {
        detail::value_set v = 0;
        for (int c = 0; c <= program_type::max_carry; ++c) v |= detail::value_bit(c);
        return v;
    }();

    /// Premise (p)'s record: generation as users run it (ctformer::generate, the plain forward pass
    /// and greedy choice) on the representative prompt — every operand digit 0 — with, per answer row
    /// and layer, a digest of the row after the layer, and the tokens the sequence held.
    struct generation_trace {
        std::size_t digits = 0;
        std::size_t passes = 0;  ///< answer rows generated
        std::array<std::uint8_t, max_rows> tokens{};  ///< prompt and generated tokens
        std::array<std::uint64_t, (max_walk_digits + 2) * max_steps> digest{};  ///< [answer row][step]
        all_inputs_report start{};  ///< premise (s) over the rows generation placed, once per trace
        all_inputs_report feedback{};  ///< premise (f), once per trace (proof/feedback.hpp)
    };

    /// The digest premise (p) compares after a layer: the columns the layer writes, or the whole row
    /// after the last layer of a pass (a column a defect changed unasked shows there, if not before).
    template <class Layer, class Value>
    static constexpr std::uint64_t step_digest(Layer const& layer, bool whole, Value const& value_at) {
        std::uint64_t h = 0xcbf29ce484222325ull;
        auto mix = [&](std::size_t c) {
            h ^= static_cast<std::uint64_t>(value_at(c));
            h *= 0x100000001b3ull;
        };
        if (whole)
            for (std::size_t c = 0; c < width; ++c) mix(c);
        else
            for (std::uint16_t const c : layer.out_cols) mix(c);
        return h;
    }

    /// Runs generation as ctformer::generate (and ctformer::add) does on the prompt of zeros
    /// (0..0+0..0= for the adder) and records it (one per digit count, shared by the walks of its
    /// answer rows): its first `rows` answer rows (a unit whose last row comes early needs no more
    /// of them). The digit count is a run-time value: one generation is compiled
    /// for every D (detail::walk_model<Build, digits_at_run_time>).
    static constexpr generation_trace trace_for(std::size_t digits, std::size_t rows) {
        if (digits < 1 || digits > max_walk_digits)
            throw std::out_of_range("ctformer::all_inputs: a walk takes 1 to 20 digits (3D + 3 rows fit a forward pass)");
        using M = detail::walk_model<Build, digits_at_run_time>;
        generation_trace tr{};
        tr.digits = digits;
        std::size_t calls = 0;
        std::size_t const steps = shape::steps(digits);
        prompt_ids<program_type> const prompt(digits, 0, 0);
        auto const g = generate<M>(digits, prompt.view(), rows < digits + 2 ? rows : digits + 2, [&](auto const& layer, row const& x, std::uint64_t) {
            std::size_t const pass = calls / steps, step = calls % steps;
            ++calls;
            fixed const* const xp = x.data();
            if (pass < digits + 2)
                tr.digest[pass * max_steps + step] = step_digest(layer, step + 1 == steps, [xp](std::size_t c) { return xp[c].raw; });
        });
        tr.passes = g.generated;
        for (std::size_t j = 0; j < g.length && j < max_rows; ++j)
            tr.tokens[j] = static_cast<std::uint8_t>(token_in<program_type>(g.text[j]));
        // premise (s), once for the rows generation placed (every walk of the trace starts there)
        walker w{digits, shape_of::first_answer_row(digits) + tr.passes - 1, &tr};
        w.check_start();
        tr.start = w.report;
        // premise (f): the loop and the sequence around the forward pass, every token in every row
        auto const f = detail::feedback_of<M>(digits);
        tr.feedback[premise::feedback].cases = f.cases;
        if (!f.holds) {
            tr.feedback.holds = false;
            tr.feedback.failure = proof_failure{premise::feedback, static_cast<std::uint16_t>(digits), static_cast<std::uint16_t>(f.row),
                                                static_cast<std::uint16_t>(f.call), 0, {}, {}};
            for (std::size_t i = 0; i < sizeof f.layer; ++i) tr.feedback.failure.layer[i] = f.layer[i];
            for (std::size_t i = 0; i < sizeof f.what; ++i) tr.feedback.failure.what[i] = f.what[i];
        }
        return tr;
    }
    /// trace_for(digits, rows) for every answer row.
    static constexpr generation_trace trace_for(std::size_t digits) { return trace_for(digits, digits + 2); }
    /// trace_for for a digit count known at compile time.
    template <std::size_t D>
    static constexpr generation_trace trace(std::size_t rows = D + 2) {
        static_assert(D >= 1 && D <= max_walk_digits, "ctformer::all_inputs: a walk takes 1 to max_walk_digits digits");
        return trace_for(D, rows);
    }

    /// Register names and slots: the token block first.
    static constexpr auto registers = [] {
        std::array<std::pair<std::string_view, slot>, n_regs> r{};
        r[0] = {"token", slot{0, vocab_size}};
        auto const e = structure.layout.entries();
        for (std::size_t i = 0; i + 1 < n_regs; ++i) r[i + 1] = e[i];
        return r;
    }();
    static constexpr auto register_of = [] {
        std::array<std::uint8_t, width> r{};
        for (std::size_t g = 0; g < n_regs; ++g)
            for (std::size_t i = 0; i < registers[g].second.width; ++i) r[registers[g].second[i]] = static_cast<std::uint8_t>(g);
        return r;
    }();

    /// Premise (a), structural: which columns can depend on the digit tokens. A column does when a
    /// hidden unit that reads such a column writes it, or an attention's value that reads such a
    /// column is written to it. Queries and keys may read the token block only (the walk checks
    /// that they come out the same for every digit); reading any other such column fails.
    struct dependency_result {
        std::array<bool, width> depends{};  ///< the column can depend on the digits
        std::array<std::int16_t, width> via{};  ///< the slot of the layer that first made it so (−1: a token)
        std::uint64_t cases = 0;  ///< (layer, unit or output) pairs examined
        bool holds = true;
        proof_failure failure{};
    };
    static constexpr dependency_result dependency = [] {
        dependency_result d{};
        for (std::size_t c = 0; c < width; ++c) d.depends[c] = c < vocab_size, d.via[c] = -1;
        bool grew = true;
        auto mark = [&](std::size_t c, std::size_t slot) {  // a register depends on the digits as a whole
            if (d.depends[c]) return;
            {
                ctformer::slot const s = registers[register_of[c]].second;
                for (std::size_t i = 0; i < s.width; ++i)
                    if (!d.depends[s[i]]) d.depends[s[i]] = true, d.via[s[i]] = static_cast<std::int16_t>(slot);
            }
            grew = true;
        };
        while (grew) {
            grew = false;
            std::size_t slot = 0;
            for_each_distinct_layer(structure, [&](auto const& layer) {
                using T = std::remove_cvref_t<decltype(layer)>;
                if constexpr (T::is_attention) {
                    for (std::size_t o = 0; o < T::n_outputs; ++o) {
                        ++d.cases;
                        for (std::size_t e = layer.v.start[o]; e < layer.v.start[o + 1]; ++e)
                            if (d.depends[layer.v.index[e]]) mark(layer.out_cols[o], slot);
                    }
                } else {
                    for (std::size_t u = 0; u < T::n_units; ++u) {
                        ++d.cases;
                        bool reads = false;
                        for (std::size_t e = layer.in.start[u]; e < layer.in.start[u + 1]; ++e) reads |= d.depends[layer.in.index[e]];
                        if (reads)
                            for (std::size_t e = layer.out.start[u]; e < layer.out.start[u + 1]; ++e)
                                mark(layer.out_cols[layer.out.index[e]], slot);
                    }
                }
                ++slot;
            });
        }
        std::size_t slot = 0;
        for_each_distinct_layer(structure, [&](auto const& layer) {
            using T = std::remove_cvref_t<decltype(layer)>;
            if constexpr (T::is_attention) {
                auto check = [&](auto const& lists, std::string_view part) {
                    for (std::size_t e = 0; e < lists.start[T::heads]; ++e) {
                        std::size_t const c = lists.index[e];
                        if (!d.holds || c < vocab_size || !d.depends[c]) continue;
                        d.holds = false;
                        d.failure.which = premise::dependency;
                        d.failure.column = static_cast<std::uint16_t>(c);
                        detail::text_writer<48>{d.failure.layer} << layer.name;
                        detail::text_writer<160> w{d.failure.what};
                        w << "its " << part << " reads column " << static_cast<long long>(c) << " ("
                          << registers[register_of[c]].first << "), which depends on the digits through layer "
                          << detail::distinct_layer_name(structure, static_cast<std::size_t>(d.via[c]));
                    }
                };
                check(layer.q, "query");
                check(layer.k, "key");
            }
            ++slot;
        });
        (void)slot;
        return d;
    }();

    /// Walks answer row `r` of a `digits`-digit addition (2D + 1 ≤ r ≤ 3D + 2) and proves that
    /// for every pair of operands (and every answer token fed back before it) the row predicts the
    /// token generation needs there.
    /// `tr` is trace<digits>() (premise p).
    static constexpr all_inputs_report prove_row(std::size_t digits, std::size_t r, generation_trace const& tr) {
        walker w{digits, r, &tr};
        w.run();
        return w.report;
    }

    /// prove_row for the static_asserts: it starts with the rules learnt_once_ learnt, so that a
    /// unit of many rows learns them once. (Run-time callers use prove_row: naming learnt_once_
    /// makes the compiler evaluate it, which needs the proof units' constant-evaluation budget.)
    static constexpr all_inputs_report prove_row_sharing_rules(std::size_t digits, std::size_t r, generation_trace const& tr) {
        walker w{digits, r, &tr};
        w.seed(learnt_once());
        w.run();
        return w.report;
    }

    /// Every answer row of a `digits`-digit addition, one walk each.
    static constexpr all_inputs_report prove(std::size_t digits) {
        all_inputs_report total{};
        total[premise::dependency].cases = dependency.cases;
        if (!dependency.holds) {
            total.holds = false;
            total.failure = dependency.failure;
            total.failure.digits = static_cast<std::uint16_t>(digits);
            return total;
        }
        generation_trace const tr = trace_for(digits);
        for (std::size_t r = shape_of::first_answer_row(digits); r <= shape_of::last_answer_row(digits); ++r)
            total.merge(prove_row(digits, r, tr));
        return total;
    }

private:
    using symbol = detail::symbol;
    using symbol_kind = detail::symbol_kind;
    using value_set = detail::value_set;

    /// Per distinct layer, bit j: row j's key comes out the same for each of the ten digits (an
    /// attention key reads the row's embedding only, so one table serves every walk).
    using digit_free_table = std::array<std::uint64_t, shape::distinct>;
    static constexpr digit_free_table find_digit_free_keys() {
        digit_free_table bits{};
        std::size_t slot = 0;
        for_each_distinct_layer(net, [&](auto const& layer) {
            using T = std::remove_cvref_t<decltype(layer)>;
            if constexpr (T::is_attention)
                for (std::size_t j = 0; j < max_rows; ++j) {
                    typename T::cache_entry first{};
                    layer.fill_cache(first, net.embedding(0, j));
                    bool same = true;
                    for (std::size_t t = 1; t < 10 && same; ++t) {
                        typename T::cache_entry e{};
                        layer.fill_cache(e, net.embedding(t, j));
                        same = e.k == first.k;
                    }
                    if (same) bits[slot] |= std::uint64_t{1} << j;
                }
            ++slot;
        });
        return bits;
    }
    static constexpr digit_free_table digit_free_keys = find_digit_free_keys();
    /// digit_free_keys, or for a runtime_build (whose weights change) evaluated now.
    static constexpr digit_free_table digit_free_keys_now() {
        if constexpr (is_runtime_build<Build>)
            return find_digit_free_keys();
        else
            return digit_free_keys;
    }

    /// Where the unembedding reads: the register whose value is the predicted token.
    static constexpr std::size_t answer_register = [] {
        std::size_t found = n_regs;
        bool one = true;
        for (std::size_t c = 0; c < width; ++c)
            for (std::size_t t = 0; t < vocab_size; ++t)
                if (structure.unembed(c, t).raw != 0) {  // mutants leave the unembedding as it is
                    if (found != n_regs && found != register_of[c]) one = false;
                    found = register_of[c];
                }
        return one ? found : n_regs;
    }();

    struct walker {
        std::size_t digits;
        std::size_t r;
        generation_trace const* trace;  ///< premise p: generation as users run it, on the representative prompt
        all_inputs_report report{};
        row base{};
        std::array<std::uint16_t, n_regs> sym{};
        std::array<symbol, 192> pool{};
        std::array<int, 192> at_representative{};  ///< each symbol's value on the representative prompt (trace)
        std::size_t n_symbols = 0;
        std::size_t pass = 0;
        // Copies of the class's tables: in constant evaluation g++ copies a static constexpr
        // aggregate on each access, so the hot loops read these.
        std::array<bool, width> depends_ = dependency.depends;
        std::array<slot, n_regs> reg_slot_ = [] {
            std::array<slot, n_regs> r{};
            for (std::size_t g = 0; g < n_regs; ++g) r[g] = registers[g].second;
            return r;
        }();
        std::array<std::uint8_t, width> reg_of_ = register_of;
        digit_free_table digit_free_ = digit_free_keys_now();
        std::array<bool, 6> symmetries_ = detail::rule_symmetries<program_type>();

        // ---- symbols -------------------------------------------------------------------------
        constexpr std::uint16_t intern(symbol s) {
            if (s.kind == symbol_kind::column_digit || s.kind == symbol_kind::column_carry) {  // the least order the rule allows
                // As an argument of a column, an empty one-column register (zero) is the number 0: one
                // symbol for both, whether the carry starts empty (the adder's) or set to 0 (a one-hot's).
                for (std::uint16_t* arg : {&s.a, &s.b, &s.c})
                    if (pool[*arg].kind == symbol_kind::zero) *arg = intern(symbol{symbol_kind::constant, 0});
                std::uint16_t const v[3] = {s.a, s.b, s.c};
                for (std::size_t k = 0; k < 6; ++k) {
                    if (!symmetries_[k]) continue;
                    auto const& o = detail::argument_orders[k];
                    symbol const t{s.kind, v[o[0]], v[o[1]], v[o[2]]};
                    if (t.a < s.a || (t.a == s.a && (t.b < s.b || (t.b == s.b && t.c < s.c)))) s = t;
                }
            }
            for (std::size_t i = 0; i < n_symbols; ++i)
                if (pool[i] == s) return static_cast<std::uint16_t>(i);
            // A column whose result is one value for every value its arguments can take is that
            // constant (a program whose carry is never set: its column carry is 0): one symbol for
            // both, so that the walk's "unchanged 0" and the answer's "carry of column 1" agree.
            if (s.kind == symbol_kind::column_digit || s.kind == symbol_kind::column_carry) {
                int const only = constant_column(s);
                if (only != detail::bad_value) return intern(symbol{symbol_kind::constant, static_cast<std::uint16_t>(only)});
            }
            if (n_symbols == pool.size()) throw std::length_error("ctformer::all_inputs: too many symbols");
            pool[n_symbols] = s;
            int const a = at_representative[s.a], b = at_representative[s.b], c = at_representative[s.c];
            switch (s.kind) {
                case symbol_kind::zero: at_representative[n_symbols] = 0; break;
                case symbol_kind::token_of: at_representative[n_symbols] = trace->tokens[s.a]; break;
                case symbol_kind::column_digit: at_representative[n_symbols] = program_type::column(a, b, c).digit; break;
                case symbol_kind::column_carry: at_representative[n_symbols] = program_type::column(a, b, c).carry; break;
                case symbol_kind::constant: at_representative[n_symbols] = s.a; break;
            }
            return static_cast<std::uint16_t>(n_symbols++);
        }
        /// The one value column symbol s takes over every value of its arguments, or bad_value.
        constexpr int constant_column(symbol const& s) const {
            auto const values = [&](std::uint16_t id) {  // as a column's argument, an empty register is the number 0
                return pool[id].kind == symbol_kind::zero ? detail::value_bit(0) : values_of(id, 0);
            };
            int only = detail::bad_value;
            for (value_set x = values(s.a); x; x &= x - 1)
                for (value_set y = values(s.b); y; y &= y - 1)
                    for (value_set c = values(s.c); c; c &= c - 1) {
                        column_result const r = program_type::column(lowest(x), lowest(y), lowest(c));
                        int const v = s.kind == symbol_kind::column_digit ? r.digit : r.carry;
                        if (only == detail::bad_value) only = v;
                        if (v != only) return detail::bad_value;
                    }
            return only;
        }
        /// The token row j holds: fixed for the operation and '=', any digit for an operand or answer digit.
        constexpr value_set token_values(std::size_t j) const {
            if (j == shape_of::operation_row(digits)) return detail::value_bit(static_cast<int>(token::operation));
            if (j == shape_of::equals_row(digits)) return detail::value_bit(static_cast<int>(token::equals));
            return detail::digit_values;
        }
        constexpr int zero_value(std::size_t g) const { return reg_slot_[g].width == 1 ? 0 : detail::no_value; }
        constexpr value_set values_of(std::uint16_t id, std::size_t g) const {
            symbol const s = pool[id];
            switch (s.kind) {
                case symbol_kind::zero: return detail::value_bit(zero_value(g));
                case symbol_kind::token_of: return token_values(s.a);
                case symbol_kind::column_digit: return detail::digit_values;
                case symbol_kind::column_carry: return carry_values;
                case symbol_kind::constant: return detail::value_bit(static_cast<int>(s.a));
            }
            return 0;
        }

        // ---- register values -----------------------------------------------------------------
        constexpr void encode(row& x, std::size_t g, int v) const {
            slot const s = reg_slot_[g];
            if (s.width == 1) {
                x[s[0]] = fixed::from_int(v);
                return;
            }
            for (std::size_t i = 0; i < s.width; ++i) x[s[i]] = fixed{};
            if (v >= 0) x[s[static_cast<std::size_t>(v)]] = fixed::from_int(1);
        }
        constexpr int decode(row const& x, std::size_t g) const {
            slot const s = reg_slot_[g];
            if (s.width == 1) {
                std::int64_t const raw = x[s[0]].raw;
                return raw == 0 ? 0 : raw == fixed::one_raw ? 1 : detail::bad_value;
            }
            int v = detail::no_value;
            for (std::size_t i = 0; i < s.width; ++i) {
                std::int64_t const raw = x[s[i]].raw;
                if (raw == 0) continue;
                if (raw != fixed::one_raw || v != detail::no_value) return detail::bad_value;
                v = static_cast<int>(i);
            }
            return v;
        }
        /// The value of a register that held `old` once `delta` is added to it (bad_value when it
        /// is not an exact one-hot, zero, 0 or 1).
        static constexpr int decode_after(slot s, int old, std::array<std::int64_t, vocab_size> const& delta) {
            std::int64_t const one = fixed::one_raw;
            if (s.width == 1) {
                std::int64_t const raw = std::int64_t{old} * one + delta[0];
                return raw == 0 ? 0 : raw == one ? 1 : detail::bad_value;
            }
            int v = detail::no_value;
            for (std::size_t i = 0; i < s.width; ++i) {
                std::int64_t const raw = (static_cast<int>(i) == old ? one : 0) + delta[i];
                if (raw == 0) continue;
                if (raw != one || v != detail::no_value) return detail::bad_value;
                v = static_cast<int>(i);
            }
            return v;
        }
        constexpr bool is_digit_register(std::size_t g) const { return depends_[reg_slot_[g].offset]; }
        static constexpr int lowest(value_set s) {
            for (int v = -1; v < 30; ++v)
                if (s & detail::value_bit(v)) return v;
            return detail::bad_value;
        }
        constexpr row embedding(std::size_t j, int tok) const { return net.embedding(static_cast<std::size_t>(tok), j); }
        /// Row j's embedding with the lowest token it may hold, made once per walk (run() owns them).
        constexpr row const& representative_embedding(std::size_t j) const { return representatives_[j]; }
        row const* representatives_ = nullptr;

        // ---- failure -------------------------------------------------------------------------
        constexpr detail::text_writer<160> fail(premise p, std::string_view layer, std::size_t column = 0) {
            report.holds = false;
            proof_failure& f = report.failure;
            f.which = p;
            f.digits = static_cast<std::uint16_t>(digits);
            f.row = static_cast<std::uint16_t>(r);
            f.pass = static_cast<std::uint16_t>(pass);
            f.column = static_cast<std::uint16_t>(column);
            detail::text_writer<48>{f.layer} << layer;
            return detail::text_writer<160>{f.what};
        }

        // ---- the cases of a layer ------------------------------------------------------------
        /// A variable the cases range over: a digit register of this row, or the token of row j.
        struct variable {
            std::size_t reg = 0;  ///< the register (for a row token: the token block)
            std::size_t token_row = SIZE_MAX;  ///< SIZE_MAX: this row's register
            value_set values = 0;
            std::uint16_t symbol = 0;
            bool read = true;  ///< the layer reads it (false: written only, its old value enumerated)
        };
        struct case_set {
            std::array<variable, 8> var{};
            std::size_t n = 0;
            constexpr void add(variable v) {
                for (std::size_t i = 0; i < n; ++i)
                    if (var[i].reg == v.reg && var[i].token_row == v.token_row) {
                        var[i].read = var[i].read || v.read;
                        return;
                    }
                var[n++] = v;
            }
        };
        constexpr variable register_variable(std::size_t g, bool read) const {
            return variable{g, SIZE_MAX, values_of(sym[g], g), sym[g], read};
        }

        /// The rule a written register's new value follows, learnt over all cases.
        enum class rule : std::uint8_t { unchanged, copy, column_digit, column_carry, constant };
        struct rule_set {
            bool unchanged = true, constant = true;
            std::array<bool, 6> digit{true, true, true, true, true, true};  ///< the column digit, per argument order
            std::array<bool, 6> carry{true, true, true, true, true, true};  ///< the column carry, per argument order
            std::array<bool, 8> copy{};
            bool started = false;
            int first = detail::bad_value;
        };
        struct learnt {  ///< what `cases` found for one written register
            rule kind = rule::unchanged;
            std::uint8_t var = 0;  ///< copy: the variable copied
            int value = 0;  ///< constant: the value
        };
        /// What, beyond the value sets of its variables, decides a layer's cases: nothing for a
        /// layer that reads no column of the position part; for an attention's value (add_value),
        /// the value it adds for each token the chosen row may hold.
        struct fingerprint {
            std::array<std::int64_t, 160> v{};
            std::size_t n = 0;
            constexpr bool operator==(fingerprint const&) const = default;
        };
        /// A layer's rules for given value sets of its variables and a given fingerprint: the
        /// cases, and so the rules, are the same whenever both are.
        struct cache_entry {
            std::size_t slot = SIZE_MAX;
            std::array<value_set, 8> values{};
            fingerprint print{};
            std::array<learnt, n_regs> rules{};
            std::uint64_t cases = 0;  ///< the cases the rules were learnt from
            fixed margin = no_margin_yet;  ///< the smallest decision margin those cases met
        };
        std::array<cache_entry, 16> cache{};
        std::size_t n_cached = 0;
        std::size_t last_entry = SIZE_MAX;  ///< the cache entry the last cases() used or filled (SIZE_MAX: none)
        bool last_hit = false;  ///< whether that entry was a hit

        /// Does one rule still hold after a case where register g went from `old` to `now`?
        static constexpr void observe(rule_set& rs, case_set const& cs, std::array<int, 8> const& value,
                                      std::array<std::size_t, 8> const& reads, std::size_t n_read, int old, int now) {
            if (!rs.started) {
                rs.started = true;
                rs.first = now;
                for (std::size_t i = 0; i < cs.n; ++i) rs.copy[i] = true;
            }
            if (now != old) rs.unchanged = false;
            if (now != rs.first) rs.constant = false;
            for (std::size_t i = 0; i < cs.n; ++i)
                if (!cs.var[i].read || now != value[i]) rs.copy[i] = false;
            if (n_read == 3 && value[reads[0]] >= 0 && value[reads[1]] >= 0 && value[reads[2]] >= 0) {
                for (std::size_t k = 0; k < 6; ++k) {
                    if (!rs.digit[k] && !rs.carry[k]) continue;
                    auto const& o = detail::argument_orders[k];
                    column_result const c = program_type::column(value[reads[o[0]]], value[reads[o[1]]], value[reads[o[2]]]);
                    if (now != c.digit) rs.digit[k] = false;
                    if (now != c.carry) rs.carry[k] = false;
                }
            } else {
                rs.digit = {};
                rs.carry = {};
            }
        }
        static constexpr bool alive(rule_set const& rs) {
            return rs.unchanged || rs.constant || any(rs.digit) || any(rs.carry) || any(rs.copy);
        }

        /// Runs `run(x, values)` on the cases of `cs` and learns, for each written digit register,
        /// the rule its new value follows; checks that the position part comes out the same in
        /// every case and that every written register holds an exact one-hot. Variables that no
        /// hidden unit connects (`component`) are enumerated apart, the others at their lowest
        /// value; a variable the layer writes but does not read is not enumerated: its new value
        /// is its old value plus the update, for each old value. `kind` is the premise counted.
        /// What the steps of one layer's cases share.
        struct layer_cases {
            case_set const& cs;
            std::array<bool, n_regs> const& written;
            std::string_view layer;
            premise kind;
            std::array<std::uint16_t, width> position_writes{};  ///< the columns of the position part the layer writes
            std::size_t n_position_writes = 0;
            row lowest_row{};  ///< the base with every variable at its lowest value
            row first{};  ///< the layer's output for that row: every case's position part must be this one
            std::array<std::size_t, n_regs> own{};  ///< the variable holding each register (SIZE_MAX: none)
        };

        template <class Components, class Run>
        constexpr bool cases(case_set const& cs, Components const& components_of, std::array<bool, n_regs> const& written,
                             std::span<std::uint16_t const> out_cols, std::string_view layer, premise kind, std::size_t layer_slot,
                             bool cacheable, Run const& run, fingerprint const* print = nullptr) {
            layer_cases lc{cs, written, layer, kind};
            for (std::uint16_t c : out_cols)
                if (!depends_[c]) lc.position_writes[lc.n_position_writes++] = c;
            for (std::size_t g = 0; g < n_regs; ++g) lc.own[g] = SIZE_MAX;
            for (std::size_t i = 0; i < cs.n; ++i)
                if (cs.var[i].token_row == SIZE_MAX) lc.own[cs.var[i].reg] = i;
            std::array<int, 8> value{};
            lc.lowest_row = base;
            for (std::size_t i = 0; i < cs.n; ++i) {
                value[i] = lowest(cs.var[i].values);
                if (cs.var[i].token_row == SIZE_MAX) encode(lc.lowest_row, cs.var[i].reg, value[i]);
            }
            lc.first = lc.lowest_row;
            run(lc.first, value);
            ++report[kind].cases;
            std::uint64_t const counted_before = report[kind].cases;
            std::array<learnt, n_regs> result{};
            fingerprint const none{};
            fingerprint const& key = print ? *print : none;
            std::size_t const hit = cacheable ? cached_rules(cs, layer_slot, key) : SIZE_MAX;
            last_entry = hit, last_hit = hit != SIZE_MAX;
            if (hit != SIZE_MAX) {
                result = cache[hit].rules;
                report[kind].credited += cache[hit].cases;  // covered by the cases the rules were learnt from (Lemma R)
            } else {
                std::array<std::uint8_t, 8> const component = components_of();
                std::size_t n_components = 0;
                for (std::size_t i = 0; i < cs.n; ++i)
                    if (std::size_t{component[i]} + 1 > n_components) n_components = std::size_t{component[i]} + 1;
                for (std::size_t comp = 0; comp < n_components; ++comp)
                    if (!learn_component(lc, component, comp, result, run)) return false;
                if (cacheable && n_cached < cache.size()) {
                    last_entry = n_cached;
                    cache_entry& e = cache[n_cached++];
                    e.slot = layer_slot;
                    for (std::size_t i = 0; i < cs.n; ++i) e.values[i] = cs.var[i].values;
                    e.print = key;
                    e.rules = result;
                    e.cases = report[kind].cases - counted_before + 1;  // with the first case, run above
                }
            }
            assign_symbols(cs, written, result);
            rebase(lc);
            return true;
        }

        /// The cache entry of a layer that saw these value sets and this fingerprint before
        /// (SIZE_MAX: none).
        constexpr std::size_t cached_rules(case_set const& cs, std::size_t layer_slot, fingerprint const& print) const {
            for (std::size_t e = 0; e < n_cached; ++e) {
                bool same = cache[e].slot == layer_slot;
                for (std::size_t i = 0; i < cs.n && same; ++i) same = cache[e].values[i] == cs.var[i].values;
                if (same && cache[e].print == print) return e;
            }
            return SIZE_MAX;
        }

        /// Runs every case of the variables of one component (the others at their lowest value)
        /// and learns the rule of each register it writes.
        template <class Run>
        constexpr bool learn_component(layer_cases const& lc, std::array<std::uint8_t, 8> const& component, std::size_t comp,
                                       std::array<learnt, n_regs>& result, Run const& run) {
            case_set const& cs = lc.cs;
            std::array<rule_set, n_regs> rules{};
            for (std::size_t g = 0; g < n_regs; ++g) rules[g] = rule_set{};  // g++ 12 loses the NSDMIs of `rules{}` in constant evaluation
            std::array<std::size_t, 8> reads{};
            std::size_t n_read = 0, combos = 1;
            for (std::size_t i = 0; i < cs.n; ++i)
                if (component[i] == comp && cs.var[i].read) {
                    reads[n_read++] = i;
                    combos *= static_cast<std::size_t>(detail::popcount(cs.var[i].values));
                }
            std::array<int, 8> value{};
            for (std::size_t k = 0; k < combos; ++k) {
                std::size_t rest = k;  // the k-th case, in mixed radix over the variables read
                row x = lc.lowest_row;
                for (std::size_t i = 0; i < cs.n; ++i) value[i] = lowest(cs.var[i].values);
                for (std::size_t t = 0; t < n_read; ++t) {
                    variable const& v = cs.var[reads[t]];
                    std::size_t const radix = static_cast<std::size_t>(detail::popcount(v.values));
                    std::size_t pick = rest % radix;
                    rest /= radix;
                    value_set s = v.values;
                    while (pick-- > 0) s &= s - 1;
                    value[reads[t]] = lowest(s);
                    if (v.token_row == SIZE_MAX) encode(x, v.reg, value[reads[t]]);
                }
                std::array<int, 8> const before = value;  // each variable's value before the layer
                run(x, value);
                ++report[lc.kind].cases;
                if (!check_case(lc, x, before, component, comp, reads, n_read, rules)) return false;
            }
            for (std::size_t g = 0; g < n_regs; ++g)
                if (lc.written[g] && lc.own[g] != SIZE_MAX && component[lc.own[g]] == comp)
                    result[g] = conclude(cs, rules[g], lc.own[g], reads);
            return true;
        }

        /// One case's output x: the position part must be the first case's; each written register
        /// of the component must be an exact one-hot for each of its old values, and must keep a
        /// rule alive.
        constexpr bool check_case(layer_cases const& lc, row const& x, std::array<int, 8> before,
                                  std::array<std::uint8_t, 8> const& component, std::size_t comp,
                                  std::array<std::size_t, 8> const& reads, std::size_t n_read, std::array<rule_set, n_regs>& rules) {
            case_set const& cs = lc.cs;
            for (std::size_t t = 0; t < lc.n_position_writes; ++t) {
                std::size_t const c = lc.position_writes[t];
                if (x[c] == lc.first[c]) continue;
                fail(premise::dependency, lc.layer, c) << "column " << static_cast<long long>(c) << " ("
                                                       << registers[reg_of_[c]].first
                                                       << ") differs between cases: " << describe(cs, before);
                return false;
            }
            for (std::size_t g = 0; g < n_regs; ++g) {
                std::size_t const own = lc.own[g];
                if (!lc.written[g] || own == SIZE_MAX || component[own] != comp) continue;
                slot const sg = reg_slot_[g];
                std::array<std::int64_t, vocab_size> delta{};  // what the layer added to the register
                int const held = before[own];
                for (std::size_t i = 0; i < sg.width; ++i) {
                    std::int64_t const had = sg.width == 1 ? std::int64_t{held} * fixed::one_raw
                                             : static_cast<int>(i) == held ? fixed::one_raw
                                                                           : 0;
                    delta[i] = x[sg[i]].raw - had;
                }
                // the old values: the case's, or every one of a register the layer does not read
                std::array<int, 8> value = before;
                for (value_set olds = cs.var[own].read ? detail::value_bit(held) : cs.var[own].values; olds; olds &= olds - 1) {
                    int const old = lowest(olds);
                    int const now = decode_after(sg, old, delta);
                    value[own] = old;
                    if (now == detail::bad_value) {
                        fail(lc.kind, lc.layer, sg.offset)
                            << registers[g].first << " is not an exact one-hot after the layer: " << describe(cs, value);
                        return false;
                    }
                    observe(rules[g], cs, value, reads, n_read, old, now);
                    if (alive(rules[g])) continue;
                    auto w = fail(lc.kind, lc.layer, sg.offset);
                    w << registers[g].first << " follows no rule";
                    if (n_read == 3) {
                        column_result const c = program_type::column(value[reads[0]], value[reads[1]], value[reads[2]]);
                        w << " (a column digit would be " << static_cast<long long>(c.digit) << ", a carry "
                          << static_cast<long long>(c.carry) << ")";
                    }
                    w << ": " << describe(cs, value) << " gives " << static_cast<long long>(now);
                    return false;
                }
            }
            return true;
        }

        /// The rule a register followed in every case, the first that holds of: unchanged, a copy of
        /// another variable, the column digit or carry of the three variables read (in the first
        /// argument order that fits), a constant.
        static constexpr learnt conclude(case_set const& cs, rule_set const& rs, std::size_t own, std::array<std::size_t, 8> const& reads) {
            learnt l{};
            std::size_t copied = SIZE_MAX;
            for (std::size_t i = 0; i < cs.n && copied == SIZE_MAX; ++i)
                if (rs.copy[i] && i != own) copied = i;
            if (rs.unchanged)
                l.kind = rule::unchanged;
            else if (copied != SIZE_MAX)
                l.kind = rule::copy, l.var = static_cast<std::uint8_t>(copied);
            else if (any(rs.digit) || any(rs.carry)) {  // the three inputs in the order that fits, three bits each
                bool const digit = any(rs.digit);
                std::size_t k = 0;
                while (!(digit ? rs.digit[k] : rs.carry[k])) ++k;
                auto const& o = detail::argument_orders[k];
                l.kind = digit ? rule::column_digit : rule::column_carry;
                l.value = static_cast<int>(reads[o[0]] | reads[o[1]] << 3 | reads[o[2]] << 6);
            }
            else
                l.kind = rule::constant, l.value = rs.first;
            return l;
        }

        /// Each written register gets the symbol of its rule.
        constexpr void assign_symbols(case_set const& cs, std::array<bool, n_regs> const& written, std::array<learnt, n_regs> const& result) {
            for (std::size_t g = 0; g < n_regs; ++g) {
                if (!written[g]) continue;
                learnt const& l = result[g];
                switch (l.kind) {
                    case rule::unchanged: break;
                    case rule::copy: {
                        // `zero` is an empty register: the number 0 in a one-column register, no digit in
                        // a one-hot one. A copy of a one-column register's 0 (a carry that no column has
                        // set yet) into a one-hot register is the digit 0: a constant, not `zero`.
                        variable const& v = cs.var[l.var];
                        bool const widens = pool[v.symbol].kind == symbol_kind::zero && zero_value(v.reg) != zero_value(g);
                        sym[g] = widens ? intern(symbol{symbol_kind::constant, static_cast<std::uint16_t>(zero_value(v.reg))}) : v.symbol;
                        break;
                    }
                    case rule::column_digit:
                    case rule::column_carry:
                        sym[g] = intern(symbol{l.kind == rule::column_digit ? symbol_kind::column_digit : symbol_kind::column_carry,
                                               cs.var[static_cast<std::size_t>(l.value & 7)].symbol,
                                               cs.var[static_cast<std::size_t>(l.value >> 3 & 7)].symbol,
                                               cs.var[static_cast<std::size_t>(l.value >> 6 & 7)].symbol});
                        break;
                    case rule::constant:
                        sym[g] = l.value == zero_value(g) ? intern(symbol{symbol_kind::zero})
                                                          : intern(symbol{symbol_kind::constant, static_cast<std::uint16_t>(l.value)});
                        break;
                }
            }
        }

        /// The new base: the position part of the layer's output, each digit register at its lowest
        /// value. Only what the layer wrote can have changed: the position columns it writes (the
        /// others are the base's in its output) and the digit registers it writes (the others keep
        /// their symbols).
        constexpr void rebase(layer_cases const& lc) {
            for (std::size_t t = 0; t < lc.n_position_writes; ++t) base[lc.position_writes[t]] = lc.first[lc.position_writes[t]];
            for (std::size_t g = 1; g < n_regs; ++g)
                if (lc.written[g] && is_digit_register(g)) encode(base, g, lowest(values_of(sym[g], g)));
        }

        template <std::size_t N>
        static constexpr bool any(std::array<bool, N> const& a) {
            for (bool b : a)
                if (b) return true;
            return false;
        }
        struct case_text {
            char text[96]{};
        };
        /// "left=5 right=5 carry=1": a case, for a diagnostic.
        constexpr std::string_view describe(case_set const& cs, std::array<int, 8> const& value) {
            detail::text_writer<96> w{scratch.text};
            w.n = 0;
            for (std::size_t i = 0; i < cs.n; ++i) {
                if (i > 0) w << " ";
                if (cs.var[i].token_row != SIZE_MAX)
                    w << "token[row " << static_cast<long long>(cs.var[i].token_row) << "]";
                else
                    w << registers[cs.var[i].reg].first;
                w << "=" << static_cast<long long>(value[i]);
            }
            w << " (pass " << static_cast<long long>(pass) << ", row " << static_cast<long long>(r) << ")";
            return {scratch.text, w.n};
        }
        case_text scratch{};

        // ---- layers --------------------------------------------------------------------------
        constexpr void add_read_registers(case_set& cs, std::span<std::uint16_t const> cols) const {
            for (std::uint16_t c : cols) {
                std::size_t const g = reg_of_[c];
                if (is_digit_register(g)) cs.add(register_variable(g, true));
            }
        }
        template <class Layer>
        constexpr std::array<bool, n_regs> written_registers(Layer const& layer) const {
            std::array<bool, n_regs> w{};
            for (auto c : layer.out_cols)
                if (is_digit_register(reg_of_[c])) w[reg_of_[c]] = true;
            return w;
        }

        /// Which variables hidden units connect (read or written by one unit): each group of
        /// connected variables is enumerated apart.
        template <class Layer>
        constexpr std::array<std::uint8_t, 8> components(Layer const& layer, case_set const& cs) const {
            using T = std::remove_cvref_t<Layer>;
            std::array<std::uint8_t, 8> parent{};
            for (std::size_t i = 0; i < 8; ++i) parent[i] = static_cast<std::uint8_t>(i);
            auto find = [&](std::size_t i) {
                while (parent[i] != i) i = parent[i];
                return i;
            };
            std::array<std::size_t, n_regs> var_of_register{};
            for (std::size_t g = 0; g < n_regs; ++g) var_of_register[g] = SIZE_MAX;
            for (std::size_t i = 0; i < cs.n; ++i)
                if (cs.var[i].token_row == SIZE_MAX) var_of_register[cs.var[i].reg] = i;
            auto var_of = [&](std::size_t c) { return var_of_register[reg_of_[c]]; };
            std::uint16_t const *const in_start = layer.in.start.data(), *const in_index = layer.in.index.data();
            std::uint16_t const *const out_start = layer.out.start.data(), *const out_index = layer.out.index.data();
            std::uint16_t const* const out_cols = layer.out_cols.data();
            for (std::size_t u = 0; u < T::n_units; ++u) {
                std::size_t joined = SIZE_MAX;
                auto join = [&](std::size_t c) {
                    std::size_t const v = var_of(c);
                    if (v == SIZE_MAX) return;
                    if (joined == SIZE_MAX)
                        joined = find(v);
                    else
                        parent[find(v)] = static_cast<std::uint8_t>(joined);
                };
                for (std::size_t e = in_start[u]; e < in_start[u + 1]; ++e) join(in_index[e]);
                for (std::size_t e = out_start[u]; e < out_start[u + 1]; ++e) join(out_cols[out_index[e]]);
            }
            std::array<std::uint8_t, 8> label{}, out{};
            for (std::size_t i = 0; i < 8; ++i) label[i] = 0xFF;
            std::uint8_t next = 0;
            for (std::size_t i = 0; i < cs.n; ++i) {
                std::size_t const root = find(i);
                if (label[root] == 0xFF) label[root] = next++;
                out[i] = label[root];
            }
            return out;
        }

        template <class Layer>
        constexpr void mlp(Layer const& layer, premise kind, std::size_t layer_slot) {
            case_set cs{};
            add_read_registers(cs, layer.read_columns());
            auto const written = written_registers(layer);
            for (std::size_t g = 0; g < n_regs; ++g)
                if (written[g]) cs.add(register_variable(g, false));
            // The layer's update is a function of the columns it reads: its cases, and so its rules,
            // depend on the value sets of the digit registers and on the values of the position
            // part's columns it reads (copy_on_match: the match flag), which make the fingerprint.
            fingerprint print{};
            for (std::uint16_t c : layer.read_columns())
                if (!depends_[c]) {
                    if (print.n == print.v.size()) throw std::length_error("ctformer::all_inputs: an MLP reads too many position columns");
                    print.v[print.n++] = base[c].raw;
                }
            margins m{};
            cases(cs, [&] { return components(layer, cs); }, written, layer.out_cols, layer.name, kind, layer_slot, true,
                  [&](row& x, auto const&) { layer.apply(x, nullptr, 0, &m); }, &print);
            if (!layer.reports_decision) return;
            // a reused entry's cases met its margin; the first case, run here, met m's
            if (last_entry != SIZE_MAX && !last_hit) cache[last_entry].margin = m.copy_input;
            report[kind].note(last_hit ? std::min(cache[last_entry].margin, m.copy_input) : m.copy_input);
        }

        /// An attention layer: its keys and query do not depend on the digits, it chooses one row
        /// with weight exactly 1, and it adds that row's value for every token the row may hold.
        template <class Layer, std::size_t Slot>
        constexpr void attention(Layer const& layer) {
            using T = std::remove_cvref_t<Layer>;
            std::size_t const n = r + 1;
            std::array<typename T::cache_entry, max_rows> cache{};
            for (std::size_t j = 0; j < n; ++j) layer.fill_cache(cache[j], representative_embedding(j));
            if (!keys_are_digit_free<Slot>(layer, n) || !query_is_digit_free<Slot>(layer)) return;
            std::size_t const chosen = choose_row(layer, cache.data(), n);
            if (chosen != SIZE_MAX) add_value<Slot>(layer, chosen);
        }

        /// Every row's key is the same for each digit the row may hold (a key reads the row's
        /// embedding only: one table, digit_free_keys, serves every walk).
        template <std::size_t Slot, class Layer>
        constexpr bool keys_are_digit_free(Layer const& layer, std::size_t n) {
            std::uint64_t const digit_free = digit_free_[Slot];
            for (std::size_t j = 0; j < n; ++j) {
                if (token_values(j) != detail::digit_values) continue;
                report[premise::selection].credited += 10;  // evaluated once per unit, in digit_free_keys
                if (digit_free >> j & 1) continue;
                fail(premise::selection, layer.name) << "the key of row " << static_cast<long long>(j)
                                                     << " depends on which digit the row holds";
                return false;
            }
            return true;
        }

        /// The query is the same for every case of the digit registers it reads.
        template <std::size_t Slot, class Layer>
        constexpr bool query_is_digit_free(Layer const& layer) {
            case_set cs{};
            add_read_registers(cs, layer.read_columns());
            std::array<std::int64_t, attention_probe::max_heads> q0{};
            bool first = true, same = true;
            cases(cs, [] { return std::array<std::uint8_t, 8>{}; }, std::array<bool, n_regs>{}, {}, layer.name, premise::selection, Slot,
                  false, [&](row& x, auto const&) {
                      std::array<std::int64_t, attention_probe::max_heads> q{};
                      layer.fill_query(x, q.data());
                      if (first) q0 = q, first = false;
                      same = same && q == q0;
                  });
            if (!report.holds) return false;
            if (same) return true;
            fail(premise::selection, layer.name) << "the query depends on the digits (pass " << static_cast<long long>(pass) << ", row "
                                                 << static_cast<long long>(r) << ")";
            return false;
        }

        /// The real attention on the base row: the row it gives weight exactly 1, every other row
        /// getting 0 (SIZE_MAX, and the proof fails, otherwise). Its scores are the same for every
        /// input (keys and query above), so its choice is too.
        template <class Layer, class Cache>
        constexpr std::size_t choose_row(Layer const& layer, Cache const* cache, std::size_t n) {
            margins m{};
            attention_probe probe{};
            row x = base;
            auto const rep = [&](std::size_t j) { return representative_embedding(j); };
            std::uint64_t const used = layer.apply(x, cache, n, &m, rep, &probe);
            ++report[premise::selection].cases;
            if (detail::popcount(used) != 1 || m.attention_weight != fixed::from_int(1)) {
                fail(premise::selection, layer.name)
                    << "the chosen row gets weight " << static_cast<long long>(m.attention_weight.raw) << "/2^32, not 1 ("
                    << static_cast<long long>(detail::popcount(used)) << " rows weighted; pass " << static_cast<long long>(pass) << ", row "
                    << static_cast<long long>(r) << ")";
                return SIZE_MAX;
            }
            if (n > 1) report[premise::selection].note(fixed::from_raw(probe.top - probe.second));
            std::size_t chosen = 0;
            while (!(used >> chosen & 1)) ++chosen;
            return chosen;
        }

        /// The chosen row's value added to the row, for every token the chosen row may hold.
        template <std::size_t Slot, class Layer>
        constexpr void add_value(Layer const& layer, std::size_t chosen) {
            using T = std::remove_cvref_t<Layer>;
            case_set cs{};
            bool value_reads_digits = false;
            {
                std::uint16_t const* const index = layer.v.index.data();
                std::size_t const n_weights = layer.v.start.data()[T::n_outputs];
                for (std::size_t e = 0; e < n_weights; ++e) value_reads_digits |= depends_[index[e]];
            }
            if (value_reads_digits) {
                symbol_kind const k = symbol_kind::token_of;
                cs.add(variable{0, chosen, token_values(chosen), intern(symbol{k, static_cast<std::uint16_t>(chosen)}), true});
            }
            auto const written = written_registers(layer);
            for (std::size_t g = 0; g < n_regs; ++g)
                if (written[g]) cs.add(register_variable(g, false));
            // Each case adds the value of the chosen row with one of its tokens to the row; whether
            // the case passes and what it teaches depend on those values and the value sets only,
            // so a pass whose chosen row adds the same values (a read whose cursor moved to another
            // digit row) reuses the rules learnt for them.
            static_assert(T::n_outputs * 10 <= std::tuple_size_v<decltype(fingerprint{}.v)>, "ctformer::all_inputs: an attention writes too many columns for the fingerprint");
            fingerprint print{};
            for (value_set t = value_reads_digits ? token_values(chosen) : 1; t; t &= t - 1) {
                auto const v = layer.value_of(value_reads_digits ? embedding(chosen, lowest(t)) : representative_embedding(chosen));
                for (std::size_t o = 0; o < T::n_outputs; ++o) print.v[print.n++] = v[o];
            }
            cases(cs, [] { return std::array<std::uint8_t, 8>{}; }, written, layer.out_cols, layer.name, premise::pass, Slot, true,
                  [&](row& y, auto const& value) {
                      // The chosen row has weight exactly 2^32 and every other row 0, for every input
                      // (choose_row), so apply adds round(2^32·v / 2^32) = v, the chosen row's value:
                      // formed here by the layer's own value_of, and added as apply adds it.
                      auto const v = layer.value_of(value_reads_digits ? embedding(chosen, value[0]) : representative_embedding(chosen));
                      for (std::size_t o = 0; o < T::n_outputs; ++o)
                          if (__builtin_add_overflow(y[layer.out_cols[o]].raw, v[o], &y[layer.out_cols[o]].raw))
                              detail::throw_overflow("ctformer: residual overflows");
                  },
                  &print);
        }

        /// The symbol the final register must hold in row r: the digit of the program's schoolbook
        /// answer, its column rule applied from the right to the operands' digits (x from the first).
        constexpr std::uint16_t expected_symbol() {
            std::size_t const D = digits;
            std::uint16_t carry = intern(symbol{symbol_kind::zero});
            for (std::size_t k = 1; k <= D; ++k) {
                auto const a = intern(symbol{symbol_kind::token_of, static_cast<std::uint16_t>(shape_of::x_row(D, k))});
                auto const b = intern(symbol{symbol_kind::token_of, static_cast<std::uint16_t>(shape_of::y_row(D, k))});
                auto const digit = intern(symbol{symbol_kind::column_digit, a, b, carry});
                carry = intern(symbol{symbol_kind::column_carry, a, b, carry});
                if (r == shape_of::first_answer_row(D) + k - 1) return digit;
            }
            if (r == shape_of::last_answer_row(D) - 1) return carry;
            return intern(symbol{symbol_kind::constant, static_cast<std::uint16_t>(token::newline)});
        }

        /// Starts with the rules another walk learnt for layers that read no position column.
        constexpr void seed(walker const& other) {
            cache = other.cache;
            n_cached = other.n_cached;
        }

        constexpr void run() {
            std::array<row, max_rows> representatives{};  // the rows of the representative prompt (premise p)
            for (std::size_t j = 0; j <= r && j < max_rows; ++j) representatives[j] = embedding(j, trace->tokens[j]);
            representatives_ = representatives.data();
            walk();
            representatives_ = nullptr;
        }

        constexpr void walk() {
            report.rows = 1;
            if (!dependency.holds) {
                report.holds = false;
                report.failure = dependency.failure;
                return;
            }
            if (digits == 0 || r < shape_of::first_answer_row(digits) || r > shape_of::last_answer_row(digits) || r >= max_rows) {
                fail(premise::answer, "") << "no such answer row";
                return;
            }
            if (!generation_follows(r - shape_of::first_answer_row(digits))) return;
            if (r == shape_of::first_answer_row(digits)) report[premise::start].cases = trace->start[premise::start].cases;  // counted once per digit count
            if (!trace->start.holds) {  // its failure names the row whose embedding is wrong
                report.holds = false;
                report.failure = trace->start.failure;
                return;
            }
            if (r == shape_of::first_answer_row(digits)) report[premise::feedback].cases = trace->feedback[premise::feedback].cases;
            if (!trace->feedback.holds) {  // its failure names the row and the prediction
                report.holds = false;
                report.failure = trace->feedback.failure;
                return;
            }
            base = representative_embedding(r);
            auto const zero = intern(symbol{symbol_kind::zero});
            for (auto& s : sym) s = zero;
            sym[0] = intern(symbol{symbol_kind::token_of, static_cast<std::uint16_t>(r)});
            for_each_step(net, digits, [&](auto const& layer, program_step step, auto slot) {
                if (!report.holds) return;
                walk_layer<decltype(slot)::value>(layer, step);
                if (report.holds) check_path(layer, r - shape_of::first_answer_row(digits), step.index);
            });
            if (report.holds) check_answer();
        }

        /// Premise (s), the start (trace() runs it once, for r the last row generation placed; each walk
        /// reads its verdict): for every row 0..r and every token the row may hold, the embedding
        /// holds that token's exact one-hot, every other digit register empty (what the walk's
        /// symbols say before the first layer), and a position part that does not depend on the
        /// token (the walk takes it from the representative token's embedding). Premise (p) first:
        /// the representative prompt's rows hold tokens the walk allows.
        constexpr bool check_start() {
            for (std::size_t j = 0; j <= r; ++j) {
                int const placed = trace->tokens[j];
                if (!(token_values(j) & detail::value_bit(placed))) {
                    fail(premise::path, "generation") << "generation of 0..0+0..0= placed token " << static_cast<long long>(placed)
                                                      << " in row " << static_cast<long long>(j) << ", which the walk does not allow there";
                    return false;
                }
                row const first = embedding(j, lowest(token_values(j)));
                for (value_set s = token_values(j); s; s &= s - 1) {
                    int const tok = lowest(s);
                    row const e = embedding(j, tok);
                    ++report[premise::start].cases;
                    if (decode(e, 0) != tok) {
                        fail(premise::start, "embedding", 0) << "row " << static_cast<long long>(j) << ", token " << static_cast<long long>(tok)
                                                             << ": the token block is not the token's exact one-hot";
                        report.failure.row = static_cast<std::uint16_t>(j);
                        return false;
                    }
                    for (std::size_t g = 1; g < n_regs; ++g)
                        if (is_digit_register(g) && decode(e, g) != zero_value(g)) {
                            fail(premise::start, "embedding", reg_slot_[g].offset)
                                << "row " << static_cast<long long>(j) << ", token " << static_cast<long long>(tok) << ": "
                                << registers[g].first << " is not empty in the embedding (the walk starts it at "
                                << static_cast<long long>(zero_value(g)) << ")";
                            report.failure.row = static_cast<std::uint16_t>(j);
                            return false;
                        }
                    for (std::size_t c = 0; c < width; ++c)
                        if (!depends_[c] && e[c] != first[c]) {
                            fail(premise::start, "embedding", c)
                                << "row " << static_cast<long long>(j) << ": column " << static_cast<long long>(c) << " ("
                                << registers[reg_of_[c]].first << ") is " << static_cast<long long>(e[c].raw) << "/2^32 for token "
                                << static_cast<long long>(tok) << " but " << static_cast<long long>(first[c].raw) << "/2^32 for token "
                                << static_cast<long long>(lowest(token_values(j))) << ": the position part depends on the token";
                            report.failure.row = static_cast<std::uint16_t>(j);
                            return false;
                        }
                }
            }
            return true;
        }

        /// Premise (p): generation ran this answer row (pass `k`) for the walk's digit count.
        constexpr bool generation_follows(std::size_t k) {
            if (trace->digits == digits && k < trace->passes) return true;
            fail(premise::path, "generation") << "generation of 0..0+0..0= did not run answer row " << static_cast<long long>(r)
                                              << " (it generated " << static_cast<long long>(trace->passes) << " tokens for "
                                              << static_cast<long long>(trace->digits) << " digits)";
            return false;
        }

        /// Premise (p), after each layer: the row generation as users run it made on the
        /// representative prompt is the walk's state there — the position part, and each digit
        /// register holding its symbol's value on that prompt. So ctformer::generate's own driver, sequence
        /// and layer calls are the path the walk covers (they branch on no token: one prompt's run
        /// shows every input's path; docs/proof.md).
        template <class Layer>
        constexpr void check_path(Layer const& layer, std::size_t k, std::size_t step) {
            bool const whole = step + 1 == shape::steps(digits);
            auto const value_at = [&](std::size_t c) -> std::int64_t {
                std::size_t const g = reg_of_[c];
                if (!depends_[c]) return base[c].raw;  // the position part
                int const v = pool[sym[g]].kind == symbol_kind::zero ? zero_value(g) : at_representative[sym[g]];
                slot const s = reg_slot_[g];
                if (s.width == 1) return fixed::from_int(v).raw;
                return static_cast<int>(c - s.offset) == v ? fixed::one_raw : 0;
            };
            ++report[premise::path].cases;
            if (step_digest(layer, whole, value_at) == trace->digest[k * max_steps + step]) return;
            fail(premise::path, layer.name) << "on the prompt of zeros, ctformer::generate's forward pass leaves answer row " << static_cast<long long>(r)
                                            << " other than the walk after step " << static_cast<long long>(step);
        }

        template <std::size_t Slot, class Layer>
        constexpr void walk_layer(Layer const& layer, program_step step) {
            {
                pass = step.segment;
                using T = std::remove_cvref_t<decltype(layer)>;
                if constexpr (T::is_attention) {
                    attention<T, Slot>(layer);
                } else {
                    bool const copies = answer_register < n_regs && written_registers(layer)[answer_register];
                    premise const kind = step.segment == digits + 1 ? premise::epilogue
                                         : copies                   ? premise::copy
                                                                    : premise::pass;
                    mlp(layer, kind, Slot);
                }
            }
        }

        /// The answer: the final register holds the expected symbol, and the unembedding turns each
        /// of its values into that token.
        constexpr void check_answer() {
            if (answer_register == n_regs) {
                fail(premise::answer, "unembed") << "the unembedding reads more than one register";
                return;
            }
            // the final register: the answer's digit, and the unembedding turns each value into its token
            std::uint16_t const want = expected_symbol();
            ++report[premise::answer].cases;
            if (sym[answer_register] != want) {
                fail(premise::answer, "unembed") << registers[answer_register].first << " does not hold the "
                                                 << (r == shape_of::last_answer_row(digits) ? "end token" : "answer digit") << " of row "
                                                 << static_cast<long long>(r);
                return;
            }
            for (value_set s = values_of(sym[answer_register], answer_register); s; s &= s - 1) {
                int const v = lowest(s);
                row x = base;
                encode(x, answer_register, v);
                margins m{};
                std::size_t const t = choose<all_inputs>(x, &m);
                ++report[premise::epilogue].cases;
                report[premise::epilogue].note(m.logit_gap);
                if (static_cast<int>(t) != v) {
                    fail(premise::epilogue, "unembed", registers[answer_register].second.offset)
                        << "value " << static_cast<long long>(v) << " unembeds to token " << static_cast<long long>(t);
                    return;
                }
            }
        }
    };

public:
    /// The rules of the layers that read no position column (clear, the add table), learnt once
    /// per translation unit by the walk of the first answer row of a 2-digit addition, which meets
    /// every value set they see in any walk (a walk whose value sets differ learns its own).
    /// (A precompiled header that evaluates it spares every unit the walk: tests/proofs/precompiled.hpp.)
    static constexpr bool learnt_once_holds() { return learnt_once_.report.holds; }

private:
    static constexpr walker const& learnt_once() { return learnt_once_; }
    static constexpr walker learnt_once_ = [] {
        generation_trace const tr = trace<2>();
        walker w{2, 5, &tr};
        w.run();
        // What later walks take from it, in a walker of its own (g++ 12 does not take the walked one
        // as a constant when its walk stopped early).
        walker out{2, 5, nullptr};
        out.cache = w.cache;
        out.n_cached = w.n_cached;
        out.report = w.report;
        return out;
    }();
};

namespace detail {
/// Instantiated with the failure of an all-input proof, so that the diagnostic shows it:
///   'struct ctformer::detail::all_inputs_fail<ctformer::proof_failure{ctformer::premise::pass, 16, 34, 2, 50, "add_with_carry", "out follows no rule ..."}, false>'
/// (fields: premise, digits, row, pass, column, layer, what; clang++ prints the premise as its
/// number: 0 dependency, 1 selection, 2 pass, 3 copy, 4 epilogue, 5 answer, 6 start, 7 path).
template <proof_failure Failure, bool Holds>
struct all_inputs_fail {
    static_assert(Holds,
                  "ctformer: a premise of the all-input proof fails; the template argument names it: premise, digits, "
                  "answer row, pass (0 prologue, 1..D body, D + 1 epilogue), column, layer, and what went wrong");
    static constexpr bool proven = Holds;
};
}  // namespace detail

/// Every addition of D-digit operands proven, one constant evaluation per answer row. A failed
/// premise stops the build at detail::all_inputs_fail, which names it:
///   static_assert(ctformer::proven_for_all_inputs<ctformer::seed_weights, 4, 9>);   // row 9 of D = 4
/// Generation as users run it on D-digit 0..0+0..0=, up to answer row Last, once per unit (premise p).
template <class Build, std::size_t Digits>
inline constexpr std::size_t last_answer_row_of = prompt_shape<program_of<Build>>::last_answer_row(Digits);
template <class Build, std::size_t Digits>
inline constexpr std::size_t first_answer_row_of = prompt_shape<program_of<Build>>::first_answer_row(Digits);

template <class Build, std::size_t Digits, std::size_t Last = last_answer_row_of<Build, Digits>>
inline constexpr auto generation_trace_of =
    all_inputs<Build>::template trace<Digits>(Last + 1 - first_answer_row_of<Build, Digits>);

template <class Build, std::size_t Digits, std::size_t Row, std::size_t Last = last_answer_row_of<Build, Digits>>
inline constexpr all_inputs_report all_inputs_row_report =
    all_inputs<Build>::prove_row_sharing_rules(Digits, Row, generation_trace_of<Build, Digits, Last>);

template <class Build, std::size_t Digits, std::size_t Row, std::size_t Last = last_answer_row_of<Build, Digits>>
inline constexpr bool proven_row_for_all_inputs =
    detail::all_inputs_fail<all_inputs_row_report<Build, Digits, Row, Last>.failure,
                            all_inputs_row_report<Build, Digits, Row, Last>.holds>::proven;

/// The structural premise (a), once per network.
template <class Build>
inline constexpr bool proven_dependency =
    detail::all_inputs_fail<all_inputs<Build>::dependency.failure, all_inputs<Build>::dependency.holds>::proven;

/// Answer rows First..Last of D-digit additions, after the structural premise; each row its own
/// constant evaluation (g++ frees nothing within one).
template <class Build, std::size_t Digits, std::size_t First, std::size_t Last>
inline constexpr bool proven_rows_for_all_inputs =
    proven_dependency<Build> && []<std::size_t... K>(std::index_sequence<K...>) {
        return (proven_row_for_all_inputs<Build, Digits, First + K, Last> && ...);
    }(std::make_index_sequence<Last + 1 - First>{});

/// Every D-digit prompt of the network's program proven: the structural premise, then every answer
/// row (2D + 1 to 3D + 2 for two D-digit operands).
///   static_assert(ctformer::proven_for_all_inputs<ctformer::seed_weights, 4>);   // all 10^8
template <class Build, std::size_t Digits>
inline constexpr bool proven_for_all_inputs =
    proven_rows_for_all_inputs<Build, Digits, first_answer_row_of<Build, Digits>, last_answer_row_of<Build, Digits>>;

}  // namespace ctformer
