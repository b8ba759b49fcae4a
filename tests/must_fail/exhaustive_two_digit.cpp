// Must not compile with CTFORMER_BREAK: the add-with-carry unit for digits (9, 9) with a carry in
// writes 8 instead of 9. No 1-digit addition has a carry in; among 2-digit ones only those with
// both tens digits 9 and a carry out of the units go wrong — from first operand 91 on, 91+99 first.
// The twin proves the row of first operand 91 (all 100 second operands) as the 2-digit exhaustive
// proof does, and must stop at 91 + 99.
// expect: wrong_answer<91(ul|UL)?, 99(ul|UL)?, false>
#include "add_table.hpp"

using Net = ctformer::adder<2, must_fail::add_unit_writes_wrong_digit<2 * (9 * 10 + 9) + 1, 9, 8>>;

constexpr auto range = ctformer::check_range<Net>(91, 92);
static_assert(ctformer::proven<range>, "every 2-digit addition 91 + b must be right");
