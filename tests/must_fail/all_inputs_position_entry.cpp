// Must not compile with CTFORMER_BREAK: row 6's cos in the position table is 0.5 too large (a weight
// mutant of the position table), so row 6, which predicts the sum's second digit for D = 2, no
// longer matches its pass's output cursor: its final register does not hold the digit. By
// enumeration, 9,525 of the 10,000 2-digit additions come out wrong.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::answer|5), 2, 6, 3, 0, .*final does not hold the answer digit of row 6
#include <ctformer/proof/all_inputs.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::position_entry<true>;
#else
using Net = twins::position_entry<false>;
#endif

static_assert(ctformer::proven_for_all_inputs<Net, 2>);
