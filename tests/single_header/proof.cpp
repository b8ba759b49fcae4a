// The committed single header on its own (only it and Boost.Hana on the include path): one proven
// 4-digit addition, generation, and every 2-digit addition by the all-input proof.
#include <ctformer.hpp>

static_assert(ctformer::adds_correctly<ctformer::adder<4>>(4999, 5001));
static_assert(ctformer::add<ctformer::adder<2>>("47+38=").answer() == "580\n");
static_assert(ctformer::proven_for_all_inputs<ctformer::seed_weights, 2>);
