// Must not compile with CTFORMER_BREAK: the embedding writes distance = −1000 where the token is 7
// and the row is 40 or later. The all-input proof of D = 4 still holds for the broken network
// (asserted in both variants: its rows end at 14); that of D = 16's answer row 40 checks the
// embedding of rows 0..40 for every token they may hold and finds the token-dependent value.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::start|6), 16, 40, 0, 65, .*the position part depends on the token
#include <ctformer/proof/all_inputs.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::long_junk<true>;
#else
using Net = twins::long_junk<false>;
#endif

static_assert(ctformer::proven_for_all_inputs<twins::long_junk<true>, 4>);
static_assert(ctformer::proven_rows_for_all_inputs<Net, 16, 40, 40>);
