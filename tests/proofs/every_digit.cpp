// Every digit in every position of both operands (a = dddd, b = eeee).
// This unit holds only static_asserts: if it compiles, the network adds each pair correctly.
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;

static_assert(ctformer::proven_sum<A, 0, 1111>);
static_assert(ctformer::proven_sum<A, 1111, 2222>);
static_assert(ctformer::proven_sum<A, 2222, 3333>);
static_assert(ctformer::proven_sum<A, 3333, 4444>);
static_assert(ctformer::proven_sum<A, 4444, 5555>);
static_assert(ctformer::proven_sum<A, 5555, 6666>);
static_assert(ctformer::proven_sum<A, 6666, 7777>);
static_assert(ctformer::proven_sum<A, 7777, 8888>);
static_assert(ctformer::proven_sum<A, 8888, 9999>);
