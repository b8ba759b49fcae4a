// One carry at each position, and carries that stop or ripple.
// This unit holds only static_asserts: if it compiles, the network adds each pair correctly.
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;

static_assert(ctformer::proven_sum<A, 9, 1>);
static_assert(ctformer::proven_sum<A, 90, 10>);
static_assert(ctformer::proven_sum<A, 900, 100>);
static_assert(ctformer::proven_sum<A, 9000, 1000>);
static_assert(ctformer::proven_sum<A, 19, 1>);
static_assert(ctformer::proven_sum<A, 1111, 8889>);
static_assert(ctformer::proven_sum<A, 3333, 6667>);
static_assert(ctformer::proven_sum<A, 123, 877>);
static_assert(ctformer::proven_sum<A, 8642, 1358>);
