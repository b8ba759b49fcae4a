// Exercise 4: move the position period, and see which premise fails and from which D
// (docs/exercises.md).
//
// A row's position is (sin, cos) of 2π·p/100: the seed's period is 100. A program may choose its own
// (`static constexpr std::int64_t position_period`); the embedding, every cursor step and every read
// follow it. Below, the adder with the period 20 and with the period 200. Each is proven by the
// all-input proof for some digit counts and not others. For each period, find the first D whose
// proof fails and the premise that fails, then say why. Ways to look:
//   - add a line  static_assert(ctformer::proven_for_all_inputs<period_20_weights, D>);  for a D
//     and build: the diagnostic names the premise, the answer row and the layer;
//   - or run the proof at run time: ctformer::all_inputs<period_20_weights>::prove(D) returns a
//     report with .holds and .failure (its premise, row, pass, layer and what).
// Write your answers below, then check:
//   cmake --build build --target exercise_04
// expect: your prediction of period [0-9]+, its first failing D and premise, is not what the proof finds
#include <ctformer/ctformer.hpp>

template <std::int64_t Period>
struct addition_with_period;

template <std::int64_t Period>
struct period_weights {
    constexpr auto operator()() const {
        auto const& L = ctformer::seed_layout;
        namespace reg = ctformer::reg;
        return ctformer::column_network<addition_with_period<Period>>(
            ctformer::add_with_carry(L, L[reg::left], L[reg::right], L[reg::carry], L[reg::out]), "find_and_store('+' -> left_pos)");
    }
};

/// Addition, its positions on a circle of `Period` rows.
template <std::int64_t Period>
struct addition_with_period : ctformer::addition {
    static constexpr std::int64_t position_period = Period;
    using build = period_weights<Period>;
};
using period_20_weights = period_weights<20>;
using period_200_weights = period_weights<200>;

// your answers
constexpr std::size_t period_20_first_failing_digits = 0;
constexpr ctformer::premise period_20_premise = ctformer::premise::dependency;
constexpr std::size_t period_200_first_failing_digits = 0;
constexpr ctformer::premise period_200_premise = ctformer::premise::dependency;

// the check: the proof holds for the D below yours (if there is one) and fails at yours, on the
// premise you name
template <class Weights>
constexpr bool first_failure_is(std::size_t digits, ctformer::premise which) {
    if (digits < 1 || digits > 16) return false;
    if (digits > 1 && !ctformer::all_inputs<Weights>::prove(digits - 1).holds) return false;
    auto const r = ctformer::all_inputs<Weights>::prove(digits);
    return !r.holds && r.failure.which == which;
}
static_assert(first_failure_is<period_20_weights>(period_20_first_failing_digits, period_20_premise),
              "your prediction of period 20, its first failing D and premise, is not what the proof finds");
static_assert(first_failure_is<period_200_weights>(period_200_first_failing_digits, period_200_premise),
              "your prediction of period 200, its first failing D and premise, is not what the proof finds");
