// Must not compile with CTFORMER_BREAK: a diff_pos constant (1471·Δsin instead of 100·Δsin)
// confuses positions symmetric about 15.5. The all-input proof of D = 4 still holds for the broken
// network (asserted in both variants), and that of D = 7 fails at answer row 21, which also
// matches the output cursor at position 10: the proof does not sample.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::copy|3), 7, 21, [0-9]+, 66, .*final is not an exact
#include <ctformer/proof/all_inputs.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::long_sequence<true>;
#else
using Net = twins::long_sequence<false>;
#endif

static_assert(ctformer::proven_for_all_inputs<twins::long_sequence<true>, 4>);
static_assert(ctformer::proven_for_all_inputs<Net, 7>);
