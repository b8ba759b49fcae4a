// Mixed additions: no carry, scattered carries, asymmetric operands.
// This unit holds only static_asserts: if it compiles, the network adds each pair correctly.
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;

static_assert(ctformer::proven_sum<A, 1234, 4321>);
static_assert(ctformer::proven_sum<A, 5678, 8765>);
static_assert(ctformer::proven_sum<A, 2468, 1357>);
static_assert(ctformer::proven_sum<A, 1357, 2468>);
static_assert(ctformer::proven_sum<A, 4096, 1024>);
static_assert(ctformer::proven_sum<A, 7, 8000>);
static_assert(ctformer::proven_sum<A, 8000, 7>);
static_assert(ctformer::proven_sum<A, 6174, 3825>);
static_assert(ctformer::proven_sum<A, 2718, 3141>);
static_assert(ctformer::proven_sum<A, 9090, 909>);
static_assert(ctformer::proven_sum<A, 1009, 9001>);
