// No overflow for any valid 1-digit input (proof/bounds.hpp): every residual entry, hidden
// pre-activation, query, key, value and attention score of the rows that generation runs through
// the layers fits Q31.32 with 8 bits to spare (it fits 23 integer bits; the largest value, the
// read keys' 2^18, needs 19), and every answer row predicts a digit. Every other digit count is
// proven by the target ctformer_proofs_bounds (tests/proofs/bounds/).
#include "precompiled.hpp"

static_assert(ctformer::fits_format<ctformer::adder<1>, 23>, "every value of the 1-digit adder fits with 8 bits of headroom");
static_assert(ctformer::bounds_of<ctformer::adder<1>>.largest() == ctformer::i128{1} << (18 + 32),
              "the largest value is the relative read's key scale, 2^18");
