// Every digit in every position of both operands (a = dddd, b = eeee).
// This unit holds only static_asserts: if it compiles, the network adds each pair correctly.
// Each proof sits in its own function so that the compiler frees its memory between them.
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;

void proof_0000_1111() { constexpr bool ok = ctformer::adds_correctly<A>(0, 1111); static_assert(ok, "0000+1111= must give the five digits of the sum, reversed, then the end token"); }
void proof_1111_2222() { constexpr bool ok = ctformer::adds_correctly<A>(1111, 2222); static_assert(ok, "1111+2222= must give the five digits of the sum, reversed, then the end token"); }
void proof_2222_3333() { constexpr bool ok = ctformer::adds_correctly<A>(2222, 3333); static_assert(ok, "2222+3333= must give the five digits of the sum, reversed, then the end token"); }
void proof_3333_4444() { constexpr bool ok = ctformer::adds_correctly<A>(3333, 4444); static_assert(ok, "3333+4444= must give the five digits of the sum, reversed, then the end token"); }
void proof_4444_5555() { constexpr bool ok = ctformer::adds_correctly<A>(4444, 5555); static_assert(ok, "4444+5555= must give the five digits of the sum, reversed, then the end token"); }
void proof_5555_6666() { constexpr bool ok = ctformer::adds_correctly<A>(5555, 6666); static_assert(ok, "5555+6666= must give the five digits of the sum, reversed, then the end token"); }
void proof_6666_7777() { constexpr bool ok = ctformer::adds_correctly<A>(6666, 7777); static_assert(ok, "6666+7777= must give the five digits of the sum, reversed, then the end token"); }
void proof_7777_8888() { constexpr bool ok = ctformer::adds_correctly<A>(7777, 8888); static_assert(ok, "7777+8888= must give the five digits of the sum, reversed, then the end token"); }
void proof_8888_9999() { constexpr bool ok = ctformer::adds_correctly<A>(8888, 9999); static_assert(ok, "8888+9999= must give the five digits of the sum, reversed, then the end token"); }
void proof_9999_0000() { constexpr bool ok = ctformer::adds_correctly<A>(9999, 0); static_assert(ok, "9999+0000= must give the five digits of the sum, reversed, then the end token"); }
