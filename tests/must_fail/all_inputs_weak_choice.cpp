// Must not compile with CTFORMER_BREAK: find_and_store('+') scores the '+' row only 0.9 above the
// others, so its chosen row gets a softmax weight below 1. The selection premise fails.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::selection|1), 16, 33, 0, 0, .*the chosen row gets weight
#include <ctformer/proof/all_inputs.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::weak_choice<true>;
#else
using Net = twins::weak_choice<false>;
#endif

static_assert(ctformer::proven_rows_for_all_inputs<Net, 16, 33, 33>);
