// tools/adders/run_mul.cpp — what `ctformer` runs for multiplication, every digit count in one
// instantiation (adders/ctformer_adder.hpp): a unit of its own, so that the programs build in parallel.
#include "adders/ctformer_adder.hpp"

namespace ctformer::tools {
adder_ops::entries const& multiplication_entries() { return program_entries<multiplication>(); }
}  // namespace ctformer::tools
