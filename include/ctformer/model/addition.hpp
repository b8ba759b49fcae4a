// ctformer/model/addition.hpp — the seed's program: addition with carry. "0999+0111=" → "01110\n":
// the D digits of a + b least significant first, the carry out, '\n'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctformer/model/model.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/program.hpp"

namespace ctformer {

struct addition;

/// Builds the seed's network: addition's (model/addition.hpp).
struct seed_weights {
    constexpr auto operator()() const {
        auto const& L = seed_layout;
        return column_network<addition>(add_with_carry(L, L[reg::left], L[reg::right], L[reg::carry], L[reg::out]),
                                        "find_and_store('+' → left_pos)");
    }
};

/// The body layer of the seed network called `name`, in a network's weights (for breaking it):
///   auto& table = ctformer::seed_body_layer<"add_with_carry">(w);
template <fixed_string Name, class Weights>
constexpr auto& seed_body_layer(Weights& w) {
    return body_layer<Name, seed_weights>(w);
}

/// Addition (model/program.hpp): its network is the seed's (seed_weights, above), with
/// the add_with_carry table (model/instructions.hpp).
struct addition {
    static constexpr std::string_view name = "add";
    static constexpr std::string_view vocabulary = "0123456789+= \n";
    static constexpr int max_carry = 1;
    static constexpr std::string_view carry_name = "carry";
    static constexpr std::string_view noun = "addition";
    /// Checked on the compiled network, not assumed: the all-input proof (target
    /// ctformer_proofs_all_inputs) holds for every D = 1..16, and tests/proofs/positions.cpp shows the
    /// position premise (proof/positions.hpp) holding for D = 4 and failing for 17, where the answer
    /// row at position 52 is half matched by another output cursor (`ctformer prove --digits 17`
    /// fails there too).
    static constexpr std::size_t max_digits = 16;
    static constexpr bool one_digit_second = false;
    using build = seed_weights;
    static constexpr column_result column(int x, int y, int carry) { return {(x + y + carry) % 10, (x + y + carry) / 10}; }
    static constexpr answer_parts answer(std::uint64_t a, std::uint64_t b, std::size_t digits) {
        std::uint64_t const s = a + b;
        return {s % power_of_ten(digits), s / power_of_ten(digits)};
    }
};
static_assert(program<addition>);

/// The most digits the seed's network supports (addition::max_digits).
inline constexpr std::size_t max_digits = addition::max_digits;

/// The seed's adder for D-digit operands.
template <std::size_t Digits, class Build = seed_weights>
using adder = model<addition, Digits, Build>;

}  // namespace ctformer
