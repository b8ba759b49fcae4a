// Every 4-digit multiplication by a digit — all 10^5 — proven by the all-input proof
// (proof/all_inputs.hpp), whose carry here runs 0..8, and the program's worked examples.
#include "precompiled.hpp"

static_assert(ctformer::proven_for_all_inputs<ctformer::multiplication_weights, 4>);

void examples() {
    constexpr auto g = ctformer::run<ctformer::multiplier<4>>("0999*7=");
    static_assert(g.answer() == "39960\n");  // 6993, digits reversed, carry out 0
    constexpr auto h = ctformer::run<ctformer::multiplier<4>>("9999*9=");
    static_assert(h.answer() == "19998\n");  // 89991: 9991 reversed, carry out 8
}
