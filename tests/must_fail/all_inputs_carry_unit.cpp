// Must not compile with CTFORMER_BREAK: one add-table unit is wrong in one carry-in-1 case (3 + 4
// + 1 writes 9). The D = 16 all-input proof fails at its first answer row, and the diagnostic names
// the premise, the layer and the case: pass 2, left=3 right=4 carry=1.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::pass|2), 16, 33, 2, 50, .*out follows no rule
#include <ctformer/proof/all_inputs.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::carry_unit<true>;
#else
using Net = twins::carry_unit<false>;
#endif

static_assert(ctformer::proven_rows_for_all_inputs<Net, 16, 33, 33>);
