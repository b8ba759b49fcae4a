// One carry at each position, and carries that stop or ripple.
// This unit holds only static_asserts: if it compiles, the network adds each pair correctly.
// Each proof sits in its own function so that the compiler frees its memory between them.
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;

void proof_0009_0001() { constexpr bool ok = ctformer::adds_correctly<A>(9, 1); static_assert(ok, "0009+0001= must give the five digits of the sum, reversed, then the end token"); }
void proof_0090_0010() { constexpr bool ok = ctformer::adds_correctly<A>(90, 10); static_assert(ok, "0090+0010= must give the five digits of the sum, reversed, then the end token"); }
void proof_0900_0100() { constexpr bool ok = ctformer::adds_correctly<A>(900, 100); static_assert(ok, "0900+0100= must give the five digits of the sum, reversed, then the end token"); }
void proof_9000_1000() { constexpr bool ok = ctformer::adds_correctly<A>(9000, 1000); static_assert(ok, "9000+1000= must give the five digits of the sum, reversed, then the end token"); }
void proof_0019_0001() { constexpr bool ok = ctformer::adds_correctly<A>(19, 1); static_assert(ok, "0019+0001= must give the five digits of the sum, reversed, then the end token"); }
void proof_4999_5001() { constexpr bool ok = ctformer::adds_correctly<A>(4999, 5001); static_assert(ok, "4999+5001= must give the five digits of the sum, reversed, then the end token"); }
void proof_1111_8889() { constexpr bool ok = ctformer::adds_correctly<A>(1111, 8889); static_assert(ok, "1111+8889= must give the five digits of the sum, reversed, then the end token"); }
void proof_3333_6667() { constexpr bool ok = ctformer::adds_correctly<A>(3333, 6667); static_assert(ok, "3333+6667= must give the five digits of the sum, reversed, then the end token"); }
void proof_0123_0877() { constexpr bool ok = ctformer::adds_correctly<A>(123, 877); static_assert(ok, "0123+0877= must give the five digits of the sum, reversed, then the end token"); }
void proof_8642_1358() { constexpr bool ok = ctformer::adds_correctly<A>(8642, 1358); static_assert(ok, "8642+1358= must give the five digits of the sum, reversed, then the end token"); }
