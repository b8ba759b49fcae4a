// The seed's demo, full carry chains, zeros, and the carry out of the top digit.
// This unit holds only static_asserts: if it compiles, the network adds each pair correctly.
// Each proof sits in its own function so that the compiler frees its memory between them.
#include <ctformer/ctformer.hpp>

using A = ctformer::adder<4>;

// The seed notebook's own example, as text: 999 + 111 = 1110, generated reversed as 01110 and the
// end token (the seed stops after 0111).
void seed_demo() {
    constexpr auto g = ctformer::add<A>("0999+0111=");
    static_assert(g.view() == "0999+0111=01110\n", "the seed's demo must generate 01110 and the end token");
}

void proof_9999_0001() { constexpr bool ok = ctformer::adds_correctly<A>(9999, 1); static_assert(ok, "9999+0001= must give the five digits of the sum, reversed, then the end token"); }
void proof_0001_9999() { constexpr bool ok = ctformer::adds_correctly<A>(1, 9999); static_assert(ok, "0001+9999= must give the five digits of the sum, reversed, then the end token"); }
void proof_9999_9999() { constexpr bool ok = ctformer::adds_correctly<A>(9999, 9999); static_assert(ok, "9999+9999= must give the five digits of the sum, reversed, then the end token"); }
void proof_0000_0000() { constexpr bool ok = ctformer::adds_correctly<A>(0, 0); static_assert(ok, "0000+0000= must give the five digits of the sum, reversed, then the end token"); }
void proof_0000_9999() { constexpr bool ok = ctformer::adds_correctly<A>(0, 9999); static_assert(ok, "0000+9999= must give the five digits of the sum, reversed, then the end token"); }
void proof_9999_0000() { constexpr bool ok = ctformer::adds_correctly<A>(9999, 0); static_assert(ok, "9999+0000= must give the five digits of the sum, reversed, then the end token"); }
void proof_5000_5000() { constexpr bool ok = ctformer::adds_correctly<A>(5000, 5000); static_assert(ok, "5000+5000= must give the five digits of the sum, reversed, then the end token"); }
void proof_0005_0005() { constexpr bool ok = ctformer::adds_correctly<A>(5, 5); static_assert(ok, "0005+0005= must give the five digits of the sum, reversed, then the end token"); }
void proof_0050_0050() { constexpr bool ok = ctformer::adds_correctly<A>(50, 50); static_assert(ok, "0050+0050= must give the five digits of the sum, reversed, then the end token"); }
void proof_0500_0500() { constexpr bool ok = ctformer::adds_correctly<A>(500, 500); static_assert(ok, "0500+0500= must give the five digits of the sum, reversed, then the end token"); }
