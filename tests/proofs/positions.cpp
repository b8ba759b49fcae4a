// The position premise (proof/positions.hpp) on the seed's compiled network: for 4 digits every
// attention of every answer row picks one row and each answer row is written by exactly one copy
// decision, to an exact one-hot; for max_digits + 1 it fails at answer row 52, which another output
// cursor half matches. Read off the network's own diff_pos, is_zero and copy_on_match on its own
// cursors, not from constants copied out of their definitions. (Every D up to max_digits is the
// all-input proofs' target: their copy premise is the same decisions, for every input.)
#include "precompiled.hpp"

#include <ctformer/proof/positions.hpp>

void four_digits() {
    static_assert(ctformer::positions_hold<ctformer::seed_weights, 4>);
}

void one_past_max_digits() {
    constexpr auto past = ctformer::position_premise<ctformer::seed_weights, ctformer::max_digits + 1>();
    static_assert(!past.holds, "the position premise fails one digit past max_digits");
    static_assert(past.failure.row == 52);
}

// subtraction::max_digits: its positions are the adder's (one table differs, and it reads and writes
// no position), and the premise shows it.
void subtraction_digits() {
    static_assert(ctformer::positions_hold<ctformer::subtraction_weights, 4>);
    constexpr auto past = ctformer::position_premise<ctformer::subtraction_weights, ctformer::subtraction::max_digits + 1>();
    static_assert(!past.holds, "the position premise fails one digit past subtraction's max_digits");
}

// multiplication: a prompt and answer of 2D + 4 rows, so its positions hold further, to 24 digits,
// and fail at 25 on the same row as the adder's at 17 (row 52).
void multiplication_digits() {
    static_assert(ctformer::positions_hold<ctformer::multiplication_weights, 24>);
    constexpr auto past = ctformer::position_premise<ctformer::multiplication_weights, 25>();
    static_assert(!past.holds && past.failure.row == 52, "the position premise fails for 25-digit multiplication, at row 52");
}
