// tools/programs/run_mul.cpp — what `ctformer` runs for multiplication, every digit count in one
// instantiation (programs/program_entries.hpp): a unit of its own, so that the programs build in parallel.
#include "programs/program_entries.hpp"

namespace ctformer::tools {
program_ops::entries const& multiplication_entries() { return program_entries<multiplication>(); }
}  // namespace ctformer::tools
