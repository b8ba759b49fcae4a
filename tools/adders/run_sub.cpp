// tools/adders/run_sub.cpp — what `ctformer` runs for subtraction, every digit count in one
// instantiation (adders/ctformer_adder.hpp): a unit of its own, so that the programs build in parallel.
#include "adders/ctformer_adder.hpp"

namespace ctformer::tools {
adder_ops::entries const& subtraction_entries() { return program_entries<subtraction>(); }
}  // namespace ctformer::tools
