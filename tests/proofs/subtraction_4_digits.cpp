// Every 4-digit subtraction — all 10^8 — proven by the all-input proof (proof/all_inputs.hpp), and
// the subtraction program's worked examples: "0999-0111=" gives 0888 reversed and no borrow,
// "0111-0999=" gives 9112 (ten's complement) reversed and the borrow out.
#include "precompiled.hpp"

static_assert(ctformer::proven_for_all_inputs<ctformer::subtraction_weights, 4>);

void examples() {
    constexpr auto no_borrow = ctformer::run<ctformer::subtractor<4>>("0999-0111=");
    static_assert(no_borrow.answer() == "88800\n");
    constexpr auto borrow = ctformer::run<ctformer::subtractor<4>>("0111-0999=");
    static_assert(borrow.answer() == "21191\n");
}
