// ctformer/model/adder.hpp — adder<D>: the seed network and the digit count of its operands, with
// the position premises proven for its sequence length.
#pragma once

#include <cstddef>

#include "ctformer/model/network.hpp"
#include "ctformer/proof/premises.hpp"

namespace ctformer {

/// An adder: a network and the digit count D of its operands (the body runs D times).
///
/// A D-digit addition is a prompt of 2D + 2 tokens and an answer of D + 1 digits and '\n'; the
/// sequence holds at most 3D + 3 rows (the '\n' is predicted, never pushed). For that length the
/// adder proves at compile time that positions do not alias, that a cursor's read wins by a score
/// gap at which exp rounds the losers to exactly 0, and that two different answer positions (rows
/// 2D + 1 on, where the out cursor points) are far enough apart for is_zero to answer exactly 0
/// (distance ≥ 0.15).
template <std::size_t Digits, class Build = seed_weights>
struct adder {
    static_assert(Digits >= 1 && Digits <= 8, "ctformer::adder: the adder supports 1 to 8 digits");
    static constexpr std::size_t digits = Digits;
    static constexpr std::size_t prompt_length = 2 * Digits + 2;  ///< DDDD+DDDD=
    static constexpr std::size_t answer_length = Digits + 2;  ///< D + 1 digits, reversed, then '\n'
    static constexpr std::size_t longest_sequence = prompt_length + answer_length - 1;
    using build = Build;
    static constexpr auto const& dense = dense_of<Build>;
    static constexpr auto const& net = compiled_of<Build>;

    static constexpr position_guarantees positions = position_guarantees_for(dense.layout, longest_sequence, prompt_length - 1);
    static_assert(longest_sequence <= max_rows, "ctformer::adder: the sequence is longer than a forward pass holds");
    static_assert(positions.distinct, "ctformer::adder: the sequence is longer than the position period: positions alias");
    static_assert(positions.read_gap.raw > -detail::exp_zero_below,
                  "ctformer::adder: read_relative's score gap is too small for exp to round the other rows to 0");
    static_assert(positions.min_distance >= fixed::from_ratio(15, 100),
                  "ctformer::adder: two positions are too close for is_zero to tell them apart");
};

}  // namespace ctformer
