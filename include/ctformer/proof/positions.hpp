// ctformer/proof/positions.hpp — the position premise, read off the compiled network: in generation
// as users run it, every attention of every answer row gives one row all the weight, and each answer
// row's token register is written by exactly one copy decision, a later one for a later row. The
// cursors are the network's own (find_and_store, step_position rotate them), the decisions its own
// compiled diff_pos, is_zero and copy_on_match: nothing here copies a constant from a layer's
// definition. adder<D> static_asserts it for its D; tests/proofs/positions.cpp shows it holds for
// every D up to max_digits and fails beyond.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "ctformer/layers/margins.hpp"
#include "ctformer/model/addition.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/prompt.hpp"
#include "ctformer/proof/text.hpp"
#include "ctformer/runtime/generate.hpp"

namespace ctformer {

namespace detail {
/// A network as a model of D-digit additions without adder's premises, so that a proof can run
/// generation for a digit count the network may not support (and show that it does not).
template <class Build, std::size_t D>
struct walk_model {
    static constexpr auto const& net = network_of<Build>;
    static constexpr auto const& structure = structure_of<Build>;
    static constexpr std::size_t digits = D;
    static constexpr bool any_digit_count = true;  ///< sequence(digits) takes D past the program's max_digits
    using build = Build;
};

/// The same, with the digit count given at run time (sequence(digits), generate(digits, ...)): one
/// generation compiled for every D a walk takes (the all-input proof's trace). Like walk_model, it
/// skips what a model checks: sequence(digits) takes any count whose rows a pass holds, so that a
/// walk can run past the program's max_digits and show where it fails.
template <class Build>
struct walk_model<Build, digits_at_run_time> {
    static constexpr auto const& net = network_of<Build>;
    static constexpr auto const& structure = structure_of<Build>;
    static constexpr bool any_digit_count = true;
    using build = Build;
};

}  // namespace detail

/// Where the position premise failed: a structural value, shown by the diagnostic.
struct position_failure {
    std::uint16_t digits = 0;
    std::uint16_t row = 0;  ///< the answer row
    std::uint16_t step = 0;  ///< the layer, counted from 0 in the row's pass
    char what[112]{};
};

struct position_premise_result {
    bool holds = true;
    position_failure failure{};
    std::uint64_t decisions = 0;  ///< attention choices and copy decisions checked
    margins margin{};  ///< the smallest attention gap and copy pre-activation generation met
};

/// Runs generation as ctformer::add does on 0…0+0…0= for D digits and checks, per answer row,
/// every attention (one row weighted, exactly 1) and every copy decision (a layer that reports
/// one): the answer row's token register — the columns the unembedding reads — changes in exactly
/// one of them, to an exact one-hot, at a later layer than the row before's. Which row a copy picks is a matter of
/// positions only (premise (a) of the all-input proof: no cursor depends on a digit), so the
/// digits of this one prompt stand for every prompt's.
template <class Build, std::size_t D>
constexpr position_premise_result position_premise() {
    using M = detail::walk_model<Build, D>;
    using shape = prompt_shape<program_of<Build>>;
    constexpr auto const& net = M::net;
    constexpr std::size_t width = std::remove_cvref_t<decltype(net.layout)>::width;
    constexpr std::size_t rows = D + 2;
    position_premise_result out{};
    if (shape::longest_sequence(D) + 1 > max_rows) {
        out.holds = false;
        out.failure.digits = static_cast<std::uint16_t>(D);
        detail::text_writer<112>{out.failure.what} << "a D-digit prompt and its answer take " << shape::longest_sequence(D) + 1
                                                   << " rows; a pass holds " << max_rows;
        return out;
    }
    std::array<bool, width> answer_column{};
    for (std::size_t c = 0; c < width; ++c)
        for (std::size_t t = 0; t < vocab_size; ++t)
            if (net.unembed(c, t).raw != 0) answer_column[c] = true;
    std::size_t const steps = network_shape<std::remove_cvref_t<decltype(net)>>::steps(D);
    std::array<std::size_t, rows> written_at{};
    for (auto& w : written_at) w = SIZE_MAX;
    std::array<std::int64_t, width> before{};  // the answer columns after the previous layer (empty at the start)
    std::size_t call = 0;
    auto fail = [&](std::size_t pass, std::size_t step) {
        out.holds = false;
        out.failure.digits = static_cast<std::uint16_t>(D);
        out.failure.row = static_cast<std::uint16_t>(shape::first_answer_row(D) + pass);
        out.failure.step = static_cast<std::uint16_t>(step);
        return detail::text_writer<112>{out.failure.what};
    };
    auto const g = generate<M>(make_prompt<D, program_of<Build>>(0, 0), rows, [&](auto const& layer, row_vector<width> const& x, std::uint64_t used) {
        std::size_t const pass = call / steps, step = call % steps;
        ++call;
        if (step == 0) before = {};
        if (!out.holds || pass >= rows) return;
        using T = std::remove_cvref_t<decltype(layer)>;
        if constexpr (T::is_attention) {
            ++out.decisions;
            std::size_t weighted = 0;
            for (std::uint64_t u = used; u; u &= u - 1) ++weighted;
            if (weighted != 1) fail(pass, step) << "an attention weights " << weighted << " rows, not one";
        } else if (layer.reports_decision) {
            ++out.decisions;
            bool changed = false;
            for (std::size_t c = 0; c < width; ++c) changed = changed || (answer_column[c] && x[c].raw != before[c]);
            std::size_t ones = 0;
            bool exact = true;  // the token register after a write: an exact one-hot
            for (std::size_t c = 0; c < width; ++c)
                if (answer_column[c]) {
                    if (x[c].raw == fixed::one_raw) ++ones;
                    else if (x[c].raw != 0) exact = false;
                }
            if (changed && (!exact || ones != 1)) {
                fail(pass, step) << "a copy decision leaves the row's token register other than an exact one-hot: "
                                    "a cursor half matches the row";
            } else if (changed) {
                if (written_at[pass] != SIZE_MAX)
                    fail(pass, step) << "a second copy decision writes the row's token register (the first at layer "
                                     << written_at[pass] << "): two cursors match the row";
                else if (pass > 0 && (written_at[pass - 1] == SIZE_MAX || written_at[pass - 1] >= step))
                    fail(pass, step) << "the copy decision that writes this row comes no later than the previous row's";
                written_at[pass] = step;
            }
        }
        for (std::size_t c = 0; c < width; ++c)
            if (answer_column[c]) before[c] = x[c].raw;
    });
    if (out.holds && g.generated != rows) fail(g.generated, 0) << "generation stopped early";
    for (std::size_t p = 0; out.holds && p < rows; ++p)
        if (written_at[p] == SIZE_MAX) fail(p, 0) << "no copy decision writes the row's token register: no cursor matches the row";
    out.margin = g.margin;
    return out;
}

namespace detail {
/// Instantiated with a failed position premise, so that the diagnostic names it:
///   'struct ctformer::detail::positions_fail<ctformer::position_failure{7, 21, 51, "a second copy decision ..."}, false>'
template <position_failure Failure, bool Holds>
struct positions_fail {
    static_assert(Holds,
                  "ctformer: the position premise fails for this network and digit count; the template argument names "
                  "digits, answer row, layer and what went wrong");
    static constexpr bool proven = Holds;
};
}  // namespace detail

/// The position premise for D digits, as a build-stopping check.
template <class Build, std::size_t D>
inline constexpr position_premise_result positions_of = position_premise<Build, D>();
template <class Build, std::size_t D>
inline constexpr bool positions_hold =
    detail::positions_fail<positions_of<Build, D>.failure, positions_of<Build, D>.holds>::proven;

}  // namespace ctformer
