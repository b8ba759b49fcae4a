// Full carry chains, zeros, and the carry out of the top digit (the seed's demo is in readme_example.cpp).
// This unit holds only static_asserts: if it compiles, the network adds each pair correctly.
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;

static_assert(ctformer::proven_sum<A, 9999, 1>);
static_assert(ctformer::proven_sum<A, 1, 9999>);
static_assert(ctformer::proven_sum<A, 9999, 9999>);
static_assert(ctformer::proven_sum<A, 0, 0>);
static_assert(ctformer::proven_sum<A, 0, 9999>);
static_assert(ctformer::proven_sum<A, 9999, 0>);
static_assert(ctformer::proven_sum<A, 5000, 5000>);
static_assert(ctformer::proven_sum<A, 5, 5>);
static_assert(ctformer::proven_sum<A, 50, 50>);
static_assert(ctformer::proven_sum<A, 500, 500>);
