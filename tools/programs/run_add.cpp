// tools/programs/run_add.cpp — what `ctformer` runs for addition, every digit count in one
// instantiation (programs/program_entries.hpp): a unit of its own, so that the programs build in parallel.
#include "programs/program_entries.hpp"

namespace ctformer::tools {
program_ops::entries const& addition_entries() { return program_entries<addition>(); }
}  // namespace ctformer::tools
