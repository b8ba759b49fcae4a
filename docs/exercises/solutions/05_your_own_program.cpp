// Exercise 5, solved (the starting file: docs/exercises/05_your_own_program.cpp; docs/exercises.md, and
// docs/programs.md for the whole walk from an empty file to a proven program).
//
// The program: the digit-wise maximum. `0457^0168=` answers, column by column from the right,
// max(7, 8) = 8, max(5, 6) = 6, max(4, 1) = 4, max(0, 0) = 0, so 0468, written least significant
// first, then a top digit 0, then '\n': `86400\n`. (Why not the maximum of the two numbers? The
// network computes one column per pass from the right, and which number is larger is decided by
// the leftmost digit where they differ: the first pass cannot know it yet.)
//
// Everything is written but the column rule: it copies x, the first operand's digit. Build:
//   cmake --build build --target exercise_05
// The build stops: the rule does not give the program's answer(). Write the rule — the digit, and
// a carry that stays 0 — and build again: the network is then built from your rule, proven for
// every 2-digit input, and run.
#include <algorithm>

#include <ctformer/ctformer.hpp>

struct maximum_weights;

/// The digit-wise maximum (model/program.hpp).
struct digitwise_maximum {
    static constexpr std::string_view name = "max";
    static constexpr std::string_view vocabulary = "0123456789^= \n";
    static constexpr int max_carry = 1;  // the table has a carry; this program never sets it
    static constexpr std::string_view carry_name = "carry";
    static constexpr std::string_view noun = "digit-wise maximum";
    static constexpr std::size_t max_digits = 16;
    static constexpr bool one_digit_second = false;
    using build = maximum_weights;
    static constexpr ctformer::column_result column(int x, int y, int carry) {
        (void)carry;  // no column passes anything on: the carry in is always 0
        return {std::max(x, y), 0};
    }
    static constexpr ctformer::answer_parts answer(std::uint64_t a, std::uint64_t b, std::size_t digits) {
        std::uint64_t low = 0, place = 1;
        for (std::size_t k = 0; k < digits; ++k, a /= 10, b /= 10, place *= 10) low += std::max(a % 10, b % 10) * place;
        return {low, 0};
    }
};

/// The column table of the rule above: the seed's 200 units with other entries.
struct maximum_weights {
    constexpr auto operator()() const {
        auto const& L = ctformer::seed_layout;
        namespace reg = ctformer::reg;
        auto table = ctformer::column_table<std::remove_cvref_t<decltype(L)>>(
            L[reg::left], L[reg::right], L[reg::carry], L[reg::out], &digitwise_maximum::column, "digitwise_max",
            "max({x}, {y})", "One unit per pair of digits and carry in fires; it writes the larger digit into out.");
        return ctformer::column_network<digitwise_maximum>(table, "find_and_store('^' -> left_pos)");
    }
};

static_assert(ctformer::program<digitwise_maximum>);
template <std::size_t D>
using maximum = ctformer::model<digitwise_maximum, D>;

static_assert(ctformer::run<maximum<4>>("0457^0168=").answer() == "86400\n");
static_assert(ctformer::answers_correctly<maximum<4>>(1234, 4321));
static_assert(ctformer::proven_for_all_inputs<maximum_weights, 2>);
