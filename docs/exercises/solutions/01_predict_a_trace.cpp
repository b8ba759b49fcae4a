// Exercise 1, solved (docs/exercises.md): the starting file is docs/exercises/01_predict_a_trace.cpp.
//
// The prompt 0457+0168= asks for 0457 + 0168 = 0625. Row 9 holds '=': generation's first pass runs
// on it and predicts the answer's first digit. Before you look at any output, predict what row 9
// holds after these steps of its pass (steps count the layers a row runs through: 1-4 the
// prologue, 5-12 the first body pass, 13-20 the second, ...):
//   step 7  read_relative(left_pos → left):   the digit in `left`
//   step 8  read_relative(right_pos → right): the digit in `right`
//   step 9  add_with_carry:                   the digit in `out`, and the number in `carry`
//   step 17 add_with_carry, second pass:      the digit in `out`, and the number in `carry`
// Replace each -1 below, then check:
//   cmake --build build --target exercise_01
// A wrong prediction stops the build at the static_assert that names it. When they all pass, look
// at `./build/tools/ctformer trace 0457+0168= --tokens 1` and find each value in its table.
#include <ctformer/runtime/inspect.hpp>
#include <ctformer/model/addition.hpp>

using adder = ctformer::adder<4>;
constexpr std::string_view prompt = "0457+0168=";

constexpr int left_after_step_7 = 7;   // the left cursor starts on the last digit of 0457, row 3
constexpr int right_after_step_8 = 8;  // the right cursor on the last digit of 0168, row 8
constexpr int out_after_step_9 = 5;    // 7 + 8 = 15: the digit 5
constexpr int carry_after_step_9 = 1;  // ... and the carry 1
constexpr int out_after_step_17 = 2;   // 5 + 6 + carry 1 = 12: the digit 2
constexpr int carry_after_step_17 = 1; // ... and the carry stays 1

static_assert(ctformer::row_after<adder>(prompt, 9, 7).digit("left") == left_after_step_7,
              "your prediction of left after step 7 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 8).digit("right") == right_after_step_8,
              "your prediction of right after step 8 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 9).digit("out") == out_after_step_9,
              "your prediction of out after step 9 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 9).number("carry") == carry_after_step_9,
              "your prediction of carry after step 9 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 17).digit("out") == out_after_step_17,
              "your prediction of out after step 17 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 17).number("carry") == carry_after_step_17,
              "your prediction of carry after step 17 is not what the network computes");
