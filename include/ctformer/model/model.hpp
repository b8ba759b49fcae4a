// ctformer/model/model.hpp — model<P, D, Build>: a program's network and the digit count of its
// operands, what generation, the checker and the proofs run.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "ctformer/layers/margins.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/program.hpp"

namespace ctformer {

/// A D-digit program P on the network that Build makes (P's own network by default; a twin with
/// broken weights, or a runtime_build, otherwise — its weights must claim to run P).
///
/// A D-digit prompt has prompt_shape<P>::prompt_length(D) tokens (2D + 2 for two D-digit operands)
/// and an answer of D + 1 digits and '\n'; the sequence holds at most longest_sequence rows (the
/// '\n' is predicted, never pushed). What a network's positions support for D
/// digits is its position premise, positions_of<Build, D> (proof/positions.hpp: a generation at
/// compile time, about 1 s of g++ for D = 4 and 9 s for 16, so it is asserted where it is wanted, not
/// by every model), and its all-input proof.
template <program P, std::size_t Digits, class Build = typename P::build>
struct model {
    static_assert(arithmetic_checked<P>());
    static_assert(std::is_same_v<program_of<Build>, P>, "ctformer::model: the network's weights claim to run another program");
    static_assert(Digits >= 1, "ctformer::model: an operand has at least one digit");
    static_assert(prompt_shape<P>::longest_sequence(Digits) <= max_rows, "ctformer::model: the sequence is longer than a forward pass holds");
    using program_type = P;
    static constexpr std::size_t digits = Digits;
    static constexpr std::size_t prompt_length = prompt_shape<P>::prompt_length(Digits);  ///< DDDD+DDDD=
    static constexpr std::size_t answer_length = prompt_shape<P>::answer_length(Digits);  ///< D + 1 digits, reversed, then '\n'
    static constexpr std::size_t longest_sequence = prompt_shape<P>::longest_sequence(Digits);
    static constexpr std::string_view vocabulary = P::vocabulary;
    using build = Build;
    static constexpr auto const& dense = dense_of<base_build_t<Build>>;
    static constexpr auto const& net = network_of<Build>;
    static constexpr auto const& structure = structure_of<Build>;
};

}  // namespace ctformer
