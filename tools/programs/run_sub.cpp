// tools/programs/run_sub.cpp — what `ctformer` runs for subtraction, every digit count in one
// instantiation (programs/program_entries.hpp): a unit of its own, so that the programs build in parallel.
#include "programs/program_entries.hpp"

namespace ctformer::tools {
program_ops::entries const& subtraction_entries() { return program_entries<subtraction>(); }
}  // namespace ctformer::tools
