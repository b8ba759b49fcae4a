// Must not compile with CTFORMER_BREAK: the body's diff_pos weighs Δsin by 1471 instead of 100
// (twins::long_sequence), so it no longer tells apart positions symmetric about 15.5. Its position
// premise for 7 digits, read off the compiled layers, stops at answer row 21, which an output cursor
// of another pass half matches. For 6 digits it holds (asserted in both variants): rows end at 20.
// expect: positions_fail<(ctformer::)?position_failure.7, 21, [0-9]+, .*other than an exact one-hot
#include <ctformer/proof/positions.hpp>

#include "../twins/all_inputs_twins.hpp"

#ifdef CTFORMER_BREAK
using Net = twins::long_sequence<true>;
#else
using Net = twins::long_sequence<false>;
#endif

static_assert(ctformer::positions_hold<twins::long_sequence<true>, 6>);
static_assert(ctformer::positions_hold<Net, 7>);
