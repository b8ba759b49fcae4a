// Exercise 2: break one entry of the add table and read the compiler's diagnostic (docs/exercises.md).
//
// The add table (add_with_carry) has two hidden units per pair of digits (i, j): unit 2·(10·i + j)
// fires when there is no carry in, unit 2·(10·i + j) + 1 when there is one. Each writes its digit
// into `out` through W2 (and sets or clears the carry). Below, the unit for (7, 8, no carry) writes
// the digit 4 where 7 + 8 = 15 needs 5. The last line asks the compiler to prove every 2-digit
// addition. Build it:
//   cmake --build build --target exercise_02
// The build stops. Read the diagnostic: the template argument of all_inputs_fail names the
// premise that fails, the digit count, the answer row, the pass, the column, the layer, and what
// went wrong. Then answer, in a copy of this file (the solution: docs/exercises/solutions/):
//   - which premise fails, in which layer and which pass?
//   - which 2-digit additions does the broken entry spoil: 7 + 8? 17 + 8? 7 + 18? 6 + 8?
// Write each answer as a static_assert about all_inputs<one_entry_broken>::prove(2) and about
// ctformer::adds_correctly<broken_adder>(a, b), and drop the proof's static_assert.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::pass|2), 2, 
#include <ctformer/ctformer.hpp>

struct one_entry_broken {
    constexpr auto operator()() const {
        auto w = ctformer::seed_weights{}();
        auto& table = ctformer::seed_body_layer<"add_with_carry">(w);
        auto const out = ctformer::seed_layout[ctformer::reg::out];
        constexpr std::size_t unit = 2 * (10 * 7 + 8);  // digits (7, 8), no carry in
        table.w2.set(unit, out[5], ctformer::fixed{});  // no longer writes 5 ...
        table.w2.set(unit, out[4], ctformer::fixed::from_ratio(1, 128));  // ... but 4 (the unit fires at 128)
        return w;
    }
};
using broken_adder = ctformer::adder<2, one_entry_broken>;

static_assert(ctformer::proven_for_all_inputs<one_entry_broken, 2>);
