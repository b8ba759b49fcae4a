// The README's example, compiled as written: if this unit builds, the claims in it hold.
#include <ctformer/ctformer.hpp>

using Adder = ctformer::adder<4>;  // the seed's network, 4-digit operands

// The compiler runs the transformer: tokenize, embed, 44 layers per generated token, argmax,
// until the end token.
constexpr auto g = ctformer::add<Adder>("0999+0111=");
static_assert(g.view() == "0999+0111=01110\n");  // the sum 01110, least significant digit first

// The same check for any pair, with the expected digits computed by integer arithmetic.
static_assert(ctformer::adds_correctly<Adder>(4999, 5001));

// Every attention layer picked one row outright, and every copy decision was far from its edge.
static_assert(g.margin.attention_weight == ctformer::fixed::from_int(1));
static_assert(g.margin.copy_input.to_double() > 10);
