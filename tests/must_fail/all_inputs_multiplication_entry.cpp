// Must not compile with CTFORMER_BREAK: one entry of the multiplication program's table is wrong —
// digits (7, 8) with a carry of 3 in move the carry to 4 instead of 5 (7 · 8 + 3 = 59: digit 9,
// carry 5). The D = 3 all-input proof fails in the second body pass, the first whose carry can be 3,
// and the diagnostic names the program's layer and the case: left=7 right=8 carry=3.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::pass|2), 3, 5, 2, 64, .*multiply_with_carry.*carry follows no rule .a column digit would be 9, a carry 5.: left=7 right=8 carry=3
#include <ctformer/model/multiplication.hpp>
#include <ctformer/proof/all_inputs.hpp>

namespace {
struct multiplication_entry {
    constexpr auto operator()() const {
        auto w = ctformer::multiplication_weights{}();
#ifdef CTFORMER_BREAK
        auto& table = ctformer::body_layer<"multiply_with_carry", ctformer::multiplication_weights>(w);
        auto const carry = ctformer::multiplication_layout[ctformer::reg::carry];
        constexpr std::size_t unit = 9 * (10 * 7 + 8) + 3;  // digits (7, 8), carry 3 in
        table.w2.set(unit, carry[5], ctformer::fixed{});
        table.w2.set(unit, carry[4], ctformer::fixed::from_ratio(1, 128));
#endif
        return w;
    }
};
}  // namespace

static_assert(ctformer::proven_rows_for_all_inputs<multiplication_entry, 3, 5, 5>);
