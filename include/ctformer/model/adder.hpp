// ctformer/model/adder.hpp — adder<D>: the seed network and the digit count of its operands, with
// the position premises proven for its sequence length.
#pragma once

#include <cstddef>

#include "ctformer/model/network.hpp"
#include "ctformer/proof/premises.hpp"

namespace ctformer {

/// Do the position guarantees hold for D-digit additions on a layout? (The sequence fits a forward
/// pass, positions do not alias, a cursor's read wins by a gap at which exp rounds the other rows to
/// 0, and every two answer positions are at least 0.15 apart for is_zero.)
template <class L>
constexpr bool positions_hold(L const& layout, std::size_t digits) {
    std::size_t const prompt = 2 * digits + 2, longest = prompt + digits + 1;
    if (longest > max_rows) return false;
    position_guarantees const g = position_guarantees_for(layout, longest, prompt - 1);
    return g.distinct && g.read_gap.raw > -detail::exp_zero_below && g.min_distance >= fixed::from_ratio(15, 100);
}

/// The most digits the seed's position encoding supports: the largest D for which the guarantees
/// hold for every digit count up to D — derived, not assumed. It is 16: for 17 digits the answer
/// rows reach positions 51 and 52, where diff_pos's 100·Δsin + 1000·Δcos nearly vanishes (distance
/// 0.09 against the 0.15 is_zero needs), as it does for 1 and 2. The all-input proof
/// (proof/all_inputs.hpp) confirms it on the network itself: it holds for D = 16 and fails at 17.
inline constexpr std::size_t max_digits = [] {
    std::size_t d = 0;
    while (positions_hold(seed_layout, d + 1)) ++d;
    return d;
}();

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
    static_assert(Digits >= 1, "ctformer::adder: an addition has at least one digit");
    static_assert(Digits <= max_digits,
                  "ctformer::adder: too many digits for the seed's position encoding (ctformer::max_digits, 16): "
                  "from 17 digits on, the answer rows reach positions 51 and 52, which diff_pos cannot tell apart "
                  "(distance 0.09, below the 0.15 that is_zero needs)");
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
