// ctformer/proof/exhaustive.hpp — proofs by enumeration: every addition of a range checked in one
// constant evaluation, and proven<>, which names the first wrong pair when one is wrong.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctformer/runtime/generate.hpp"

namespace ctformer {

/// What a proof over a range of additions found: how many it checked, how many were right, and
/// the first wrong one.
struct range_result {
    std::uint64_t checked = 0, right = 0;
    std::uint64_t first_wrong_a = 0, first_wrong_b = 0;
    margins margin{};
    constexpr bool all_right() const { return checked == right; }
};

/// Checks a + b for every a in [a_begin, a_end) and every D-digit b — in constant evaluation, for
/// the exhaustive proofs — by adds_correctly: generation as users run it.
template <class Model>
constexpr range_result check_range(std::uint64_t a_begin, std::uint64_t a_end) {
    constexpr std::size_t D = Model::digits;
    range_result out{};
    for (std::uint64_t a = a_begin; a < a_end; ++a)
        for (std::uint64_t b = 0; b < power_of_ten(D); ++b) {
            margins m{};
            bool const right = answers_correctly<Model>(a, b, &m);
            out.margin.merge(m);
            ++out.checked;
            if (right)
                ++out.right;
            else if (out.checked - out.right == 1)
                out.first_wrong_a = a, out.first_wrong_b = b;
        }
    return out;
}

namespace detail {
/// Instantiated with the first wrong pair of a proof, so that the compiler's diagnostic names it:
///   In instantiation of 'struct ctformer::detail::wrong_answer<3, 4, false>'
template <std::uint64_t FirstOperand, std::uint64_t SecondOperand, bool AllRight>
struct wrong_answer {
    static_assert(AllRight,
                  "ctformer: the network's answer is wrong for the addition FirstOperand + SecondOperand "
                  "(the template arguments of this instantiation)");
    static constexpr bool proven = AllRight;
};
}  // namespace detail

/// One addition proven: true when the network answers a + b right. A wrong answer stops the build
/// at detail::wrong_answer<a, b, false>, which names the pair:
///   static_assert(ctformer::proven_sum<ctformer::adder<4>, 999, 111>);
template <class Model, std::uint64_t FirstOperand, std::uint64_t SecondOperand>
inline constexpr bool proven_sum =
    detail::wrong_answer<FirstOperand, SecondOperand, answers_correctly<Model>(FirstOperand, SecondOperand)>::proven;

/// The exhaustive proof of a range: true when every addition in Result was right. A wrong one
/// stops the build at detail::wrong_answer<a, b, false>, which names the first wrong pair:
///   static_assert(ctformer::proven<ctformer::check_range<ctformer::adder<1>>(0, 10)>);
template <range_result Result>
inline constexpr bool proven =
    detail::wrong_answer<Result.first_wrong_a, Result.first_wrong_b, Result.all_right()>::proven&& Result.checked > 0;

}  // namespace ctformer
