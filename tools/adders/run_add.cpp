// tools/adders/run_add.cpp — what `ctformer` runs for addition, every digit count in one
// instantiation (adders/ctformer_adder.hpp): a unit of its own, so that the programs build in parallel.
#include "adders/ctformer_adder.hpp"

namespace ctformer::tools {
adder_ops::entries const& addition_entries() { return program_entries<addition>(); }
}  // namespace ctformer::tools
