// Must not compile with CTFORMER_BREAK: one entry of the subtraction program's table is wrong —
// digits (3, 4) with no borrow in write 8 instead of 9 (3 − 4 = −1: digit 9, borrow 1). The D = 16
// all-input proof of subtraction fails at its first answer row, in the first body pass, and the
// diagnostic names the program's layer and the case: left=3 right=4 carry=0, where the column
// digit would be 9.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::pass|2), 16, 33, 1, 50, .*subtract_with_borrow.*out follows no rule .a column digit would be 9, a carry 1.: left=3 right=4 carry=0
#include <ctformer/model/subtraction.hpp>
#include <ctformer/proof/all_inputs.hpp>

namespace {
struct subtraction_entry {
    constexpr auto operator()() const {
        auto w = ctformer::subtraction_weights{}();
#ifdef CTFORMER_BREAK
        auto& table = ctformer::body_layer<"subtract_with_borrow", ctformer::subtraction_weights>(w);
        auto const out = ctformer::seed_layout[ctformer::reg::out];
        constexpr std::size_t unit = 2 * (10 * 3 + 4);  // digits (3, 4), no borrow in
        table.w2.set(unit, out[9], ctformer::fixed{});
        table.w2.set(unit, out[8], ctformer::fixed::from_ratio(1, 128));
#endif
        return w;
    }
};
}  // namespace

static_assert(ctformer::proven_rows_for_all_inputs<subtraction_entry, 16, 33, 33>);
