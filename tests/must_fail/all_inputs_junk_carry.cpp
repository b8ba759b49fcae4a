// Must not compile with CTFORMER_BREAK: the embedding writes carry = 1 into every row, so 1 + 1
// gives 30. The walk starts each digit register empty; premise start checks that on the compiled
// embedding for every row and token, and names the first that differs (row 0).
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::start|6), 1, 0, 0, 64, .*carry is not empty in the embedding
#include <ctformer/proof/all_inputs.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::junk_carry<true>;
#else
using Net = twins::junk_carry<false>;
#endif

static_assert(ctformer::proven_for_all_inputs<Net, 1>);
