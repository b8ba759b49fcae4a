// Every 4-digit addition (10^8 pairs), proven by the consumer's compiler through the installed
// package: ctformer::proof_budget brings the library and the constant-evaluation budget.
#include <ctformer/core.hpp>

static_assert(ctformer::proven_for_all_inputs<ctformer::seed_weights, 4>);
