// Every 1-digit addition, 0+0= to 9+9=: all 100, each answer two digits and the end token.
// One constant evaluation generates them all as ctformer::add does (proof/exhaustive.hpp). It needs a larger constant-evaluation budget than the
// compilers' default (tests/proofs/CMakeLists.txt).
#include <ctformer/ctformer.hpp>

constexpr auto every_1_digit = ctformer::check_range<ctformer::adder<1>>(0, 10);
static_assert(every_1_digit.checked == 100);
static_assert(ctformer::proven<every_1_digit>, "all 100 one-digit additions must be right");
