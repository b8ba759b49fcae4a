// The seed's network broken in the eight ways the all-input proof must catch (issue: every kind of
// proof has a twin that must fail). Each builder is the intact seed network when Broken is false,
// so a must-fail unit and its intact twin compile the same code; tests/test_all_inputs.cpp and
// test_all_inputs_twins.cpp check that the all-input proof and the enumeration (or the run-time
// checker) agree on each.
#pragma once

#include <cstddef>

#include <ctformer/detail/hana.hpp>
#include <ctformer/ctformer.hpp>

namespace twins {

namespace hana = boost::hana;
using ctformer::fixed;

/// (i) One add-table unit wrong in one carry-in-1 case: digits (3, 4) with a carry in write 9
/// instead of 8. Unit 2·(10·i + j) + 1 handles (i, j) with a carry.
template <bool Broken>
struct carry_unit {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        if constexpr (Broken) {
            auto& table = ctformer::seed_body_layer<"add_with_carry">(w);
            auto const out = ctformer::seed_layout[ctformer::reg::out];
            constexpr std::size_t unit = 2 * (10 * 3 + 4) + 1;
            table.w2.set(unit, out[8], fixed{});
            table.w2.set(unit, out[9], fixed::from_ratio(1, 128));
        }
        return w;
    }
};

/// (ii) A position constant that confuses answer positions only in longer sequences: the body's
/// diff_pos weighs Δsin by 1471 instead of 100, so 1000·Δcos + 1471·Δsin nearly vanishes for every
/// pair of positions symmetric about 15.5 (tan(2π·15.5/100) = 1.4715): 15 and 16, 10 and 21, ....
/// Every addition of up to 6 digits stays right; from 7 digits on, answer row 21 also matches the
/// output cursor at position 10 (tests/test_all_inputs_twins.cpp).
template <bool Broken>
struct long_sequence {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        if constexpr (Broken) {
            auto& d = ctformer::seed_body_layer<"diff_pos">(w);
            auto const pos = ctformer::seed_layout[ctformer::reg::pos];
            auto const out_pos = ctformer::seed_layout[ctformer::reg::out_pos];
            for (std::size_t u = 0; u < 2; ++u) {
                fixed const sign = fixed::from_int(u == 0 ? 1 : -1);
                d.w1.set(pos[0], u, sign * fixed::from_int(-1471));
                d.w1.set(out_pos[0], u, sign * fixed::from_int(1471));
            }
        }
        return w;
    }
};

/// (iii) A cursor that depends on a digit register: the body's step_position also moves left_pos
/// by 100 when the carry is set (the other digit registers are empty when the cursors step), so
/// from the second pass on, a carry makes the read miss its digit.
template <bool Broken>
struct cursor_reads_digit {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        if constexpr (Broken) {
            auto& step = ctformer::seed_body_layer<"step_position(left −1, right −1, out +1)">(w);
            auto const carry = ctformer::seed_layout[ctformer::reg::carry];
            auto const left_pos = ctformer::seed_layout[ctformer::reg::left_pos];
            step.w1.set(carry[0], left_pos[0], fixed::from_int(100));
        }
        return w;
    }
};

/// (iv) An attention whose chosen row gets weight below 1: find_and_store('+') scores the '+' row
/// 8/√80 = 0.9 above the others instead of 57.2, so every row gets a share and left_pos is a blend.
template <bool Broken>
struct weak_choice {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        if constexpr (Broken) {
            auto& find = hana::at_c<0>(w.prologue);
            for (std::size_t t = 0; t < ctformer::vocab_size; ++t) find.wq.set(t, ctformer::token::plus, fixed::from_int(8));
        }
        return w;
    }
};

/// (v) A junk value in the embedding's carry: every token starts with carry = 1, so the first pass
/// adds a carry that is not there (1 + 1 gives 30, 47 + 38 gives 680). The walk starts each digit
/// register empty; premise start compares that with the embedding of every row and token.
template <bool Broken>
struct junk_carry {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        if constexpr (Broken) {
            std::size_t const carry = ctformer::seed_layout[ctformer::reg::carry][0];
            for (auto& row : w.embedding.token) row[carry] = fixed::from_int(1);
        }
        return w;
    }
};

/// (vi) A token-dependent junk value that only long sequences reach: an embedding (not two tables:
/// it depends on token and position together) that writes distance = −1000 where the token is 7 and
/// the row is 40 or later. Rows that far exist from 13 digits on; every addition of up to 12 digits
/// is right, and some 16-digit ones are wrong (0000000007000001 + 0 = …).
template <bool Broken>
struct long_junk {
    struct embedding {
        ctformer::additive_embedding<ctformer::seed_layout_t::width> seed;
        constexpr ctformer::row_vector<ctformer::seed_layout_t::width> operator()(std::size_t tok, std::size_t p) const {
            auto x = seed(tok, p);
            if (Broken && tok == 7 && p >= 40) x[ctformer::seed_layout[ctformer::reg::distance][0]] = fixed::from_int(-1000);
            return x;
        }
    };
    constexpr auto operator()() const {
        auto const w = ctformer::seed_weights{}();
        return ctformer::with_embedding(w, embedding{w.embedding});
    }
};

/// (vii) One entry of the position table wrong: row 6's cos is 0.5 more than cos(2π·6/100), so the
/// copy step's distance for row 6 is off and it no longer matches the output cursor of its pass (for
/// D = 2 row 6 predicts the sum's second digit). A weight mutant of the campaign's position-table kind.
template <bool Broken>
struct position_entry {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        if constexpr (Broken) {
            std::size_t const cos = ctformer::seed_layout[ctformer::reg::pos][1];
            w.embedding.position[6][cos] = w.embedding.position[6][cos] + fixed::from_ratio(1, 2);
        }
        return w;
    }
};

/// (viii) One attention value entry wrong: read_relative(left_pos → left) writes 2, not 1, into
/// left[3] when the row it reads holds 3, so the left register is no exact one-hot for that digit.
/// A weight mutant of the campaign's value kind.
template <bool Broken>
struct value_entry {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        if constexpr (Broken) {
            auto& read = ctformer::seed_body_layer<"read_relative(left_pos → left)">(w);
            read.wv.set(3, ctformer::seed_layout[ctformer::reg::left][3], fixed::from_int(2));
        }
        return w;
    }
};

}  // namespace twins
