// A unit of a target that links ctformer::precompiled: it includes the light header as any unit
// would, and the seed network it proves with comes compiled from the target's precompiled header.
#include <ctformer/core.hpp>

static_assert(ctformer::adds_correctly<ctformer::adder<4>>(4999, 5001));
// declared by ctformer/precompiled.hpp, which this unit does not include: the target's precompiled
// header was used
static_assert(ctformer::detail::precompiled_network_ready);
