// Mixed additions: no carry, scattered carries, asymmetric operands.
// This unit holds only static_asserts: if it compiles, the network adds each pair correctly.
// Each proof sits in its own function so that the compiler frees its memory between them.
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;

void proof_1234_4321() { constexpr bool ok = ctformer::adds_correctly<A>(1234, 4321); static_assert(ok, "1234+4321= must give the five digits of the sum, reversed, then the end token"); }
void proof_5678_8765() { constexpr bool ok = ctformer::adds_correctly<A>(5678, 8765); static_assert(ok, "5678+8765= must give the five digits of the sum, reversed, then the end token"); }
void proof_2468_1357() { constexpr bool ok = ctformer::adds_correctly<A>(2468, 1357); static_assert(ok, "2468+1357= must give the five digits of the sum, reversed, then the end token"); }
void proof_1357_2468() { constexpr bool ok = ctformer::adds_correctly<A>(1357, 2468); static_assert(ok, "1357+2468= must give the five digits of the sum, reversed, then the end token"); }
void proof_4096_1024() { constexpr bool ok = ctformer::adds_correctly<A>(4096, 1024); static_assert(ok, "4096+1024= must give the five digits of the sum, reversed, then the end token"); }
void proof_0007_8000() { constexpr bool ok = ctformer::adds_correctly<A>(7, 8000); static_assert(ok, "0007+8000= must give the five digits of the sum, reversed, then the end token"); }
void proof_8000_0007() { constexpr bool ok = ctformer::adds_correctly<A>(8000, 7); static_assert(ok, "8000+0007= must give the five digits of the sum, reversed, then the end token"); }
void proof_6174_3825() { constexpr bool ok = ctformer::adds_correctly<A>(6174, 3825); static_assert(ok, "6174+3825= must give the five digits of the sum, reversed, then the end token"); }
void proof_2718_3141() { constexpr bool ok = ctformer::adds_correctly<A>(2718, 3141); static_assert(ok, "2718+3141= must give the five digits of the sum, reversed, then the end token"); }
void proof_9090_0909() { constexpr bool ok = ctformer::adds_correctly<A>(9090, 909); static_assert(ok, "9090+0909= must give the five digits of the sum, reversed, then the end token"); }
void proof_1009_9001() { constexpr bool ok = ctformer::adds_correctly<A>(1009, 9001); static_assert(ok, "1009+9001= must give the five digits of the sum, reversed, then the end token"); }
