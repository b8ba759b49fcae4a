// Exercise 6: explain the carry-out of 9999+0001= (docs/exercises.md).
//
// 9999 + 0001 = 10000 has one digit more than its operands. The network answers with the four low
// digits, least significant first, then the carry out as a fifth digit, then '\n'. Predict, for
// row 9 (the '='; every row from '=' on runs the same addition by itself):
//   - the carry after each pass's add_with_carry: steps 9, 17, 25 and 33;
//   - the digit in `out` after step 37, carry_out (it writes the carry as a digit);
//   - which row predicts the carry-out digit (the '=' row predicts the first answer digit, and
//     each later answer row the next);
//   - the whole answer generation writes.
// Replace each -1 (and the empty answer), then check:
//   cmake --build build --target exercise_06
// To see it, step through  ./build/tools/ctformer explain 9999+0001= -o carry.html  (steps 9, 17,
// 25, 33 and 37), or read  ./build/tools/ctformer trace 9999+0001=.
// expect: your prediction of [a-z -]+ is not what the network computes
#include <ctformer/runtime/inspect.hpp>
#include <ctformer/model/addition.hpp>

using adder = ctformer::adder<4>;
constexpr std::string_view prompt = "9999+0001=";

constexpr int carry_after_pass_1 = -1;  // step 9
constexpr int carry_after_pass_2 = -1;  // step 17
constexpr int carry_after_pass_3 = -1;  // step 25
constexpr int carry_after_pass_4 = -1;  // step 33
constexpr int out_after_carry_out = -1;  // step 37
constexpr std::size_t row_predicting_the_carry_digit = 0;
constexpr std::string_view answer = "";

static_assert(ctformer::row_after<adder>(prompt, 9, 9).number("carry") == carry_after_pass_1,
              "your prediction of the carry after pass 1 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 17).number("carry") == carry_after_pass_2,
              "your prediction of the carry after pass 2 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 25).number("carry") == carry_after_pass_3,
              "your prediction of the carry after pass 3 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 33).number("carry") == carry_after_pass_4,
              "your prediction of the carry after pass 4 is not what the network computes");
static_assert(ctformer::row_after<adder>(prompt, 9, 37).digit("out") == out_after_carry_out,
              "your prediction of out after carry out is not what the network computes");
// the row whose pass writes the carry digit into `final`: its last layer leaves it there
static_assert(row_predicting_the_carry_digit >= 9 && row_predicting_the_carry_digit <= 14 &&
                  ctformer::row_after<adder>(prompt, row_predicting_the_carry_digit, 44).digit("final") == out_after_carry_out &&
                  ctformer::row_after<adder>(prompt, row_predicting_the_carry_digit, 36).digit("final") == -1,
              "your prediction of the row predicting the carry digit is not what the network computes");
static_assert(ctformer::run<adder>(prompt).answer() == answer, "your prediction of the answer is not what the network computes");
