// Must not compile with CTFORMER_BREAK: one entry of the add-with-carry table is wrong. The unit
// for digits (3, 4) without carry writes 8 instead of 7, so 3+4= gives 80 instead of 70 (the sum
// 07, reversed) — one addition in a hundred. The exhaustive proof walks all hundred and stops the
// build at the first wrong one, naming it.
// expect: wrong_answer<3(ul|UL)?, 4(ul|UL)?, false>
#include "add_table.hpp"

using Net = ctformer::adder<1, must_fail::add_unit_writes_wrong_digit<2 * (3 * 10 + 4), 7, 8>>;

constexpr auto range = ctformer::check_range<Net>(0, 10);
static_assert(ctformer::proven<range>, "all 100 one-digit additions must be right");
