// Must not compile with CTFORMER_BREAK: read_relative(left_pos → left) writes 2 into left[3] for a
// row holding 3 (a weight mutant of an attention's value), so the left register is no exact one-hot
// in the first body pass of row 5. By enumeration, the 1,900 2-digit additions with a 3 in the
// first operand come out wrong, the others right.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::pass|2), 2, 5, 1, 22, .*read_relative
#include <ctformer/proof/all_inputs.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::value_entry<true>;
#else
using Net = twins::value_entry<false>;
#endif

static_assert(ctformer::proven_for_all_inputs<Net, 2>);
