// Every 4-digit addition — all 10^8 — proven by the all-input proof (proof/all_inputs.hpp): the
// structural premise, then one constant evaluation per answer row (rows 9 to 14).
#include "precompiled.hpp"

static_assert(ctformer::proven_for_all_inputs<ctformer::seed_weights, 4>);
