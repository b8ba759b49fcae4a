// Must not compile with CTFORMER_BREAK: the bounds analysis (proof/bounds.hpp) is asked whether the
// 1-digit adder fits a fixed-point format with 18 integer bits. It does not: the relative read's
// keys reach 2^18 (K·sin and K·cos of a position, K = 2^18), so the build stops at that layer —
// read_relative(left_pos → left), index 6 in program order. With 19 integer bits (the intact twin)
// everything fits: the bound is tight to the bit.
// expect: value_exceeds_format<6(ul|UL)?, 18, false>
#include <ctformer/ctformer.hpp>

#ifdef CTFORMER_BREAK
inline constexpr int integer_bits = 18;
#else
inline constexpr int integer_bits = 19;
#endif

static_assert(ctformer::fits_format<ctformer::adder<1>, integer_bits>, "every value of the 1-digit adder must fit the format");
