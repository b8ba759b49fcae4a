// Must not compile with CTFORMER_BREAK: the body's step_position moves left_pos when the carry
// is set. The structural dependency premise fails and names the layer that reads the
// cursor, the column and the layer that made it depend on the digits.
// expect: all_inputs_fail<(ctformer::)?proof_failure.(ctformer::premise::dependency|0), 0, 0, 0, 16, .*its query reads column 16
#include <ctformer/proof/all_inputs.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::cursor_reads_digit<true>;
#else
using Net = twins::cursor_reads_digit<false>;
#endif

static_assert(ctformer::proven_rows_for_all_inputs<Net, 16, 33, 33>);
