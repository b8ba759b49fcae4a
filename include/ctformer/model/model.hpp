// ctformer/model/model.hpp — model<P, D, Build>: a program's network and the digit count of its
// operands, what generation, the checker and the proofs run.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "ctformer/layers/margins.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/program.hpp"

namespace ctformer {

namespace detail {
/// What every model of program P on Build's network has, whatever its digit count.
template <program P, class Build>
struct model_network {
    static_assert(arithmetic_checked<P>());
    static_assert(std::is_same_v<program_of<Build>, P>, "ctformer::model: the network's weights claim to run another program");
    using program_type = P;
    static constexpr std::string_view vocabulary = P::vocabulary;
    using build = Build;
    static constexpr auto const& dense = dense_of<base_build_t<Build>>;
    static constexpr auto const& net = network_of<Build>;
    static constexpr auto const& structure = structure_of<Build>;
};
}  // namespace detail

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
struct model : detail::model_network<P, Build> {
    static_assert(Digits >= 1, "ctformer::model: an operand has at least one digit");
    static_assert(prompt_shape<P>::longest_sequence(Digits) <= max_rows, "ctformer::model: the sequence is longer than a forward pass holds");
    static constexpr std::size_t digits = Digits;
    static constexpr std::size_t prompt_length = prompt_shape<P>::prompt_length(Digits);  ///< DDDD+DDDD=
    static constexpr std::size_t answer_length = prompt_shape<P>::answer_length(Digits);  ///< D + 1 digits, reversed, then '\n'
    static constexpr std::size_t longest_sequence = prompt_shape<P>::longest_sequence(Digits);
};

/// The digit count of a model whose count is given at run time: model<P, digits_at_run_time>.
inline constexpr std::size_t digits_at_run_time = 0;

/// P's network with the digit count left to run time: one type for every D = 1..P::max_digits, so
/// that what runs it (the checker's walker, generation) is compiled once per program, not once per
/// D. It has no `digits`, `prompt_length` or `answer_length`: what runs it takes the count
/// (sequence, exact_walker), and code that needs the count at compile time does not compile for it.
template <program P, class Build>
struct model<P, digits_at_run_time, Build> : detail::model_network<P, Build> {};

/// P's network, the digit count given at run time (model<P, digits_at_run_time, Build>).
template <program P, class Build = typename P::build>
using any_digits = model<P, digits_at_run_time, Build>;

/// Whether a model's digit count is a compile-time constant (Model::digits).
template <class Model>
concept fixed_digit_count = requires { Model::digits; };

/// Throws std::invalid_argument unless 1 ≤ digits ≤ P::max_digits and a prompt of that many digits
/// and its answer fit the rows a forward pass holds.
template <program P>
constexpr void require_digit_count(std::size_t digits) {
    if (digits < 1 || digits > P::max_digits || prompt_shape<P>::longest_sequence(digits) > max_rows)
        throw std::invalid_argument("ctformer: the program takes 1 to its max_digits digits");
}

}  // namespace ctformer
