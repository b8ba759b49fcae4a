// Exercise 2, solved (docs/exercises.md): the starting file is docs/exercises/02_break_the_add_table.cpp.
//
// The diagnostic reads (g++):
//   all_inputs_fail<ctformer::proof_failure{ctformer::premise::pass, 2, 5, 1, 50, "add_with_carry",
//     "out follows no rule (a column digit would be 5, a carry 1): left=7 right=8 carry=0 out=-1 (pass 1, row 5) gives 4"}, false>
// The pass premise fails for 2 digits, in answer row 5 (the '='), in body pass 1, at column 50
// (the first of `out`), in the layer add_with_carry: for left 7, right 8 and no carry the row's
// `out` holds 4 where the column rule gives 5. (The first failing case the walk meets is named;
// the proof stops there.)
#include <ctformer/ctformer.hpp>

struct one_entry_broken {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        auto& table = ctformer::seed_body_layer<"add_with_carry">(w);
        auto const out = ctformer::seed_layout[ctformer::reg::out];
        constexpr std::size_t unit = 2 * (10 * 7 + 8);  // digits (7, 8), no carry in
        table.w2.set(unit, out[5], ctformer::fixed{});
        table.w2.set(unit, out[4], ctformer::fixed::from_ratio(1, 128));
        return w;
    }
};
using broken_adder = ctformer::adder<2, one_entry_broken>;

constexpr auto verdict = ctformer::all_inputs<one_entry_broken>::prove(2);
static_assert(!verdict.holds);
static_assert(verdict.failure.which == ctformer::premise::pass);
static_assert(std::string_view(verdict.failure.layer) == "add_with_carry");
static_assert(verdict.failure.pass == 1);

// The unit fires only where a column meets 7 and 8 with no carry in: in the ones column of 7 + 8
// and 17 + 8, and in the tens column of 70 + 80 (no carry comes from 0 + 0). 17 + 18 has a carry
// into the tens (7 + 8 = 15), so its tens column uses (1, 1, carry in), and its ones column is
// (7, 8, no carry) again: spoiled too. 6 + 8 and 7 + 9 never meet the unit.
static_assert(!ctformer::adds_correctly<broken_adder>(7, 8));
static_assert(!ctformer::adds_correctly<broken_adder>(17, 8));
static_assert(!ctformer::adds_correctly<broken_adder>(7, 18));
static_assert(!ctformer::adds_correctly<broken_adder>(70, 80));
static_assert(ctformer::adds_correctly<broken_adder>(6, 8));
static_assert(ctformer::adds_correctly<broken_adder>(7, 9));
static_assert(ctformer::adds_correctly<broken_adder>(71, 18));  // ones: (1, 8); tens: (7, 1)
