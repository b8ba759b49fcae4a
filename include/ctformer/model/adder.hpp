// ctformer/model/adder.hpp — adder<D>: a network and the digit count of its operands.
#pragma once

#include <cstddef>

#include "ctformer/layers/margins.hpp"
#include "ctformer/model/network.hpp"

namespace ctformer {

/// The most digits the seed's network supports — checked on the compiled network, not assumed: the
/// all-input proof (target ctformer_proofs_all_inputs) holds for every D = 1..16, its copy premise
/// evaluating the network's own diff_pos, is_zero and copy_on_match on the cursors as its own layers
/// rotate them; and tests/proofs/positions.cpp shows the position premise (proof/positions.hpp)
/// holding for D = 4 and failing for 17, where the answer row at position 52 is half matched by
/// another output cursor (`ctformer prove --digits 17` fails there too).
inline constexpr std::size_t max_digits = 16;

/// An adder: a network and the digit count D of its operands (the body runs D times).
///
/// A D-digit addition is a prompt of 2D + 2 tokens and an answer of D + 1 digits and '\n'; the
/// sequence holds at most 3D + 3 rows (the '\n' is predicted, never pushed). What a network's
/// positions support for D digits is its position premise, positions_of<Build, D>
/// (proof/positions.hpp: a generation at compile time, about 1 s of g++ for D = 4 and 9 s for 16, so
/// it is asserted where it is wanted, not by every adder), and its all-input proof.
template <std::size_t Digits, class Build = seed_weights>
struct adder {
    static_assert(Digits >= 1, "ctformer::adder: an addition has at least one digit");
    static_assert(3 * Digits + 3 <= max_rows, "ctformer::adder: the sequence is longer than a forward pass holds");
    static constexpr std::size_t digits = Digits;
    static constexpr std::size_t prompt_length = 2 * Digits + 2;  ///< DDDD+DDDD=
    static constexpr std::size_t answer_length = Digits + 2;  ///< D + 1 digits, reversed, then '\n'
    static constexpr std::size_t longest_sequence = prompt_length + answer_length - 1;
    using build = Build;
    static constexpr auto const& dense = dense_of<base_build_t<Build>>;
    static constexpr auto const& net = network_of<Build>;
    static constexpr auto const& structure = structure_of<Build>;

};

}  // namespace ctformer
